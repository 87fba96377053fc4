// AVX-512 gradient kernels (see include/DescentKernels.h). Compiled with function attributes only,
// no -m flags, so nothing else in the package (or in packages that depend on it) changes; they
// run only after dk_available() has checked the CPU.
//
// Each kernel is instantiated for every register count NV = ⌈d / lanes⌉ from 1 to 16, so the
// loops over a row's vectors are unrolled and the weights (and the gradient) stay in zmm
// registers for the whole block: per row, the only memory traffic is the row itself.
#include "DescentKernels.h"
#include <immintrin.h>
#include <math.h>

#define DK_MAX_VECTORS 16
// How far ahead of the row being used its successors are prefetched, in bytes. The hardware
// prefetcher alone left a full-batch gradient over 1,000,000 × 100 doubles at 1.25–1.3× a plain
// read of X on two threads, and a stochastic epoch at 1.1× a one-thread read; with the rows
// prefetched 3 KB (two threads share the memory) or 6 KB ahead (one thread has it to itself), at
// 1.0× (a C harness calling these kernels on the bench's shape, alternating with the read).
// The fused gradient takes 6 KB too when its caller reads alone (a mini-batch on one thread, a
// one-thread fit); at 3 KB it sat at the latency bound of one core (3 KB in flight over ~130 ns:
// about 24 GB/s). `bench --threads 1 --only batch-epoch,minibatch-epoch --epochs 12`, two
// alternating runs (the one-thread read at 35.5–38.1 GB/s): Float32 mini-batch 1.19–1.25× → 1.11–1.12× the one-thread read, batch
// 0.97–1.02× → 0.94–0.96×, Float64 mini-batch 1.10–1.14× → 1.07–1.08×, batch 0.99× → 0.95×.
#define DK_AHEAD_SHARED 3072
#define DK_AHEAD_ALONE 6144
#define DK_TARGET __attribute__((target("avx512f,fma"), always_inline)) static inline
#define DK_ENTRY __attribute__((target("avx512f,fma")))

int dk_available(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("fma");
}

size_t dk_max_columns_f64(void) { return DK_MAX_VECTORS * 8; }
size_t dk_max_columns_f32(void) { return DK_MAX_VECTORS * 16; }

void dk_prefetch_l2(const void *p, size_t bytes) {
    for (size_t c = 0; c < bytes; c += 64) __builtin_prefetch((const char *)p + c, 0, 2);
}

// One type's kernels. T: scalar; V: vector; M: mask type; L: lanes; SUF: name suffix; P: intrinsic
// suffix (pd or ps).
#define DK_KERNELS(T, V, M, L, SUF, P, PAIRED)                                                               \
                                                                                                        \
DK_TARGET M dk_tail_##SUF(size_t d) {                                                                   \
    size_t rest = d % L;                                                                                \
    return rest == 0 ? (M)~(M)0 : (M)(((unsigned)1 << rest) - 1);                                       \
}                                                                                                       \
                                                                                                        \
/* Loads row vectors 0..<NV (the last masked). */                                                       \
DK_TARGET V dk_load_##SUF(const T *p, int k, int nv, M tail) {                                          \
    return k == nv - 1 ? _mm512_maskz_loadu_##P(tail, p + (size_t)k * L) : _mm512_loadu_##P(p + (size_t)k * L); \
}                                                                                                       \
DK_TARGET void dk_store_##SUF(T *p, int k, int nv, M tail, V v) {                                       \
    if (k == nv - 1) _mm512_mask_storeu_##P(p + (size_t)k * L, tail, v);                                \
    else _mm512_storeu_##P(p + (size_t)k * L, v);                                                       \
}                                                                                                       \
                                                                                                        \
/* Prefetches one row's length of lines, `ahead` bytes past row `x`. Past the block's `end` the  */    \
/* rows this thread reads next are at `then` (the same address when they follow in memory), so the */    \
/* prefetch goes on there; with no `then` it stops. A mini-batch half goes on into this thread's   */    \
/* half of the next batch, not into the other thread's half after it in memory, which then came     */    \
/* from this core's cache (the helper's half took 5.5 µs against this thread's 4.9 µs; stopped at   */    \
/* the half's end, both about 4.1 µs, in one run of `bench --only minibatch-epoch` timed per half).  */    \
/* Going on past a block (81 rows of a full batch's partition, a 1 MiB shuffled   */    \
/* block of a stochastic epoch) instead of stopping there, three alternating runs of `bench --only   */    \
/* batch-epoch,minibatch-epoch,stochastic-epoch`: Float64 batch 1.11–1.13× → 1.07–1.10× the read,   */    \
/* stochastic 1.07–1.08× → 1.02–1.07× a one-thread read. Prefetches never fault. */                    \
DK_TARGET void dk_prefetch_##SUF(const T *x, int nv, size_t ahead, const T *end, const T *then) {       \
    const char *p = (const char *)x + ahead;                                                            \
    if (p >= (const char *)end) {                                                                       \
        if (!then) return;                                                                              \
        p = (const char *)then + (p - (const char *)end);                                               \
    }                                                                                                   \
    for (size_t c = 0; c < (size_t)nv * L * sizeof(T); c += 64) _mm_prefetch(p + c, _MM_HINT_T0);        \
}                                                                                                       \
                                                                                                        \
/* x·w with the weights in registers: two accumulators. */                                              \
DK_TARGET T dk_dot_##SUF(const T *x, const V *W, int nv, M tail) {                                      \
    V a0 = _mm512_setzero_##P(), a1 = _mm512_setzero_##P();                                             \
    for (int k = 0; k < nv; k += 2) {                                                                   \
        a0 = _mm512_fmadd_##P(dk_load_##SUF(x, k, nv, tail), W[k], a0);                                 \
        if (k + 1 < nv) a1 = _mm512_fmadd_##P(dk_load_##SUF(x, k + 1, nv, tail), W[k + 1], a1);        \
    }                                                                                                   \
    return _mm512_reduce_add_##P(_mm512_add_##P(a0, a1));                                               \
}                                                                                                       \
                                                                                                        \
/* x·z, both in memory (two rows; a row and one target's weights): two accumulators, as dk_dot. */ \
DK_TARGET T dk_dot_memory_##SUF(const T *x, const T *wt, int nv, M tail) {                              \
    V a0 = _mm512_setzero_##P(), a1 = _mm512_setzero_##P();                                             \
    for (int v = 0; v < nv; v += 2) {                                                                   \
        a0 = _mm512_fmadd_##P(dk_load_##SUF(x, v, nv, tail), dk_load_##SUF(wt, v, nv, tail), a0);       \
        if (v + 1 < nv)                                                                                 \
            a1 = _mm512_fmadd_##P(dk_load_##SUF(x, v + 1, nv, tail), dk_load_##SUF(wt, v + 1, nv, tail), a1); \
    }                                                                                                   \
    return _mm512_reduce_add_##P(_mm512_add_##P(a0, a1));                                               \
}                                                                                                       \
                                                                                                        \
/* PAIRED: rows i and j = i + 1 per step. Row j's residual at the weights row i leaves,             */  \
/* xⱼ·(w + sᵢxᵢ) + b + sᵢ − yⱼ = xⱼ·w + sᵢ(xᵢ·xⱼ) + (b + sᵢ) − yⱼ, needs no wait for row i's update: */ \
/* the three dot products run side by side, and the chain from one row's weights to the next       */  \
/* row's residual (a dot product's reduction, then the update) is paid once per two rows. Float     */  \
/* rows take it: there that chain, not memory, bounds a stochastic epoch (1,000,000 × 100, four     */  \
/* alternating runs of `bench --only stochastic-epoch`: 14.0–14.6 ms, 1.18–1.25× a one-thread read, */  \
/* before; 12.2–12.9 ms, 1.10–1.13×, paired). Double rows are bounded by memory, and paired they    */  \
/* gained nothing in a C harness (the extra dot product costs as much as the chain it hides).       */  \
DK_TARGET void dk_sgd_body_##SUF(const int nv, const T *x, const T *y, size_t n, size_t d, T *w, T *b,  \
                                 T eta, T *q, size_t *failed, const T *then) {                          \
    M tail = dk_tail_##SUF(d);                                                                          \
    V W[DK_MAX_VECTORS];                                                                                \
    for (int k = 0; k < nv; k++) W[k] = dk_load_##SUF(w, k, nv, tail);                                  \
    T bias = *b, squares = 0;                                                                           \
    size_t i = 0;                                                                                       \
    for (; PAIRED && i + 1 < n; i += 2) {                                                               \
        const T *xi = x + i * d, *xj = xi + d;                                                          \
        dk_prefetch_##SUF(xi, nv, DK_AHEAD_ALONE, x + n * d, then);                                           \
        dk_prefetch_##SUF(xj, nv, DK_AHEAD_ALONE, x + n * d, then);                                           \
        T ri = dk_dot_##SUF(xi, W, nv, tail) + bias - y[i];                                             \
        T cj = dk_dot_##SUF(xj, W, nv, tail), cross = dk_dot_memory_##SUF(xi, xj, nv, tail);                 \
        T loss = ri * ri;                                                                               \
        if (!isfinite(loss)) goto done;                                                                 \
        squares += loss;                                                                                \
        T si = -eta * 2 * ri;                                                                           \
        T rj = cj + si * cross + (bias + si) - y[i + 1];                                                \
        T lossj = rj * rj;                                                                              \
        V vi = _mm512_set1_##P(si);                                                                     \
        if (!isfinite(lossj)) {                                                                         \
            for (int k = 0; k < nv; k++) W[k] = _mm512_fmadd_##P(vi, dk_load_##SUF(xi, k, nv, tail), W[k]); \
            bias += si;                                                                                 \
            i += 1;                                                                                     \
            goto done;                                                                                  \
        }                                                                                               \
        squares += lossj;                                                                               \
        T sj = -eta * 2 * rj;                                                                           \
        V vj = _mm512_set1_##P(sj);                                                                     \
        for (int k = 0; k < nv; k++)                                                                    \
            W[k] = _mm512_fmadd_##P(vj, dk_load_##SUF(xj, k, nv, tail),                                 \
                                    _mm512_fmadd_##P(vi, dk_load_##SUF(xi, k, nv, tail), W[k]));        \
        bias += si;                                                                                     \
        bias += sj;                                                                                     \
    }                                                                                                   \
    for (; i < n; i++) {                                                                                \
        const T *xi = x + i * d;                                                                        \
        dk_prefetch_##SUF(xi, nv, DK_AHEAD_ALONE, x + n * d, then);                                                      \
        T r = dk_dot_##SUF(xi, W, nv, tail) + bias - y[i];                                              \
        T loss = r * r;                                                                                 \
        if (!isfinite(loss)) break;                                                                     \
        squares += loss;                                                                                \
        T step = -eta * 2 * r;                                                                          \
        V s = _mm512_set1_##P(step);                                                                    \
        for (int k = 0; k < nv; k++) W[k] = _mm512_fmadd_##P(s, dk_load_##SUF(xi, k, nv, tail), W[k]);  \
        bias += step;                                                                                   \
    }                                                                                                   \
done:                                                                                                   \
    for (int k = 0; k < nv; k++) dk_store_##SUF(w, k, nv, tail, W[k]);                                  \
    *b = bias;                                                                                          \
    *q = squares;                                                                                       \
    *failed = i;                                                                                        \
}                                                                                                       \
                                                                                                        \
DK_TARGET void dk_fused_body_##SUF(const int nv, const T *x, const T *y, size_t n, size_t d, const T *w, \
                                   T b, T *g, T *sum, T *squares, const T *then, size_t ahead) {        \
    M tail = dk_tail_##SUF(d);                                                                          \
    V W[DK_MAX_VECTORS], G[DK_MAX_VECTORS];                                                             \
    for (int k = 0; k < nv; k++) { W[k] = dk_load_##SUF(w, k, nv, tail); G[k] = dk_load_##SUF(g, k, nv, tail); } \
    T s = 0, sq = 0;                                                                                    \
    for (size_t i = 0; i < n; i++) {                                                                    \
        const T *xi = x + i * d;                                                                        \
        dk_prefetch_##SUF(xi, nv, ahead, x + n * d, then);                                              \
        T r = dk_dot_##SUF(xi, W, nv, tail) + b - y[i];                                                 \
        s += r;                                                                                         \
        sq += r * r;                                                                                    \
        V rv = _mm512_set1_##P(r);                                                                      \
        for (int k = 0; k < nv; k++) G[k] = _mm512_fmadd_##P(rv, dk_load_##SUF(xi, k, nv, tail), G[k]); \
    }                                                                                                   \
    for (int k = 0; k < nv; k++) dk_store_##SUF(g, k, nv, tail, G[k]);                                  \
    *sum = s;                                                                                           \
    *squares = sq;                                                                                      \
}                                                                                                       \
                                                                                                        \
DK_TARGET void dk_residuals_body_##SUF(const int nv, const T *x, const T *y, size_t n, size_t d,       \
                                       const T *w, T b, T *r, T *sum, T *squares) {                     \
    M tail = dk_tail_##SUF(d);                                                                          \
    V W[DK_MAX_VECTORS];                                                                                \
    for (int k = 0; k < nv; k++) W[k] = dk_load_##SUF(w, k, nv, tail);                                  \
    T s = 0, sq = 0;                                                                                    \
    for (size_t i = 0; i < n; i++) {                                                                    \
        dk_prefetch_##SUF(x + i * d, nv, DK_AHEAD_SHARED, x + n * d, NULL);                                              \
        T ri = dk_dot_##SUF(x + i * d, W, nv, tail) + b - y[i];                                         \
        r[i] = ri;                                                                                      \
        s += ri;                                                                                        \
        sq += ri * ri;                                                                                  \
    }                                                                                                   \
    *sum = s;                                                                                           \
    *squares = sq;                                                                                      \
}                                                                                                       \
                                                                                                        \
DK_TARGET void dk_gradient_body_##SUF(const int nv, const T *x, const T *r, size_t n, size_t d, T *g) { \
    M tail = dk_tail_##SUF(d);                                                                          \
    V G[DK_MAX_VECTORS];                                                                                \
    for (int k = 0; k < nv; k++) G[k] = dk_load_##SUF(g, k, nv, tail);                                  \
    for (size_t i = 0; i < n; i++) {                                                                    \
        const T *xi = x + i * d;                                                                        \
        V rv = _mm512_set1_##P(r[i]);                                                                   \
        for (int k = 0; k < nv; k++) G[k] = _mm512_fmadd_##P(rv, dk_load_##SUF(xi, k, nv, tail), G[k]); \
    }                                                                                                   \
    for (int k = 0; k < nv; k++) dk_store_##SUF(g, k, nv, tail, G[k]);                                  \
}                                                                                                       \
                                                                                                        \
/* Several targets: the weights are read from memory (k rows of d), the operations in the order */    \
/* of dk_dot and dk_sgd_body (paired as it is), so each target's numbers are bit for bit those of a */ \
/* one-target run. r holds 2k scratch values.                                                      */ \
DK_TARGET void dk_step_memory_##SUF(const T *x, T *wt, int nv, M tail, T step) {                        \
    V s = _mm512_set1_##P(step);                                                                        \
    for (int v = 0; v < nv; v++)                                                                        \
        dk_store_##SUF(wt, v, nv, tail, _mm512_fmadd_##P(s, dk_load_##SUF(x, v, nv, tail), dk_load_##SUF(wt, v, nv, tail))); \
}                                                                                                       \
DK_ENTRY int dk_sgd_targets_##SUF(const T *x, const T *y, size_t n, size_t d, size_t k, T *w, T *b,    \
                                  T eta, T *r, T *q, size_t *failed, const T *then) {                   \
    int nv = (int)((d + L - 1) / L);                                                                    \
    if (nv > DK_MAX_VECTORS) return 0;                                                                  \
    M tail = dk_tail_##SUF(d);                                                                          \
    T squares = 0, *rj = r + k;                                                                         \
    size_t i = 0;                                                                                       \
    for (; PAIRED && i + 1 < n; i += 2) {                                                               \
        const T *xi = x + i * d, *xj = xi + d;                                                          \
        dk_prefetch_##SUF(xi, nv, DK_AHEAD_ALONE, x + n * d, then);                                           \
        dk_prefetch_##SUF(xj, nv, DK_AHEAD_ALONE, x + n * d, then);                                           \
        T cross = dk_dot_memory_##SUF(xi, xj, nv, tail), loss = 0, lossj = 0;                                \
        for (size_t t = 0; t < k; t++) {                                                                \
            r[t] = dk_dot_memory_##SUF(xi, w + t * d, nv, tail) + b[t] - y[i * k + t];                  \
            loss += r[t] * r[t];                                                                        \
        }                                                                                               \
        if (!isfinite(loss)) goto done;                                                                 \
        squares += loss;                                                                                \
        for (size_t t = 0; t < k; t++) {                                                                \
            T si = -eta * 2 * r[t];                                                                     \
            T cj = dk_dot_memory_##SUF(xj, w + t * d, nv, tail);                                        \
            rj[t] = cj + si * cross + (b[t] + si) - y[(i + 1) * k + t];                                 \
            lossj += rj[t] * rj[t];                                                                     \
        }                                                                                               \
        for (size_t t = 0; t < k; t++) {                                                                \
            T si = -eta * 2 * r[t];                                                                     \
            if (!isfinite(lossj)) {                                                                     \
                dk_step_memory_##SUF(xi, w + t * d, nv, tail, si);                                      \
            } else {                                                                                    \
                T sj = -eta * 2 * rj[t];                                                                \
                V vi = _mm512_set1_##P(si), vj = _mm512_set1_##P(sj);                                  \
                T *wt = w + t * d;                                                                      \
                for (int v = 0; v < nv; v++)                                                            \
                    dk_store_##SUF(wt, v, nv, tail,                                                     \
                                   _mm512_fmadd_##P(vj, dk_load_##SUF(xj, v, nv, tail),                 \
                                                    _mm512_fmadd_##P(vi, dk_load_##SUF(xi, v, nv, tail), \
                                                                     dk_load_##SUF(wt, v, nv, tail)))); \
                b[t] += si;                                                                             \
                b[t] += sj;                                                                             \
                continue;                                                                               \
            }                                                                                           \
            b[t] += si;                                                                                 \
        }                                                                                               \
        if (!isfinite(lossj)) { i += 1; goto done; }                                                    \
        squares += lossj;                                                                               \
    }                                                                                                   \
    for (; i < n; i++) {                                                                                \
        const T *xi = x + i * d;                                                                        \
        dk_prefetch_##SUF(xi, nv, DK_AHEAD_ALONE, x + n * d, then);                                                      \
        T loss = 0;                                                                                     \
        for (size_t t = 0; t < k; t++) {                                                                \
            r[t] = dk_dot_memory_##SUF(xi, w + t * d, nv, tail) + b[t] - y[i * k + t];                  \
            loss += r[t] * r[t];                                                                        \
        }                                                                                               \
        if (!isfinite(loss)) break;                                                                     \
        squares += loss;                                                                                \
        for (size_t t = 0; t < k; t++) {                                                                \
            T step = -eta * 2 * r[t];                                                                   \
            dk_step_memory_##SUF(xi, w + t * d, nv, tail, step);                                        \
            b[t] += step;                                                                               \
        }                                                                                               \
    }                                                                                                   \
done:                                                                                                   \
    *q = squares;                                                                                       \
    *failed = i;                                                                                        \
    return 1;                                                                                           \
}

DK_KERNELS(double, __m512d, __mmask8, 8, f64, pd, 0)
DK_KERNELS(float, __m512, __mmask16, 16, f32, ps, 1)

// The entries: a switch over the register count, each case a copy of the body with `nv` constant.
#define DK_CASES(CALL) \
    CALL(1) CALL(2) CALL(3) CALL(4) CALL(5) CALL(6) CALL(7) CALL(8) \
    CALL(9) CALL(10) CALL(11) CALL(12) CALL(13) CALL(14) CALL(15) CALL(16)

#define DK_ENTRIES(T, L, SUF)                                                                           \
DK_ENTRY int dk_sgd_##SUF(const T *x, const T *y, size_t n, size_t d, T *w, T *b, T eta, T *q,          \
                          size_t *failed, const T *then) {                                              \
    switch ((d + L - 1) / L) {                                                                          \
    DK_CASES(DK_SGD_CASE_##SUF)                                                                         \
    default: return 0;                                                                                  \
    }                                                                                                   \
}                                                                                                       \
DK_ENTRY int dk_fused_##SUF(const T *x, const T *y, size_t n, size_t d, const T *w, T b, T *g, T *sum,  \
                            T *squares, const T *then, int alone) {                                     \
    switch ((d + L - 1) / L) {                                                                          \
    DK_CASES(DK_FUSED_CASE_##SUF)                                                                       \
    default: return 0;                                                                                  \
    }                                                                                                   \
}                                                                                                       \
DK_ENTRY int dk_residuals_##SUF(const T *x, const T *y, size_t n, size_t d, const T *w, T b, T *r,      \
                                T *sum, T *squares) {                                                   \
    switch ((d + L - 1) / L) {                                                                          \
    DK_CASES(DK_RESIDUALS_CASE_##SUF)                                                                   \
    default: return 0;                                                                                  \
    }                                                                                                   \
}                                                                                                       \
DK_ENTRY int dk_gradient_##SUF(const T *x, const T *r, size_t n, size_t d, T *g) {                      \
    switch ((d + L - 1) / L) {                                                                          \
    DK_CASES(DK_GRADIENT_CASE_##SUF)                                                                    \
    default: return 0;                                                                                  \
    }                                                                                                   \
}

#define DK_SGD_CASE_f64(NV) case NV: dk_sgd_body_f64(NV, x, y, n, d, w, b, eta, q, failed, then); return 1;
#define DK_SGD_CASE_f32(NV) case NV: dk_sgd_body_f32(NV, x, y, n, d, w, b, eta, q, failed, then); return 1;
#define DK_FUSED_CASE_f64(NV) case NV: dk_fused_body_f64(NV, x, y, n, d, w, b, g, sum, squares, then, alone ? DK_AHEAD_ALONE : DK_AHEAD_SHARED); return 1;
#define DK_FUSED_CASE_f32(NV) case NV: dk_fused_body_f32(NV, x, y, n, d, w, b, g, sum, squares, then, alone ? DK_AHEAD_ALONE : DK_AHEAD_SHARED); return 1;
#define DK_RESIDUALS_CASE_f64(NV) case NV: dk_residuals_body_f64(NV, x, y, n, d, w, b, r, sum, squares); return 1;
#define DK_RESIDUALS_CASE_f32(NV) case NV: dk_residuals_body_f32(NV, x, y, n, d, w, b, r, sum, squares); return 1;
#define DK_GRADIENT_CASE_f64(NV) case NV: dk_gradient_body_f64(NV, x, r, n, d, g); return 1;
#define DK_GRADIENT_CASE_f32(NV) case NV: dk_gradient_body_f32(NV, x, r, n, d, g); return 1;

DK_ENTRIES(double, 8, f64)
DK_ENTRIES(float, 16, f32)
