"""Reference numbers for the robust covariances, prediction intervals, diagnostics and influence
measures (Tests/DescentTests/Inference): for each case, an extended-precision computation (mpmath at
50 digits, from the formulas), statsmodels 0.15 under the matching options, and R (sandwich, car,
stats) from generate.R, written to reference.json. Run from this folder:

    /tmp/venv/bin/python generate.py   # writes cases.json (the data) and, after Rscript generate.R, reference.json

The data are the standardised real sets in ../realdata (their natural row order is the HAC time
order); clusters are i mod 7 (one-way) and (i mod 7, i mod 5) (two-way), i the 0-based row.
star98 and copper are held out: their numbers were never looked at while the code was written.
The tests need neither Python nor R."""
import json, os, subprocess, sys
import numpy as np, statsmodels.api as sm, scipy.stats as st, mpmath as mp
from statsmodels.stats.outliers_influence import OLSInfluence, variance_inflation_factor
from statsmodels.stats.stattools import durbin_watson, jarque_bera, omni_normtest

mp.mp.dps = 50
here = os.path.dirname(os.path.abspath(__file__))
CASES = [  # name, lags, weighting, held out
    ("longley", 2, None, False), ("stackloss", 2, None, False), ("cpunish", 2, None, False),
    ("ccard", 3, None, False), ("diabetes", 4, None, False), ("linnerud", 2, None, False),
    ("stackloss", 2, "1 + i mod 4", False),
    ("star98", 4, None, True), ("copper", 2, None, True),
]

def mat(a): return mp.matrix([[mp.mpf(float(v)) for v in row] for row in a])

def exact(X, y, w, lags, groups1, groups2, newX):
    """Every reference number in extended precision (X with its constant column first)."""
    n, p = X.shape
    sw = [mp.sqrt(mp.mpf(float(v))) for v in w]
    A = mp.matrix(n, p); b = mp.matrix(n, 1)
    for i in range(n):
        for j in range(p): A[i, j] = sw[i] * mp.mpf(float(X[i, j]))
        b[i] = sw[i] * mp.mpf(float(y[i]))
    At = A.T
    Binv = mp.inverse(At * A)
    beta = Binv * (At * b)
    e = [b[i] - sum(A[i, j] * beta[j] for j in range(p)) for i in range(n)]   # whitened residuals
    rss = sum(v * v for v in e); s2 = rss / (n - p)
    rows = [[A[i, j] for j in range(p)] for i in range(n)]
    def quad(r, M): return sum(r[a] * M[a, c] * r[c] for a in range(p) for c in range(p))
    h = [quad(rows[i], Binv) for i in range(n)]
    def sandwich(meat): return Binv * meat * Binv
    def outer_sum(vectors):
        M = mp.matrix(p, p)
        for v in vectors:
            for a in range(p):
                for c in range(p): M[a, c] += v[a] * v[c]
        return M
    scores = [[rows[i][j] * e[i] for j in range(p)] for i in range(n)]
    cov = {"nonrobust": Binv * s2}
    for name, f in [("hc0", lambda i: 1), ("hc1", lambda i: mp.mpf(n) / (n - p)), ("hc2", lambda i: 1 / (1 - h[i])),
                    ("hc3", lambda i: 1 / (1 - h[i]) ** 2)]:
        cov[name] = sandwich(outer_sum([[v * mp.sqrt(f(i)) for v in scores[i]] for i in range(n)]))
    def hac_meat(L):
        M = outer_sum(scores)
        for l in range(1, L + 1):
            wl = 1 - mp.mpf(l) / (L + 1)
            for i in range(l, n):
                for a in range(p):
                    for c in range(p):
                        M[a, c] += wl * (scores[i][a] * scores[i - l][c] + scores[i - l][a] * scores[i][c])
        return M
    hac = sandwich(hac_meat(lags))
    cov["hac"] = hac; cov["hac_corrected"] = hac * (mp.mpf(n) / (n - p))
    # R's bwNeweyWest(prewhite = FALSE): the intercept's score has weight 0.
    u = [sum(scores[i][1:]) for i in range(n)]
    m = int(mp.floor(4 * (mp.mpf(n) / 100) ** (mp.mpf(2) / 9)))
    sig = [sum(u[i] * u[i + j] for i in range(n - j)) / n for j in range(m + 1)]
    s0 = sig[0] + 2 * sum(sig[1:]); s1 = 2 * sum(j * sig[j] for j in range(1, m + 1))
    bandwidth = mp.mpf("1.1447") * ((s1 / s0) ** 2) ** (mp.mpf(1) / 3) * mp.mpf(n) ** (mp.mpf(1) / 3)
    auto = int(mp.floor(bandwidth))
    cov["hac_auto"] = sandwich(hac_meat(auto))
    def cluster_meat(labels):
        sums = {}
        for i in range(n):
            s = sums.setdefault(labels[i], [mp.mpf(0)] * p)
            for j in range(p): s[j] += scores[i][j]
        g = len(sums)
        return outer_sum(list(sums.values())) * (mp.mpf(g) / (g - 1)) * (mp.mpf(n - 1) / (n - p))
    cov["cluster"] = sandwich(cluster_meat(groups1))
    both = [(a, c) for a, c in zip(groups1, groups2)]
    cov["cluster2"] = sandwich(cluster_meat(groups1) + cluster_meat(groups2) - cluster_meat(both))
    bse = {k: [float(mp.sqrt(v[j, j])) if v[j, j] >= 0 else None for j in range(p)] for k, v in cov.items()}
    # Prediction at new rows (unit weight): mean, its standard error, the observation's.
    pred = {}
    for k in ["nonrobust", "hc3", "cluster"]:
        means, se = [], []
        for r in newX:
            r = [mp.mpf(float(v)) for v in r]
            means.append(float(sum(r[j] * beta[j] for j in range(p))))
            se.append(float(mp.sqrt(quad(r, cov[k]))))
        pred[k] = {"mean": means, "seMean": se, "seObs": [float(mp.sqrt(v * v + s2)) for v in se]}
    # Diagnostics of the whitened residuals, as statsmodels' summary.
    mean = sum(e) / n
    m2 = sum((v - mean) ** 2 for v in e) / n; m3 = sum((v - mean) ** 3 for v in e) / n; m4 = sum((v - mean) ** 4 for v in e) / n
    skew = m3 / m2 ** mp.mpf(1.5); kurt = m4 / m2 ** 2
    jb = mp.mpf(n) / 6 * (skew ** 2 + (kurt - 3) ** 2 / 4)
    N = mp.mpf(n)
    yy = skew * mp.sqrt((N + 1) * (N + 3) / (6 * (N - 2)))
    beta2 = 3 * (N ** 2 + 27 * N - 70) * (N + 1) * (N + 3) / ((N - 2) * (N + 5) * (N + 7) * (N + 9))
    W2 = -1 + mp.sqrt(2 * (beta2 - 1)); delta = 1 / mp.sqrt(mp.log(mp.sqrt(W2))); alpha = mp.sqrt(2 / (W2 - 1))
    zs = delta * mp.log(yy / alpha + mp.sqrt((yy / alpha) ** 2 + 1))
    E = 3 * (N - 1) / (N + 1); varb2 = 24 * N * (N - 2) * (N - 3) / ((N + 1) ** 2 * (N + 3) * (N + 5))
    xk = (kurt - E) / mp.sqrt(varb2)
    sb1 = 6 * (N * N - 5 * N + 2) / ((N + 7) * (N + 9)) * mp.sqrt(6 * (N + 3) * (N + 5) / (N * (N - 2) * (N - 3)))
    Ak = 6 + 8 / sb1 * (2 / sb1 + mp.sqrt(1 + 4 / sb1 ** 2))
    denom = 1 + xk * mp.sqrt(2 / (Ak - 4))
    term2 = mp.sign(denom) * mp.cbrt((1 - 2 / Ak) / abs(denom))
    zk = ((1 - 2 / (9 * Ak)) - term2) / mp.sqrt(2 / (9 * Ak))
    omni = zs ** 2 + zk ** 2
    dw = sum((e[i] - e[i - 1]) ** 2 for i in range(1, n)) / rss
    sv = mp.svd_r(A, compute_uv=False)
    diag = {"omnibus": float(omni), "omnibusP": float(mp.exp(-omni / 2)), "skew": float(skew), "kurtosis": float(kurt),
            "jarqueBera": float(jb), "jarqueBeraP": float(mp.exp(-jb / 2)), "durbinWatson": float(dw),
            "conditionNumber": float(max(sv) / min(sv))}
    # Influence, closed form.
    internal = [e[i] / mp.sqrt(s2 * (1 - h[i])) for i in range(n)]
    s2i = [((n - p) * s2 - e[i] ** 2 / (1 - h[i])) / (n - p - 1) for i in range(n)]
    external = [e[i] / mp.sqrt(s2i[i] * (1 - h[i])) for i in range(n)]
    influence = {"leverage": [float(v) for v in h], "studentized": [float(v) for v in internal],
                 "externallyStudentized": [float(v) for v in external],
                 "cooksDistance": [float(internal[i] ** 2 * h[i] / (p * (1 - h[i]))) for i in range(n)],
                 "dffits": [float(external[i] * mp.sqrt(h[i] / (1 - h[i]))) for i in range(n)]}
    # VIF: each feature on the others, with a constant (centred) and without (uncentred).
    def vif(intercept):
        out = []
        F = [[mp.mpf(float(v)) for v in row[1:]] for row in X]
        d = p - 1
        for j in range(d):
            Z = mp.matrix([([1] if intercept else []) + [F[i][c] for c in range(d) if c != j] for i in range(n)])
            t = mp.matrix([F[i][j] for i in range(n)])
            coef = mp.lu_solve(Z.T * Z, Z.T * t)
            res = [t[i] - sum(Z[i, c] * coef[c] for c in range(Z.cols)) for i in range(n)]
            center = sum(F[i][j] for i in range(n)) / n if intercept else 0
            tss = sum((F[i][j] - center) ** 2 for i in range(n))
            out.append(float(tss / sum(r * r for r in res)))
        return out
    return {"params": [float(v) for v in beta], "bse": bse, "bandwidth": float(bandwidth), "autoLags": auto,
            "prediction": pred, "diagnostics": diag, "influence": influence,
            "vif": vif(True), "vifUncentred": vif(False)}

def statsmodels_numbers(X, y, w, lags, g1, g2, newX):
    model = sm.WLS(y, X, weights=w) if w is not None else sm.OLS(y, X)
    out = {"bse": {}, "pvalues": {}, "fvalue": {}, "fPValue": {}}
    fits = {"nonrobust": model.fit(), "hc0": model.fit(cov_type="HC0"), "hc1": model.fit(cov_type="HC1"),
            "hc2": model.fit(cov_type="HC2"), "hc3": model.fit(cov_type="HC3"),
            "hac": model.fit(cov_type="HAC", cov_kwds={"maxlags": lags}),
            "hac_corrected": model.fit(cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True}),
            "cluster": model.fit(cov_type="cluster", cov_kwds={"groups": g1}),
            "cluster2": model.fit(cov_type="cluster", cov_kwds={"groups": np.c_[g1, g2]})}
    for k, f in fits.items():
        out["bse"][k] = np.asarray(f.bse).tolist(); out["pvalues"][k] = np.asarray(f.pvalues).tolist()
        out["fvalue"][k] = float(np.squeeze(f.fvalue)); out["fPValue"][k] = float(np.squeeze(f.f_pvalue))
    out["pvaluesT"] = {"hc3": np.asarray(model.fit(cov_type="HC3", use_t=True).pvalues).tolist(),
                       "cluster": np.asarray(model.fit(cov_type="cluster", cov_kwds={"groups": g1}, use_t=True).pvalues).tolist()}
    out["prediction"] = {}
    for k in ["nonrobust", "hc3", "cluster"]:
        frames = {}
        for alpha in [0.05, 0.1]:
            fr = fits[k].get_prediction(newX).summary_frame(alpha=alpha)
            frames[str(alpha)] = {c: fr[c].tolist() for c in fr.columns}
        out["prediction"][k] = frames
    f = fits["nonrobust"]
    jb, jbp, skew, kurt = jarque_bera(f.wresid); om, omp = omni_normtest(f.wresid)
    out["diagnostics"] = {"omnibus": float(om), "omnibusP": float(omp), "skew": float(skew), "kurtosis": float(kurt),
                          "jarqueBera": float(jb), "jarqueBeraP": float(jbp), "durbinWatson": float(durbin_watson(f.wresid)),
                          "conditionNumber": float(f.condition_number)}
    inf = OLSInfluence(f)
    out["influence"] = {"leverage": inf.hat_matrix_diag.tolist(), "studentized": inf.resid_studentized_internal.tolist(),
                        "externallyStudentized": inf.resid_studentized_external.tolist(),
                        "cooksDistance": inf.cooks_distance[0].tolist(), "dffits": inf.dffits[0].tolist()}
    out["vif"] = [variance_inflation_factor(X, j) for j in range(1, X.shape[1])]
    out["vifUncentred"] = [variance_inflation_factor(X[:, 1:], j) for j in range(X.shape[1] - 1)]
    return out

def digits(a, b):
    a, b = [np.nan if v is None else v for v in np.ravel(a)], [np.nan if v is None else v for v in np.ravel(b)]
    a, b = np.asarray(a, float).ravel(), np.asarray(b, float).ravel()
    ok = np.isfinite(a) & np.isfinite(b); a, b = a[ok], b[ok]
    err = np.abs(a - b) / np.where(b == 0, 1, np.abs(b))
    return float(min(15, -np.log10(max(err.max(), 1e-300))))

def clean(v):
    """NaN (a two-way cluster variance below zero) as null, which JSON can hold."""
    if isinstance(v, dict): return {k: clean(x) for k, x in v.items()}
    if isinstance(v, list): return [clean(x) for x in v]
    return None if isinstance(v, float) and v != v else v

cases = []
for name, lags, weighting, held in CASES:
    x = np.load(os.path.join(here, "..", "realdata", f"{name}_X.npy")); y = np.load(os.path.join(here, "..", "realdata", f"{name}_y.npy"))
    n = len(y); i = np.arange(n)
    w = 1.0 + (i % 4) if weighting else None
    X = sm.add_constant(x, prepend=True, has_constant="add")
    g1, g2 = (i % 7).tolist(), (i % 5).tolist()
    newX = np.vstack([X[:3] * 1.1, X[-1:]]); newX[:, 0] = 1
    case = {"name": name + (" WLS" if weighting else ""), "heldOut": held, "lags": lags, "x": x.tolist(), "y": y.tolist(),
            "weights": None if w is None else w.tolist(), "newX": newX[:, 1:].tolist()}
    case["exact"] = exact(X, y, w if w is not None else np.ones(n), lags, g1, g2, newX)
    case["statsmodels"] = statsmodels_numbers(X, y, w, lags, np.array(g1), np.array(g2), newX)
    cases.append(case)
    print(name, weighting or "", "done", file=sys.stderr)
json.dump({"cases": clean(cases)}, open(os.path.join(here, "cases.json"), "w"))
subprocess.run(["Rscript", os.path.join(here, "generate.R"), os.path.join(here, "cases.json"), "/tmp/inference-r.json"], check=True)
r = json.load(open("/tmp/inference-r.json"))
for case, rc in zip(cases, r):
    case["r"] = rc
    ex, sm_ = case["exact"], case["statsmodels"]
    peer = {}
    for k in sm_["bse"]: peer["statsmodels bse " + k] = digits(sm_["bse"][k], ex["bse"][k])
    for k in ["hc0", "hc1", "hc2", "hc3", "hac", "hac_corrected", "hac_auto", "cluster", "cluster2"]:
        peer["R bse " + k] = digits(rc["bse"][k], ex["bse"][k])
    for k, v in sm_["influence"].items(): peer["statsmodels " + k] = digits(v, ex["influence"][k])
    for k, v in rc["influence"].items(): peer["R " + k] = digits(v, ex["influence"][k])
    for k, v in sm_["diagnostics"].items(): peer["statsmodels " + k] = digits(v, ex["diagnostics"][k])
    peer["statsmodels vif"] = digits(sm_["vif"], ex["vif"]); peer["R vif"] = digits(rc["vif"], ex["vif"])
    peer["statsmodels vifUncentred"] = digits(sm_["vifUncentred"], ex["vifUncentred"])
    peer["R bandwidth"] = digits([rc["bandwidth"]], [ex["bandwidth"]])
    case["peerDigits"] = peer
    print(case["name"], "worst peer digits:", sorted(peer.items(), key=lambda kv: kv[1])[:4], file=sys.stderr)
os.remove(os.path.join(here, "cases.json"))
json.dump({"statsmodels": sm.__version__, "mpmathDigits": mp.mp.dps, "cases": clean(cases)}, open(os.path.join(here, "reference.json"), "w"))
