// Descent's compiled gradient kernels: AVX-512 code selected at run time, for the blocks of rows the
// Swift kernels (Sources/Descent/Kernels) hand over. Each entry returns 0 when it did not run
// (no AVX-512 on this CPU, or more columns than its registers hold), so the caller runs its
// portable Swift loop instead. Rows are row-major, `d` columns wide; nothing here allocates.
#ifndef DESCENT_KERNELS_H
#define DESCENT_KERNELS_H

#include <stddef.h>

/// 1 when this CPU runs the AVX-512 kernels, else 0.
int dk_available(void);

/// The widest row (columns) the kernels take for Double and for Float.
size_t dk_max_columns_f64(void);
size_t dk_max_columns_f32(void);

/// Rows are prefetched a few KB ahead of their use. `then`, where an entry takes it, is where the
/// rows this thread reads after these n rows begin (x + n·d when they follow in memory): the
/// prefetch goes on there past the last row. NULL: nothing is prefetched past it.

/// Stochastic steps, one per row in order: r = xᵢ·w + b − yᵢ; if r² is not finite, stop before
/// that row and set *failed to its index; else q += r², w ← w − 2ηr·xᵢ, b ← b − 2ηr.
/// *failed = n when every row was used. Returns 1 when it ran. Float rows are taken two at a time
/// (the second row's r from the first's step, without waiting for it; see kernels.c): the same
/// steps, rounded differently.
int dk_sgd_f64(const double *x, const double *y, size_t n, size_t d, double *w, double *b, double eta,
               double *q, size_t *failed, const double *then);
int dk_sgd_f32(const float *x, const float *y, size_t n, size_t d, float *w, float *b, float eta,
               float *q, size_t *failed, const float *then);

/// Stochastic steps for k targets sharing each row (weights `k × d` row-major, biases `k`): per row
/// every rₜ first, then every update, each target's arithmetic exactly as dk_sgd_* does it; stops
/// before a row whose Σrₜ² is not finite. `r` holds 2k scratch values. Returns 1 when it ran.
int dk_sgd_targets_f64(const double *x, const double *y, size_t n, size_t d, size_t k, double *w, double *b,
                       double eta, double *r, double *q, size_t *failed, const double *then);
int dk_sgd_targets_f32(const float *x, const float *y, size_t n, size_t d, size_t k, float *w, float *b,
                       float eta, float *r, float *q, size_t *failed, const float *then);

/// Asks for the `bytes` from `p` to be brought into this core's L2 cache (prefetches never fault,
/// so any address may be given). Runs on any CPU.
void dk_prefetch_l2(const void *p, size_t bytes);

/// Fused gradient: for each row r = xᵢ·w + b − yᵢ, g ← g + r·xᵢ, *sum += r, *squares += r².
/// `alone`: no other thread streams rows meanwhile, so rows are prefetched as far ahead as the
/// one-thread kernels do (dk_sgd_*), not the shorter distance of two threads sharing the memory.
int dk_fused_f64(const double *x, const double *y, size_t n, size_t d, const double *w, double b,
                 double *g, double *sum, double *squares, const double *then, int alone);
int dk_fused_f32(const float *x, const float *y, size_t n, size_t d, const float *w, float b,
                 float *g, float *sum, float *squares, const float *then, int alone);

/// Residuals: rᵢ = xᵢ·w + b − yᵢ into r; *sum = Σr, *squares = Σr².
int dk_residuals_f64(const double *x, const double *y, size_t n, size_t d, const double *w, double b,
                     double *r, double *sum, double *squares);
int dk_residuals_f32(const float *x, const float *y, size_t n, size_t d, const float *w, float b,
                     float *r, float *sum, float *squares);

/// Gradient accumulation: g ← g + Xᵀr.
int dk_gradient_f64(const double *x, const double *r, size_t n, size_t d, double *g);
int dk_gradient_f32(const float *x, const float *r, size_t n, size_t d, float *g);

/// Gram product (gram.c): C ← C + XᵀX over the n rows of x (row-major n × d), on and above the
/// diagonal of the row-major d × d matrix C, whose other entries are not touched; with k > 0 also
/// xt ← xt + XᵀT (xt row-major d × k, t row-major n × k), and with sums non-null sums ← sums + Xᵀ1.
/// With `overwrite`, each is set instead of added to. Runs for d ≥ 8 and n ≥ 1 on AVX-512 CPUs;
/// returns 1 when it ran.
int dk_gram_f64(const double *x, size_t n, size_t d, const double *t, size_t k, int overwrite, double *c,
                double *xt, double *sums);

/// Column sums (gram.c): sums ← Xᵀ1 over the n rows of x (row-major n × d). Runs for d ≥ 8 and
/// n ≥ 1 on AVX-512 CPUs; returns 1 when it ran.
int dk_column_sums_f64(const double *x, size_t n, size_t d, double *sums);

#endif
