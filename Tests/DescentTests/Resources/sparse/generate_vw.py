"""Writes the Vowpal Wabbit references the Swift tests read (they need no Python):

- train.vw: hand-written lines (namespaces with and without weights, the default namespace, tags
  with ' and touching the bar, importance weights, repeated features, zero values, unicode names,
  tabs, CRLF, blank lines) then 300 synthetic lines (Zipf-popular words in three namespaces).
- vw-reference.json: what an independent parser (below, written from VW's wiki "Input format")
  and scikit-learn's FeatureHasher make of it: labels, importance weights, and the CSR matrix for
  2^18 columns with signs and 2^4 columns without (many collisions). A feature f of namespace ns
  is hashed as the string "ns^f", of the default namespace as "f"; its value is value * the
  namespace's weight; FeatureHasher(input_type="pair") sums what lands on one column.

Run: /tmp/venv/bin/python generate_vw.py (numpy, scikit-learn; deterministic)."""
import json, os
import numpy as np
import sklearn
from sklearn.feature_extraction import FeatureHasher

HERE = os.path.dirname(os.path.abspath(__file__))

hand = [
    "1.5 |a x:2 y |b:0.5 z:3 x",
    "-2 2.0 'row2|a x y y:0.25 | plain other:1.5",
    "0 0.5 tagged|a w:-1",
    "",
    "3.25 |  q",
    "1e-3 |a x:0 y:0.5 x:-2 x:2",
    "7 0 |b naïve 日本語:3",
    "-0.125\t1.5\t|a\tx:4\ty",
    "2 't |b:3 z |a x |c",
    "4.5 | 0:1 1:2 17:0.5\r",
    "   ",
    "-1 |a:-2 x:1.5 y:0.25",
]
rng = np.random.default_rng(21)
vocabulary = [f"w{k}" for k in range(500)]
popularity = 1.0 / np.arange(1, 501) ** 1.1
popularity /= popularity.sum()
synthetic = []
for i in range(300):
    parts = [f"{np.round(rng.normal() * 2, 3)}"]
    if rng.random() < 0.3:
        parts.append(f"{np.round(rng.uniform(0.1, 3), 2)}")
    if rng.random() < 0.2:
        parts.append(f"'id{i}")
    text = " ".join(parts) + " "
    for ns in ["u", "v", ""]:
        if rng.random() < 0.25 and (ns or "|" in text):
            continue
        words = rng.choice(vocabulary, size=rng.integers(1, 8), p=popularity)
        head = "|" + ns
        if ns and rng.random() < 0.3:
            head += f":{np.round(rng.uniform(0.2, 2), 2)}"
        feats = [w if rng.random() < 0.5 else f"{w}:{np.round(rng.normal(), 3)}" for w in words]
        text += head + " " + " ".join(feats) + " "
    synthetic.append(text.rstrip())
lines = hand + synthetic
with open(os.path.join(HERE, "train.vw"), "w", encoding="utf-8", newline="") as f:
    f.write("\n".join(lines) + "\n")

SPACE = " \t\r"

def split_words(text):
    words, k = [], 0
    while k < len(text):
        while k < len(text) and text[k] in SPACE: k += 1
        if k == len(text): break
        start = k
        while k < len(text) and text[k] not in SPACE: k += 1
        words.append((start, k))
    return words

def parse(line):
    """(label, importance or None, [(key, value)]) of one line, or None for a blank line."""
    if not line.strip(SPACE): return None
    bar = line.index("|")
    label_space = line[:bar]
    words = split_words(label_space)
    if words and (words[-1][1] == bar or label_space[words[-1][0]] == "'"):
        words.pop()
    values = [float(label_space[a:b]) for a, b in words]
    label, importance = values[0], (values[1] if len(values) > 1 else None)
    pairs = []
    for section in line[bar + 1:].split("|"):
        scale, prefix = 1.0, ""
        body = section
        if section and section[0] not in SPACE:
            head = split_words(section)[0]
            name = section[head[0]:head[1]]
            body = section[head[1]:]
            ns, colon, weight = name.partition(":")
            prefix = ns + "^"
            scale = float(weight) if colon else 1.0
        for a, b in split_words(body):
            name, colon, value = body[a:b].partition(":")
            value = float(value) if colon else 1.0
            pairs.append((prefix + name, value * scale))
    return label, importance, pairs

rows = [r for r in map(parse, lines) if r is not None]

def csr(X):
    X = X.tocsr()
    X.sort_indices()
    return {"indptr": X.indptr.tolist(), "indices": X.indices.tolist(), "values": X.data.tolist(), "shape": list(X.shape)}

pairs = [[(k, v) for k, v in r[2] if v != 0] for r in rows]
reference = {
    "versions": {"numpy": np.__version__, "scikit-learn": sklearn.__version__},
    "labels": [r[0] for r in rows],
    "weights": [1.0 if r[1] is None else r[1] for r in rows],
    "bits18": csr(FeatureHasher(n_features=2**18, input_type="pair").transform(pairs)),
    "bits4_unsigned": csr(FeatureHasher(n_features=2**4, input_type="pair", alternate_sign=False).transform(pairs)),
    "first_keys": [k for k, _ in rows[0][2]],
}
with open(os.path.join(HERE, "vw-reference.json"), "w") as f:
    json.dump(reference, f, indent=0)
print(len(rows), "rows;", reference["bits18"]["indptr"][-1], "stored values")
