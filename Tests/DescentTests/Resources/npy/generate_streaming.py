"""Writes the .npy fixtures the streaming tests read (run once with numpy; the tests do not need Python).

37 rows (a prime, so no chunk size above 1 divides it) of 3 features and a target:
x(i, j) = sin(3*i + j + 1) * 10**(j - 1), y(i) = cos(i) * 7 - 0.25, in float64 and float32 files,
the targets as a 1-D array (float64) and as a 37 x 1 array (float32).
"""
import numpy as np

i, j = np.meshgrid(np.arange(37), np.arange(3), indexing="ij")
x = np.sin(3.0 * i + j + 1) * 10.0 ** (j - 1)
y = np.cos(np.arange(37.0)) * 7 - 0.25
np.save("stream_x_f8.npy", x.astype("<f8"))
np.save("stream_x_f4.npy", x.astype("<f4"))
np.save("stream_y_f8.npy", y.astype("<f8"))
np.save("stream_y_f4_column.npy", y.astype("<f4").reshape(37, 1))
