"""Writes reference.json: scikit-learn's penalised least-squares solutions on the real data sets of
../realdata, polished to the exact optimum, so the Swift tests (which need no Python) can check that
gradient descent reaches the penalised optimum.

Descent's objective (n rows, unweighted): with Z = (X - mean) / std column-wise (population std,
ddof = 0; constant columns dropped), r = Z w + b - y,
    P(w, b) = (1/n) sum r_i^2 + l2 * |w|_2^2 + l1 * |w|_1,   b unpenalised,
where .l2(lam): l2 = lam; .l1(lam): l1 = lam; .elasticNet(lam, l1Ratio: rho): l1 = lam*rho,
l2 = lam*(1 - rho). Halving P gives scikit-learn's objectives, hence
    .l1(lam)              = Lasso(alpha=lam/2)
    .elasticNet(lam, rho) = ElasticNet(alpha=lam*(2-rho)/2, l1_ratio=rho/(2-rho))
    .l2(lam)              = Ridge(alpha=n*lam)   (Ridge's objective is |r|^2 + alpha |w|^2 = n*P).
Each scikit-learn solution is then polished: the KKT system is solved exactly (mpmath, 60 digits)
on the support scikit-learn found with its signs fixed (refined by an active-set loop if a sign
flips or a zero violates its KKT condition), and the result is rounded to float64. The objective
P* is evaluated in float64 with math.fsum.

Run: python3 generate.py   (needs numpy, scipy, scikit-learn, mpmath; deterministic)."""
import json, math, os, sys, warnings
import numpy as np
import mpmath as mp
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Lasso, ElasticNet, Ridge

warnings.simplefilter("ignore", ConvergenceWarning)  # star98 runs to max_iter: the polish finishes it

mp.mp.dps = 60
HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "realdata")
SETS = ["ccard", "copper", "cpunish", "diabetes", "fair", "linnerud", "longley", "stackloss", "star98"]
RIDGE_LAMBDAS = [1e-3, 1e-1, 10.0]
LASSO_FRACTIONS = [0.3, 0.05, 0.005]
EN_RHO = 0.5
EN_FRACTIONS = [0.1, 0.01]  # lambda = fraction * lambda_max / rho, so l1 = fraction * lambda_max


def load(name):
    x = np.load(os.path.join(DATA, f"{name}_X.npy")).astype(np.float64)
    y = np.load(os.path.join(DATA, f"{name}_y.npy")).astype(np.float64)
    if y.ndim > 1:
        y = y[:, 0]
    return x, y


def standardise(x):
    n = x.shape[0]
    means, stds, kept, dropped = [], [], [], []
    for j in range(x.shape[1]):
        col = x[:, j].tolist()
        m = math.fsum(col) / n
        s = math.sqrt(math.fsum((v - m) ** 2 for v in col) / n)
        if s == 0.0 or not math.isfinite(s):
            dropped.append(j)
            continue
        kept.append(j)
        means.append(m)
        stds.append(s)
    z = (x[:, kept] - np.array(means)) / np.array(stds)
    return z, means, stds, dropped


def objective(z, y, w, b, l2, l1):
    """P(w, b) in float64: residuals and sums with math.fsum."""
    n = z.shape[0]
    res = [math.fsum([*(zi * w).tolist(), b, -yi]) for zi, yi in zip(z, y)]
    return (math.fsum(r * r for r in res) / n + l2 * math.fsum(v * v for v in w.tolist())
            + l1 * math.fsum(abs(v) for v in w.tolist()))


def gradient(z, y, w, b, l2):
    """Gradient of the smooth part (MSE + l2 |w|^2) in float64 with fsum, and d/db."""
    n = z.shape[0]
    res = np.array([math.fsum([*(zi * w).tolist(), b, -yi]) for zi, yi in zip(z, y)])
    g = np.array([2.0 * math.fsum((z[:, j] * res).tolist()) / n + 2.0 * l2 * w[j] for j in range(z.shape[1])])
    return g, 2.0 * math.fsum(res.tolist()) / n


def kkt_violation(z, y, w, b, l2, l1):
    """Max violation of the optimality conditions at (w, b), and the smallest relative margin
    (l1 - |g_j|) / l1 over the zero weights (None if l1 = 0 or no zeros)."""
    g, gb = gradient(z, y, w, b, l2)
    worst, margin = abs(gb), None
    for j, wj in enumerate(w):
        if wj != 0.0:
            worst = max(worst, abs(g[j] + l1 * math.copysign(1.0, wj)))
        else:
            worst = max(worst, abs(g[j]) - l1)
            if l1 > 0:
                m = (l1 - abs(g[j])) / l1
                margin = m if margin is None else min(margin, m)
    return worst, margin


class Exact:
    """The centred problem in 60-digit arithmetic: G = Zc'Zc/n, c = Zc'yc/n, zbar, ybar."""

    def __init__(self, z, y):
        n, d = z.shape
        self.n, self.d = n, d
        Z = [[mp.mpf(float(v)) for v in row] for row in z]
        Y = [mp.mpf(float(v)) for v in y]
        self.ybar = mp.fsum(Y) / n
        self.zbar = [mp.fsum(Z[i][j] for i in range(n)) / n for j in range(d)]
        Zc = [[Z[i][j] - self.zbar[j] for j in range(d)] for i in range(n)]
        Yc = [v - self.ybar for v in Y]
        self.G = mp.matrix(d, d)
        for a in range(d):
            for c in range(a, d):
                self.G[a, c] = self.G[c, a] = mp.fsum(Zc[i][a] * Zc[i][c] for i in range(n)) / n
        self.c = [mp.fsum(Zc[i][j] * Yc[i] for i in range(n)) / n for j in range(d)]

    def grad(self, w, l2):
        return [2 * mp.fsum(self.G[j, k] * w[k] for k in range(self.d)) - 2 * self.c[j] + 2 * l2 * w[j]
                for j in range(self.d)]

    def solve(self, support, signs, l2, l1):
        """Solves (2 G_SS + 2 l2 I) w_S = 2 c_S - l1 sign_S exactly; zeros elsewhere."""
        w = [mp.mpf(0)] * self.d
        if support:
            k = len(support)
            A = mp.matrix(k, k)
            rhs = mp.matrix(k, 1)
            for a, ja in enumerate(support):
                for c, jc in enumerate(support):
                    A[a, c] = 2 * self.G[ja, jc] + (2 * l2 if a == c else 0)
                rhs[a] = 2 * self.c[ja] - l1 * signs[a]
            sol = mp.lu_solve(A, rhs)
            for a, ja in enumerate(support):
                w[ja] = sol[a]
        return w

    def polish(self, w0, l2, l1):
        """Active-set refinement from the support and signs of w0: returns the exact optimum, and
        whether the support or a sign had to change."""
        support = [j for j in range(self.d) if w0[j] != 0.0]
        signs = {j: (1 if w0[j] > 0 else -1) for j in support}
        start = (tuple(support), tuple(signs[j] for j in support))
        l2m, l1m = mp.mpf(l2), mp.mpf(l1)
        for _ in range(100):
            w = self.solve(support, [signs[j] for j in support], l2m, l1m)
            flipped = [j for j in support if w[j] * signs[j] <= 0]
            if flipped:  # drop the weight that crossed zero first (one at a time)
                j = flipped[0]
                support.remove(j)
                del signs[j]
                continue
            g = self.grad(w, l2m)
            viol = [(abs(g[j]) - l1m, j) for j in range(self.d) if j not in signs and abs(g[j]) > l1m]
            if viol:
                _, j = max(viol)
                support = sorted(support + [j])
                signs[j] = -1 if g[j] > 0 else 1
                continue
            changed = (tuple(support), tuple(signs[j] for j in support)) != start
            return w, changed
        raise RuntimeError("active set did not settle")

    def intercept(self, w):
        return self.ybar - mp.fsum(self.zbar[j] * w[j] for j in range(self.d))


def sklearn_fit(kind, z, y, lam, rho):
    n = z.shape[0]
    if kind == "l1":
        alpha, ratio = lam / 2, None
        model = Lasso(alpha=alpha, fit_intercept=True, tol=1e-15, max_iter=10**7, selection="cyclic")
    elif kind == "elasticNet":
        alpha, ratio = lam * (2 - rho) / 2, rho / (2 - rho)
        model = ElasticNet(alpha=alpha, l1_ratio=ratio, fit_intercept=True, tol=1e-15, max_iter=10**7,
                           selection="cyclic")
    else:
        alpha, ratio = n * lam, None
        model = Ridge(alpha=alpha, fit_intercept=True, solver="cholesky")
    model.fit(z, y)
    iters = int(np.max(model.n_iter_)) if getattr(model, "n_iter_", None) is not None else None
    return np.asarray(model.coef_, dtype=np.float64), float(model.intercept_), alpha, ratio, iters


def strengths(kind, lam, rho):
    if kind == "l1":
        return 0.0, lam
    if kind == "l2":
        return lam, 0.0
    return lam * (1 - rho), lam * rho


def condition(z):
    s = np.linalg.svd(z, compute_uv=False)
    return float((s[0] / s[-1]) ** 2)


def run():
    out = {"about": ("scikit-learn penalised least squares on ../realdata, polished to the exact optimum; "
                     "objective (1/n)|Zw+b-y|^2 + l2|w|^2 + l1|w|_1 with Z the population-standardised "
                     "features; see generate.py"),
           "versions": {"numpy": np.__version__, "sklearn": sklearn.__version__, "mpmath": mp.__version__,
                        "python": sys.version.split()[0]},
           "datasets": {}}
    for name in SETS:
        x, y = load(name)
        z, means, stds, dropped = standardise(x)
        n, d = z.shape
        ex = Exact(z, y)
        yc = y - math.fsum(y.tolist()) / n
        lmax = 2.0 * max(abs(math.fsum((z[:, j] * yc).tolist())) for j in range(d)) / n
        cases = [("l1", f * lmax, None) for f in LASSO_FRACTIONS]
        cases += [("elasticNet", f * lmax / EN_RHO, EN_RHO) for f in EN_FRACTIONS]
        cases += [("l2", lam, None) for lam in RIDGE_LAMBDAS]
        records = []
        for kind, lam, rho in cases:
            l2, l1 = strengths(kind, lam, rho)
            w_sk, b_sk, alpha, ratio, iters = sklearn_fit(kind, z, y, lam, rho)
            p_sk = objective(z, y, w_sk, b_sk, l2, l1)
            kkt_sk, _ = kkt_violation(z, y, w_sk, b_sk, l2, l1)
            if kind == "l2":
                wm = ex.solve(list(range(d)), [0] * d, mp.mpf(l2), mp.mpf(0))
                changed = False
            else:
                wm, changed = ex.polish(w_sk, l2, l1)
            w = np.array([float(v) for v in wm])
            b = float(ex.intercept(wm))
            p = objective(z, y, w, b, l2, l1)
            kkt, margin = kkt_violation(z, y, w, b, l2, l1)
            records.append({
                "penalty": kind, "lambda": lam, "l1Ratio": rho,
                "weights": w.tolist(), "intercept": b, "objective": p,
                "zeros": [j for j in range(d) if w[j] == 0.0],
                "sklearn_alpha": alpha, "sklearn_l1_ratio": ratio, "sklearn_n_iter": iters,
                "kkt_violation": kkt, "zero_margin": margin,
                "sklearn_kkt_violation": kkt_sk,
                "sklearn_relative_objective_difference": (p_sk - p) / p,
                "polish_changed_support": changed,
            })
        out["datasets"][name] = {"n": n, "d": d, "dropped_columns": dropped, "means": means, "stds": stds,
                                 "condition_ZtZ": condition(z), "lambda_max": lmax, "cases": records}
    return out


def dump(value, indent=0):
    """JSON with sorted keys, float repr (round-trips), and number lists on one line."""
    pad = " " * indent
    if isinstance(value, dict):
        items = [f'{pad}  {json.dumps(k)}: {dump(value[k], indent + 2)}' for k in sorted(value)]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list):
        if all(not isinstance(v, (dict, list)) for v in value):
            return "[" + ", ".join(json.dumps(v) for v in value) + "]"
        return "[\n" + ",\n".join(pad + "  " + dump(v, indent + 2) for v in value) + "\n" + pad + "]"
    return json.dumps(value)


if __name__ == "__main__":
    with open(os.path.join(HERE, "reference.json"), "w") as f:
        f.write(dump(run()) + "\n")
