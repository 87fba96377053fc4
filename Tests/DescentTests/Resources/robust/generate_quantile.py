"""Writes quantile.json: references for QuantileRegression's summaries and weighted fits that
reference.json lacks (the Swift tests need no Python or R).

1. "kernel": per data set and tau, statsmodels QuantReg's default standard errors (vcov='robust',
   Epanechnikov kernel, Hall-Sheather bandwidth; statsmodels' own kernels["epa"], hall_sheather and
   scipy's scoreatpercentile) evaluated at the exact vertex of reference.json with the residuals of
   the interpolated rows exactly 0 (so they take statsmodels' e <= 0 weight ((1 - q)/f)^2). A row
   counts as interpolated when |y - yhat| <= 1e-9 (|y| + sum |a_j b_j|) in float64 (the vertex's
   residuals there are ~1e-14 relative; the next smallest are ~1e-4 or more). reference.json's
   "kernel_se_at_exact" converts the 60-digit residuals to float64, which leaves those rows at
   +-1e-60 or so, on either side by rounding: at tau != 0.5 its values depend on those signs.
2. "weighted": quantreg::rq(y ~ X, tau, weights = w, method = "br") on stackloss and diabetes for
   three weight sets (generate_quantile.R): coefficients, R's rho (which rq computes from the
   unweighted residuals: sum rho_tau(y_i - yhat_i), not the objective it minimised), the weighted
   objective sum w_i rho_tau(y_i - yhat_i) at R's coefficients (float64), R's
   nonunique warning, summary(se = "nid") standard errors; and the statsmodels kernel formula
   at R's br fit on the rows scaled by w (R's convention for weighted summaries: x, y and the
   residuals multiplied by w; statsmodels has no weights).

Run: python3 generate_quantile.py   (numpy, scipy, statsmodels, and generate.py's imports: scikit-learn,
mpmath; Rscript with quantreg; deterministic)."""
import json, os
import numpy as np
import scipy, statsmodels
from types import SimpleNamespace
from generate import load, run_r, quantreg_kernel_se  # data sets, R's output, statsmodels' formula

HERE = os.path.dirname(os.path.abspath(__file__))
TAUS = [0.1, 0.5, 0.9]


def weight_sets(n):
    i = np.arange(n)
    integer = 1.0 + (i % 3)
    return {"integer": integer, "fractional": 0.25 + ((7 * i) % 11) / 8.0,
            "with_zeros": np.where(i % 5 == 2, 0.0, integer)}


def kernel_se(A, y, beta, q):
    """statsmodels' robust kernel covariance at beta (generate.py's quantreg_kernel_se), the
    interpolated rows' residuals set to exactly 0."""
    r = A @ beta - y
    size = np.abs(y) + np.abs(A * beta[None, :]).sum(axis=1)
    r[np.abs(r) <= 1e-9 * size] = 0.0
    se, h, sparsity = quantreg_kernel_se(SimpleNamespace(y=y, A=A, n=len(y)), r, q)
    return [float(v) for v in se], h, sparsity, int((r == 0).sum())


def rho(u, tau):
    return u * (tau - (u < 0))


def main():
    reference = json.load(open(os.path.join(HERE, "reference.json")))
    out = {"about": __doc__.split("\n\n")[0], "kernel": {}, "weighted": {}}
    for name, ds in reference["datasets"].items():
        x, y = load(name)
        A = np.column_stack([np.ones(len(y)), x])
        out["kernel"][name] = {}
        for tau in TAUS:
            case = [c for c in ds["cases"] if c["loss"] == "quantile" and c["tau"] == tau][0]
            beta = np.array([case["intercept"]] + case["weights"])
            se, h, sparsity, zeros = kernel_se(A, y, beta, tau)
            out["kernel"][name][str(tau)] = {"se": se, "bandwidth": h, "sparsity": sparsity, "zero_residuals": zeros}
    R = run_r("generate_quantile.R")
    for name in ["stackloss", "diabetes"]:
        x, y = load(name)
        A = np.column_stack([np.ones(len(y)), x])
        out["weighted"][name] = {}
        for wname, w in weight_sets(len(y)).items():
            out["weighted"][name][wname] = {}
            for tau in TAUS:
                key = f"{name}/{wname}/{tau}"
                coef = np.array(R[key + "/coef"])
                se, h, sparsity, zeros = kernel_se(A * w[:, None], y * w, coef, tau)
                out["weighted"][name][wname][str(tau)] = {
                    "coefficients": [float(v) for v in coef], "rho": R[key + "/rho"][0],
                    "weighted_objective": float(np.sum(w * rho(y - A @ coef, tau))),
                    "nonunique_warning": bool(R[key + "/nonunique"][0]), "nid_se": R[key + "/nid"],
                    "kernel_se": se, "kernel_bandwidth": h, "kernel_sparsity": sparsity}
    out["versions"] = {"numpy": np.__version__, "scipy": scipy.__version__, "statsmodels": statsmodels.__version__,
                       "R": R["versions/R"], "quantreg": R["versions/quantreg"]}
    def finite(o):  # NaN (no interquartile range: statsmodels' bandwidth is NaN) -> null
        if isinstance(o, float):
            return o if np.isfinite(o) else None
        if isinstance(o, dict):
            return {k: finite(v) for k, v in o.items()}
        if isinstance(o, list):
            return [finite(v) for v in o]
        return o
    with open(os.path.join(HERE, "quantile.json"), "w") as fh:
        json.dump(finite(out), fh, indent=1, sort_keys=True, allow_nan=False)
        fh.write("\n")


if __name__ == "__main__":
    main()
