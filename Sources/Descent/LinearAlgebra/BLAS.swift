/// Typed BLAS over row-major buffers, generic over ``BLASScalar``: the only way code above this
/// layer reaches a BLAS routine.
///
/// Counts and leading dimensions are Swift `Int`s, converted to BLAS's 32-bit integers here, once,
/// with a check (a dimension beyond `Int32.max` is a bug in the caller, which must split the work;
/// the public entry points do). Each routine's doc gives its math; the contract is the reference
/// BLAS one.
@usableFromInline
enum BLAS {
    /// `value` as a BLAS integer. Traps if it does not fit: callers split larger work into chunks.
    @inlinable @inline(__always)
    static func int(_ value: Int) -> Int32 {
        precondition(value >= 0 && value <= Int(Int32.max), "BLAS dimension \(value) outside 0…\(Int32.max)")
        return Int32(truncatingIfNeeded: value)
    }

    /// `xᵀy` over `count` elements (`?dot`).
    @inlinable
    static func dot<S: BLASScalar>(_ count: Int, _ x: UnsafePointer<S>, _ y: UnsafePointer<S>) -> S {
        S._dot(int(count), x, 1, y, 1)
    }

    /// `y ← αx + y` over `count` elements (`?axpy`).
    @inlinable
    static func axpy<S: BLASScalar>(_ count: Int, _ alpha: S, _ x: UnsafePointer<S>, _ y: UnsafeMutablePointer<S>) {
        S._axpy(int(count), alpha, x, 1, y, 1)
    }

    /// `y ← α·A·x + β·y` for a row-major `A` of `rows × columns` with leading dimension `columns`
    /// (`?gemv`); `y` has `rows` entries, `x` has `columns`.
    @inlinable
    static func gemv<S: BLASScalar>(_ a: UnsafePointer<S>, rows: Int, columns: Int, alpha: S = 1,
                                    _ x: UnsafePointer<S>, beta: S, _ y: UnsafeMutablePointer<S>) {
        S._gemv(transposed: false, int(rows), int(columns), alpha, a, int(columns), x, 1, beta, y, 1)
    }

    /// `y ← α·Aᵀ·x + β·y` for a row-major `A` of `rows × columns` with leading dimension `columns`
    /// (`?gemv`, transposed); `y` has `columns` entries, `x` has `rows`.
    @inlinable
    static func gemvTransposed<S: BLASScalar>(_ a: UnsafePointer<S>, rows: Int, columns: Int, alpha: S = 1,
                                              _ x: UnsafePointer<S>, beta: S, _ y: UnsafeMutablePointer<S>) {
        S._gemv(transposed: true, int(rows), int(columns), alpha, a, int(columns), x, 1, beta, y, 1)
    }

    /// `C ← α·op(A)·op(B) + β·C`, all row-major and contiguous (leading dimension = columns as
    /// stored): `op(A)` is `m × k`, `op(B)` is `k × n`, `C` is `m × n` (`?gemm`).
    @inlinable
    static func gemm<S: BLASScalar>(_ a: UnsafePointer<S>, transposeA: Bool = false, _ b: UnsafePointer<S>,
                                    transposeB: Bool = false, m: Int, n: Int, k: Int, alpha: S = 1, beta: S,
                                    _ c: UnsafeMutablePointer<S>) {
        S._gemm(transposeA: transposeA, transposeB: transposeB, int(m), int(n), int(k), alpha,
                a, int(transposeA ? m : k), b, int(transposeB ? k : n), beta, c, int(n))
    }

    /// `C ← α·AᵀA + β·C` on the upper triangle of the `columns × columns` row-major `C`, for a
    /// row-major `A` of `rows × columns` (`?syrk`). `Double` blocks with `α = 1` and `β` of 0 or
    /// 1 take ``GramProduct`` where the AVX-512 kernels run.
    @inlinable
    static func syrk<S: BLASScalar>(_ a: UnsafePointer<S>, rows: Int, columns: Int, alpha: S = 1, beta: S,
                                    _ c: UnsafeMutablePointer<S>) {
        if S.self == Double.self, alpha == 1,
           GramProduct.product(UnsafeRawPointer(a).assumingMemoryBound(to: Double.self), rows: rows, columns: columns,
                               beta: beta == 0 ? 0 : (beta == 1 ? 1 : -1),
                               UnsafeMutableRawPointer(c).assumingMemoryBound(to: Double.self)) {
            return
        }
        S._syrk(int(columns), int(rows), alpha, a, int(columns), beta, c, int(columns))
    }

    /// `B ← B·U⁻¹` for a row-major `B` of `rows × columns` and the upper triangle `U` of a
    /// column-major `columns × columns` matrix (`?trsm`).
    @inlinable
    static func trsmRight<S: BLASScalar>(_ b: UnsafeMutablePointer<S>, rows: Int, columns: Int, _ u: UnsafePointer<S>) {
        S._trsmRight(int(rows), int(columns), 1, u, int(columns), b, int(columns))
    }
}
