"""Sparse peers on `bench --sparse`'s data: scikit-learn's SGDRegressor on scipy CSR, Vowpal Wabbit,
scipy's lsmr and scikit-learn's load_svmlight_file, on the very files the bench wrote.

Usage: sparse_peers.py --descent-json FILE [--repetitions N] [--chart PNG] [--vw-python PATH]

The bench (`bench --sparse --json --sparse-files DIR`) writes the data once into DIR: `data.svm`
(LIBSVM, zero-based), `X.npz` (scipy CSR), `y.npy` and `truth.npy` (w* then b*), and its first
JSON line (`sparse-configuration`) holds the settings every row used. Each peer does the same work:

- `sparse-stochastic-epoch`: one epoch of plain SGD, constant rate, uniform shuffling, no penalty.
  scikit-learn's `SGDRegressor(loss="squared_error", penalty=None, learning_rate="constant",
  eta0=2η, max_iter=1, tol=None, shuffle=True, average=False)`: its loss is ½(ŷ − y)², Descent's
  (ŷ − y)², so its `eta0` is twice Descent's η for the same step. Vowpal Wabbit (`--sgd -l η
  --power_t 0`, one pass, `-b` bits to hold the columns: its squared loss's derivative is 2(ŷ − y)
  like Descent's; numeric feature names hash to the number plus the namespace's hash, so no two
  columns collide) on the LIBSVM file turned into its text format (`label |f j:v …`), timed from
  the text (parsing included, a cache written) and from its cache.
- `sparse-stochastic-epoch-l2`: the same with `penalty="l2", alpha=λ` (scikit-learn's objective
  ½(ŷ − y)² + (α/2)‖w‖², half Descent's (ŷ − y)² + λ‖w‖² with λ = α).
- `sparse-minibatch-epoch`, `sparse-batch-epoch`: the same epochs as scipy users write them
  (`X[idx] @ w`, `X[idx].T @ r` on a shuffled index; `X @ w`, `X.T @ r`).
- `sparse-lsmr`: `scipy.sparse.linalg.lsmr` on the implicitly centred design (a LinearOperator:
  `X v − 1 (μᵀv)` and `Xᵀu − μ (1ᵀu)`, as Descent's intercept) with the same damp, atol = btol
  and iteration limit.
- `sparse-gram`: the same exact solve on the non-zeros of the first `gram_columns` columns as a
  scipy user writes it: `G = Xᵀ X` (sparse product, then dense), centred by the column sums,
  `scipy.linalg.cho_factor`/`cho_solve`.
- `sparse-gram-summary`: statsmodels' `OLS(...).fit(cov_type="HC1").summary()` on the dense copy of
  those columns with a constant (statsmodels takes no sparse design), against Descent's solve and
  summary.
- `libsvm-read`: `load_svmlight_file(path)` (indices detected, as Descent's default).

Where Descent timed an epoch on its first rows only (`rows_timed` < rows: a cost per update that
grows with the columns), peer and Descent are compared per row (seconds per row, peer ÷ Descent).
"""
import argparse
import os
import statistics
import subprocess
import sys
import time
import warnings

import numpy as np


def timed(fn, repetitions):
    """A warm-up, then the median of `repetitions` runs; and the last run's result."""
    result = fn()
    times = []
    for _ in range(repetitions):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def read_descent(path):
    """The configuration row and Descent's float64 sparse rows, by benchmark name."""
    from compare_peers import json_rows
    config, rows = None, {}
    for row in json_rows(path):
        if row.get("benchmark") == "sparse-configuration":
            config = row
        elif row.get("precision") == "float64" and "nonzeros" in row:
            rows[row["benchmark"]] = row
    if config is None:
        sys.exit(f"sparse_peers: no sparse-configuration row in {path} (run bench --sparse --json --sparse-files DIR)")
    return config, rows


# One Vowpal Wabbit run in its own process (so its threads and memory are its own), through the
# wheel's Workspace: constructed with -d, it runs VW's own driver (parse thread and learner), as the
# vw command line does. Prints seconds, examples, the progressive average loss.
VW_SCRIPT = r"""
import sys, time
import vowpalwabbit
start = time.perf_counter()
vw = vowpalwabbit.Workspace(" ".join(sys.argv[1:]))
examples = vw.get_weighted_examples()
loss = vw.get_sum_loss() / max(examples, 1)
vw.finish()
print(time.perf_counter() - start, examples, loss)
"""


def vw_peer(config, folder, vw_python, record, notes):
    """Vowpal Wabbit on the same data in its text format: from the text (writing a cache), then
    from the cache."""
    probe = subprocess.run([vw_python, "-c", "import vowpalwabbit; print(vowpalwabbit.__version__)"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        notes.append(f"Vowpal Wabbit skipped: {vw_python} cannot import vowpalwabbit (pip install vowpalwabbit)")
        return
    version = probe.stdout.strip()
    text = os.path.join(folder, "data.vw")
    start = time.perf_counter()
    with open(os.path.join(folder, "data.svm"), "rb") as source, open(text, "wb") as out:
        for line in source:
            label, _, features = line.partition(b" ")
            out.write(label + b" |f " + features)
    print(f"[peers] LIBSVM → VW text in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    bits = max(1, int(np.ceil(np.log2(config["features"]))))
    rate = config["stochastic_rate"]
    cache = os.path.join(folder, "data.vw.cache")
    common = ["--sgd", "-l", repr(rate), "--power_t", "0", "-b", str(bits), "--loss_function", "squared",
              "--passes", "1", "--quiet"]
    for label, arguments in (("from text, writing a cache", ["-d", text, "--cache_file", cache]),
                             ("from its cache", ["--cache_file", cache])):
        out = subprocess.run([vw_python, "-c", VW_SCRIPT] + common + arguments, capture_output=True, text=True)
        if out.returncode != 0:
            notes.append(f"Vowpal Wabbit {label} failed: {out.stderr.strip()[-300:]}")
            continue
        seconds, examples, loss = (float(v) for v in out.stdout.split()[:3])
        record("Vowpal Wabbit", f"{version} --sgd -l {rate:g} --power_t 0 -b {bits}, one pass {label} "
               f"[{examples:,.0f} examples, {examples / seconds / 1e6:.2f} M/s, progressive loss {loss:.3g}]",
               seconds, int(examples), "sparse-stochastic-epoch")
    if os.path.exists(cache):
        os.remove(cache)
    os.remove(text)


def sparse_peers(descent_json, repetitions, vw_python, record, notes):
    """Runs every sparse peer against Descent's rows of the same run; returns the configuration."""
    import scipy.sparse
    from scipy.sparse.linalg import LinearOperator, lsmr
    config, descent = read_descent(descent_json)
    folder = config["files"]
    X = scipy.sparse.load_npz(os.path.join(folder, "X.npz")).tocsr()
    y = np.load(os.path.join(folder, "y.npy"))
    truth = np.load(os.path.join(folder, "truth.npy"))
    w_true, b_true = truth[:-1], truth[-1]
    n, d = X.shape
    seed, eta = config["seed"], config["stochastic_rate"]

    def mse(coef, intercept):
        r = X @ coef + intercept - y
        return float(r @ r / n)

    try:
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.linear_model import SGDRegressor
        warnings.simplefilter("ignore", ConvergenceWarning)
        for name, penalty, alpha in (("sparse-stochastic-epoch", None, 0.0001),
                                     ("sparse-stochastic-epoch-l2", "l2", config["l2"])):
            if name not in descent:
                continue

            def fit():
                return SGDRegressor(loss="squared_error", penalty=penalty, alpha=alpha, learning_rate="constant",
                                    eta0=2 * eta, max_iter=1, tol=None, shuffle=True, average=False,
                                    random_state=seed).fit(X, y)
            seconds, model = timed(fit, repetitions)
            penalty_text = f'penalty="l2", alpha={alpha:g}' if penalty else "penalty=None"
            record("scikit-learn", f"SGDRegressor({penalty_text}, eta0={2 * eta:g}, constant), one epoch on CSR "
                   f"[MSE after it {mse(model.coef_, model.intercept_[0]):.4g}]", seconds, n, name)
    except ImportError:
        notes.append("scikit-learn is not installed: SGDRegressor and load_svmlight_file skipped")

    rng = np.random.default_rng(seed)
    batch = config["batch_size"]
    w, b = np.zeros(d), 0.0

    def minibatch_epoch():
        nonlocal w, b
        order = rng.permutation(n)
        for k in range(0, n, batch):
            rows = order[k:k + batch]
            Xb = X[rows]
            r = Xb @ w + b - y[rows]
            w = w - config["minibatch_rate"] * (2.0 / len(rows)) * (Xb.T @ r)
            b = b - config["minibatch_rate"] * 2.0 * r.mean()

    def batch_epoch():
        nonlocal w, b
        r = X @ w + b - y
        w = w - config["batch_rate"] * (2.0 / n) * (X.T @ r)
        b = b - config["batch_rate"] * 2.0 * r.mean()
    if "sparse-minibatch-epoch" in descent:
        record("scipy", f"mini-batch epoch ({batch}, X[idx] @ w, X[idx].T @ r, shuffled)",
               timed(minibatch_epoch, repetitions)[0], n, "sparse-minibatch-epoch")
    if "sparse-batch-epoch" in descent:
        record("scipy", "batch epoch (X @ w, X.T @ r)", timed(batch_epoch, repetitions)[0], n, "sparse-batch-epoch")

    if "sparse-lsmr" in descent:
        mu = np.asarray(X.mean(axis=0)).ravel()
        centred = LinearOperator((n, d), matvec=lambda v: X @ v - (mu @ v), rmatvec=lambda u: X.T @ u - mu * u.sum(),
                                 dtype=np.float64)
        tolerance = config["lsmr_tolerance"]
        start = time.perf_counter()
        x, istop, iterations, normr, normar, *_ = lsmr(centred, y - y.mean(), damp=config["lsmr_damp"], atol=tolerance,
                                                       btol=tolerance, maxiter=config["lsmr_iterations"])
        seconds = time.perf_counter() - start
        rms = float(np.sqrt(np.mean((x - w_true) ** 2)))
        ours = descent["sparse-lsmr"]
        record("scipy", f"lsmr(centred operator, damp={config['lsmr_damp']:g}, atol=btol={tolerance:g}) "
               f"[{iterations} iterations, istop {istop}, ‖r‖ {normr:.6g}, w* RMS error {rms:.4g}; Descent: "
               f"{ours.get('iterations')} iterations, istop {ours.get('istop')}, ‖r‖ {ours.get('residual_norm'):.6g}]",
               seconds, n, "sparse-lsmr")
        bias = y.mean() - mu @ x
        print(f"[peers] scipy lsmr bias {bias:.6g} (true {b_true:.6g})", file=sys.stderr)

    if "sparse-gram" in descent or "sparse-gram-summary" in descent:
        gram_peers(X[:, :config["gram_columns"]].tocsr(), y, descent, repetitions, record, notes)

    try:
        if "libsvm-read" not in descent:
            raise ImportError
        from sklearn.datasets import load_svmlight_file
        path = os.path.join(folder, "data.svm")
        size = os.path.getsize(path)
        seconds, _ = timed(lambda: load_svmlight_file(path), max(1, min(repetitions, 2)))
        record("scikit-learn", f"load_svmlight_file [{size / 1e6:,.0f} MB, {size / 1e6 / seconds:.0f} MB/s]",
               seconds, n, "libsvm-read")
    except ImportError:
        pass

    if "sparse-stochastic-epoch" in descent:
        vw_peer(config, folder, vw_python, record, notes)
    return config, descent


def gram_peers(Xg, y, descent, repetitions, record, notes):
    """The sparse Gram solve with scipy, and statsmodels' HC1 summary on the dense copy."""
    import scipy.linalg
    n, d = Xg.shape

    def solve():
        sums = np.asarray(Xg.sum(axis=0)).ravel()
        mu, ybar = sums / n, y.mean()
        g = (Xg.T @ Xg).toarray() - np.outer(sums, mu)
        rhs = Xg.T @ y - sums * ybar
        w = scipy.linalg.cho_solve(scipy.linalg.cho_factor(g), rhs)
        return w, ybar - mu @ w
    if "sparse-gram" in descent:
        seconds, (w, b) = timed(solve, repetitions)
        record("scipy", f"Gram solve (Xᵀ X sparse, centred sums, cho_factor/cho_solve), {d:,} columns "
               f"[bias {b:.6g}]", seconds, n, "sparse-gram")
    if "sparse-gram-summary" in descent:
        try:
            import statsmodels.api as sm
        except ImportError:
            notes.append("statsmodels is not installed: the sparse-gram-summary peer skipped")
            return
        if n * (d + 1) > 100_000_000:
            notes.append(f"statsmodels' HC1 summary skipped: its dense copy of {n:,} × {d + 1:,} would take "
                         f"{n * (d + 1) * 8 / 1e9:.1f} GB (run --quick, or fewer --sparse-rows)")
            return
        dense = sm.add_constant(Xg.toarray(), has_constant="add")
        start = time.perf_counter()
        fit = sm.OLS(y, dense).fit(cov_type="HC1")
        fit.summary()
        seconds = time.perf_counter() - start
        ours = descent["sparse-gram-summary"]
        record("statsmodels", f"OLS(dense copy + constant).fit(cov_type='HC1').summary(), {d:,} columns "
               f"[R² {fit.rsquared:.10g}; Descent {ours.get('r_squared'):.10g}]", seconds, n, "sparse-gram-summary")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--descent-json", required=True)
    parser.add_argument("--repetitions", type=int, default=2)
    parser.add_argument("--vw-python", default=sys.executable,
                        help="a Python that imports vowpalwabbit (default: this one)")
    parser.add_argument("--chart", help="write a PNG bar chart of peer ÷ Descent (per row) here")
    a = parser.parse_args()
    peers, notes = [], []

    def record(peer, workload, seconds, rows, against):
        print(f"[peers] {peer} {workload}: {seconds * 1e3:.1f} ms", file=sys.stderr)
        peers.append((peer, workload, seconds, rows, against))

    config, descent = sparse_peers(a.descent_json, a.repetitions, a.vw_python, record, notes)
    print()
    print(f"Sparse peers vs Descent, {config['rows']:,} × {config['features']:,} CSR, {config['nonzeros']:,} nonzeros "
          f"(Zipf s = {config['zipf_exponent']:g}), float64 — OpenBLAS core {config['openblas_core']}, "
          f"{config['threads']} threads; numpy {np.__version__}")
    print(read_speed(descent))
    print(f"{'peer':<14} {'workload':<110} {'peer':>10} {'Descent':>10} {'per row, peer ÷ Descent':>24}")
    chart_rows = []
    for peer, workload, seconds, rows, against in peers:
        ours = descent.get(against)
        if not ours:
            print(f"{peer:<14} {workload:<110} {duration(seconds):>10} {'—':>10} {'—':>24}   (vs {against})")
            continue
        ratio = (seconds / rows) / (ours["seconds"] / ours["rows"])
        subset = f", Descent on {ours['rows']:,} rows" if ours["rows"] != rows else ""
        print(f"{peer:<14} {workload:<110} {duration(seconds):>10} {duration(ours['seconds']):>10} {ratio:>23.2f}×   "
              f"(vs {against}{subset})")
        chart_rows.append((f"{peer}: {workload.split(' [')[0]}\n(vs Descent {against}{subset})", ratio, peer))
    for note in notes:
        print(f"Note: {note}")
    if a.chart and chart_rows:
        draw(a.chart, chart_rows, config, np.__version__, descent)


def read_speed(descent):
    """The host's read speed in this run (Descent's stream-read rows), or a note that it was not measured."""
    speeds = [f"{descent[name]['gb_per_second']:.1f} GB/s ({descent[name]['threads']} thread{'s' if descent[name]['threads'] > 1 else ''})"
              for name in ("stream-read", "stream-read-one-thread") if name in descent]
    return ("Host read speed in this run (the CSR's values and indices, streamed): " + ", ".join(speeds)
            if speeds else "Host read speed: not measured in this run")


def duration(seconds):
    if seconds < 0.01:
        return f"{seconds * 1e3:.3f} ms"
    return f"{seconds * 1e3:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def draw(path, rows, config, numpy_version, descent):
    """A horizontal bar per peer row: its time per row ÷ Descent's, log scale, 1 marked."""
    from compare_peers import bar_chart
    title = (f"Sparse peers vs Descent, {config['rows']:,} × {config['features']:,} CSR, "
             f"{config['nonzeros'] / config['rows']:.1f} nonzeros a row (Zipf s = {config['zipf_exponent']:g}), float64\n"
             f"OpenBLAS {config['openblas_core']}, {config['threads']} threads; numpy {numpy_version}; "
             f"{read_speed(descent).split(': ', 1)[1]}")
    bar_chart(path, rows, title, "peer time per row ÷ Descent's (log scale; > 1: Descent is faster)")


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()
