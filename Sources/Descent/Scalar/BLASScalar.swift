/// A floating-point type that OpenBLAS and LAPACKE can compute with: `Float` or `Double`.
///
/// Everything in Descent is written once, generic over `BLASScalar`; the two conformances
/// (`Float+BLASScalar.swift`, `Double+BLASScalar.swift`) are the only places that name a
/// `cblas_s…`/`cblas_d…` or `LAPACKE_s…`/`LAPACKE_d…` routine.
///
/// The underscored requirements are the raw routines, with Swift types only (LAPACK integers
/// are `Int32`). They are public because generic code in other modules must be able to
/// specialise through them; call the model, training and solver APIs instead. Matrices passed
/// to the BLAS requirements are row-major; matrices passed to the LAPACK requirements are
/// column-major. Each requirement's contract is the reference BLAS/LAPACK one.
public protocol BLASScalar: BinaryFloatingPoint, SIMDScalar, Codable, Sendable, CustomStringConvertible
where RawSignificand: FixedWidthInteger {
    /// A wider type used where rounding errors must not accumulate: residuals in iterative
    /// refinement and long sums. `Double` for `Float`; `Float80` for `Double` on x86-64.
    associatedtype Accumulator: BinaryFloatingPoint

    /// A short name for reports: `"float32"` or `"float64"`.
    static var precisionName: String { get }

    /// Whether Descent's own SIMD loops beat a pair of BLAS calls for this type on a full-batch
    /// gradient (`Double`: yes; `Float`: no, OpenBLAS's AVX2 kernels beat Swift's baseline SIMD).
    /// Measured with the bench; see `Kernels.fusedGradient`.
    static var _prefersFusedKernels: Bool { get }

    /// `values` seen as `Double`s when `Self` is `Double` (no copy), `nil` for other types.
    static func _asDouble(_ values: UnsafePointer<Self>) -> UnsafePointer<Double>?

    /// `xᵀy` (`?dot`).
    static func _dot(_ n: Int32, _ x: UnsafePointer<Self>, _ incx: Int32,
                     _ y: UnsafePointer<Self>, _ incy: Int32) -> Self
    /// `y ← αx + y` (`?axpy`).
    static func _axpy(_ n: Int32, _ alpha: Self, _ x: UnsafePointer<Self>, _ incx: Int32,
                      _ y: UnsafeMutablePointer<Self>, _ incy: Int32)
    /// `y ← αAx + βy`, or `y ← αAᵀx + βy` when `transposed` (`?gemv`, row-major `A` of `m × n`).
    static func _gemv(transposed: Bool, _ m: Int32, _ n: Int32, _ alpha: Self,
                      _ a: UnsafePointer<Self>, _ lda: Int32,
                      _ x: UnsafePointer<Self>, _ incx: Int32, _ beta: Self,
                      _ y: UnsafeMutablePointer<Self>, _ incy: Int32)
    /// `C ← α·op(A)·op(B) + βC` (`?gemm`, row-major; `op(X)` is `Xᵀ` when its flag is set).
    static func _gemm(transposeA: Bool, transposeB: Bool, _ m: Int32, _ n: Int32, _ k: Int32, _ alpha: Self,
                      _ a: UnsafePointer<Self>, _ lda: Int32, _ b: UnsafePointer<Self>, _ ldb: Int32,
                      _ beta: Self, _ c: UnsafeMutablePointer<Self>, _ ldc: Int32)
    /// `C ← αAᵀA + βC` on the upper triangle of the `n × n` row-major `C`, for a row-major
    /// `A` of `k × n` (`?syrk`, row-major, upper, transposed).
    static func _syrk(_ n: Int32, _ k: Int32, _ alpha: Self, _ a: UnsafePointer<Self>, _ lda: Int32,
                      _ beta: Self, _ c: UnsafeMutablePointer<Self>, _ ldc: Int32)
    /// `B ← α·B·U⁻¹` for a row-major `m × n` `B` and the upper triangle `U` of a column-major
    /// `n × n` matrix (`?trsm`, column-major `Bᵀ ← α·U⁻ᵀ·Bᵀ`).
    static func _trsmRight(_ m: Int32, _ n: Int32, _ alpha: Self, _ u: UnsafePointer<Self>, _ ldu: Int32,
                           _ b: UnsafeMutablePointer<Self>, _ ldb: Int32)

    /// Cholesky factor `A = UᵀU` of the upper triangle of a column-major `n × n` matrix (`?potrf`).
    static func _potrf(_ n: Int32, _ a: UnsafeMutablePointer<Self>, _ lda: Int32) -> Int32
    /// Solves `AX = B` with the factor from `_potrf` (`?potrs`).
    static func _potrs(_ n: Int32, _ nrhs: Int32, _ a: UnsafePointer<Self>, _ lda: Int32,
                       _ b: UnsafeMutablePointer<Self>, _ ldb: Int32) -> Int32
    /// Reciprocal 1-norm condition estimate from the factor of `_potrf` (`?pocon`);
    /// `work` holds `3n`, `iwork` `n`.
    static func _pocon(_ n: Int32, _ a: UnsafePointer<Self>, _ lda: Int32, _ anorm: Self,
                       _ rcond: UnsafeMutablePointer<Self>, _ work: UnsafeMutablePointer<Self>,
                       _ iwork: UnsafeMutablePointer<Int32>) -> Int32
    /// QR with column pivoting, `AP = QR` (`?geqp3`); `lwork == -1` is a workspace query.
    static func _geqp3(_ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Self>, _ lda: Int32,
                       _ jpvt: UnsafeMutablePointer<Int32>, _ tau: UnsafeMutablePointer<Self>,
                       _ work: UnsafeMutablePointer<Self>, _ lwork: Int32) -> Int32
    /// QR without pivoting, `A = QR` (`?geqrf`); `lwork == -1` is a workspace query.
    static func _geqrf(_ m: Int32, _ n: Int32, _ a: UnsafeMutablePointer<Self>, _ lda: Int32,
                       _ tau: UnsafeMutablePointer<Self>, _ work: UnsafeMutablePointer<Self>, _ lwork: Int32) -> Int32
    /// `C ← QC` or `C ← QᵀC` (when `transposed`) with `Q` from `_geqp3` or `_geqrf` (`?ormqr`, left side).
    static func _ormqr(transposed: Bool, _ m: Int32, _ n: Int32, _ k: Int32,
                       _ a: UnsafePointer<Self>, _ lda: Int32, _ tau: UnsafePointer<Self>,
                       _ c: UnsafeMutablePointer<Self>, _ ldc: Int32,
                       _ work: UnsafeMutablePointer<Self>, _ lwork: Int32) -> Int32
    /// Solves `RX = B` or `RᵀX = B` (when `transposed`) for upper triangular `R` (`?trtrs`).
    static func _trtrs(transposed: Bool, _ n: Int32, _ nrhs: Int32,
                       _ a: UnsafePointer<Self>, _ lda: Int32,
                       _ b: UnsafeMutablePointer<Self>, _ ldb: Int32) -> Int32
    /// Reciprocal 1-norm condition estimate of an upper triangular matrix (`?trcon`);
    /// `work` holds `3n`, `iwork` `n`.
    static func _trcon(_ n: Int32, _ a: UnsafePointer<Self>, _ lda: Int32,
                       _ rcond: UnsafeMutablePointer<Self>, _ work: UnsafeMutablePointer<Self>,
                       _ iwork: UnsafeMutablePointer<Int32>) -> Int32
    /// Minimum-norm least squares by divide-and-conquer SVD (`?gelsd`);
    /// `lwork == -1` is a workspace query that also returns the `iwork` size in `iwork[0]`.
    static func _gelsd(_ m: Int32, _ n: Int32, _ nrhs: Int32,
                       _ a: UnsafeMutablePointer<Self>, _ lda: Int32,
                       _ b: UnsafeMutablePointer<Self>, _ ldb: Int32,
                       _ s: UnsafeMutablePointer<Self>, _ rcond: Self,
                       _ rank: UnsafeMutablePointer<Int32>,
                       _ work: UnsafeMutablePointer<Self>, _ lwork: Int32,
                       _ iwork: UnsafeMutablePointer<Int32>) -> Int32
    /// Eigenvalues and eigenvectors of a symmetric matrix by divide and conquer (`?syevd`, upper
    /// triangle, vectors wanted); `lwork == -1` is a workspace query that also returns the `iwork`
    /// size in `iwork[0]`.
    static func _syevd(_ n: Int32, _ a: UnsafeMutablePointer<Self>, _ lda: Int32, _ w: UnsafeMutablePointer<Self>,
                       _ work: UnsafeMutablePointer<Self>, _ lwork: Int32,
                       _ iwork: UnsafeMutablePointer<Int32>, _ liwork: Int32) -> Int32
}

extension BLASScalar {
    /// Whether the fused SIMD gradient kernel beats the BLAS pair for this type (``_prefersFusedKernels``).
    @inlinable static var prefersFusedKernels: Bool { _prefersFusedKernels }

    /// `values` as `Double`s when this type is `Double` (no copy); `nil` otherwise (``_asDouble(_:)``).
    @inlinable static func doubles(_ values: UnsafePointer<Self>) -> UnsafePointer<Double>? { _asDouble(values) }
}
