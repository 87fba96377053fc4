"""Writes the sparse references the Swift tests read (they need no Python):

- train.svm: a synthetic sparse regression (400 rows x 120 columns, Zipf-distributed column
  popularity, about 6 non-zeros a row, a known model plus noise), written by scikit-learn's
  dump_svmlight_file with one-based indices (LIBSVM's convention) and a comment line.
- reference.json: what scikit-learn's load_svmlight_file reads back (shape, nnz, a checksum of the
  values), and scipy.sparse.linalg.lsmr on the same data for several settings. The intercept is
  fitted as Descent's LeastSquares.lsmr fits it: the design centred implicitly (a LinearOperator
  X v - 1 (mu^T v), never formed), y centred, bias = mean(y) - mu^T w. damp is scipy's.

Run: /tmp/venv/bin/python generate.py (numpy, scipy, scikit-learn; deterministic)."""
import json, os
import numpy as np
import scipy, scipy.sparse as sp
from scipy.sparse.linalg import lsmr, LinearOperator
import sklearn
from sklearn.datasets import dump_svmlight_file, load_svmlight_file

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(2026)
n, d, per_row = 400, 120, 6
popularity = 1.0 / np.arange(1, d + 1) ** 1.1
popularity /= popularity.sum()
rows, cols, vals = [], [], []
for i in range(n):
    k = rng.integers(1, 2 * per_row)
    chosen = np.unique(rng.choice(d, size=k, replace=True, p=popularity))
    for j in chosen:
        rows.append(i); cols.append(j); vals.append(float(np.round(rng.normal() * 3, 4)))
X = sp.csr_matrix((vals, (rows, cols)), shape=(n, d))
X.sum_duplicates(); X.sort_indices()
w_true = rng.normal(size=d)
y = X @ w_true + 1.5 + 0.1 * rng.normal(size=n)
y = np.round(y, 6)
path = os.path.join(HERE, "train.svm")
dump_svmlight_file(X, y, path, zero_based=False, comment="synthetic sparse regression for Descent's tests")
Xr, yr = load_svmlight_file(path, n_features=None, zero_based="auto")
Xr = Xr.tocsr()

def run(intercept, damp, tol, maxiter=None):
    A = Xr
    if intercept:
        mu = np.asarray(A.mean(axis=0)).ravel()
        op = LinearOperator(A.shape, matvec=lambda v: A @ v - mu @ v, rmatvec=lambda u: A.T @ u - mu * u.sum(),
                            dtype=np.float64)
        b = yr - yr.mean()
    else:
        op, b, mu = A, yr, np.zeros(A.shape[1])
    x, istop, itn, normr, normar, norma, conda, normx = lsmr(op, b, damp=damp, atol=tol, btol=tol, conlim=1e8,
                                                               maxiter=maxiter)
    bias = float(yr.mean() - mu @ x) if intercept else 0.0
    return {"intercept": intercept, "damp": damp, "tolerance": tol, "weights": x.tolist(), "bias": bias,
            "maxiter": maxiter, "istop": int(istop), "itn": int(itn), "normr": float(normr), "normar": float(normar),
            "norma": float(norma), "conda": float(conda), "normx": float(normx)}

cases = [run(True, 0.0, 1e-10, 2000), run(False, 0.0, 1e-10, 2000), run(True, 2.0, 1e-10, 2000), run(True, 0.0, 1e-3)]
# Feature hashing: scikit-learn's murmurhash3_32 and FeatureHasher on words, unicode, and categoricals.
from sklearn.utils import murmurhash3_32
from sklearn.feature_extraction import FeatureHasher
words = ["", "a", "ab", "abc", "abcd", "abcde", "the", "cat", "naïve", "日本語", "colour=red", "x" * 37]
hashes = {"words": words, "seed0": [int(murmurhash3_32(w, seed=0, positive=False)) for w in words],
          "seed42": [int(murmurhash3_32(w, seed=42, positive=False)) for w in words]}
token_rows = [["the", "cat", "sat", "on", "the", "mat"], ["naïve", "日本語"], [], ["cat"]]
dict_rows = [{"height": 1.5, "weight": -2.0, "age": 0.0}, {"size": 3.0}, {"height": 0.25}]
category_rows = [{"colour": "red", "shape": "round"}, {"colour": "blue"}]
def csr(X):
    X = X.tocsr()
    return {"indptr": X.indptr.tolist(), "indices": X.indices.tolist(), "values": X.data.tolist(), "shape": list(X.shape)}
hashing = {"bits20_tokens": csr(FeatureHasher(n_features=2**20, input_type="string").transform(token_rows)),
           "bits3_tokens": csr(FeatureHasher(n_features=2**3, input_type="string").transform(token_rows)),
           "bits20_dicts": csr(FeatureHasher(n_features=2**20).transform(dict_rows)),
           "bits4_unsigned_dicts": csr(FeatureHasher(n_features=2**4, alternate_sign=False).transform(dict_rows)),
           "bits20_categories": csr(FeatureHasher(n_features=2**20).transform(category_rows)),
           "token_rows": token_rows, "dict_rows": dict_rows, "category_rows": category_rows}

# scipy's .npz files of the same matrix: compressed (save_npz's default), uncompressed, int64
# indices, and a CSC file (which Descent refuses with its remedy).
sp.save_npz(os.path.join(HERE, "train.npz"), Xr.tocsr())
sp.save_npz(os.path.join(HERE, "train-uncompressed.npz"), Xr.tocsr(), compressed=False)
wide = Xr.tocsr().copy(); wide.indices = wide.indices.astype(np.int64); wide.indptr = wide.indptr.astype(np.int64)
sp.save_npz(os.path.join(HERE, "train-int64.npz"), wide)
sp.save_npz(os.path.join(HERE, "train-csc.npz"), Xr.tocsc())

reference = {
    "versions": {"numpy": np.__version__, "scipy": scipy.__version__, "scikit-learn": sklearn.__version__},
    "load_svmlight_file": {"rows": Xr.shape[0], "columns": Xr.shape[1], "nnz": int(Xr.nnz),
                           "value_sum": float(Xr.data.sum()), "index_sum": int(Xr.indices.sum()),
                           "target_sum": float(yr.sum()), "first_row_indices": Xr[0].indices.tolist(),
                           "first_row_values": Xr[0].data.tolist(), "first_target": float(yr[0])},
    "lsmr": cases,
    "murmurhash3_32": hashes,
    "feature_hasher": hashing,
}
with open(os.path.join(HERE, "reference.json"), "w") as f:
    json.dump(reference, f, indent=1)
print({k: (c["istop"], c["itn"]) for k, c in enumerate(cases)})
