"""Writes reference.json: exact optima of Descent's robust and quantile objectives on the real data
sets of ../realdata (features as stored: already standardised; targets raw), plus the fits of the
ecosystem's robust estimators that reproduce (or approximate) them, for the Swift tests of issue 20
(which need no Python or R).

Objective (n rows, unweighted, no penalty), intercept b, weights w, residual r = x'w + b - y:
    P(w, b) = (1/n) sum_i loss(r_i)
    squared                      r^2
    huber(delta)                 r^2 if |r| <= delta, else 2 delta |r| - delta^2
    absolute                     |r|
    quantile(tau)                rho_tau(y - yhat) = max(tau (y - yhat), (tau - 1)(y - yhat))
                                 = max(-tau r, (1 - tau) r)
    epsilonInsensitive(eps)      max(0, |r| - eps)
    squaredEpsilonInsensitive    max(0, |r| - eps)^2
so absolute = 2 * quantile(0.5), and huber(delta) -> squared as delta -> inf.

Exactness. Piecewise-linear losses (quantile, absolute, epsilonInsensitive) are solved as linear
programs by HiGHS's dual simplex (scipy.optimize.linprog, method="highs-ds"); the vertex is then
polished: p = d + 1 linearly independent rows sitting on a kink (r_i = 0, or r_i = +-eps) are
picked from the HiGHS solution and the p x p system x_i'(w, b) = y_i + kink_i is solved in 60-digit
arithmetic (mpmath). Optimality is certified exactly: subgradients g_i in the loss's subdifferential
are found with sum_i g_i (1, x_i) = 0 (fixed off the kinks, solved on the basis rows in 60 digits;
an auxiliary LP chooses the non-basis kink rows' values when more than p rows sit on kinks). The
"dual_margin" is the smallest distance of a kink row's g_i to the ends of its interval, relative to
the interval's length: >= 0 means optimal, > 0 with exactly p kink rows means the optimum is
unique. Otherwise uniqueness is decided by LPs that minimise and maximise each coefficient over
{P <= P* (1 + 1e-10)} ("coefficient_ranges"). Piecewise-quadratic losses (huber,
squaredEpsilonInsensitive) are solved by Newton's method with an exact line search on the C^1
objective, then the normal equations of the final partition (rows inside / outside the kinks) are
solved in 60 digits, and the partition is checked. All objectives are evaluated in 60 digits at
the exact (unrounded) solution and then rounded to float64; coefficients are rounded to float64.

Cases per data set ("cases", each with its loss parameter, objective, intercept, weights, unique):
quantile tau in {0.1, 0.5, 0.9} (with the interpolated rows, and R quantreg::rq "br"/"fn" beside),
absolute, epsilonInsensitive and squaredEpsilonInsensitive with eps = 0.1 std(y), and huber with
delta = 1.345 * MAD scale of the OLS residuals; fixed 1.35 (target units); 1.345 * s at the
statsmodels RLM fixed point; 1.345 * MASS::rlm's scale; 1.35 * HuberRegressor's fitted scale.
Beside them, for the statistics: "rlm_huber" (statsmodels RLM(HuberT(1.345)), scale 'mad', iterated
to its exact fixed point: coefficients, scale, H1/H2/H3 standard errors, H1 covariance; and
statsmodels' own default and tol=1e-15 fits for comparison), "rlm_tukey" (TukeyBiweight(4.685),
tol=1e-15, as statsmodels converges from OLS), "mass_rlm" (R), "huber_regressor" (the exact joint
(coefficients, scale) optimum of scikit-learn's HuberRegressor(epsilon=1.35, alpha=0)), and
"quantreg" (per tau: statsmodels QuantReg's fit and default standard errors, the same formula at
the exact vertex, and R's summary.rq(se = "nid")). "ecosystem" checks the mappings numerically on
diabetes (pointwise losses, QuantileRegressor, HuberRegressor, RLM, SGDRegressor, QuantReg).
Every "*_relative_*" gap or difference is (value - reference) / |reference|, or value - reference
when the reference objective is 0 (longley's epsilon-insensitive cases).

Data: the nine sets of ../realdata, and "diabetes_outliers": diabetes with the targets of rows
i % 20 == 7 (0-based; 22 rows) shifted by +1540 (20 population standard deviations of diabetes y,
20 * 77.0057 = 1540.1, rounded to an integer so the recipe is exact in any language).

Run: python3 generate.py   (numpy, scipy, scikit-learn, statsmodels, mpmath; Rscript with
quantreg and MASS for the R cross-checks, run through generate.R; deterministic)."""
import json, math, os, subprocess, tempfile, warnings
import numpy as np
import mpmath as mp
import scipy, scipy.linalg, scipy.sparse as sp
from scipy.optimize import linprog, brentq
from scipy.stats import norm
import sklearn, statsmodels
import statsmodels.api as sm
from statsmodels.robust.robust_linear_model import RLMResults
from statsmodels.regression.quantile_regression import kernels, hall_sheather
from scipy import stats

mp.mp.dps = 60
HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "realdata")
SETS = ["ccard", "copper", "cpunish", "diabetes", "fair", "linnerud", "longley", "stackloss", "star98",
        "diabetes_outliers"]
if os.environ.get("ROBUST_SETS"):  # for trying the script on a few sets; the stored file uses all
    SETS = os.environ["ROBUST_SETS"].split(",")
TAUS = [0.1, 0.5, 0.9]
T_HUBER = 1.345          # statsmodels HuberT default, MASS psi.huber default
EPS_SKLEARN = 1.35       # HuberRegressor default epsilon
DELTA_FIXED = 1.35       # the fixed delta, in target units
TUKEY_C = 4.685
OUTLIER_SHIFT = 1540.0
MAD_C = float(norm.ppf(0.75))   # statsmodels' scale.mad constant; MASS uses 0.6745
ECOSYSTEM_SET = "diabetes"


def load(name):
    base = "diabetes" if name == "diabetes_outliers" else name
    x = np.load(os.path.join(DATA, f"{base}_X.npy")).astype(np.float64)
    y = np.load(os.path.join(DATA, f"{base}_y.npy")).astype(np.float64)
    if y.ndim > 1:
        y = y[:, 0]
    y = y.copy()
    if name == "diabetes_outliers":
        rows = np.arange(len(y)) % 20 == 7
        y[rows] += OUTLIER_SHIFT
    return x, y


def f(v):
    return float(v)


def flist(v):
    return [float(t) for t in v]


# ----------------------------------------------------------------------------------------------
# losses (Descent's convention), in numpy and in mpmath
def loss_np(kind, par, r):
    a = np.abs(r)
    if kind == "squared":
        return r * r
    if kind == "huber":
        return np.where(a <= par, r * r, 2 * par * a - par * par)
    if kind == "absolute":
        return a
    if kind == "quantile":
        return np.maximum(-par * r, (1 - par) * r)
    if kind == "epsilonInsensitive":
        return np.maximum(0.0, a - par)
    if kind == "squaredEpsilonInsensitive":
        return np.maximum(0.0, a - par) ** 2
    raise ValueError(kind)


def loss_mp(kind, par, r):
    a = abs(r)
    par = mp.mpf(par)
    if kind == "squared":
        return r * r
    if kind == "huber":
        return r * r if a <= par else 2 * par * a - par * par
    if kind == "absolute":
        return a
    if kind == "quantile":
        return max(-par * r, (1 - par) * r)
    if kind == "epsilonInsensitive":
        return max(mp.mpf(0), a - par)
    if kind == "squaredEpsilonInsensitive":
        return max(mp.mpf(0), a - par) ** 2
    raise ValueError(kind)


class Problem:
    """Design A = [1, X] (intercept first) in float64 and in 60 digits."""

    def __init__(self, x, y):
        self.x, self.y = x, y
        self.n, self.d = x.shape
        self.p = self.d + 1
        self.A = np.column_stack([np.ones(self.n), x])
        self.gram_scale = float(np.trace(self.A.T @ self.A)) / self.n / self.p
        self.Amp = [[mp.mpf(float(v)) for v in row] for row in self.A]
        self.ymp = [mp.mpf(float(v)) for v in y]

    def residuals_mp(self, beta):
        return [mp.fsum(a * b for a, b in zip(row, beta)) - yi for row, yi in zip(self.Amp, self.ymp)]

    def objective_mp(self, kind, par, beta):
        r = self.residuals_mp(beta)
        return mp.fsum(loss_mp(kind, par, ri) for ri in r) / self.n, r

    def objective(self, kind, par, beta):
        """float64 objective at float64 coefficients, naively (for ecosystem comparisons)."""
        return float(np.mean(loss_np(kind, par, self.A @ np.asarray(beta) - self.y)))

    def gram_mp(self, rows, rhs_coef):
        """sum_{i in rows} a_i a_i' and sum_{i in rows} a_i * rhs_coef[i] (rhs_coef: dict of mpf)."""
        p = self.p
        G = [[mp.mpf(0)] * p for _ in range(p)]
        c = [mp.mpf(0)] * p
        for i in rows:
            a = self.Amp[i]
            for j in range(p):
                aj = a[j]
                Gj = G[j]
                for k in range(j, p):
                    Gj[k] += aj * a[k]
        for i, v in rhs_coef.items():
            a = self.Amp[i]
            for j in range(p):
                c[j] += a[j] * v
        M = mp.matrix(p, p)
        for j in range(p):
            for k in range(j, p):
                M[j, k] = M[k, j] = G[j][k]
        return M, mp.matrix(c)


def split(beta):
    b = [float(v) for v in beta]
    return {"intercept": b[0], "weights": b[1:]}


# ----------------------------------------------------------------------------------------------
# piecewise-linear losses: LP + vertex polish + exact certificate
def kink_spec(kind, par, r):
    """For residual r (mpf or float) close to a kink: (kink value, lo, hi) of the subgradient
    interval; off the kinks: the fixed slope."""
    if kind == "quantile":
        return [(0.0, -par, 1 - par)]
    if kind == "epsilonInsensitive":
        return [(par, 0.0, 1.0), (-par, -1.0, 0.0)]
    raise ValueError(kind)


def slope(kind, par, r):
    if kind == "quantile":
        return -par if r < 0 else 1 - par
    if kind == "epsilonInsensitive":
        return 1.0 if r > par else (-1.0 if r < -par else 0.0)
    raise ValueError(kind)


def solve_lp(P, kind, par):
    n, p, A, y = P.n, P.p, P.A, P.y
    I = sp.identity(n, format="csr")
    As = sp.csr_matrix(A)
    opts = dict(primal_feasibility_tolerance=1e-10, dual_feasibility_tolerance=1e-10)
    if kind == "quantile":
        # r = A beta - y = v - u with u, v >= 0: loss = tau u + (1 - tau) v
        c = np.concatenate([np.zeros(p), np.full(n, par / n), np.full(n, (1 - par) / n)])
        Aeq = sp.hstack([As, I, -I], format="csr")
        res = linprog(c, A_eq=Aeq, b_eq=y, bounds=[(None, None)] * p + [(0, None)] * (2 * n),
                      method="highs-ds", options=opts)
    else:
        # t_i >= r_i - eps, t_i >= -r_i - eps, t >= 0
        c = np.concatenate([np.zeros(p), np.full(n, 1.0 / n)])
        Aub = sp.vstack([sp.hstack([As, -I]), sp.hstack([-As, -I])], format="csr")
        bub = np.concatenate([y + par, -y + par])
        res = linprog(c, A_ub=Aub, b_ub=bub, bounds=[(None, None)] * p + [(0, None)] * n,
                      method="highs-ds", options=opts)
    assert res.status == 0, res.message
    return res.x[:p], float(res.fun), res


def face_ranges(P, kind, par, pstar):
    """min and max of each coefficient over {beta : P(beta) <= pstar (1 + 1e-10)}."""
    n, p, A, y = P.n, P.p, P.A, P.y
    I = sp.identity(n, format="csr")
    As = sp.csr_matrix(A)
    bound = pstar * (1 + 1e-10) + 1e-300
    opts = dict(primal_feasibility_tolerance=1e-10, dual_feasibility_tolerance=1e-10)
    if kind == "quantile":
        cost = np.concatenate([np.zeros(p), np.full(n, par / n), np.full(n, (1 - par) / n)])
        Aeq = sp.hstack([As, I, -I], format="csr")
        kw = dict(A_eq=Aeq, b_eq=y, A_ub=sp.csr_matrix(cost), b_ub=[bound],
                  bounds=[(None, None)] * p + [(0, None)] * (2 * n))
        m = p + 2 * n
    else:
        cost = np.concatenate([np.zeros(p), np.full(n, 1.0 / n)])
        Aub = sp.vstack([sp.hstack([As, -I]), sp.hstack([-As, -I]), sp.csr_matrix(cost)], format="csr")
        bub = np.concatenate([y + par, -y + par, [bound]])
        kw = dict(A_ub=Aub, b_ub=bub, bounds=[(None, None)] * p + [(0, None)] * n)
        m = p + n
    ranges = []
    for j in range(p):
        e = np.zeros(m); e[j] = 1.0
        lo = linprog(e, method="highs", options=opts, **kw)
        hi = linprog(-e, method="highs", options=opts, **kw)
        ranges.append([float(lo.x[j]), float(hi.x[j])])
    return ranges


def polish_vertex(P, kind, par, beta_lp):
    """Exact vertex near the LP solution, its objective and an exact optimality certificate."""
    n, p, A, y = P.n, P.p, P.A, P.y
    r = A @ beta_lp - y
    tol = 1e-7 * (1.0 + np.max(np.abs(y)))
    kinks = kink_spec(kind, par, None)
    near, kval = [], {}
    for i in range(n):
        for (k, lo, hi) in kinks:
            if abs(r[i] - k) <= tol:
                near.append(i); kval[i] = (k, lo, hi)
                break
    # p independent kink rows, by QR with column pivoting on A_K'
    AK = A[near].T
    _, R, piv = scipy.linalg.qr(AK, pivoting=True, mode="economic")
    rank = int(np.sum(np.abs(np.diag(R)) > 1e-10 * abs(R[0, 0])))
    assert rank == p, f"only {rank} independent kink rows"
    basis = sorted(near[j] for j in piv[:p])
    M = mp.matrix([P.Amp[i] for i in basis])
    rhs = mp.matrix([P.ymp[i] + mp.mpf(kval[i][0]) for i in basis])
    beta = list(mp.lu_solve(M, rhs))
    obj, rmp = P.objective_mp(kind, par, beta)
    # rows exactly on a kink at the exact vertex
    K = []
    for i in range(n):
        for (k, lo, hi) in kinks:
            if abs(rmp[i] - k) < mp.mpf(10) ** -40:
                K.append(i); kval[i] = (k, lo, hi)
                break
    Kset = set(K)
    # fixed subgradients off the kinks
    c = [mp.mpf(0)] * p
    for i in range(n):
        if i not in Kset:
            g = mp.mpf(slope(kind, par, float(rmp[i])))
            for j in range(p):
                c[j] -= g * P.Amp[i][j]
    # sum_{i in K} g_i a_i = c, g_i in [lo_i, hi_i]
    g = {}
    if len(K) > p:
        # choose the non-basis kink rows' g by an LP maximising the smallest margin
        cf = np.array([float(v) for v in c])
        m = len(K)
        AKf = A[K].T
        lo = np.array([kval[i][1] for i in K]); hi = np.array([kval[i][2] for i in K])
        width = hi - lo
        # variables g (m), s; max s s.t. g - lo >= s w, hi - g >= s w, A_K' g = c
        cost = np.zeros(m + 1); cost[-1] = -1.0
        Aub = sp.vstack([sp.hstack([-sp.identity(m), sp.csr_matrix(width[:, None])]),
                         sp.hstack([sp.identity(m), sp.csr_matrix(width[:, None])])], format="csr")
        bub = np.concatenate([-lo, hi])
        Aeq = sp.hstack([sp.csr_matrix(AKf), sp.csr_matrix((p, 1))], format="csr")
        res = linprog(cost, A_ub=Aub, b_ub=bub, A_eq=Aeq, b_eq=cf,
                      bounds=[(None, None)] * (m + 1), method="highs-ipm",
                      options=dict(primal_feasibility_tolerance=1e-10, dual_feasibility_tolerance=1e-10))
        assert res.status == 0, res.message
        gK = np.clip(res.x[:m], lo, hi)
        # keep the p most interior independent rows free, fix the rest
        margin = np.minimum(gK - lo, hi - gK) / width
        order = np.argsort(-margin, kind="stable")
        _, R2, piv2 = scipy.linalg.qr(AKf[:, order], pivoting=True, mode="economic")
        free = [K[order[j]] for j in piv2[:p]]
        fixed = [i for i in K if i not in set(free)]
        c2 = list(c)
        for idx, i in enumerate(K):
            if i in set(fixed):
                gi = mp.mpf(float(gK[idx]))
                g[i] = gi
                for j in range(p):
                    c2[j] -= gi * P.Amp[i][j]
        solve_rows = free
        c = c2
    else:
        solve_rows = K
    Mt = mp.matrix([P.Amp[i] for i in solve_rows]).T
    gs = mp.lu_solve(Mt, mp.matrix(c))
    for idx, i in enumerate(solve_rows):
        g[i] = gs[idx]
    dual_margin = min(min(g[i] - kval[i][1], kval[i][2] - g[i]) / (kval[i][2] - kval[i][1]) for i in K)
    return dict(beta=beta, objective=obj, basis=basis, kink_rows=K, dual_margin=float(dual_margin),
                near_count=len(near), residuals=rmp)


def piecewise_linear_case(P, kind, par, label):
    beta_lp, fun, res = solve_lp(P, kind, par)
    v = polish_vertex(P, kind, par, beta_lp)
    out = dict(loss=kind, objective=f(v["objective"]), **split(v["beta"]),
               highs_objective=fun,
               highs_relative_difference=gap(fun, f(v["objective"])),
               basis_rows=v["basis"], kink_row_count=len(v["kink_rows"]),
               dual_margin=v["dual_margin"], optimal_certified=v["dual_margin"] >= 0)
    if kind == "quantile":
        out["tau"] = par
        out["interpolated_row_count"] = len(v["kink_rows"])
        out["interpolated_rows"] = v["kink_rows"] if len(v["kink_rows"]) <= 50 else None
    else:
        out["epsilon"] = par
    unique = v["dual_margin"] > 0 and len(v["kink_rows"]) == P.p
    if not unique:
        ranges = face_ranges(P, kind, par, f(v["objective"]))
        scale = max(1.0, max(abs(float(b)) for b in v["beta"]))
        unique = all(hi - lo <= 1e-6 * scale for lo, hi in ranges)
        out["coefficient_ranges"] = ranges
        out["uniqueness_by"] = "face LPs"
    else:
        out["uniqueness_by"] = "strict dual certificate"
    out["unique"] = bool(unique)
    print(f"  {label}: P*={out['objective']!r} kinks={len(v['kink_rows'])} margin={v['dual_margin']:.3g} "
          f"unique={unique} highs_rel={out['highs_relative_difference']:.2e}", flush=True)
    return out, v


# ----------------------------------------------------------------------------------------------
# piecewise-quadratic losses: Newton + exact partition solve
def pwq_derivs(kind, par, r):
    a = np.abs(r)
    if kind == "huber":
        inside = a <= par
        return np.where(inside, 2 * r, 2 * par * np.sign(r)), 2.0 * inside
    if kind == "squaredEpsilonInsensitive":
        out = a > par
        return 2 * np.sign(r) * np.maximum(a - par, 0), 2.0 * out
    if kind == "squared":
        return 2 * r, np.full_like(r, 2.0)
    raise ValueError(kind)


def partition(kind, par, r):
    if kind == "huber":
        return tuple(np.where(np.abs(r) <= par, 0, np.sign(r)).astype(int))
    return tuple(np.where(np.abs(r) > par, np.sign(r), 0).astype(int))


def newton(P, kind, par, beta0, maxit=500):
    A, y, n = P.A, P.y, P.n
    beta = np.array(beta0, dtype=float)
    for it in range(maxit):
        r = A @ beta - y
        d1, d2 = pwq_derivs(kind, par, r)
        g = A.T @ d1 / n
        H = (A.T * d2) @ A / n
        # a small ridge (relative to A'A/n) keeps the step defined when few rows are quadratic;
        # the exact line search below makes any descent direction safe
        H += 1e-10 * P.gram_scale * np.eye(P.p)
        step = -np.linalg.solve(H, g)
        if not np.all(np.isfinite(step)):
            step = -g
        Ad = A @ step

        def dphi(t):
            return float(Ad @ pwq_derivs(kind, par, r + t * Ad)[0]) / n
        t = 1.0
        if dphi(1.0) > 0:
            lo, hi = 0.0, 1.0
            for _ in range(100):
                mid = 0.5 * (lo + hi)
                if dphi(mid) > 0:
                    hi = mid
                else:
                    lo = mid
            t = 0.5 * (lo + hi)
        beta = beta + t * step
        if np.max(np.abs(t * step)) <= 1e-14 * (1 + np.max(np.abs(beta))):
            return beta, it + 1
    return beta, maxit


def exact_pwq(P, kind, par, beta0):
    """Exact minimiser of a piecewise-quadratic objective: Newton, then the final partition's
    normal equations in 60 digits, repeated until the partition is self-consistent."""
    beta, its = newton(P, kind, par, beta0)
    parm = mp.mpf(par)
    for rounds in range(10):
        r = P.A @ beta - P.y
        part = partition(kind, par, r)
        if kind == "huber":
            quad = [i for i in range(P.n) if part[i] == 0]
            rhs = {i: P.ymp[i] for i in quad}
            for i in range(P.n):
                if part[i] != 0:
                    rhs[i] = -parm * part[i]
        else:
            quad = [i for i in range(P.n) if part[i] != 0]
            rhs = {i: P.ymp[i] + parm * part[i] for i in quad}
        rank = int(np.linalg.matrix_rank(P.A[quad])) if quad else 0
        if not quad:
            # squaredEpsilonInsensitive with every |r| <= eps: the optimum is 0, on a whole region
            bmp = [mp.mpf(float(v)) for v in beta]
            obj, rmp = P.objective_mp(kind, par, bmp)
            assert obj == 0
            break
        M, c = P.gram_mp(quad, rhs)
        if rank == P.p:
            bmp = list(mp.lu_solve(M, c))
        else:
            # a face of minimisers: the one nearest Newton's, beta + M^+ (c - M beta)
            E, Q = mp.eigsy(M)
            top = max(abs(e) for e in E)
            bn = mp.matrix([mp.mpf(float(v)) for v in beta])
            rr = c - M * bn
            corr = mp.matrix(P.p, 1)
            for k in range(P.p):
                if abs(E[k]) > top * mp.mpf(10) ** -30:
                    qk = Q[:, k]
                    corr += qk * ((qk.T * rr)[0] / E[k])
            bmp = list(bn + corr)
        obj, rmp = P.objective_mp(kind, par, bmp)
        newpart = tuple((0 if abs(v) <= parm else (1 if v > 0 else -1)) if kind == "huber" else
                        ((1 if v > 0 else -1) if abs(v) > parm else 0) for v in rmp)
        beta = np.array([float(v) for v in bmp])
        if all(a == b or abs(abs(rv) - parm) <= parm * mp.mpf(10) ** -40 for a, b, rv in zip(newpart, part, rmp)):
            break
    else:
        raise RuntimeError("partition did not settle")
    # exact gradient at the 60-digit solution
    grad = [mp.mpf(0)] * P.p
    for i, ri in enumerate(rmp):
        if kind == "huber":
            d = 2 * ri if abs(ri) <= parm else 2 * parm * mp.sign(ri)
        else:
            d = 2 * mp.sign(ri) * (abs(ri) - parm) if abs(ri) > parm else mp.mpf(0)
        for j in range(P.p):
            grad[j] += d * P.Amp[i][j]
    gnorm = max(abs(gj) for gj in grad) / P.n
    return dict(beta=bmp, objective=obj, residuals=rmp, quadratic_rows=len(quad), rank=rank,
                newton_iterations=its, gradient_inf_norm=float(gnorm))


def pwq_case(P, kind, par, beta0, label, extra=None):
    v = exact_pwq(P, kind, par, beta0)
    out = dict(loss=kind, objective=f(v["objective"]), **split(v["beta"]),
               unique=v["rank"] == P.p, gradient_inf_norm=v["gradient_inf_norm"])
    if kind == "huber":
        out["delta"] = par
        out["inside_row_count"] = v["quadratic_rows"]
    else:
        out["epsilon"] = par
        out["outside_row_count"] = v["quadratic_rows"]
    if extra:
        out.update(extra)
    print(f"  {label}: P*={out['objective']!r} quad rows={v['quadratic_rows']} unique={out['unique']} "
          f"|grad|={v['gradient_inf_norm']:.2e}", flush=True)
    return out, v


def mad0(r):
    """statsmodels RLM's scale: scale.mad(resid, center=0) = median(|r|) / Phi^-1(3/4)."""
    return float(np.median(np.abs(np.asarray(r, dtype=float)))) / MAD_C


# ----------------------------------------------------------------------------------------------
def rlm_fixed_point(P, s0, beta0):
    """(beta, s) with beta = argmin huber(1.345 s) and s = mad0(r(beta)): statsmodels RLM(HuberT())
    iterated to its fixed point."""
    s, beta = s0, np.array(beta0)
    hist = []
    for it in range(500):
        beta, _ = newton(P, "huber", T_HUBER * s, beta)
        s_new = mad0(P.A @ beta - P.y)
        hist.append(s_new)
        if abs(s_new - s) <= 4e-16 * s:
            s = s_new
            break
        s = s_new
    else:
        raise RuntimeError("RLM fixed point iteration did not settle")
    return s, beta, it + 1


def huber_regressor_exact(P, eps, beta0, s0):
    """min over (beta, sigma > 0) of n sigma + sum_i H_eps(r_i / sigma) sigma (scikit-learn's
    HuberRegressor, alpha = 0): for fixed sigma the minimiser is Descent's huber(eps sigma); the
    optimal sigma is the root of n - sum_inside (r/sigma)^2 - eps^2 * n_outside (envelope)."""
    state = {"beta": np.array(beta0)}

    def h(sig):
        b, _ = newton(P, "huber", eps * sig, state["beta"])
        state["beta"] = b
        r = P.A @ b - P.y
        z = r / sig
        inside = np.abs(z) <= eps
        return P.n - np.sum(z[inside] ** 2) - eps * eps * np.sum(~inside)
    lo, hi = s0 / 2, s0 * 2
    for _ in range(60):
        if h(lo) <= 0:
            break
        lo /= 2
    for _ in range(60):
        if h(hi) >= 0:
            break
        hi *= 2
    assert h(lo) <= 0 <= h(hi) and np.all(np.isfinite(state["beta"]))
    sig = brentq(h, lo, hi, xtol=1e-300, rtol=1e-15, maxiter=500)
    return sig, state["beta"]


def rlm_results_at(P, M, params, scale, cov):
    model = sm.RLM(P.y, P.A, M=M)
    model.fit()  # sets the model's state (weights, normalized_cov_params)
    res = RLMResults(model, np.asarray(params, dtype=float), model.normalized_cov_params, scale, cov=cov)
    return res


def quantreg_kernel_se(P, resid, q):
    """statsmodels QuantReg's default standard errors (vcov='robust', Epanechnikov kernel,
    Hall-Sheather bandwidth), its formula evaluated at the exact LP vertex: e = y - yhat from the
    60-digit residuals, so the interpolated rows have e = 0 exactly and fall on statsmodels'
    e <= 0 side (weight ((1 - q) / f)^2). statsmodels' own fit leaves them at +-1e-7 or so, on
    either side, which moves its standard errors at tau != 0.5 by up to the factor ((1-q)/q)^2 on
    those rows: see "statsmodels" beside."""
    endog, exog, nobs = P.y, P.A, P.n
    e = np.array([-float(r) for r in resid])
    e[e == 0] = 0.0  # -0.0 -> 0.0
    iqre = stats.scoreatpercentile(e, 75) - stats.scoreatpercentile(e, 25)
    h = hall_sheather(nobs, q)
    h = min(np.std(endog), iqre / 1.34) * (norm.ppf(q + h) - norm.ppf(q - h))
    fhat0 = 1.0 / (nobs * h) * np.sum(kernels["epa"](e / h))
    d = np.where(e > 0, (q / fhat0) ** 2, ((1 - q) / fhat0) ** 2)
    xtxi = np.linalg.pinv(exog.T @ exog)
    xtdx = (exog.T * d[None, :]) @ exog
    vcov = xtxi @ xtdx @ xtxi
    return np.sqrt(np.diag(vcov)), float(h), float(1 / fhat0)


# ----------------------------------------------------------------------------------------------
def run_r(script="generate.R"):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "r.txt")
        subprocess.run(["Rscript", os.path.join(HERE, script), path], check=True)
        out = {}
        with open(path) as fh:
            for line in fh:
                key, _, val = line.rstrip("\n").partition("\t")
                if key.endswith("/error") or key.startswith("versions/"):
                    out[key] = val.strip()
                else:
                    out[key] = None if val.strip() == "NA" else [float.fromhex(t) for t in val.split()]
        return out


def finite(o, path):
    """NaN or inf (e.g. a standard error of a degenerate fit) -> null, said on stdout."""
    if isinstance(o, dict):
        return {k: finite(v, f"{path}/{k}") for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [finite(v, f"{path}/{i}") for i, v in enumerate(o)]
    if isinstance(o, float) and not math.isfinite(o):
        if not path[-1].isdigit() or path.endswith("/0"):
            print(f"  non-finite {o} at {path} -> null")
        return None
    return o


def gap(a, ref):
    """(a - ref) / ref, or a - ref when the optimum ref is 0 (every *_relative_* gap and difference)."""
    return (a - ref) / abs(ref) if ref != 0 else a - ref


def rel(a, b):
    return abs(a - b) / max(abs(b), 1e-300)


def maxrel_coef(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b)) / max(1.0, np.max(np.abs(b))))


def main():
    R = run_r()
    warnings.simplefilter("ignore")
    out = {"about": ("Exact optima of Descent's robust and quantile objectives (1/n) sum loss(x'w + b - y) on "
                     "../realdata and diabetes_outliers, with the ecosystem's fits that map onto them; see "
                     "generate.py for conventions, exactness and the outlier recipe"),
           "conventions": {
               "residual": "r = x'w + b - y; P = (1/n) sum loss(r_i); coefficients: intercept, then weights",
               "huber": "r^2 if |r| <= delta else 2 delta |r| - delta^2",
               "absolute": "|r| (= 2 * quantile(0.5))",
               "quantile": "max(tau (y - yhat), (tau - 1)(y - yhat)) = max(-tau r, (1 - tau) r)",
               "epsilonInsensitive": "max(0, |r| - eps)",
               "squaredEpsilonInsensitive": "max(0, |r| - eps)^2",
               "epsilon": "eps = 0.1 * population std of y (ddof = 0)",
               "mad_scale": "median(|r|) / Phi^-1(0.75), Phi^-1(0.75) = mad_constant (statsmodels RLM; MASS uses 0.6745)",
               "mad_constant": MAD_C,
           },
           "mapping": {
               "SGDRegressor(loss='huber', epsilon=e, penalty=None)": "huber(delta: e): scikit-learn's loss is half of Descent's (0.5 r^2 inside, e|r| - e^2/2 outside), as for squared_error; same minimiser",
               "SGDRegressor(loss='epsilon_insensitive', epsilon=e)": "epsilonInsensitive(e): the same loss",
               "SGDRegressor(loss='squared_epsilon_insensitive', epsilon=e)": "squaredEpsilonInsensitive(e): the same loss (not halved)",
               "HuberRegressor(epsilon=e, alpha=0)": "huber(delta: e * sigma) with sigma = its jointly fitted scale_ (datasets.*.huber_regressor.scale); its objective is n sigma + (1/sigma) sum huber_{e sigma}(r) = n sigma + n P / sigma",
               "QuantileRegressor(quantile=q, alpha=0)": "quantile(q): the identical objective",
               "statsmodels RLM(M=HuberT(t)).fit() (scale_est='mad')": "huber(delta: t * s), s = the RLM fixed-point scale (datasets.*.rlm_huber.scale); sum rho_t(r/s) = P n / (2 s^2)",
               "statsmodels QuantReg(q)": "quantile(q): the same estimator, reached by IRLS only to 1e-7..1e-11 relative",
               "R quantreg::rq(tau, method='br')": "quantile(tau): rq's rho = n * P",
               "R MASS::rlm(psi=psi.huber, k=1.345)": "huber(delta: 1.345 * s) with s its final scale, median(|r|)/0.6745",
           },
           "outliers": {"name": "diabetes_outliers", "base": "diabetes", "rows": "i % 20 == 7 (0-based)",
                        "shift": OUTLIER_SHIFT, "row_list": [i for i in range(442) if i % 20 == 7]},
           "versions": {"numpy": np.__version__, "scipy": scipy.__version__, "scikit-learn": sklearn.__version__,
                        "statsmodels": statsmodels.__version__, "mpmath": mp.__version__,
                        "R": R.get("versions/R"), "quantreg": R.get("versions/quantreg"),
                        "MASS": R.get("versions/MASS")},
           "datasets": {}}
    for name in SETS:
        print(name, flush=True)
        x, y = load(name)
        P = Problem(x, y)
        n, p = P.n, P.p
        std_y = float(np.std(y))
        eps = 0.1 * std_y
        ds = {"n": n, "d": P.d, "std_y": std_y, "cases": []}
        # OLS (exact)
        M, c = P.gram_mp(range(n), {i: P.ymp[i] for i in range(n)})
        bols = list(mp.lu_solve(M, c))
        obj_ols, r_ols = P.objective_mp("squared", 0, bols)
        beta_ols = np.array([float(v) for v in bols])
        ds["ols"] = dict(objective=f(obj_ols), **split(bols))
        s_ols_mad = float(mp.mpf(float(np.median(np.abs([float(v) for v in r_ols])))) / MAD_C)
        ds["ols_mad_scale"] = s_ols_mad
        # quantile, absolute
        verts = {}
        for tau in TAUS:
            case, v = piecewise_linear_case(P, "quantile", tau, f"quantile {tau}")
            verts[tau] = v
            key = f"{name}/rq/{tau}"
            rcoef, rrho = R[key + "/br/coef"], R[key + "/br/rho"][0]
            fn_rho = R[key + "/fn/rho"][0] if R.get(key + "/fn/rho") else None
            rr = {"br_objective": rrho / n,
                  "br_objective_relative_difference": gap(rrho / n, case["objective"]),
                  "br_descent_objective": P.objective("quantile", tau, rcoef),
                  "br_max_coefficient_difference": maxrel_coef(rcoef, [case["intercept"]] + case["weights"]),
                  "br_nonunique_warning": bool(R[key + "/br/nonunique_warning"][0]),
                  "fn_objective_relative_difference": None if fn_rho is None else
                  gap(fn_rho / n, case["objective"])}
            if not case["unique"]:
                rr["br_intercept"] = rcoef[0]
                rr["br_weights"] = rcoef[1:]
            case["rq"] = rr
            print(f"    rq br rel {rr['br_objective_relative_difference']:.2e} coef {rr['br_max_coefficient_difference']:.2e}"
                  f" warn {rr['br_nonunique_warning']}", flush=True)
            ds["cases"].append(case)
        v = verts[0.5]
        obj_abs, _ = P.objective_mp("absolute", 0, v["beta"])
        q50 = [c for c in ds["cases"] if c.get("tau") == 0.5][0]
        ds["cases"].append(dict(loss="absolute", objective=f(obj_abs), intercept=q50["intercept"],
                                weights=q50["weights"], unique=q50["unique"],
                                interpolated_row_count=q50["interpolated_row_count"],
                                interpolated_rows=q50["interpolated_rows"],
                                relation_to_quantile_half=f(obj_abs / v["objective"])))
        # epsilon-insensitive
        case, veps = piecewise_linear_case(P, "epsilonInsensitive", eps, "epsilonInsensitive")
        ds["cases"].append(case)
        # squared epsilon-insensitive (when some fit has every |r| <= eps, both optima are 0 there)
        if case["objective"] == 0:
            obj0, _ = P.objective_mp("squaredEpsilonInsensitive", eps, veps["beta"])
            assert obj0 == 0
            case = dict(loss="squaredEpsilonInsensitive", epsilon=eps, objective=0.0, **split(veps["beta"]),
                        unique=False, outside_row_count=0, gradient_inf_norm=0.0,
                        note="optimum 0 on a region (every |r| <= eps there); coefficients: the epsilonInsensitive vertex")
        else:
            case, _ = pwq_case(P, "squaredEpsilonInsensitive", eps, beta_ols, "squaredEpsilonInsensitive")
        ds["cases"].append(case)
        # Huber: MAD scale of OLS residuals
        d_mad = T_HUBER * s_ols_mad
        case, _ = pwq_case(P, "huber", d_mad, beta_ols, "huber mad(ols)",
                           {"delta_rule": "1.345 * mad_scale(OLS residuals)"})
        ds["cases"].append(case)
        # Huber: fixed delta
        case, _ = pwq_case(P, "huber", DELTA_FIXED, beta_ols, "huber fixed",
                           {"delta_rule": "fixed 1.35 (target units)"})
        ds["cases"].append(case)
        # statsmodels RLM(HuberT()) at its fixed point
        rlm_def = sm.RLM(y, P.A, M=sm.robust.norms.HuberT(t=T_HUBER)).fit()
        rlm_tight = sm.RLM(y, P.A, M=sm.robust.norms.HuberT(t=T_HUBER)).fit(tol=1e-15, maxiter=1000)
        s_fp, b_fp, fp_its = rlm_fixed_point(P, float(rlm_tight.scale), rlm_tight.params)
        case, vfp = pwq_case(P, "huber", T_HUBER * s_fp, b_fp, "huber rlm fixed point",
                             {"delta_rule": "1.345 * s, s = mad_scale(residuals at the optimum) (statsmodels RLM fixed point)"})
        s_check = mad0([float(t) for t in vfp["residuals"]])
        ds["cases"].append(case)
        beta_fp = [case["intercept"]] + case["weights"]
        rlm = {"t": T_HUBER, "scale": s_fp, "scale_fixed_point_residual": (s_check - s_fp) / s_fp,
               "fixed_point_iterations": fp_its, **split(beta_fp)}
        for cov in ["H1", "H2", "H3"]:
            res = rlm_results_at(P, sm.robust.norms.HuberT(t=T_HUBER), beta_fp, s_fp, cov)
            rlm[f"bse_{cov}"] = flist(res.bse)
            if cov == "H1":
                rlm["cov_H1"] = [flist(row) for row in res.cov_params()]
                rlm["pvalues_H1"] = flist(res.pvalues)
        rlm["statsmodels_default"] = {"scale": float(rlm_def.scale), "iterations": int(rlm_def.fit_history["iteration"]),
                                      "bse_H1": flist(rlm_def.bse),
                                      "max_coefficient_difference": maxrel_coef(rlm_def.params, beta_fp),
                                      "scale_relative_difference": rel(float(rlm_def.scale), s_fp),
                                      **split(rlm_def.params)}
        rlm["statsmodels_tight"] = {"tol": 1e-15, "iterations": int(rlm_tight.fit_history["iteration"]),
                                    "max_coefficient_difference": maxrel_coef(rlm_tight.params, beta_fp),
                                    "scale_relative_difference": rel(float(rlm_tight.scale), s_fp),
                                    "bse_H1_max_relative_difference": float(np.max(np.abs(rlm_tight.bse - rlm["bse_H1"]) / np.abs(rlm["bse_H1"])))}
        ds["rlm_huber"] = rlm
        # Tukey biweight (statsmodels, from OLS, converged tightly; non-convex: the fixed point it reaches)
        try:
            tk = sm.RLM(y, P.A, M=sm.robust.norms.TukeyBiweight(c=TUKEY_C)).fit(tol=1e-15, maxiter=1000)
            tk_res = {c: rlm_results_at(P, sm.robust.norms.TukeyBiweight(c=TUKEY_C), tk.params, float(tk.scale), c)
                      for c in ["H1", "H2", "H3"]}
            ds["rlm_tukey"] = {"c": TUKEY_C, "scale": float(tk.scale), "iterations": int(tk.fit_history["iteration"]),
                               **split(tk.params), **{f"bse_{c}": flist(r.bse) for c, r in tk_res.items()},
                               "scale_fixed_point_residual": (mad0(P.A @ tk.params - y) - float(tk.scale)) / float(tk.scale)}
        except Exception as e:  # pragma: no cover
            ds["rlm_tukey"] = {"error": str(e)}
        # MASS::rlm (scale median(|r|)/0.6745): Descent huber(1.345 s_MASS) reproduces its coefficients
        mk = f"{name}/mass_rlm"
        if R.get(mk + "/coef"):
            s_mass = R[mk + "/scale"][0]
            case, _ = pwq_case(P, "huber", T_HUBER * s_mass, beta_fp, "huber MASS scale",
                               {"delta_rule": "1.345 * MASS::rlm scale (median(|r|)/0.6745)"})
            ds["cases"].append(case)
            ds["mass_rlm"] = {"scale": s_mass, "iterations": int(R[mk + "/iterations"][0]),
                              "converged": bool(R[mk + "/converged"][0]), **split(R[mk + "/coef"]),
                              "max_coefficient_difference_to_descent_huber": maxrel_coef(
                                  R[mk + "/coef"], [case["intercept"]] + case["weights"])}
        # scikit-learn HuberRegressor(epsilon=1.35, alpha=0), exact
        sig, b_hr = huber_regressor_exact(P, EPS_SKLEARN, beta_fp, s_fp)
        case, vhr = pwq_case(P, "huber", EPS_SKLEARN * sig, b_hr, "huber HuberRegressor",
                             {"delta_rule": "1.35 * sigma, sigma = HuberRegressor(epsilon=1.35, alpha=0).scale_ (exact)"})
        ds["cases"].append(case)
        ds["huber_regressor"] = {"epsilon": EPS_SKLEARN, "alpha": 0.0, "scale": sig,
                                 "objective": f(n * mp.mpf(sig) + vhr["objective"] * n / mp.mpf(sig)),
                                 **split(vhr["beta"])}
        # statsmodels QuantReg and R's nid standard errors
        qr = {}
        for tau in TAUS:
            key = f"{name}/rq/{tau}"
            cq = [c for c in ds["cases"] if c.get("tau") == tau][0]
            bq = [cq["intercept"]] + cq["weights"]
            fit = sm.QuantReg(y, P.A).fit(q=tau)
            se_exact, h, spars = quantreg_kernel_se(P, verts[tau]["residuals"], tau)
            qobj = P.objective("quantile", tau, fit.params)
            # statsmodels' own residuals on the interpolated rows: their signs pick its weights there
            e_sm = y - P.A @ fit.params
            irows = verts[tau]["kink_rows"]
            if len(irows) <= 50:
                signs = [int(np.sign(e_sm[i])) for i in irows]
                r_signed = np.array([float(t) for t in verts[tau]["residuals"]])
                for i, sg in zip(irows, signs):
                    r_signed[i] = -sg * 1e-300
                se_signed, _, _ = quantreg_kernel_se(P, r_signed, tau)
            else:
                signs, se_signed = None, [None] * P.p
            qr[str(tau)] = {
                "statsmodels_interpolated_row_signs": signs,
                "kernel_se_at_exact_with_statsmodels_signs": flist(se_signed) if signs else None,
                "statsmodels": {**split(fit.params), "bse": flist(fit.bse), "iterations": int(fit.iterations),
                                "bandwidth": float(fit.bandwidth), "sparsity": float(fit.sparsity),
                                "objective_relative_gap": gap(qobj, cq["objective"])},
                "kernel_se_at_exact": flist(se_exact), "kernel_bandwidth_at_exact": h, "sparsity_at_exact": spars,
                "rq_nid_se": R.get(key + "/nid/se"),
                "rq_nid_error": R.get(key + "/nid/error"),
                "rq_br_is_descent_vertex": ds["cases"][[c.get("tau") for c in ds["cases"]].index(tau)]["rq"]["br_max_coefficient_difference"] < 1e-9,
            }
        ds["quantreg"] = qr
        out["datasets"][name] = ds
    if ECOSYSTEM_SET in out["datasets"]:
        out["ecosystem"] = ecosystem(out)
    out = finite(out, "")
    target = os.environ.get("ROBUST_OUT", os.path.join(HERE, "reference.json"))
    with open(target, "w") as fh:
        fh.write(dump(out) + "\n")


def dump(o, level=0):
    """JSON with sorted keys, floats by repr, and lists of numbers (or of such lists) on one line."""
    pad, inner = " " * level, " " * (level + 1)
    if isinstance(o, dict):
        if not o:
            return "{}"
        items = [f"{inner}{json.dumps(str(k))}: {dump(v, level + 1)}" for k, v in sorted(o.items())]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(o, (list, tuple)):
        flat = all(not isinstance(v, (dict, list, tuple)) for v in o)
        if flat or all(isinstance(v, (list, tuple)) and all(not isinstance(t, (dict, list, tuple)) for t in v) for v in o):
            return json.dumps(o, allow_nan=False, separators=(", ", ": "))
        return "[\n" + ",\n".join(inner + dump(v, level + 1) for v in o) + "\n" + pad + "]"
    return json.dumps(o, allow_nan=False)


def ecosystem(out):
    """The ecosystem's losses and estimators against Descent's, numerically, on one data set."""
    from sklearn.linear_model import SGDRegressor, HuberRegressor, QuantileRegressor
    from sklearn.linear_model import _sgd_fast
    from sklearn._loss._loss import CyHuberLoss
    name = ECOSYSTEM_SET
    x, y = load(name)
    P = Problem(x, y)
    ds = out["datasets"][name]
    res = {"dataset": name}
    # 1. loss functions pointwise
    rgrid = np.linspace(-5, 5, 101)
    d = 1.35
    buf = np.empty_like(rgrid)
    CyHuberLoss(d).loss(np.zeros_like(rgrid), rgrid, None, buf, 1)
    eps_i = np.array([_sgd_fast.EpsilonInsensitive(0.7).py_loss(p, 0.0) for p in rgrid])
    sq_eps = np.array([_sgd_fast.SquaredEpsilonInsensitive(0.7).py_loss(p, 0.0) for p in rgrid])
    s = 2.3
    hub_t = sm.robust.norms.HuberT(t=T_HUBER).rho(rgrid / s)
    res["pointwise"] = {
        "sgd_huber_times_2_minus_descent_huber": float(np.max(np.abs(2 * buf - loss_np("huber", d, rgrid)))),
        "sgd_epsilon_insensitive_minus_descent": float(np.max(np.abs(eps_i - loss_np("epsilonInsensitive", 0.7, rgrid)))),
        "sgd_squared_epsilon_insensitive_minus_descent": float(np.max(np.abs(sq_eps - loss_np("squaredEpsilonInsensitive", 0.7, rgrid)))),
        "statsmodels_HuberT_rho_of_r_over_s_times_2s2_minus_descent_huber_delta_ts": float(np.max(np.abs(
            2 * s * s * hub_t - loss_np("huber", T_HUBER * s, rgrid)))),
    }
    # 2. QuantileRegressor == Descent quantile(tau)
    qrs = {}
    for tau in TAUS:
        m = QuantileRegressor(quantile=tau, alpha=0.0, solver="highs").fit(x, y)
        c = [c for c in ds["cases"] if c.get("tau") == tau][0]
        ob = P.objective("quantile", tau, [m.intercept_, *m.coef_])
        qrs[str(tau)] = {"objective_relative_difference": gap(ob, c["objective"]),
                         "max_coefficient_difference": maxrel_coef([m.intercept_, *m.coef_], [c["intercept"]] + c["weights"])}
    res["QuantileRegressor_alpha0_vs_quantile"] = qrs
    # 3. HuberRegressor(epsilon=1.35, alpha=0) vs exact joint optimum == Descent huber(1.35 * scale_)
    hr = HuberRegressor(epsilon=EPS_SKLEARN, alpha=0.0, max_iter=100000, tol=1e-12).fit(x, y)
    ex = ds["huber_regressor"]
    c = [c for c in ds["cases"] if c["loss"] == "huber" and "HuberRegressor" in c.get("delta_rule", "")][0]
    res["HuberRegressor_vs_descent_huber_delta_eps_sigma"] = {
        "scale_relative_difference": rel(float(hr.scale_), ex["scale"]),
        "max_coefficient_difference": maxrel_coef([hr.intercept_, *hr.coef_], [c["intercept"]] + c["weights"]),
        "descent_objective_relative_gap_of_sklearn_fit": gap(P.objective("huber", c["delta"], [hr.intercept_, *hr.coef_]), c["objective"]),
        "sklearn_n_iter": int(hr.n_iter_)}
    # 4. statsmodels RLM == Descent huber(1.345 * s*) at the fixed point
    rl = ds["rlm_huber"]
    res["RLM_HuberT_vs_descent_huber_delta_t_s"] = {
        "default_fit_max_coefficient_difference": rl["statsmodels_default"]["max_coefficient_difference"],
        "tight_fit_max_coefficient_difference": rl["statsmodels_tight"]["max_coefficient_difference"],
        "scale_fixed_point_residual": rl["scale_fixed_point_residual"]}
    # 5. SGDRegressor: the same minimisers, half the objective for huber and squared
    sgd = {}
    cases = {"huber": [c for c in ds["cases"] if c["loss"] == "huber" and "RLM" in c.get("delta_rule", "")][0],
             "epsilon_insensitive": [c for c in ds["cases"] if c["loss"] == "epsilonInsensitive"][0],
             "squared_epsilon_insensitive": [c for c in ds["cases"] if c["loss"] == "squaredEpsilonInsensitive"][0]}
    for loss, c in cases.items():
        par = c.get("delta", c.get("epsilon"))
        m = SGDRegressor(loss=loss, epsilon=par, penalty=None, max_iter=3000, tol=None, average=True,
                         learning_rate="invscaling", eta0=0.05, random_state=0, shuffle=True).fit(x, y)
        kind = {"huber": "huber", "epsilon_insensitive": "epsilonInsensitive",
                "squared_epsilon_insensitive": "squaredEpsilonInsensitive"}[loss]
        ob = P.objective(kind, par, [m.intercept_[0], *m.coef_])
        sgd[loss] = {"epsilon": par, "epochs": 3000, "objective_relative_gap": gap(ob, c["objective"]),
                     "max_coefficient_difference": maxrel_coef([m.intercept_[0], *m.coef_], [c["intercept"]] + c["weights"])}
    res["SGDRegressor_penalty_None_vs_descent"] = sgd
    # 6. statsmodels QuantReg: the same estimator, IRLS-approximate
    res["QuantReg_objective_relative_gaps"] = {t: v["statsmodels"]["objective_relative_gap"] for t, v in ds["quantreg"].items()}
    print("ecosystem", json.dumps(res, indent=1), flush=True)
    return res


if __name__ == "__main__":
    main()
