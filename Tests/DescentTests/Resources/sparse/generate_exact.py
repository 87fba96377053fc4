"""Writes exact.json, the references of Descent's sparse exact solver tests (they need no Python):
a small sparse design of one-hot and numeric columns (300 rows: a factor of 8 levels and one of
5, each coded without its first level, and two numeric columns, one of them `year` with a mean
of 2000 and a spread of 3, whose Gram matrix loses 5-6 digits when centred after the product),
its CSR arrays, sample weights, and statsmodels' OLS and WLS on the dense version: params,
standard errors (nonrobust, HC0-HC3), R², adjusted R², F and its p-value, log-likelihood, AIC,
BIC, condition number, and the residual tests (Omnibus, Jarque-Bera, skew, kurtosis,
Durbin-Watson). Also scipy's lsqr on train.svm (the generate.py data) with the intercept fitted as
Descent's LeastSquares.lsqr fits it (the design centred implicitly, y centred, bias = mean(y) - mu^T w),
for several settings, as generate.py does for lsmr.

Run: /tmp/venv/bin/python generate_exact.py (numpy, scipy, statsmodels; deterministic)."""
import json, os
import numpy as np
import scipy.sparse as sp
import statsmodels
import statsmodels.api as sm
from statsmodels.stats.stattools import jarque_bera, omni_normtest, durbin_watson

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(21)
n = 300
a = rng.integers(0, 8, size=n)
b = rng.integers(0, 5, size=n)
year = 2000 + rng.integers(-3, 4, size=n).astype(float)
dose = np.round(rng.gamma(2.0, 1.5, size=n), 3)
columns = []
for level in range(1, 8): columns.append((a == level).astype(float))
for level in range(1, 5): columns.append((b == level).astype(float))
columns.append(year)
columns.append(np.where(rng.random(n) < 0.4, 0.0, dose))   # a numeric column with zeros
X = np.column_stack(columns)
beta = rng.normal(size=X.shape[1])
y = np.round(3 + X @ beta - 0.5 * (year - 2000) + rng.normal(scale=0.7 + 0.3 * (a % 3), size=n), 6)
weights = np.round(rng.uniform(0.2, 3.0, size=n), 4)
S = sp.csr_matrix(X)
S.sort_indices()

def report(fit, exog):
    out = {"params": fit.params.tolist(), "bse": fit.bse.tolist(), "rsquared": fit.rsquared,
           "rsquared_adj": fit.rsquared_adj, "fvalue": fit.fvalue, "f_pvalue": fit.f_pvalue, "llf": fit.llf,
           "aic": fit.aic, "bic": fit.bic, "condition_number": fit.condition_number, "pvalues": fit.pvalues.tolist()}
    resid = fit.wresid
    out["omnibus"] = list(map(float, omni_normtest(resid)))
    jb, jbp, skew, kurt = jarque_bera(resid)
    out["jarque_bera"] = [float(jb), float(jbp)]
    out["skew"], out["kurtosis"] = float(skew), float(kurt)
    out["durbin_watson"] = float(durbin_watson(resid))
    for hc in ["HC0", "HC1", "HC2", "HC3"]:
        out["bse_" + hc] = fit.get_robustcov_results(cov_type=hc).bse.tolist()
    return out

exog = sm.add_constant(X)
reference = {
    "versions": {"numpy": np.__version__, "statsmodels": statsmodels.__version__},
    "rows": n, "columns": X.shape[1],
    "indptr": S.indptr.tolist(), "indices": S.indices.tolist(), "values": S.data.tolist(),
    "targets": y.tolist(), "weights": weights.tolist(),
    "ols": report(sm.OLS(y, exog).fit(), exog),
    "wls": report(sm.WLS(y, exog, weights=weights).fit(), exog),
    "ridge": None,
}
# Ridge with Descent's convention, min MSE + lam |w|^2 (bias free), solved exactly on the centred data.
lam = 0.05
Xc, yc = X - X.mean(axis=0), y - y.mean()
w = np.linalg.solve(Xc.T @ Xc + n * lam * np.eye(X.shape[1]), Xc.T @ yc)
reference["ridge"] = {"lambda": lam, "weights": w.tolist(), "bias": float(y.mean() - X.mean(axis=0) @ w)}
from scipy.sparse.linalg import lsqr, LinearOperator
from sklearn.datasets import load_svmlight_file
import scipy
Xs, ys = load_svmlight_file(os.path.join(HERE, "train.svm"), zero_based="auto")
Xs = Xs.tocsr()
def run_lsqr(intercept, damp, tol, iter_lim=None):
    if intercept:
        mu = np.asarray(Xs.mean(axis=0)).ravel()
        op = LinearOperator(Xs.shape, matvec=lambda v: Xs @ v - mu @ v, rmatvec=lambda u: Xs.T @ u - mu * u.sum(),
                            dtype=np.float64)
        b = ys - ys.mean()
    else:
        op, b, mu = Xs, ys, np.zeros(Xs.shape[1])
    x, istop, itn, r1norm, r2norm, anorm, acond, arnorm, xnorm, var = lsqr(op, b, damp=damp, atol=tol, btol=tol,
                                                                          conlim=1e8, iter_lim=iter_lim)
    bias = float(ys.mean() - mu @ x) if intercept else 0.0
    return {"intercept": intercept, "damp": damp, "tolerance": tol, "iter_lim": iter_lim, "weights": x.tolist(),
            "bias": bias, "istop": int(istop), "itn": int(itn), "r2norm": float(r2norm), "arnorm": float(arnorm),
            "anorm": float(anorm), "acond": float(acond), "xnorm": float(xnorm)}
reference["versions"]["scipy"] = scipy.__version__
reference["lsqr"] = [run_lsqr(True, 0.0, 1e-10, 2000), run_lsqr(False, 0.0, 1e-10, 2000), run_lsqr(True, 2.0, 1e-10, 2000),
                     run_lsqr(True, 0.0, 1e-3)]
with open(os.path.join(HERE, "exact.json"), "w") as f:
    json.dump(reference, f, indent=1)
print("wrote exact.json:", X.shape, "nnz", S.nnz)
