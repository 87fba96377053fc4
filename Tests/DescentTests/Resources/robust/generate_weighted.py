"""Writes weighted.json: reference values for RobustRegression.fit with sample weights (which
statsmodels' RLM lacks), for the Swift tests (which need no Python).

Descent's convention: the weighted fit minimises sum_i v_i rho(r_i / s) with the MAD scale taken
as the weighted median of |r_i| (the mean of the smallest a with sum_{|r_i| <= a} v_i >= V/2 and
the smallest with > V/2, V = sum v_i) divided by Phi^-1(3/4), and the H1-H3 covariances with
every sum weighted by v_i and n replaced by V; so integer weights give the fit of the rows
repeated that many times.

"integer": weights v_i = 1 + (i % 3) on stackloss and diabetes_outliers. The reference is
statsmodels' RLM(HuberT(1.345)) itself on the repeated rows (tol=1e-15), iterated on to its exact
fixed point by the same IRLS steps in numpy, and its bcov_scaled at that point (RLMResults with
those params and scale), i.e. independent of the weighted formulas.
"fractional": weights v_i = 0.25 + ((7 i) % 10) / 8 (zero for i % 11 == 5) on the same sets: a
direct numpy implementation of the convention above (weighted median, weighted IRLS in
residual form from weighted least squares, the weighted H1-H3 formulas), iterated until the
coefficients and scale stop changing (relative change < 1e-15 or 500 iterations).

Run: python3 generate_weighted.py   (numpy, statsmodels)."""
import json, os
import numpy as np
import statsmodels.api as sm
from statsmodels.robust.robust_linear_model import RLMResults
from scipy.stats import norm as normal

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "realdata")
MAD_C = float(normal.ppf(0.75))
T = 1.345


def load(name):
    base = "diabetes" if name == "diabetes_outliers" else name
    x = np.load(os.path.join(DATA, f"{base}_X.npy")).astype(float)
    y = np.load(os.path.join(DATA, f"{base}_y.npy")).astype(float).reshape(-1).copy()
    if name == "diabetes_outliers":
        y[np.arange(len(y)) % 20 == 7] += 1540.0
    return x, y


def huber_w(z):
    a = np.abs(z)
    return np.where(a <= T, 1.0, T / np.maximum(a, 1e-300))


def psi(z):
    return np.clip(z, -T, T)


def dpsi(z):
    return (np.abs(z) <= T).astype(float)


def wmedian(a, v):
    order = np.argsort(a, kind="stable")
    a, v = a[order], v[order]
    c = np.cumsum(v)
    half = c[-1] / 2
    lo = a[np.argmax(c >= half)]
    hi = a[np.argmax(c > half)]
    return (lo + hi) / 2


def weighted_fit(A, y, v, tol=1e-15, maxit=500):
    sv = np.sqrt(v)
    beta = np.linalg.lstsq(A * sv[:, None], y * sv, rcond=None)[0]
    s = wmedian(np.abs(y - A @ beta), v) / MAD_C
    for it in range(maxit):
        r = y - A @ beta
        w = v * huber_w(r / s)
        sw = np.sqrt(w)
        step = np.linalg.lstsq(A * sw[:, None], r * sw, rcond=None)[0]
        beta = beta + step
        s_new = wmedian(np.abs(y - A @ beta), v) / MAD_C
        done = np.max(np.abs(step) / np.maximum(np.abs(beta), 1e-300)) < tol and abs(s_new - s) <= tol * s_new
        s = s_new
        if done:
            break
    return beta, s, it + 1


def weighted_bse(A, y, v, beta, s):
    z = (y - A @ beta) / s
    n, p = v.sum(), A.shape[1]
    m = np.sum(v * dpsi(z)) / n
    var = np.sum(v * dpsi(z) ** 2) / n - m * m
    k = 1 + p / n * var / m ** 2
    spread = np.sum(v * psi(z) ** 2) / (n - p) * s * s
    xtx = (A * v[:, None]).T @ A
    W = (A * (v * dpsi(z))[:, None]).T @ A
    Wi = np.linalg.inv(W)
    h1 = k * k * spread / (m * m) * np.linalg.inv(xtx)
    h2 = k * spread / m * Wi
    h3 = spread / k * Wi @ xtx @ Wi
    return {c: [float(t) for t in np.sqrt(np.diag(M))] for c, M in (("H1", h1), ("H2", h2), ("H3", h3))}


def main():
    out = {"about": __doc__.split("\n\n")[0], "t": T, "mad_constant": MAD_C, "datasets": {}}
    for name in ["stackloss", "diabetes_outliers"]:
        x, y = load(name)
        A = sm.add_constant(x)
        n = len(y)
        i = np.arange(n)
        ds = {}
        # integer weights: statsmodels on the repeated rows
        v = (1 + i % 3).astype(float)
        rep = np.repeat(i, v.astype(int))
        Ar, yr = A[rep], y[rep]
        tight = sm.RLM(yr, Ar, M=sm.robust.norms.HuberT(t=T)).fit(tol=1e-15, maxiter=1000)
        beta, s = np.array(tight.params), float(tight.scale)
        for it in range(500):
            r = yr - Ar @ beta
            w = huber_w(r / s)
            sw = np.sqrt(w)
            step = np.linalg.lstsq(Ar * sw[:, None], r * sw, rcond=None)[0]
            beta = beta + step
            s_new = float(np.median(np.abs(yr - Ar @ beta))) / MAD_C
            done = np.max(np.abs(step) / np.abs(beta)) < 1e-15 and abs(s_new - s) <= 1e-15 * s_new
            s = s_new
            if done:
                break
        model = sm.RLM(yr, Ar, M=sm.robust.norms.HuberT(t=T))
        model.fit()
        bse = {}
        for cov in ["H1", "H2", "H3"]:
            res = RLMResults(model, beta, model.normalized_cov_params, s, cov=cov)
            bse[cov] = [float(t) for t in res.bse]
        ds["integer"] = {"weights": [float(t) for t in v], "coefficients": [float(t) for t in beta], "scale": s,
                         "bse_H1": bse["H1"], "bse_H2": bse["H2"], "bse_H3": bse["H3"],
                         "statsmodels_tight_max_coefficient_difference": float(np.max(np.abs(tight.params - beta) / np.abs(beta)))}
        # fractional weights: the numpy implementation of the convention
        v = 0.25 + ((7 * i) % 10) / 8.0
        v[i % 11 == 5] = 0.0
        beta, s, its = weighted_fit(A, y, v)
        bse = weighted_bse(A, y, v, beta, s)
        ds["fractional"] = {"weights": [float(t) for t in v], "coefficients": [float(t) for t in beta], "scale": float(s),
                            "iterations": its, "bse_H1": bse["H1"], "bse_H2": bse["H2"], "bse_H3": bse["H3"]}
        # the integer case by the same numpy implementation, as a check of the two routes
        v = (1 + i % 3).astype(float)
        b2, s2, _ = weighted_fit(A, y, v)
        ref = np.array(ds["integer"]["coefficients"])
        ds["integer"]["numpy_weighted_max_coefficient_difference"] = float(np.max(np.abs(b2 - ref) / np.abs(ref)))
        ds["integer"]["numpy_weighted_scale_difference"] = float(abs(s2 - ds["integer"]["scale"]) / ds["integer"]["scale"])
        ds["integer"]["numpy_weighted_bse_max_difference"] = float(max(
            np.max(np.abs(np.array(weighted_bse(A, y, v, b2, s2)[c]) - np.array(ds["integer"][f"bse_{c}"])) / np.array(ds["integer"][f"bse_{c}"]))
            for c in ["H1", "H2", "H3"]))
        out["datasets"][name] = ds
        print(name, json.dumps({k: {kk: vv for kk, vv in d.items() if "difference" in kk or kk == "scale"} for k, d in ds.items()}))
    with open(os.path.join(HERE, "weighted.json"), "w") as fh:
        json.dump(out, fh, indent=1)


if __name__ == "__main__":
    main()
