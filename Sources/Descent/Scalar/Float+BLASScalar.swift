internal import COpenBLAS

extension Float: BLASScalar {
    /// `Double`: residuals and long sums of `Float` data are accumulated in it.
    public typealias Accumulator = Double

    /// `"float32"`.
    public static var precisionName: String { "float32" }

    /// `true` where the AVX-512 kernels run (the fused kernel then wins, measured with the bench);
    /// otherwise `false`: the gemv pair (OpenBLAS AVX2) beats Swift's baseline SIMD loop.
    public static var _prefersFusedKernels: Bool { CompiledKernels.enabled && CompiledKernels.available }

    /// `nil`: `Float` values are not `Double`s.
    public static func _asDouble(_ values: UnsafePointer<Float>) -> UnsafePointer<Double>? { nil }

    /// `cblas_sdot`.
    public static func _dot(_ n: Int32, _ x: UnsafePointer<Float>, _ incx: Int32,
                            _ y: UnsafePointer<Float>, _ incy: Int32) -> Float {
        cblas_sdot(n, x, incx, y, incy)
    }

    /// `cblas_saxpy`.
    public static func _axpy(_ n: Int32, _ alpha: Float, _ x: UnsafePointer<Float>, _ incx: Int32,
                             _ y: UnsafeMutablePointer<Float>, _ incy: Int32) {
        cblas_saxpy(n, alpha, x, incx, y, incy)
    }

    /// `cblas_sgemv`, row-major.
    public static func _gemv(transposed: Bool, _ m: Int32, _ n: Int32, _ alpha: Float,
                             _ a: UnsafePointer<Float>, _ lda: Int32,
                             _ x: UnsafePointer<Float>, _ incx: Int32, _ beta: Float,
                             _ y: UnsafeMutablePointer<Float>, _ incy: Int32) {
        cblas_sgemv(CblasRowMajor, transposed ? CblasTrans : CblasNoTrans,
                    m, n, alpha, a, lda, x, incx, beta, y, incy)
    }

    /// `cblas_sgemm`, row-major.
    public static func _gemm(transposeA: Bool, transposeB: Bool, _ m: Int32, _ n: Int32, _ k: Int32, _ alpha: Float,
                             _ a: UnsafePointer<Float>, _ lda: Int32, _ b: UnsafePointer<Float>, _ ldb: Int32,
                             _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int32) {
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }

    /// `cblas_ssyrk`, row-major, upper, transposed.
    public static func _syrk(_ n: Int32, _ k: Int32, _ alpha: Float, _ a: UnsafePointer<Float>, _ lda: Int32,
                             _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int32) {
        cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, n, k, alpha, a, lda, beta, c, ldc)
    }

    /// `cblas_strsm`, column-major, left, upper, transposed, on `Bᵀ`.
    public static func _trsmRight(_ m: Int32, _ n: Int32, _ alpha: Float, _ u: UnsafePointer<Float>, _ ldu: Int32,
                                  _ b: UnsafeMutablePointer<Float>, _ ldb: Int32) {
        cblas_strsm(CblasColMajor, CblasLeft, CblasUpper, CblasTrans, CblasNonUnit, n, m, alpha, u, ldu, b, ldb)
    }

    /// `LAPACKE_spotrf_work`, column-major, upper.
    public static func _potrf(_ n: Int32, _ a: UnsafeMutablePointer<Float>, _ lda: Int32) -> Int32 {
        LAPACKE_spotrf_work(LAPACK_COL_MAJOR, LAPACKFlag.upper, n, a, lda)
    }

    /// `LAPACKE_spotrs_work`, column-major, upper.
    public static func _potrs(_ n: Int32, _ nrhs: Int32, _ a: UnsafePointer<Float>, _ lda: Int32,
                              _ b: UnsafeMutablePointer<Float>, _ ldb: Int32) -> Int32 {
        LAPACKE_spotrs_work(LAPACK_COL_MAJOR, LAPACKFlag.upper, n, nrhs, a, lda, b, ldb)
    }

    /// `LAPACKE_spocon_work`, column-major, upper.
    public static func _pocon(_ n: Int32, _ a: UnsafePointer<Float>, _ lda: Int32, _ anorm: Float,
                              _ rcond: UnsafeMutablePointer<Float>, _ work: UnsafeMutablePointer<Float>,
                              _ iwork: UnsafeMutablePointer<Int32>) -> Int32 {
        LAPACKE_spocon_work(LAPACK_COL_MAJOR, LAPACKFlag.upper, n, a, lda, anorm, rcond, work, iwork)
    }

    /// `LAPACKE_sgeqp3_work`, column-major.
    public static func _geqp3(_ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Float>, _ lda: Int32,
                              _ jpvt: UnsafeMutablePointer<Int32>, _ tau: UnsafeMutablePointer<Float>,
                              _ work: UnsafeMutablePointer<Float>, _ lwork: Int32) -> Int32 {
        LAPACKE_sgeqp3_work(LAPACK_COL_MAJOR, m, n, a, lda, jpvt, tau, work, lwork)
    }

    /// `LAPACKE_sgeqrf_work`, column-major.
    public static func _geqrf(_ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Float>, _ lda: Int32,
                              _ tau: UnsafeMutablePointer<Float>, _ work: UnsafeMutablePointer<Float>,
                              _ lwork: Int32) -> Int32 {
        LAPACKE_sgeqrf_work(LAPACK_COL_MAJOR, m, n, a, lda, tau, work, lwork)
    }

    /// `LAPACKE_sormqr_work`, column-major, left side.
    public static func _ormqr(transposed: Bool, _ m: Int32, _ n: Int32, _ k: Int32,
                              _ a: UnsafePointer<Float>, _ lda: Int32, _ tau: UnsafePointer<Float>,
                              _ c: UnsafeMutablePointer<Float>, _ ldc: Int32,
                              _ work: UnsafeMutablePointer<Float>, _ lwork: Int32) -> Int32 {
        LAPACKE_sormqr_work(LAPACK_COL_MAJOR, LAPACKFlag.left, transposed ? LAPACKFlag.trans : LAPACKFlag.noTrans,
                            m, n, k, a, lda, tau, c, ldc, work, lwork)
    }

    /// `LAPACKE_strtrs_work`, column-major, upper, non-unit diagonal.
    public static func _trtrs(transposed: Bool, _ n: Int32, _ nrhs: Int32,
                              _ a: UnsafePointer<Float>, _ lda: Int32,
                              _ b: UnsafeMutablePointer<Float>, _ ldb: Int32) -> Int32 {
        LAPACKE_strtrs_work(LAPACK_COL_MAJOR, LAPACKFlag.upper, transposed ? LAPACKFlag.trans : LAPACKFlag.noTrans, LAPACKFlag.nonUnit,
                            n, nrhs, a, lda, b, ldb)
    }

    /// `LAPACKE_strcon_work`, column-major, 1-norm, upper, non-unit diagonal.
    public static func _trcon(_ n: Int32, _ a: UnsafePointer<Float>, _ lda: Int32,
                              _ rcond: UnsafeMutablePointer<Float>, _ work: UnsafeMutablePointer<Float>,
                              _ iwork: UnsafeMutablePointer<Int32>) -> Int32 {
        LAPACKE_strcon_work(LAPACK_COL_MAJOR, LAPACKFlag.oneNorm, LAPACKFlag.upper, LAPACKFlag.nonUnit, n, a, lda, rcond, work, iwork)
    }

    /// `LAPACKE_sgelsd_work`, column-major.
    public static func _gelsd(_ m: Int32, _ n: Int32, _ nrhs: Int32,
                              _ a: UnsafeMutablePointer<Float>, _ lda: Int32,
                              _ b: UnsafeMutablePointer<Float>, _ ldb: Int32,
                              _ s: UnsafeMutablePointer<Float>, _ rcond: Float,
                              _ rank: UnsafeMutablePointer<Int32>,
                              _ work: UnsafeMutablePointer<Float>, _ lwork: Int32,
                              _ iwork: UnsafeMutablePointer<Int32>) -> Int32 {
        LAPACKE_sgelsd_work(LAPACK_COL_MAJOR, m, n, nrhs, a, lda, b, ldb, s, rcond, rank,
                            work, lwork, iwork)
    }

    /// `LAPACKE_ssyevd_work`, column-major, upper, eigenvectors wanted.
    public static func _syevd(_ n: Int32, _ a: UnsafeMutablePointer<Float>, _ lda: Int32, _ w: UnsafeMutablePointer<Float>,
                              _ work: UnsafeMutablePointer<Float>, _ lwork: Int32,
                              _ iwork: UnsafeMutablePointer<Int32>, _ liwork: Int32) -> Int32 {
        LAPACKE_ssyevd_work(LAPACK_COL_MAJOR, LAPACKFlag.vectors, LAPACKFlag.upper, n, a, lda, w, work, lwork, iwork, liwork)
    }
}
