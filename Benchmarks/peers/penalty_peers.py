"""Peers of Descent's penalty-path rows (Benchmarks/bench/PenaltyPaths.swift): scikit-learn's
lasso_path, LassoCV and RidgeCV, and R's glmnet (where Rscript has it), on data of the bench's
distribution: the main shape (Gram mode) and 1,000 × 10,000 (naive mode)."""
import os
import shutil
import subprocess
import tempfile
import time
import warnings

import numpy as np

# Descent's grids (PenaltyPaths.swift): ridge λ = 10 … 1e-6 in half decades, and five decades for
# 10-fold cross-validation; scikit-learn's Ridge alpha is n·λ.
RIDGE_GRID = [10 * 10 ** (-k / 2) for k in range(13)]
RIDGE_FOLD_GRID = [1, 0.1, 0.01, 1e-3, 1e-4]
WIDE = (1_000, 10_000)

R_GLMNET = r"""
args <- commandArgs(trailingOnly = TRUE)
n <- as.integer(args[2]); d <- as.integer(args[3])
suppressMessages(library(glmnet))
con <- file(args[1], "rb")
X <- matrix(readBin(con, "double", n * d), nrow = n, ncol = d, byrow = TRUE)
y <- readBin(con, "double", n)
close(con)
t <- system.time(f <- glmnet(X, y))[["elapsed"]]
t14 <- system.time(f14 <- glmnet(X, y, thresh = 1e-14))[["elapsed"]]
cat(t, length(f$lambda), t14, length(f14$lambda), as.character(packageVersion("glmnet")), "\n")
"""


def timed_once(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def penalty_peers(X, y, a, record, notes, generate):
    """Records the peers of lasso-path-gram, lasso-path-naive, lasso-cv-10fold, ridge-gcv and
    ridge-cv-10fold (one timed run each, after the data is in memory)."""
    try:
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.linear_model import LassoCV, RidgeCV, lasso_path
    except ImportError:
        notes.append("scikit-learn is not installed: penalty peers skipped")
        return
    warnings.simplefilter("ignore", ConvergenceWarning)
    warnings.simplefilter("ignore", FutureWarning)
    n, d = X.shape
    wide_X, wide_y, _ = generate(*WIDE, a.seed)

    def path(features, targets, eps):
        xc, yc = features - features.mean(0), targets - targets.mean()
        return lasso_path(xc, yc, alphas=100, eps=eps, precompute="auto")

    seconds, _ = timed_once(lambda: path(X, y, 1e-4))
    record("scikit-learn", "lasso_path (100 alphas, eps 1e-4, centred, Gram precomputed)", seconds, "lasso-path-gram")
    seconds, _ = timed_once(lambda: path(wide_X, wide_y, 1e-2))
    record("scikit-learn", "lasso_path (100 alphas, eps 1e-2, centred)", seconds, "lasso-path-naive", WIDE)
    seconds, _ = timed_once(lambda: LassoCV(cv=10, alphas=100, eps=1e-4).fit(X, y))
    record("scikit-learn", "LassoCV(cv=10, 100 alphas)", seconds, "lasso-cv-10fold")
    seconds, _ = timed_once(lambda: RidgeCV(alphas=[n * l for l in RIDGE_GRID]).fit(X, y))
    record("scikit-learn", "RidgeCV (13 alphas, efficient leave-one-out)", seconds, "ridge-gcv")
    seconds, _ = timed_once(lambda: RidgeCV(alphas=[n * 0.9 * l for l in RIDGE_FOLD_GRID], cv=10).fit(X, y))
    record("scikit-learn", "RidgeCV(cv=10, 5 alphas)", seconds, "ridge-cv-10fold")

    rscript = shutil.which("Rscript")
    if not rscript or subprocess.run([rscript, "-e", "library(glmnet)"], capture_output=True).returncode != 0:
        notes.append("R's glmnet skipped: Rscript or glmnet is not installed (apt-get install r-cran-glmnet)")
        return
    with tempfile.TemporaryDirectory() as folder:
        script = os.path.join(folder, "glmnet.R")
        with open(script, "w") as f:
            f.write(R_GLMNET)
        for (features, targets, against, shape) in [(X, y, "lasso-path-gram", (n, d)),
                                                    (wide_X, wide_y, "lasso-path-naive", WIDE)]:
            data = os.path.join(folder, "xy.bin")
            with open(data, "wb") as f:
                f.write(np.ascontiguousarray(features, dtype="<f8").tobytes())
                f.write(np.ascontiguousarray(targets, dtype="<f8").tobytes())
            try:
                out = subprocess.run([rscript, script, data, str(shape[0]), str(shape[1])], capture_output=True,
                                     text=True, timeout=a.peer_timeout)
            except subprocess.TimeoutExpired:
                notes.append(f"R's glmnet at {shape[0]}×{shape[1]} did not finish in {a.peer_timeout:g} s")
                continue
            if out.returncode != 0:
                notes.append(f"R's glmnet failed: {out.stderr.strip()[-300:]}")
                continue
            t, count, t14, count14, version = out.stdout.split()[:5]
            record("R", f"glmnet {version} (thresh 1e-7, {count} λ, reading not timed)", float(t), against, shape)
            record("R", f"glmnet {version} (thresh 1e-14, {count14} λ, reading not timed)", float(t14), against, shape)
