internal import COpenBLAS

extension Double: BLASScalar {
    #if arch(x86_64) && !os(Windows)
    /// `Float80`: residuals and long sums of `Double` data are accumulated in it.
    public typealias Accumulator = Float80
    #else
    /// `Double` where `Float80` does not exist: sums of `Double` data stay in `Double`.
    public typealias Accumulator = Double
    #endif

    /// `"float64"`.
    public static var precisionName: String { "float64" }

    /// `true`: the fused SIMD gradient reads each row once and wins.
    public static var _prefersFusedKernels: Bool { true }

    /// The same pointer.
    public static func _asDouble(_ values: UnsafePointer<Double>) -> UnsafePointer<Double>? { values }

    /// `cblas_ddot`.
    public static func _dot(_ n: Int32, _ x: UnsafePointer<Double>, _ incx: Int32,
                            _ y: UnsafePointer<Double>, _ incy: Int32) -> Double {
        cblas_ddot(n, x, incx, y, incy)
    }

    /// `cblas_daxpy`.
    public static func _axpy(_ n: Int32, _ alpha: Double, _ x: UnsafePointer<Double>, _ incx: Int32,
                             _ y: UnsafeMutablePointer<Double>, _ incy: Int32) {
        cblas_daxpy(n, alpha, x, incx, y, incy)
    }

    /// `cblas_dgemv`, row-major.
    public static func _gemv(transposed: Bool, _ m: Int32, _ n: Int32, _ alpha: Double,
                             _ a: UnsafePointer<Double>, _ lda: Int32,
                             _ x: UnsafePointer<Double>, _ incx: Int32, _ beta: Double,
                             _ y: UnsafeMutablePointer<Double>, _ incy: Int32) {
        cblas_dgemv(CblasRowMajor, transposed ? CblasTrans : CblasNoTrans,
                    m, n, alpha, a, lda, x, incx, beta, y, incy)
    }

    /// `cblas_dgemm`, row-major.
    public static func _gemm(transposeA: Bool, transposeB: Bool, _ m: Int32, _ n: Int32, _ k: Int32, _ alpha: Double,
                             _ a: UnsafePointer<Double>, _ lda: Int32, _ b: UnsafePointer<Double>, _ ldb: Int32,
                             _ beta: Double, _ c: UnsafeMutablePointer<Double>, _ ldc: Int32) {
        cblas_dgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }

    /// `cblas_dsyrk`, row-major, upper, transposed.
    public static func _syrk(_ n: Int32, _ k: Int32, _ alpha: Double, _ a: UnsafePointer<Double>, _ lda: Int32,
                             _ beta: Double, _ c: UnsafeMutablePointer<Double>, _ ldc: Int32) {
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, n, k, alpha, a, lda, beta, c, ldc)
    }

    /// `cblas_dtrsm`, column-major, left, upper, transposed, on `Bᵀ`.
    public static func _trsmRight(_ m: Int32, _ n: Int32, _ alpha: Double, _ u: UnsafePointer<Double>, _ ldu: Int32,
                                  _ b: UnsafeMutablePointer<Double>, _ ldb: Int32) {
        cblas_dtrsm(CblasColMajor, CblasLeft, CblasUpper, CblasTrans, CblasNonUnit, n, m, alpha, u, ldu, b, ldb)
    }

    /// `LAPACKE_dpotrf_work`, column-major, upper.
    public static func _potrf(_ n: Int32, _ a: UnsafeMutablePointer<Double>, _ lda: Int32) -> Int32 {
        LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, LAPACKFlag.upper, n, a, lda)
    }

    /// `LAPACKE_dpotrs_work`, column-major, upper.
    public static func _potrs(_ n: Int32, _ nrhs: Int32, _ a: UnsafePointer<Double>, _ lda: Int32,
                              _ b: UnsafeMutablePointer<Double>, _ ldb: Int32) -> Int32 {
        LAPACKE_dpotrs_work(LAPACK_COL_MAJOR, LAPACKFlag.upper, n, nrhs, a, lda, b, ldb)
    }

    /// `LAPACKE_dpocon_work`, column-major, upper.
    public static func _pocon(_ n: Int32, _ a: UnsafePointer<Double>, _ lda: Int32, _ anorm: Double,
                              _ rcond: UnsafeMutablePointer<Double>, _ work: UnsafeMutablePointer<Double>,
                              _ iwork: UnsafeMutablePointer<Int32>) -> Int32 {
        LAPACKE_dpocon_work(LAPACK_COL_MAJOR, LAPACKFlag.upper, n, a, lda, anorm, rcond, work, iwork)
    }

    /// `LAPACKE_dgeqp3_work`, column-major.
    public static func _geqp3(_ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Double>, _ lda: Int32,
                              _ jpvt: UnsafeMutablePointer<Int32>, _ tau: UnsafeMutablePointer<Double>,
                              _ work: UnsafeMutablePointer<Double>, _ lwork: Int32) -> Int32 {
        LAPACKE_dgeqp3_work(LAPACK_COL_MAJOR, m, n, a, lda, jpvt, tau, work, lwork)
    }

    /// `LAPACKE_dgeqrf_work`, column-major.
    public static func _geqrf(_ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Double>, _ lda: Int32,
                              _ tau: UnsafeMutablePointer<Double>, _ work: UnsafeMutablePointer<Double>,
                              _ lwork: Int32) -> Int32 {
        LAPACKE_dgeqrf_work(LAPACK_COL_MAJOR, m, n, a, lda, tau, work, lwork)
    }

    /// `LAPACKE_dormqr_work`, column-major, left side.
    public static func _ormqr(transposed: Bool, _ m: Int32, _ n: Int32, _ k: Int32,
                              _ a: UnsafePointer<Double>, _ lda: Int32, _ tau: UnsafePointer<Double>,
                              _ c: UnsafeMutablePointer<Double>, _ ldc: Int32,
                              _ work: UnsafeMutablePointer<Double>, _ lwork: Int32) -> Int32 {
        LAPACKE_dormqr_work(LAPACK_COL_MAJOR, LAPACKFlag.left, transposed ? LAPACKFlag.trans : LAPACKFlag.noTrans,
                            m, n, k, a, lda, tau, c, ldc, work, lwork)
    }

    /// `LAPACKE_dtrtrs_work`, column-major, upper, non-unit diagonal.
    public static func _trtrs(transposed: Bool, _ n: Int32, _ nrhs: Int32,
                              _ a: UnsafePointer<Double>, _ lda: Int32,
                              _ b: UnsafeMutablePointer<Double>, _ ldb: Int32) -> Int32 {
        LAPACKE_dtrtrs_work(LAPACK_COL_MAJOR, LAPACKFlag.upper, transposed ? LAPACKFlag.trans : LAPACKFlag.noTrans, LAPACKFlag.nonUnit,
                            n, nrhs, a, lda, b, ldb)
    }

    /// `LAPACKE_dtrcon_work`, column-major, 1-norm, upper, non-unit diagonal.
    public static func _trcon(_ n: Int32, _ a: UnsafePointer<Double>, _ lda: Int32,
                              _ rcond: UnsafeMutablePointer<Double>, _ work: UnsafeMutablePointer<Double>,
                              _ iwork: UnsafeMutablePointer<Int32>) -> Int32 {
        LAPACKE_dtrcon_work(LAPACK_COL_MAJOR, LAPACKFlag.oneNorm, LAPACKFlag.upper, LAPACKFlag.nonUnit, n, a, lda, rcond, work, iwork)
    }

    /// `LAPACKE_dgelsd_work`, column-major.
    public static func _gelsd(_ m: Int32, _ n: Int32, _ nrhs: Int32,
                              _ a: UnsafeMutablePointer<Double>, _ lda: Int32,
                              _ b: UnsafeMutablePointer<Double>, _ ldb: Int32,
                              _ s: UnsafeMutablePointer<Double>, _ rcond: Double,
                              _ rank: UnsafeMutablePointer<Int32>,
                              _ work: UnsafeMutablePointer<Double>, _ lwork: Int32,
                              _ iwork: UnsafeMutablePointer<Int32>) -> Int32 {
        LAPACKE_dgelsd_work(LAPACK_COL_MAJOR, m, n, nrhs, a, lda, b, ldb, s, rcond, rank,
                            work, lwork, iwork)
    }

    /// `LAPACKE_dsyevd_work`, column-major, upper, eigenvectors wanted.
    public static func _syevd(_ n: Int32, _ a: UnsafeMutablePointer<Double>, _ lda: Int32, _ w: UnsafeMutablePointer<Double>,
                              _ work: UnsafeMutablePointer<Double>, _ lwork: Int32,
                              _ iwork: UnsafeMutablePointer<Int32>, _ liwork: Int32) -> Int32 {
        LAPACKE_dsyevd_work(LAPACK_COL_MAJOR, LAPACKFlag.vectors, LAPACKFlag.upper, n, a, lda, w, work, lwork, iwork, liwork)
    }
}
