"""Writes the .npy fixtures the tests read (run once with numpy; the tests do not need Python).

Good files hold v(i, j) = (3*i + j) * 0.5 + 0.1 for a 2 x 3 array (rounded to the file's dtype),
or v(i) = i * 0.5 + 0.1 for 1-D files, integers i*3+j (negated for signed types) and bools (i+j)%2.
"""
import io, struct
import numpy as np
from numpy.lib import format as npf

def grid(dtype):
    i, j = np.meshgrid(np.arange(2), np.arange(3), indexing="ij")
    kind = np.dtype(dtype).kind
    if kind == "f":
        return ((3 * i + j) * 0.5 + 0.1).astype(dtype)
    if kind == "b":
        return ((i + j) % 2).astype(dtype)
    v = 3 * i + j
    return (-v if kind == "i" else v).astype(dtype)

def save(name, array, version=None, fortran=False):
    if fortran:
        array = np.asfortranarray(array)
    with open(name, "wb") as f:
        npf.write_array(f, array, version=version)

for code in ["<f8", "<f4", ">f8", ">f4"]:
    tag = ("be_" if code[0] == ">" else "") + code[1:]
    save(f"{tag}_c.npy", grid(code))
    save(f"{tag}_f.npy", grid(code), fortran=True)
for code in ["i1", "<i2", "<i4", "<i8", "u1", "<u2", "<u4", "<u8", ">i4", ">u8", "?"]:
    tag = ("be_" if code[0] == ">" else "") + code.strip("<>").replace("?", "b1")
    save(f"{tag}_c.npy", grid(code))
save("i4_f.npy", grid("<i4"), fortran=True)
save("f8_v2.npy", grid("<f8"), version=(2, 0))
save("f8_v3.npy", grid("<f8"), version=(3, 0))
save("f8_vector.npy", (np.arange(5) * 0.5 + 0.1).astype("<f8"))
save("i8_vector.npy", (np.arange(5) - 2).astype("<i8"))
save("f8_empty.npy", np.zeros((0, 3)))
save("f8_special.npy", np.array([[np.nextafter(0, 1), -0.0, 1e308], [np.finfo(np.float64).eps, -1.5, 2.0 ** -1022]]))

# Broken files.
good = open("f8_c.npy", "rb").read()
open("broken_empty.npy", "wb").close()
open("broken_magic.npy", "wb").write(b"\x93NUMPX" + good[6:])
open("broken_version.npy", "wb").write(good[:6] + b"\x04\x00" + good[8:])
open("broken_truncated_data.npy", "wb").write(good[:-5])
open("broken_extra_data.npy", "wb").write(good + b"\x00" * 8)
open("broken_truncated_header.npy", "wb").write(good[:40])
open("broken_short.npy", "wb").write(good[:7])
open("broken_huge_header.npy", "wb").write(good[:6] + b"\x02\x00" + struct.pack("<I", 0x7FFFFFF0) + good[10:])
header = good[10:good.index(b"}") + 1]
def with_header(text):
    text = text.encode("latin1")
    padded = text + b" " * ((64 - (10 + len(text) + 1) % 64) % 64) + b"\n"
    return good[:8] + struct.pack("<H", len(padded)) + padded
open("broken_dict.npy", "wb").write(with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), ") + good[-48:])
open("broken_keys.npy", "wb").write(with_header("{'descr': '<f8', 'shape': (2, 3), }") + good[-48:])
open("broken_shape_text.npy", "wb").write(with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (2, x), }") + good[-48:])
save("broken_complex.npy", grid("<f8").astype("<c16"))
save("broken_3d.npy", np.zeros((2, 2, 2)))
save("broken_structured.npy", np.zeros(3, dtype=[("a", "<f8"), ("b", "<i4")]))
with open("broken_object.npy", "wb") as f:
    npf.write_array(f, np.array([1, "a"], dtype=object), allow_pickle=True)
save("broken_float16.npy", grid("<f2"))
