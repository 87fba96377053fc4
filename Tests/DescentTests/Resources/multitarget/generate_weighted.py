"""Reference numbers for the weighted multi-target solver tests, written to linnerud-weighted.json:
scikit-learn's linnerud data set (20 rows; features Chins, Situps, Jumps; targets Weight, Waist,
Pulse, all three at once) with sample weights, and
- LinearRegression().fit(X, Y, sample_weight=w): `coef` (k × d, scikit-learn's `coef_`), `intercept`;
- LinearRegression(fit_intercept=False) likewise: `coefNoIntercept`;
- Ridge(alpha, solver="cholesky").fit(X, Y, sample_weight=w): `ridgeCoef`, `ridgeIntercept`.
  scikit-learn's Ridge minimises Σwᵢrᵢ² + alpha‖w‖²; Descent's weighted ridge λ minimises
  Σwᵢrᵢ²/Σwᵢ + λ‖w‖², the same problem for λ = alpha/Σwᵢ (stored as `ridgeLambda`);
- the exact weighted least-squares coefficients (`exactCoef`, `exactIntercept`): the weighted
  normal equations of [1 X] in rational arithmetic on the integer data and weights, then rounded,
  and likewise of X alone (`exactCoefNoIntercept`);
- statsmodels' WLS of each target on [1 X] (`wls`: params, bse, tvalues, pvalues, rsquared,
  fvalue), the numbers the per-target weighted summaries must reproduce. (Not its log-likelihood:
  with a zero weight statsmodels adds ½·ln 0 and reports −∞, where Descent sums over w > 0.)
The weights are small integers and halves, with one zero (row 3 then counts for nothing).
Run once with numpy, scikit-learn and statsmodels installed; the tests need no Python.
"""
import json
from fractions import Fraction
import numpy as np, sklearn, statsmodels
import statsmodels.api as sm
from sklearn.datasets import load_linnerud
from sklearn.linear_model import LinearRegression, Ridge

d = load_linnerud()
x, y = np.asarray(d.data, dtype=float), np.asarray(d.target, dtype=float)
n = len(y)
w = np.array([1 + (i * 7) % 4 + (0.5 if i % 3 == 0 else 0) for i in range(n)], dtype=float)
w[3] = 0.0
alpha = 40.0
ridge_lambda = alpha / w.sum()

fit = LinearRegression().fit(x, y, sample_weight=w)
origin = LinearRegression(fit_intercept=False).fit(x, y, sample_weight=w)
ridge = Ridge(alpha=alpha, solver="cholesky", tol=1e-12).fit(x, y, sample_weight=w)

def exact(x, y, w, intercept=True):
    """[b, w…] per target ([w…] without intercept): the weighted normal equations of [1 X] (or X),
    rationally, Gauss–Jordan."""
    a = [([Fraction(1)] if intercept else []) + [Fraction(v) for v in row] for row in x.tolist()]
    ws = [Fraction(v) for v in w.tolist()]
    m = len(a[0])
    gram = [[sum(wi * r[p] * r[q] for wi, r in zip(ws, a)) for q in range(m)] for p in range(m)]
    solutions = []
    for t in range(y.shape[1]):
        rhs = [sum(wi * r[p] * Fraction(v) for wi, r, v in zip(ws, a, y[:, t].tolist())) for p in range(m)]
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

exact_solution = exact(x, y, w)
exact_origin = exact(x, y, w, intercept=False)
# The Ridge conversion, checked: the weighted, penalised normal equations with λ = alpha/Σw.
xc = x - np.average(x, axis=0, weights=w)
yc = y - np.average(y, axis=0, weights=w)
check = np.linalg.solve(xc.T @ (w[:, None] * xc) + alpha * np.eye(3), xc.T @ (w[:, None] * yc))
assert np.allclose(check.T, ridge.coef_, rtol=1e-10), "scikit-learn's Ridge is not Σwr² + alpha‖w‖²"

wls = []
for t in range(y.shape[1]):
    r = sm.WLS(y[:, t], sm.add_constant(x), weights=w).fit()
    wls.append({"params": r.params.tolist(), "bse": r.bse.tolist(), "tvalues": r.tvalues.tolist(),
                "pvalues": r.pvalues.tolist(), "rsquared": r.rsquared, "fvalue": r.fvalue})

json.dump({
    "sklearn": sklearn.__version__, "statsmodels": statsmodels.__version__,
    "featureNames": list(d.feature_names), "targetNames": list(d.target_names),
    "x": x.tolist(), "y": y.tolist(), "weights": w.tolist(),
    "coef": fit.coef_.tolist(), "intercept": fit.intercept_.tolist(),
    "exactCoef": [s[1:] for s in exact_solution], "exactIntercept": [s[0] for s in exact_solution],
    "coefNoIntercept": origin.coef_.tolist(), "exactCoefNoIntercept": exact_origin,
    "ridgeAlpha": alpha, "ridgeLambda": ridge_lambda,
    "ridgeCoef": ridge.coef_.tolist(), "ridgeIntercept": ridge.intercept_.tolist(),
    "wls": wls,
}, open("linnerud-weighted.json", "w"), indent=1)
print("linnerud weighted:", x.shape, y.shape, "Σw =", w.sum(), "λ =", ridge_lambda,
      "sklearn", sklearn.__version__, "statsmodels", statsmodels.__version__)
