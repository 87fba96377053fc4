"""Peers on the bench's workload: numpy, scikit-learn, statsmodels, R's quantreg and (optionally)
PyTorch.

Usage: compare_peers.py --descent-json FILE [--rows N] [--features N] [--small-rows N]
                        [--small-features N] [--batch-size N] [--seed N] [--repetitions N]
                        [--with-torch] [--chart PNG]

Generates the same shapes as `bench` (X ~ N(0, 1), y = Xw + b + 0.1·noise; numpy's own generator
seeded with the same seed, so the distribution matches, not the bits), times each peer's obvious
implementation (median after a warm-up), and prints one table: peer seconds ÷ Descent seconds,
Descent's figures read from the JSON lines of `bench --json` run just before. With --chart, also
draws those ratios as a horizontal bar chart (matplotlib), one bar per peer and workload.

Robust and quantile regression run on the bench's main shape and on its smaller one
(`--small-rows` × `--small-features`, 100,000 × 20 by default), on the targets with outliers the
bench uses there: `y[7::20] += 5.0` (50 noise standard deviations on 5 % of the rows, the bench's
deterministic rule). Against the Huber and pinball epochs (`huber-epoch`, `quantile-epoch`,
`huber-stochastic-epoch`): the same full-batch epochs in numpy and scikit-learn's
`SGDRegressor(loss="huber")` for one epoch. Against the exact solvers (`huber-irls`,
`quantile-exact`), on the shapes where the bench ran them: statsmodels' `RLM(y, X, M=HuberT()).fit()`,
`QuantReg(y, X).fit(q=0.5)`, scikit-learn's `QuantileRegressor(quantile=0.5, alpha=0,
solver="highs")` where its linear program fits in memory (scikit-learn#22922), and R's
`quantreg::rq(method="fn")` when `Rscript` with quantreg is installed.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from penalty_peers import penalty_peers  # noqa: E402

# The bench's robust workload (Benchmarks/bench/RobustEpochs.swift, RobustExact.swift).
NOISE = 0.1
OUTLIER_PERIOD, OUTLIER_OFFSET, OUTLIER_SHIFT = 20, 7, 50 * NOISE
HUBER_DELTA = 1.35 * NOISE
PINBALL_TAU = 0.9
EXACT_TAU = 0.5
# An exact peer whose first fit takes longer than this is timed by that fit alone (no warm-up, no
# median), as the bench times its exact solvers on the main shape.
SLOW_SECONDS = 5.0


def timed(fn, repetitions):
    fn()
    times = []
    for _ in range(repetitions):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def json_rows(path):
    """The JSON objects of a `bench --json` output, one a line (other lines skipped)."""
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                yield json.loads(line)


def with_outliers(y):
    """The bench's targets with outliers: every 20th row from row 7 shifted by 5.0."""
    shifted = y.copy()
    shifted[OUTLIER_OFFSET::OUTLIER_PERIOD] += OUTLIER_SHIFT
    return shifted


def available_megabytes():
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def r_quantreg():
    """Rscript's path and quantreg's version when both are installed, else (None, reason)."""
    rscript = shutil.which("Rscript")
    if not rscript:
        return None, "Rscript is not installed (apt-get install r-base-core r-cran-quantreg)"
    probe = subprocess.run([rscript, "-e", 'cat(as.character(packageVersion("quantreg")))'],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        return None, "R's quantreg is not installed (apt-get install r-cran-quantreg)"
    return rscript, probe.stdout.strip()


R_SCRIPT = r"""
args <- commandArgs(trailingOnly = TRUE)
n <- as.integer(args[2]); d <- as.integer(args[3]); reps <- as.integer(args[4]); slow <- as.numeric(args[5])
tau <- as.numeric(args[6])
suppressMessages(library(quantreg))
con <- file(args[1], "rb")
X <- matrix(readBin(con, "double", n * d), nrow = n, ncol = d, byrow = TRUE)
y <- readBin(con, "double", n)
close(con)
fit <- function() rq(y ~ X, tau = tau, method = "fn")
first <- system.time(f <- fit())[["elapsed"]]
times <- if (first > slow) first else sapply(seq_len(reps), function(i) system.time(fit())[["elapsed"]])
cat(median(times), length(times), sum(abs(f$residuals) * ifelse(f$residuals > 0, tau, 1 - tau)), "
")
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--descent-json", required=True)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--features", type=int, default=100)
    parser.add_argument("--small-rows", type=int, default=100_000)
    parser.add_argument("--small-features", type=int, default=20)
    parser.add_argument("--max-highs-cells", type=int, default=5_000_000,
                        help="largest n·(d+1) QuantileRegressor(solver='highs') is run on")
    parser.add_argument("--highs-timeout", type=float, default=300,
                        help="seconds after which QuantileRegressor is stopped (recorded as a lower bound)")
    parser.add_argument("--peer-timeout", type=float, default=600,
                        help="seconds after which statsmodels' RLM or QuantReg is stopped (recorded as a lower bound)")
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--with-torch", action="store_true")
    parser.add_argument("--chart", help="write a PNG bar chart of peer ÷ Descent here")
    a = parser.parse_args()

    descent = {}
    config = {}
    for row in json_rows(a.descent_json):
        if row.get("benchmark") == "configuration":
            config = row
        elif row.get("precision") == "float64" and row["benchmark"] != "agreement":
            descent[(row["benchmark"], row["rows"], row["features"])] = row

    n, d, m, reps = a.rows, a.features, a.batch_size, a.repetitions
    X, y, rng = generate(n, d, a.seed)
    peers = []  # (peer, workload, seconds, (descent benchmark it compares with, rows, features))
    notes = []  # what was skipped, and why

    def record(peer, workload, seconds, against, shape=(n, d), lower_bound=False):
        print(f"[peers] {peer} {workload} at {shape[0]} × {shape[1]}: {seconds * 1e3:.1f} ms", file=sys.stderr)
        peers.append((peer, workload, seconds, (against, *shape), lower_bound))

    w = np.zeros(d)
    record("numpy", "X @ w (one pass)", timed(lambda: X @ w, reps), "read-once")

    def batch_epoch():
        nonlocal w
        r = X @ w + 0.0 - y
        w = w - 0.1 * (2.0 / n) * (X.T @ r)
    record("numpy", "batch epoch (X@w, then X.T@r)", timed(batch_epoch, reps), "batch-epoch")

    def minibatch_epoch():
        nonlocal w
        idx = rng.permutation(n)
        for k in range(0, n, m):
            j = idx[k:k + m]
            Xb, yb = X[j], y[j]
            r = Xb @ w - yb
            w = w - 0.01 * (2.0 / len(j)) * (Xb.T @ r)
    record("numpy", f"mini-batch epoch ({m}, X[idx] shuffled)", timed(minibatch_epoch, reps), "minibatch-epoch")

    def normal_equations():
        mu = X.mean(axis=0)
        G = X.T @ X - n * np.outer(mu, mu)
        c = X.T @ (y - y.mean())
        np.linalg.solve(G, c)
    record("numpy", "normal equations (X.T@X, centred)", timed(normal_equations, reps), "normal-equations")

    def lstsq():
        # The accurate path: LAPACK gelsd (SVD) on [X 1], as numpy users write it.
        np.linalg.lstsq(np.column_stack([X, np.ones(n)]), y, rcond=None)
    lstsq_seconds = timed(lstsq, max(1, reps // 2))
    # gelsd is an SVD: compared with Descent's .svd, and with its .qr (the accurate path users take).
    record("numpy", "linalg.lstsq on [X 1] (gelsd, SVD) (vs svd)", lstsq_seconds, "svd")
    record("numpy", "linalg.lstsq on [X 1] (gelsd, SVD) (vs qr)", lstsq_seconds, "qr")

    try:
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.linear_model import LinearRegression, SGDRegressor
        warnings.simplefilter("ignore", ConvergenceWarning)

        def sgd_epoch():
            SGDRegressor(max_iter=1, tol=None, learning_rate="constant", eta0=0.1 / d / 2, penalty=None,
                         shuffle=True, random_state=a.seed).fit(X, y)
        record("scikit-learn", "SGDRegressor, one epoch", timed(sgd_epoch, reps), "stochastic-epoch")
        record("scikit-learn", "LinearRegression.fit", timed(lambda: LinearRegression().fit(X, y), max(1, reps // 2)),
               "automatic")
        from sklearn.linear_model import Ridge
        # Cholesky of the centred Gram matrix plus αI: the normal equations, so it is compared with
        # Descent's; α is tiny so the answer is least squares'.
        record("scikit-learn", "Ridge(solver=\"cholesky\", alpha=1e-8).fit",
               timed(lambda: Ridge(alpha=1e-8, solver="cholesky").fit(X, y), reps), "normal-equations")
    except ImportError:
        print("[peers] scikit-learn is not installed: skipped", file=sys.stderr)

    if descent.get(("summary-hc3", n, d)):
        try:
            import statsmodels.api as sm
            X1 = np.column_stack([np.ones(n), X])
            record("statsmodels", 'OLS(y, X).fit(cov_type="HC3").bse',
                   timed(lambda: sm.OLS(y, X1).fit(cov_type="HC3").bse, 1), "summary-hc3")
        except ImportError:
            notes.append("statsmodels is not installed: OLS(cov_type=\"HC3\") skipped")

    if a.with_torch:
        import torch
        torch.manual_seed(a.seed)
        Xt, yt = torch.from_numpy(X), torch.from_numpy(y).unsqueeze(1)
        model = torch.nn.Linear(d, 1, dtype=torch.float64)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
        loss_fn = torch.nn.MSELoss()

        def torch_epoch():
            perm = torch.randperm(n)
            for k in range(0, n, m):
                j = perm[k:k + m]
                optimizer.zero_grad()
                loss = loss_fn(model(Xt[j]), yt[j])
                loss.backward()
                optimizer.step()
        record("PyTorch", f"nn.Linear + optim.SGD, mini-batch {m}", timed(torch_epoch, max(1, reps // 2)),
               "minibatch-epoch")

    shapes = [(n, d, X, y)]
    small = (a.small_rows, a.small_features)
    if small != (n, d):
        shapes.append((*small, *generate(*small, a.seed)[:2]))
    for rows, columns, features, targets in shapes:
        robust_peers(features, targets, a, record, descent, notes)
    penalty_peers(X, y, a, record, notes, generate)

    print()
    print(f"Peers vs Descent, {n} × {d} (and {small[0]} × {small[1]} for robust and quantile regression) float64, "
          f"batch size {m} — OpenBLAS core {config.get('openblas_core', '?')}, {config.get('threads', '?')} threads; "
          f"numpy {np.__version__}")
    print(f"{'peer':<13} {'workload':<66} {'shape':>13} {'peer':>10} {'Descent':>10} {'peer ÷ Descent':>15}")
    for peer, workload, seconds, against, lower_bound in peers:
        row = descent.get(against)
        ours = row["seconds"] if row else None
        ratio = (">" if lower_bound else "") + f"{seconds / ours:.2f}×" if ours else "—"
        ours_text = duration(ours) if ours else "—"
        shape = f"{against[1]}×{against[2]}"
        print(f"{peer:<13} {workload:<66} {shape:>13} {duration(seconds):>10} {ours_text:>10} {ratio:>15}   "
              f"(vs {against[0]})")
    uniform = descent.get(("minibatch-epoch-uniform", n, d))
    if uniform:
        print(f"(Descent's minibatch-epoch shuffles blocks of rows; with a uniform row permutation, as numpy's X[idx], "
              f"it took {uniform['seconds'] * 1e3:.1f} ms.)")
    for (name, rows, columns), row in descent.items():
        if name in ("huber-irls", "quantile-exact"):
            extra = f", duality gap {row['duality_gap']:.2g}" if row.get("duality_gap") is not None else ""
            print(f"(Descent {name} at {rows}×{columns}: {row.get('iterations')} iterations, converged "
                  f"{row.get('converged')}{extra}.)")
    for note in notes:
        print(f"Note: {note}")
    if a.chart:
        chart(a.chart, peers, descent, n, d, small, config, np.__version__)


def generate(n, d, seed):
    """The bench's synthetic data in distribution: X ~ N(0, 1), y = Xw + b + 0.1·noise; and the
    generator, to draw on from there."""
    rng = np.random.default_rng(seed)
    print(f"[peers] generating {n} × {d} float64 data…", file=sys.stderr)
    X = rng.standard_normal((n, d))
    w_true = rng.standard_normal(d)
    y = X @ w_true + 0.5 + NOISE * rng.standard_normal(n)
    return X, y, rng


def duration(seconds):
    if seconds < 0.01:
        return f"{seconds * 1e3:.3f} ms"
    return f"{seconds * 1e3:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def robust_peers(X, y_clean, a, record, descent, notes):
    """The robust and quantile peers on one shape, against Descent's rows of that shape."""
    n, d = X.shape
    shape = (n, d)
    y = with_outliers(y_clean)
    reps = a.repetitions

    def ran(name):
        return (name, n, d) in descent

    # Full-batch epochs as numpy writes them: the residuals, the loss's derivative, Xᵀ of it.
    w, b = np.zeros(d), 0.0

    def epoch(derivative):
        nonlocal w, b
        g = derivative(X @ w + b - y)
        w = w - 0.1 * (1.0 / n) * (X.T @ g)
        b = b - 0.1 * g.mean()

    if ran("huber-epoch"):
        record("numpy", f"Huber batch epoch (2·clip(r, ±{HUBER_DELTA:g}), X.T@g)",
               timed(lambda: epoch(lambda r: 2 * np.clip(r, -HUBER_DELTA, HUBER_DELTA)), reps), "huber-epoch", shape)
    if ran("quantile-epoch"):
        record("numpy", f"pinball batch epoch (τ = {PINBALL_TAU}, where(r > 0), X.T@g)",
               timed(lambda: epoch(lambda r: np.where(r > 0, 1 - PINBALL_TAU, -PINBALL_TAU)), reps),
               "quantile-epoch", shape)
    try:
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.linear_model import SGDRegressor
        warnings.simplefilter("ignore", ConvergenceWarning)

        def sgd_huber_epoch():
            # epsilon is Huber's threshold in target units; scikit-learn's loss is half of Descent's.
            SGDRegressor(loss="huber", epsilon=HUBER_DELTA, penalty=None, max_iter=1, tol=None,
                         learning_rate="constant", eta0=0.1 / d / 2, shuffle=True, random_state=a.seed).fit(X, y)
        if ran("huber-stochastic-epoch") or ran("huber-epoch"):
            seconds = timed(sgd_huber_epoch, reps)
            for against in ("huber-stochastic-epoch", "huber-epoch"):
                if ran(against):
                    record("scikit-learn", f"SGDRegressor(loss=\"huber\", ε={HUBER_DELTA:g}), one epoch", seconds,
                           against, shape)
    except ImportError:
        notes.append("scikit-learn is not installed: SGDRegressor(loss=\"huber\") skipped")

    if not (ran("huber-irls") or ran("quantile-exact")):
        notes.append(f"the bench ran no exact robust solver at {n}×{d} (not selected, --skip-solvers or "
                     f"--exact-small-only): statsmodels, QuantileRegressor and R's rq not run there")
        return
    with tempfile.TemporaryDirectory() as folder:
        # The data once in a file, for the peers, each run in a process of its own (stopped after
        # its timeout).
        data = os.path.join(folder, "xy.bin")
        with open(data, "wb") as f:
            f.write(np.ascontiguousarray(X, dtype="<f8").tobytes())
            f.write(np.ascontiguousarray(y, dtype="<f8").tobytes())
        try:
            import statsmodels  # noqa: F401
            if ran("huber-irls"):
                child_peer("rlm", "statsmodels", "RLM(M=HuberT()).fit()", "huber-irls", data, shape, a.peer_timeout,
                           a, record, notes)
            if ran("quantile-exact"):
                child_peer("quantreg", "statsmodels", f"QuantReg.fit(q={EXACT_TAU})", "quantile-exact", data, shape,
                           a.peer_timeout, a, record, notes)
        except ImportError:
            notes.append("statsmodels is not installed: RLM and QuantReg skipped")
        if ran("quantile-exact"):
            highs_peer(data, n, d, a, record, notes)
            r_peer(data, n, d, folder, a, record, notes)


# One peer's fits in a child process, so that one that runs for too long can be stopped: the
# first fit timed, and when it took at most SLOW_SECONDS, the median of `reps` more. Prints the
# seconds, the fits timed, the peer's iteration count and the child's peak resident memory in MB.
CHILD_SCRIPT = r"""
import resource, statistics, sys, time, warnings
import numpy as np
try:
    # The peak resident memory is the parent's until reset (Linux: the child forked from it).
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
except OSError:
    pass
peer, path, n, d, tau, reps, slow = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), \
    float(sys.argv[5]), int(sys.argv[6]), float(sys.argv[7])
# A peer that would need more than this fails with MemoryError instead of calling the kernel's
# out-of-memory killer onto the machine.
limit = int(float(sys.argv[8]) * 2**20)
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
raw = np.fromfile(path, dtype="<f8")
X, y = raw[:n * d].reshape(n, d), raw[n * d:]
warnings.simplefilter("ignore")
if peer == "highs":
    from sklearn.linear_model import QuantileRegressor
    fit = lambda: QuantileRegressor(quantile=tau, alpha=0, solver="highs").fit(X, y)
    iterations = lambda f: f.n_iter_
else:
    import statsmodels.api as sm
    X1 = np.column_stack([np.ones(n), X])
    if peer == "rlm":
        fit = lambda: sm.RLM(y, X1, M=sm.robust.norms.HuberT()).fit()
        iterations = lambda f: f.fit_history["iteration"]
    else:
        fit = lambda: sm.QuantReg(y, X1).fit(q=tau)
        iterations = lambda f: f.iterations
start = time.perf_counter()
result = fit()
times = [time.perf_counter() - start]
if times[0] <= slow:
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        result = fit()
        times.append(time.perf_counter() - start)
peak = next((int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:")),
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
print(statistics.median(times), len(times), iterations(result), peak / 1024)
"""


def child_peer(kind, peer, workload, against, data, shape, timeout, a, record, notes):
    """Runs CHILD_SCRIPT's `kind` on the data file and records it; one stopped after `timeout`
    seconds is recorded as that long, a lower bound."""
    n, d = shape
    available = available_megabytes() or 8192
    limit = available * 0.6
    try:
        out = subprocess.run([sys.executable, "-c", CHILD_SCRIPT, kind, data, str(n), str(d), str(EXACT_TAU),
                              str(a.repetitions), str(SLOW_SECONDS), str(limit)],
                             capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        notes.append(f"{peer} {workload} at {n}×{d} did not finish in {timeout:g} s: stopped, and recorded as "
                     f"{timeout:g} s, a lower bound")
        record(peer, f"{workload} [stopped at {timeout:g} s: a lower bound]", timeout, against, shape,
               lower_bound=True)
        return
    if out.returncode != 0:
        error = out.stderr.strip().splitlines()[-1:] or [f"exit status {out.returncode}"]
        if "MemoryError" in out.stderr:
            error = [f"MemoryError: it needed more than the {limit:,.0f} MB it was allowed "
                     f"(60 % of the {available:,.0f} MB available)"]
        notes.append(f"{peer} {workload} failed at {n}×{d}: {error[0][-300:]}")
        return
    seconds, runs, iterations, peak = out.stdout.split()[:4]
    record(peer, f"{workload} [{iterations} iterations, {runs} run(s), peak RSS {float(peak):,.0f} MB]",
           float(seconds), against, shape)


def highs_peer(data, n, d, a, record, notes):
    """QuantileRegressor(alpha=0, solver="highs"), stopped after --highs-timeout seconds (then
    recorded as at least that long); skipped where its linear program would not fit in memory."""
    # scikit-learn's HiGHS formulation holds [X, −X, I, −I] as a sparse matrix (2n(d+1) + 2n
    # non-zeros at 12 bytes each) and HiGHS copies it a few times (scikit-learn#22922).
    needed = 12 * (2 * n * (d + 1) + 2 * n) * 4 / 2**20
    available = available_megabytes()
    if available is not None and needed > available / 2:
        notes.append(f"QuantileRegressor(solver=\"highs\") skipped at {n}×{d}: its linear program needs about "
                     f"{needed:,.0f} MB (scikit-learn#22922), more than half the {available:,.0f} MB available")
        return
    if n * (d + 1) > a.max_highs_cells:
        notes.append(f"QuantileRegressor(solver=\"highs\") skipped at {n}×{d}: n·(d+1) is over --max-highs-cells "
                     f"{a.max_highs_cells:,} (its linear program holds about {needed:,.0f} MB by scikit-learn#22922's "
                     f"formulation; the smaller shape's row shows how long it takes there)")
        return
    try:
        import sklearn  # noqa: F401
    except ImportError:
        notes.append("scikit-learn is not installed: QuantileRegressor skipped")
        return
    child_peer("highs", "scikit-learn", "QuantileRegressor(alpha=0, solver=\"highs\")", "quantile-exact", data,
               (n, d), a.highs_timeout, a, record, notes)


def r_peer(data, n, d, folder, a, record, notes):
    """R's quantreg::rq(method = "fn") on the same data, read from the file (not timed)."""
    rscript, version = r_quantreg()
    if rscript is None:
        notes.append(f"R's rq skipped: {version}")
        return
    script = os.path.join(folder, "rq.R")
    with open(script, "w") as f:
        f.write(R_SCRIPT)
    workload = f"quantreg {version} rq(y ~ X, method=\"fn\")"
    try:
        out = subprocess.run([rscript, script, data, str(n), str(d), str(a.repetitions), str(SLOW_SECONDS),
                              str(EXACT_TAU)], capture_output=True, text=True, timeout=a.peer_timeout)
    except subprocess.TimeoutExpired:
        notes.append(f"R's rq at {n}×{d} did not finish in {a.peer_timeout:g} s: stopped, recorded as a lower bound")
        record("R", f"{workload} [stopped at {a.peer_timeout:g} s: a lower bound]", a.peer_timeout, "quantile-exact",
               (n, d), lower_bound=True)
        return
    if out.returncode != 0:
        notes.append(f"R's rq failed: {out.stderr.strip()[-300:]}")
        return
    seconds, runs = out.stdout.split()[:2]
    record("R", f"{workload} [{runs} run(s), reading not timed]",
           float(seconds), "quantile-exact", (n, d))


def chart(path, peers, descent, n, d, small, config, numpy_version):
    """A horizontal bar per (peer, workload): peer seconds ÷ Descent seconds on a log scale (see
    `bar_chart`)."""

    def label(peer, workload, against):
        name, rows, columns = against
        shape = "" if (rows, columns) == (n, d) else f" at {rows:,} × {columns}"
        return f"{peer}: {workload}\n(vs Descent {name}{shape})"

    rows = [(label(peer, workload, against), seconds / descent[against]["seconds"], peer, lower_bound)
            for peer, workload, seconds, against, lower_bound in peers if descent.get(against)]
    if not rows:
        print("[peers] no Descent figures to chart", file=sys.stderr)
        return
    title = (f"Peers vs Descent, {n:,} × {d} float64 (robust and quantile rows also at {small[0]:,} × {small[1]})\n"
             f"OpenBLAS {config.get('openblas_core', '?')}, {config.get('threads', '?')} threads; "
             f"numpy {numpy_version}")
    bar_chart(path, rows, title, "peer time ÷ Descent time (log scale; > 1: Descent is faster)")


def bar_chart(path, rows, title, xlabel):
    """Draws `rows` — (label, ratio, peer[, lower bound]) — as horizontal bars on a log scale, the
    ratio written at each bar's end and 1 (as fast as Descent) marked, into the PNG `path`."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colors = {"numpy": "#4c72b0", "scikit-learn": "#dd8452", "PyTorch": "#c44e52", "statsmodels": "#8172b3",
              "R": "#937860", "scipy": "#64b5cd", "Vowpal Wabbit": "#da8bc3"}
    fig, ax = plt.subplots(figsize=(12, 0.62 * len(rows) + 1.6))
    labels = [r[0] for r in rows][::-1]
    ratios = [r[1] for r in rows][::-1]
    bars = ax.barh(labels, ratios, color=[colors.get(r[2], "#55a868") for r in rows][::-1])
    ax.set_xscale("log")
    ax.axvline(1, color="black", linewidth=1)
    bounds = [len(r) > 3 and r[3] for r in rows][::-1]
    for bar, ratio, bound in zip(bars, ratios, bounds):
        ax.text(bar.get_width() * 1.05, bar.get_y() + bar.get_height() / 2,
                (">" if bound else "") + (f"{ratio:.2f}×" if ratio >= 0.1 else f"{ratio:.2g}×")
                + (" (stopped)" if bound else ""), va="center", fontsize=9)
    ax.set_xlim(min(0.5, min(ratios) / 1.5), max(ratios) * (6 if any(bounds) else 2.5))
    ax.set_xlabel(xlabel)
    ax.set_title(title, fontsize=10)
    ax.tick_params(axis="y", labelsize=8)
    fig.tight_layout()
    temporary = path + ".tmp.png"
    fig.savefig(temporary, dpi=110)
    os.replace(temporary, path)
    print(f"[peers] chart: {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
