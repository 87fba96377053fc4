// The Gram product C ← C + AᵀA (upper triangle) of a row-major block A, in AVX-512 (see
// include/DescentKernels.h). Like kernels.c: function attributes only, run after dk_available().
//
// Why not OpenBLAS's dsyrk: its Haswell kernels (the core type the tests pin, and what numpy's
// OpenBLAS picks on this CPU) run 256-bit FMAs. On 1,000,000 × 100 doubles, two threads, a C
// harness alternating the two: dsyrk 150–270 ms, this kernel 86–103 ms; at 300 columns 410 ms
// against 175 ms, at 1000 columns 1.0–1.1 s against 0.48–0.57 s.
//
// How: C is cut into tiles of 8 rows × up to 24 columns (8 × 3 zmm accumulators). A tile walks
// the block's rows in runs of DK_GRAM_RUN: per row it loads the row's 24 columns of the tile
// (3 vectors) and broadcasts its 8 entries of the tile's rows, 24 FMAs; the run's rows stay in
// the core's L2 while every tile of the upper triangle passes over them, and the columns of one
// tile (24 × 8 bytes × DK_GRAM_RUN rows) in L1. Tiles on the diagonal compute their whole square
// and write only their upper part. Each entry of C is a sum over the block's rows in order within
// each run, the runs added to C in order: the same bits on every call with the same block.
#include "DescentKernels.h"
#include <immintrin.h>

// Rows per run: 128 rows of 100 doubles (100 KB) sit in L2; measured 64, 128 and 256 at 100,
// 300 and 1000 columns, 128 was never slower than the others by more than the noise.
#define DK_GRAM_RUN 128
#define DK_GRAM_TARGET __attribute__((target("avx512f,fma"), always_inline)) static inline

// The low k lanes (k clamped to 0…8).
static inline __mmask8 dk_gram_lanes(long k) {
    return k >= 8 ? (__mmask8)0xff : (k <= 0 ? (__mmask8)0 : (__mmask8)((1u << k) - 1));
}

// One tile: rows i0…i0+7 of C against the NV vectors of columns from j0 (the last vector's
// lanes in `last`), over m rows of x. Rows i0+a with a < skip, and entries below the diagonal,
// are not written. `overwrite`: store the sums instead of adding them to C.
DK_GRAM_TARGET void dk_gram_tile(int NV, const double *x, size_t m, size_t d, size_t i0, size_t skip,
                                 size_t j0, __mmask8 last, int overwrite, double *c) {
    __m512d acc[8][3];
#pragma GCC unroll 8
    for (int a = 0; a < 8; a++) {
#pragma GCC unroll 3
        for (int v = 0; v < NV; v++) acc[a][v] = _mm512_setzero_pd();
    }
    const double *row = x;
    for (size_t r = 0; r < m; r++, row += d) {
        __m512d b[3];
#pragma GCC unroll 3
        for (int v = 0; v < NV; v++)
            b[v] = v == NV - 1 ? _mm512_maskz_loadu_pd(last, row + j0 + 8 * v) : _mm512_loadu_pd(row + j0 + 8 * v);
#pragma GCC unroll 8
        for (int a = 0; a < 8; a++) {
            __m512d s = _mm512_set1_pd(row[i0 + a]);
#pragma GCC unroll 3
            for (int v = 0; v < NV; v++) acc[a][v] = _mm512_fmadd_pd(s, b[v], acc[a][v]);
        }
    }
#pragma GCC unroll 8
    for (int a = 0; a < 8; a++) {
        if ((size_t)a < skip) continue;
        size_t i = i0 + a;
        double *out = c + i * d + j0;
#pragma GCC unroll 3
        for (int v = 0; v < NV; v++) {
            // The vector's lanes that exist and lie on or above the diagonal (column ≥ i).
            __mmask8 k = (__mmask8)((v == NV - 1 ? last : 0xff) & ~dk_gram_lanes((long)i - (long)(j0 + 8 * v)));
            __m512d sum = overwrite ? acc[a][v] : _mm512_add_pd(_mm512_maskz_loadu_pd(k, out + 8 * v), acc[a][v]);
            _mm512_mask_storeu_pd(out + 8 * v, k, sum);
        }
    }
}

__attribute__((target("avx512f,fma")))
static void dk_gram_tile_nv(int nv, const double *x, size_t m, size_t d, size_t i0, size_t skip, size_t j0,
                            __mmask8 last, int overwrite, double *c) {
    switch (nv) {
    case 1: dk_gram_tile(1, x, m, d, i0, skip, j0, last, overwrite, c); break;
    case 2: dk_gram_tile(2, x, m, d, i0, skip, j0, last, overwrite, c); break;
    default: dk_gram_tile(3, x, m, d, i0, skip, j0, last, overwrite, c); break;
    }
}

__attribute__((target("avx512f,fma")))
static void dk_gram_run(const double *x, size_t m, size_t d, int overwrite, double *c) {
    for (size_t j0 = 0; j0 < d; j0 += 24) {
        size_t width = d - j0 < 24 ? d - j0 : 24;
        int nv = (int)((width + 7) / 8);
        __mmask8 last = dk_gram_lanes((long)width - 8 * (nv - 1));
        size_t end = j0 + width;   // rows 0…end−1 of C meet these columns on or above the diagonal
        for (size_t i0 = 0; i0 < end; i0 += 8) {
            // The last tile of rows would run past `end`: it starts 8 rows before `end` instead,
            // and skips the rows the previous tile wrote (d ≥ 8, so end ≥ 8).
            size_t start = i0, skip = 0;
            if (i0 + 8 > end) { start = end - 8; skip = i0 + 8 - end; }
            dk_gram_tile_nv(nv, x, m, d, start, skip, j0, last, overwrite, c);
        }
    }
}

// One vector of columns (j0…j0+7, lanes in `lanes`) against W targets from c0 (and the column
// sums when `sums` is non-null), over m rows of x.
// Four interleaved streams of rows: each sum is four chains of additions, not one chain 128
// long (their latency, not the loads, bounded this loop: it took 0.8× the tiles' time at d = 100).
DK_GRAM_TARGET void dk_gram_side(int W, const double *x, size_t m, size_t d, size_t j0, __mmask8 lanes,
                                 const double *t, size_t k, size_t c0, int overwrite, double *xt, double *sums) {
    __m512d acc[4][8], total[4];
#pragma GCC unroll 4
    for (int u = 0; u < 4; u++) {
        total[u] = _mm512_setzero_pd();
#pragma GCC unroll 8
        for (int c = 0; c < W; c++) acc[u][c] = _mm512_setzero_pd();
    }
    const double *row = x + j0;
    size_t r = 0;
    for (; r + 4 <= m; r += 4, row += 4 * d) {
#pragma GCC unroll 4
        for (int u = 0; u < 4; u++) {
            __m512d v = _mm512_maskz_loadu_pd(lanes, row + u * d);
            if (sums) total[u] = _mm512_add_pd(total[u], v);
#pragma GCC unroll 8
            for (int c = 0; c < W; c++) acc[u][c] = _mm512_fmadd_pd(_mm512_set1_pd(t[(r + u) * k + c0 + c]), v, acc[u][c]);
        }
    }
    for (; r < m; r++, row += d) {
        __m512d v = _mm512_maskz_loadu_pd(lanes, row);
        if (sums) total[0] = _mm512_add_pd(total[0], v);
#pragma GCC unroll 8
        for (int c = 0; c < W; c++) acc[0][c] = _mm512_fmadd_pd(_mm512_set1_pd(t[r * k + c0 + c]), v, acc[0][c]);
    }
    size_t columns = d - j0 < 8 ? d - j0 : 8;
#pragma GCC unroll 8
    for (int c = 0; c < W; c++) {
        double lane[8];
        _mm512_storeu_pd(lane, _mm512_add_pd(_mm512_add_pd(acc[0][c], acc[1][c]), _mm512_add_pd(acc[2][c], acc[3][c])));
        for (size_t l = 0; l < columns; l++) {
            double *out = xt + (j0 + l) * k + c0 + c;
            *out = overwrite ? lane[l] : *out + lane[l];
        }
    }
    if (sums) {
        __m512d sum = _mm512_add_pd(_mm512_add_pd(total[0], total[1]), _mm512_add_pd(total[2], total[3]));
        if (!overwrite) sum = _mm512_add_pd(_mm512_maskz_loadu_pd(lanes, sums + j0), sum);
        _mm512_mask_storeu_pd(sums + j0, lanes, sum);
    }
}

// Over m rows of x: xt ← xt + XᵀT (d × k, row-major; T is m × k) and sums ← sums + Xᵀ1, or
// overwritten; the rows are those the tiles just used, still in L1 and L2.
__attribute__((target("avx512f,fma")))
static void dk_gram_sides(const double *x, size_t m, size_t d, const double *t, size_t k, int overwrite,
                          double *xt, double *sums) {
    for (size_t j0 = 0; j0 < d; j0 += 8) {
        __mmask8 lanes = dk_gram_lanes((long)(d - j0));
        // Targets eight at a time; the column sums with the first eight (or alone, k = 0).
        for (size_t c0 = 0; c0 == 0 || c0 < k; c0 += 8) {
            size_t width = k > c0 ? (k - c0 < 8 ? k - c0 : 8) : 0;
            double *s = c0 == 0 ? sums : 0;
            switch (width) {
            case 0: dk_gram_side(0, x, m, d, j0, lanes, t, k, c0, overwrite, xt, s); break;
            case 1: dk_gram_side(1, x, m, d, j0, lanes, t, k, c0, overwrite, xt, s); break;
            case 2: dk_gram_side(2, x, m, d, j0, lanes, t, k, c0, overwrite, xt, s); break;
            case 3: dk_gram_side(3, x, m, d, j0, lanes, t, k, c0, overwrite, xt, s); break;
            case 4: dk_gram_side(4, x, m, d, j0, lanes, t, k, c0, overwrite, xt, s); break;
            case 5: dk_gram_side(5, x, m, d, j0, lanes, t, k, c0, overwrite, xt, s); break;
            case 6: dk_gram_side(6, x, m, d, j0, lanes, t, k, c0, overwrite, xt, s); break;
            case 7: dk_gram_side(7, x, m, d, j0, lanes, t, k, c0, overwrite, xt, s); break;
            default: dk_gram_side(8, x, m, d, j0, lanes, t, k, c0, overwrite, xt, s); break;
            }
        }
    }
}

int dk_gram_f64(const double *x, size_t m, size_t d, const double *t, size_t k, int overwrite, double *c,
                double *xt, double *sums) {
    if (d < 8 || m == 0 || !dk_available()) return 0;
    for (size_t r = 0; r < m; r += DK_GRAM_RUN) {
        size_t rows = m - r < DK_GRAM_RUN ? m - r : DK_GRAM_RUN;
        int first = overwrite && r == 0;
        dk_gram_run(x + r * d, rows, d, first, c);
        if (k > 0 || sums) dk_gram_sides(x + r * d, rows, d, t ? t + r * k : 0, k, first, xt, sums);
    }
    return 1;
}

int dk_column_sums_f64(const double *x, size_t m, size_t d, double *sums) {
    if (d < 8 || m == 0 || !dk_available()) return 0;
    dk_gram_sides(x, m, d, 0, 0, 1, 0, sums);
    return 1;
}
