"""Reference numbers from scikit-learn for the multi-target solver tests: the linnerud data set
(20 rows; 3 exercise features: Chins, Situps, Jumps; 3 physiological targets: Weight, Waist, Pulse)
and LinearRegression's coefficients on it, written to linnerud.json. Run once; the tests need no Python.

`coef` is scikit-learn's `coef_`, one row per target (k × d); `intercept` has one entry per target.
Also: LinearRegression(fit_intercept=False) and Ridge(alpha=n·λ) with λ = 0.5 (Descent's ridge λ
penalises MSE + λ‖w‖², scikit-learn's alpha the sum of squares + alpha‖w‖²), and the exact
least-squares coefficients (`exactCoef`, `exactIntercept`: the normal equations solved in rational
arithmetic on the integer data, then rounded), which show how many digits scikit-learn's are good to."""
import json
from fractions import Fraction
import numpy as np, sklearn
from sklearn.datasets import load_linnerud
from sklearn.linear_model import LinearRegression, Ridge

d = load_linnerud()
x, y = np.asarray(d.data, dtype=float), np.asarray(d.target, dtype=float)
n = len(y)
fit = LinearRegression().fit(x, y)
origin = LinearRegression(fit_intercept=False).fit(x, y)
ridge_lambda = 0.5
ridge = Ridge(alpha=n * ridge_lambda, solver="cholesky", tol=1e-12).fit(x, y)

def exact(x, y):
    """[b, w…] per target: the normal equations of [1 X] in rational arithmetic, Gauss–Jordan."""
    a = [[Fraction(1)] + [Fraction(v) for v in row] for row in x.tolist()]
    m = len(a[0])
    gram = [[sum(r[p] * r[q] for r in a) for q in range(m)] for p in range(m)]
    solutions = []
    for t in range(y.shape[1]):
        rhs = [sum(r[p] * Fraction(v) for r, v in zip(a, y[:, t].tolist())) for p in range(m)]
        aug = [gram[p][:] + [rhs[p]] for p in range(m)]
        for c in range(m):
            pivot = next(r for r in range(c, m) if aug[r][c] != 0)
            aug[c], aug[pivot] = aug[pivot], aug[c]
            for r in range(m):
                if r != c and aug[r][c] != 0:
                    f = aug[r][c] / aug[c][c]
                    aug[r] = [u - f * v for u, v in zip(aug[r], aug[c])]
        solutions.append([float(aug[p][m] / aug[p][p]) for p in range(m)])
    return solutions

exact_solution = exact(x, y)
json.dump({
    "sklearn": sklearn.__version__,
    "featureNames": list(d.feature_names), "targetNames": list(d.target_names),
    "x": x.tolist(), "y": y.tolist(),
    "coef": fit.coef_.tolist(), "intercept": fit.intercept_.tolist(),
    "exactCoef": [s[1:] for s in exact_solution], "exactIntercept": [s[0] for s in exact_solution],
    "coefNoIntercept": origin.coef_.tolist(),
    "ridgeLambda": ridge_lambda, "ridgeCoef": ridge.coef_.tolist(), "ridgeIntercept": ridge.intercept_.tolist(),
}, open("linnerud.json", "w"), indent=1)
print("linnerud:", x.shape, y.shape, "sklearn", sklearn.__version__)
