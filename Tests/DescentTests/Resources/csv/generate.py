"""Writes the CSV fixtures the tests read (run once here with pandas and numpy; the tests do not
need Python), each with a JSON sidecar of what pandas reads back from it:

  pandas_default.csv   DataFrame.to_csv(index=False): shortest round-trip reprs, LF
  pandas_quoted.csv    to_csv(index=False, quoting=csv.QUOTE_ALL, lineterminator="\\r\\n")
  numpy_savetxt.csv    numpy.savetxt(fmt="%.18e", delimiter=",", header=..., comments="")

Sidecar <name>.json: {"columns": [...], "rows": n, "bits": [hex of each float64, row-major],
"pandas": version, "default_converter_mismatches": k}. The bits are pandas.read_csv(path,
float_precision="round_trip"), pandas' correctly rounded converter (Python's float()); k counts
cells where pandas' default converter ("high") reads another double (it is not always correctly
rounded beyond 15-16 digits).
"""
import csv, json, struct, warnings
import numpy as np
import pandas as pd

rng = np.random.default_rng(20261121)
rows = 64
values = np.column_stack([
    rng.standard_normal(rows),                              # ordinary values, up to 17 digits
    rng.standard_normal(rows) * 10.0 ** rng.integers(-300, 300, rows),  # wide exponents
    np.round(rng.uniform(-1000, 1000, rows), 2),            # short decimals
    rng.integers(-10**6, 10**6, rows).astype(float),        # integers (written as "12.0")
    rng.uniform(0, 1, rows) * 2.0 ** -1060,                 # subnormals
    np.concatenate([[0.1, 1 / 3, 2 / 3, 1e23, 9007199254740993.0, 2.2250738585072011e-308,
                     np.finfo(float).max, np.finfo(float).tiny, 5e-324, -0.0, 1e-5, 123456789012345680.0],
                    rng.standard_normal(rows - 12)]),
])
names = ["normal", "wide exponent", "price, USD", 'count "n"', "subnormal", "special"]
frame = pd.DataFrame(values, columns=names)

def bits(x):
    return "%016x" % struct.unpack("<Q", struct.pack("<d", x))[0]

def sidecar(path):
    with warnings.catch_warnings():  # pandas 3 deprecates float_precision
        warnings.simplefilter("ignore")
        exact = pd.read_csv(path, float_precision="round_trip")
    default = pd.read_csv(path)
    a, b = exact.to_numpy(), default.to_numpy()
    mismatches = int(np.sum(a.view(np.uint64) != b.view(np.uint64)))
    with open(path[:-4] + ".json", "w") as f:
        json.dump({"columns": list(exact.columns), "rows": len(exact), "bits": [bits(x) for x in a.ravel()],
                   "pandas": pd.__version__, "default_converter_mismatches": mismatches}, f, indent=0)
        f.write("\n")

frame.to_csv("pandas_default.csv", index=False)
frame.to_csv("pandas_quoted.csv", index=False, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
np.savetxt("numpy_savetxt.csv", values, fmt="%.18e", delimiter=",",
           header=",".join('"%s"' % n.replace('"', '""') for n in names), comments="")
for name in ["pandas_default.csv", "pandas_quoted.csv", "numpy_savetxt.csv"]:
    sidecar(name)
