"""Peers on the bench's workload: numpy, scikit-learn and (optionally) PyTorch.

Usage: compare_peers.py --descent-json FILE [--rows N] [--features N] [--batch-size N]
                        [--seed N] [--repetitions N] [--with-torch] [--chart PNG]

Generates the same shapes as `bench` (X ~ N(0, 1), y = Xw + b + 0.1·noise; numpy's own generator
seeded with the same seed, so the distribution matches, not the bits), times each peer's obvious
implementation (median after a warm-up), and prints one table: peer seconds ÷ Descent seconds,
Descent's figures read from the JSON lines of `bench --json` run just before. With --chart, also
draws those ratios as a horizontal bar chart (matplotlib), one bar per peer and workload.
"""
import argparse
import json
import statistics
import sys
import time
import warnings

import numpy as np


def timed(fn, repetitions):
    fn()
    times = []
    for _ in range(repetitions):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--descent-json", required=True)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--features", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--with-torch", action="store_true")
    parser.add_argument("--chart", help="write a PNG bar chart of peer ÷ Descent here")
    a = parser.parse_args()

    descent = {}
    config = {}
    with open(a.descent_json) as f:
        for line in f:
            line = line.strip()
            if not line.startswith("{"):
                continue
            row = json.loads(line)
            if row.get("benchmark") == "configuration":
                config = row
            elif row.get("precision") == "float64" and row["benchmark"] != "agreement":
                descent[row["benchmark"]] = row["seconds"]

    n, d, m, reps = a.rows, a.features, a.batch_size, a.repetitions
    rng = np.random.default_rng(a.seed)
    print(f"[peers] generating {n} × {d} float64 data…", file=sys.stderr)
    X = rng.standard_normal((n, d))
    w_true = rng.standard_normal(d)
    y = X @ w_true + 0.5 + 0.1 * rng.standard_normal(n)
    peers = []  # (peer, workload, seconds, descent benchmark it compares with)

    def record(peer, workload, seconds, against):
        print(f"[peers] {peer} {workload}: {seconds * 1e3:.1f} ms", file=sys.stderr)
        peers.append((peer, workload, seconds, against))

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
    record("numpy", "linalg.lstsq on [X 1] (gelsd, SVD)", timed(lstsq, max(1, reps // 2)), "qr")

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

    print()
    print(f"Peers vs Descent, {n} × {d} float64, batch size {m} — OpenBLAS core "
          f"{config.get('openblas_core', '?')}, {config.get('threads', '?')} threads; numpy {np.__version__}")
    print(f"{'peer':<13} {'workload':<42} {'peer':>10} {'Descent':>10} {'peer ÷ Descent':>15}")
    for peer, workload, seconds, against in peers:
        ours = descent.get(against)
        ratio = f"{seconds / ours:.2f}×" if ours else "—"
        ours_text = f"{ours * 1e3:.1f} ms" if ours else "—"
        print(f"{peer:<13} {workload:<42} {seconds * 1e3:>7.1f} ms {ours_text:>10} {ratio:>15}   (vs {against})")
    if "minibatch-epoch-uniform" in descent:
        print(f"(Descent's minibatch-epoch shuffles blocks of rows; with a uniform row permutation, as numpy's X[idx], "
              f"it took {descent['minibatch-epoch-uniform'] * 1e3:.1f} ms.)")
    if a.chart:
        chart(a.chart, peers, descent, n, d, config, np.__version__)


def chart(path, peers, descent, n, d, config, numpy_version):
    """A horizontal bar per (peer, workload): peer seconds ÷ Descent seconds on a log scale, with
    the ratio written at the bar's end; 1 (as fast as Descent) is marked."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [(f"{peer}: {workload}\n(vs Descent {against})", seconds / descent[against], peer)
            for peer, workload, seconds, against in peers if descent.get(against)]
    if not rows:
        print("[peers] no Descent figures to chart", file=sys.stderr)
        return
    colors = {"numpy": "#4c72b0", "scikit-learn": "#dd8452", "PyTorch": "#c44e52"}
    fig, ax = plt.subplots(figsize=(10, 0.62 * len(rows) + 1.6))
    labels = [r[0] for r in rows][::-1]
    ratios = [r[1] for r in rows][::-1]
    bars = ax.barh(labels, ratios, color=[colors.get(r[2], "#55a868") for r in rows][::-1])
    ax.set_xscale("log")
    ax.axvline(1, color="black", linewidth=1)
    for bar, ratio in zip(bars, ratios):
        ax.text(bar.get_width() * 1.05, bar.get_y() + bar.get_height() / 2, f"{ratio:.2f}×", va="center", fontsize=9)
    ax.set_xlim(min(0.5, min(ratios) / 1.5), max(ratios) * 2.5)
    ax.set_xlabel("peer time ÷ Descent time (log scale; > 1: Descent is faster)")
    ax.set_title(f"Peers vs Descent, {n:,} × {d} float64 — OpenBLAS {config.get('openblas_core', '?')}, "
                 f"{config.get('threads', '?')} threads; numpy {numpy_version}", fontsize=10)
    ax.tick_params(axis="y", labelsize=8)
    fig.tight_layout()
    temporary = path + ".tmp.png"
    fig.savefig(temporary, dpi=110)
    import os
    os.replace(temporary, path)
    print(f"[peers] chart: {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
