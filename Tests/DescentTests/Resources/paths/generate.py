"""Writes the references of the elastic-net path, ridge and cross-validation tests:

  glmnet.json   R glmnet 4.1 (gaussian), through generate.R: per data set and alpha in
                {1, 0.5, 0.1}, the default path (glmnet's own lambda sequence, standardize = TRUE)
                and a path at given lambdas with sample weights (standardize = FALSE),
                thresh = 1e-14 throughout.
  cv-glmnet.json  cv.glmnet (alpha 0.5, 5 given folds: row i in fold i mod 5, the default path's
                lambdas): cvm, cvsd, lambda.min, lambda.1se on diabetes, stackloss and fair.
  sklearn.json  scikit-learn's enet_path (l1_ratio 1 and 0.5, 30 alphas, tol 1e-14) on X and y
                centred by their means (enet_path fits no intercept), with "converged" false where
                scikit-learn warned that it did not reach its tolerance (the tests skip those); and RidgeCV
                (fit_intercept=True, store_cv_results=True, gcv_mode 'svd') over 13 alphas: its
                leave-one-out squared errors averaged per alpha, its chosen alpha; with the GCV
                score n*RSS/(n - tr H)^2 (tr H counts the intercept: 1 + sum s^2/(s^2 + alpha))
                from the SVD of the centred X, in float64.

glmnet's own answers are accurate to its stopping rule (a coefficient change below thresh in its
standardised units), which measured 5 to 6 digits on some sets; so each glmnet solution is also
polished to the exact optimum of the same objective: on glmnet's support with its signs, the
stationarity conditions (G_SS + l2 I) b_S = c_S - l1 sign_S of the standardised problem (weighted
means, population deviations, weights summing to 1) are solved in float64, and the KKT conditions
off the support checked ("polishedExact" false where a sign flips or a zero violates them). Stored
beside glmnet's as "polished" and "polishedIntercepts".

Data: ../realdata. Weights: numpy RandomState(23).uniform(0.5, 2, n) per data set.
Run: python3 generate.py   (needs numpy, scikit-learn and Rscript with glmnet and jsonlite)."""
import json, os, subprocess, tempfile, warnings
import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import enet_path, RidgeCV

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "realdata")
NAMES = ["ccard", "copper", "cpunish", "diabetes", "fair", "linnerud", "longley", "stackloss", "star98"]


def load(name):
    x = np.load(os.path.join(DATA, f"{name}_X.npy")).astype(np.float64)
    y = np.load(os.path.join(DATA, f"{name}_y.npy")).astype(np.float64)
    w = np.random.RandomState(23).uniform(0.5, 2, len(y))
    return x, y, w


def polish(x, y, w, case):
    """glmnet's solutions polished to the exact optimum on their supports (see the docstring)."""
    w = np.ones(len(y)) if w is None else w / w.sum()
    w = w / w.sum()
    mu = w @ x
    ym = w @ y
    xc, yc = x - mu, y - ym
    s = np.sqrt(w @ xc**2) if case["standardize"] else np.ones(x.shape[1])
    sy = np.sqrt(w @ yc**2)
    z, t = xc / s, yc / sy
    g = z.T @ (w[:, None] * z)
    c = z.T @ (w * t)
    a = case["alpha"]
    polished, intercepts, exact = [], [], True
    for lam, beta in zip(case["lambdas"], case["coefficients"]):
        lt = lam / sy
        l1, l2 = lt * a, lt * (1 - a)
        b = np.array(beta) * s / sy
        support = np.nonzero(b)[0]
        new = np.zeros_like(b)
        if len(support):
            sign = np.sign(b[support])
            new[support] = np.linalg.solve(g[np.ix_(support, support)] + l2 * np.eye(len(support)), c[support] - l1 * sign)
            exact &= bool(np.all(np.sign(new[support]) == sign))
        q = c - g @ new
        off = np.setdiff1d(np.arange(len(b)), support)
        exact &= bool(np.all(np.abs(q[off]) <= l1 * (1 + 1e-9)))
        raw = sy * new / s
        polished.append(raw.tolist())
        intercepts.append(float(ym - mu @ raw))
    case["polished"], case["polishedIntercepts"], case["polishedExact"] = polished, intercepts, exact


def sklearn_refs():
    out = {}
    for name in NAMES:
        x, y, _ = load(name)
        n = len(y)
        xc, yc = x - x.mean(0), y - y.mean()
        paths = []
        for ratio in (1.0, 0.5):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", ConvergenceWarning)
                alphas, coefs, _ = enet_path(xc, yc, l1_ratio=ratio, alphas=30, eps=1e-3, tol=1e-14, max_iter=1_000_000)
            converged = not any(issubclass(c.category, ConvergenceWarning) for c in caught)
            paths.append({"l1Ratio": ratio, "alphas": alphas.tolist(), "coefficients": coefs.T.tolist(),
                          "converged": converged})
        # RidgeCV's alphas around the scale of the data: tr(XcᵀXc)/d times 10^k.
        scale = float(np.trace(xc.T @ xc)) / x.shape[1]
        alphas = (scale * 10.0 ** np.arange(-6, 0.5, 0.5)).tolist()
        ridge = RidgeCV(alphas=alphas, fit_intercept=True, store_cv_results=True, gcv_mode="svd").fit(x, y)
        loo = ridge.cv_results_.mean(axis=0).tolist()
        u, s, vt = np.linalg.svd(xc, full_matrices=False)
        uty = u.T @ yc
        gcv = []
        for a in alphas:
            f = s**2 / (s**2 + a)
            rss = float(yc @ yc - np.sum((2 * f - f**2) * uty**2))
            trace = 1 + float(np.sum(f))
            gcv.append(n * rss / (n - trace) ** 2)
        out[name] = {"paths": paths, "ridge": {"alphas": alphas, "leaveOneOut": loo, "chosenAlpha": float(ridge.alpha_),
                                              "gcv": gcv, "gcvChosenAlpha": alphas[int(np.argmin(gcv))],
                                              "coefficients": ridge.coef_.tolist(), "intercept": float(ridge.intercept_)}}
    return out


def main():
    with tempfile.TemporaryDirectory() as tmp:
        for name in NAMES:
            x, y, w = load(name)
            np.savetxt(os.path.join(tmp, f"{name}_X.csv"), x, delimiter=",", fmt="%.17g")
            np.savetxt(os.path.join(tmp, f"{name}_y.csv"), y, fmt="%.17g")
            np.savetxt(os.path.join(tmp, f"{name}_w.csv"), w, fmt="%.17g")
        with open(os.path.join(tmp, "names.txt"), "w") as f:
            f.write("\n".join(NAMES) + "\n")
        subprocess.run(["Rscript", os.path.join(HERE, "generate.R"), tmp, os.path.join(HERE, "glmnet.json"),
                        os.path.join(HERE, "cv-glmnet.json")], check=True)
    with open(os.path.join(HERE, "glmnet.json")) as f:
        glmnet = json.load(f)
    for name in NAMES:
        x, y, w = load(name)
        for case in glmnet[name]:
            polish(x, y, w if case["weighted"] else None, case)
    with open(os.path.join(HERE, "glmnet.json"), "w") as f:
        json.dump(glmnet, f)
    refs = sklearn_refs()
    refs["version"] = sklearn.__version__
    with open(os.path.join(HERE, "sklearn.json"), "w") as f:
        json.dump(refs, f)
    with open(os.path.join(HERE, "weights.json"), "w") as f:
        json.dump({name: load(name)[2].tolist() for name in NAMES}, f)


if __name__ == "__main__":
    main()
