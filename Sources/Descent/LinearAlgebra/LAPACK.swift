/// Typed LAPACK over column-major buffers, generic over ``BLASScalar``.
///
/// Workspace queries (`lwork = -1`) and `info` codes are handled here, once: `info < 0` is a bug
/// in Descent's call and traps; `info > 0` is a property of the data and is returned to the
/// caller, which turns it into a ``DescentError``.
enum LAPACK {
    /// Converts a dimension to LAPACK's 32-bit integer; dimensions beyond it are a caller bug
    /// (the solvers reject such problems before they get here).
    @inlinable
    static func int32(_ value: Int) -> Int32 {
        precondition(value <= Int(Int32.max), "dimension \(value) exceeds LAPACK's 32-bit index range")
        return Int32(value)
    }

    @usableFromInline
    static func check(_ info: Int32, _ routine: StaticString) {
        precondition(info >= 0, "LAPACK \(routine): argument \(-info) was invalid (a bug in Descent)")
    }

    /// `A = UᵀU` in place (upper triangle of column-major `n × n`); returns `false` when `A` is not
    /// positive definite (`info > 0`).
    static func choleskyFactor<S: BLASScalar>(_ a: UnsafeMutableBufferPointer<S>, n: Int) -> Bool {
        let info = S._potrf(int32(n), a.baseAddress!, int32(n))
        check(info, "potrf")
        return info == 0
    }

    /// Solves `AX = B` in place with the factor from ``choleskyFactor(_:n:)``; `b` is `n × nrhs`.
    static func choleskySolve<S: BLASScalar>(_ factor: UnsafeBufferPointer<S>, n: Int,
                                             _ b: UnsafeMutableBufferPointer<S>, nrhs: Int = 1) {
        check(S._potrs(int32(n), int32(nrhs), factor.baseAddress!, int32(n), b.baseAddress!, int32(n)), "potrs")
    }

    /// Reciprocal 1-norm condition estimate of `A` from its Cholesky factor and `‖A‖₁`.
    static func choleskyReciprocalCondition<S: BLASScalar>(_ factor: UnsafeBufferPointer<S>, n: Int,
                                                           oneNorm: S) -> S {
        var rcond = S.zero
        let work = UnsafeMutablePointer<S>.allocate(capacity: 3 * n)
        let iwork = UnsafeMutablePointer<Int32>.allocate(capacity: n)
        defer { work.deallocate(); iwork.deallocate() }
        check(S._pocon(int32(n), factor.baseAddress!, int32(n), oneNorm, &rcond, work, iwork), "pocon")
        return rcond
    }

    /// Reciprocal 1-norm condition estimate of the leading `n × n` upper triangle of a
    /// column-major matrix with leading dimension `lda`.
    static func triangularReciprocalCondition<S: BLASScalar>(_ r: UnsafePointer<S>, n: Int, lda: Int) -> S {
        var rcond = S.zero
        let work = UnsafeMutablePointer<S>.allocate(capacity: 3 * n)
        let iwork = UnsafeMutablePointer<Int32>.allocate(capacity: n)
        defer { work.deallocate(); iwork.deallocate() }
        check(S._trcon(int32(n), r, int32(lda), &rcond, work, iwork), "trcon")
        return rcond
    }

    /// Solves `Rx = b` (or `Rᵀx = b`) in place for the leading `n × n` upper triangle of a
    /// column-major matrix with leading dimension `lda`. Returns `false` if `R` is exactly singular.
    static func triangularSolve<S: BLASScalar>(_ r: UnsafePointer<S>, n: Int, lda: Int,
                                               _ b: UnsafeMutablePointer<S>, transposed: Bool = false) -> Bool {
        let info = S._trtrs(transposed: transposed, int32(n), 1, r, int32(lda), b, int32(n))
        check(info, "trtrs")
        return info == 0
    }

    /// Pivoted Householder QR, `AP = QR`, of a column-major `m × n` matrix, in place.
    /// Returns the pivot (zero-based original column for each position) and `τ`.
    static func pivotedQR<S: BLASScalar>(_ a: UnsafeMutableBufferPointer<S>, m: Int, n: Int)
        -> (pivot: [Int], tau: [S]) {
        var jpvt = [Int32](repeating: 0, count: n)
        var tau = [S](repeating: 0, count: Swift.min(m, n))
        var query = S.zero
        check(S._geqp3(int32(m), int32(n), a.baseAddress!, int32(m), &jpvt, &tau, &query, -1), "geqp3")
        var work = [S](repeating: 0, count: Swift.max(1, Int(query)))
        check(S._geqp3(int32(m), int32(n), a.baseAddress!, int32(m), &jpvt, &tau, &work, int32(work.count)),
              "geqp3")
        return (jpvt.map { Int($0) - 1 }, tau)
    }

    /// Householder QR, `A = QR`, of a column-major `m × n` matrix with leading dimension `lda`,
    /// in place; returns `τ`. `work` is reused between calls and grown when needed.
    static func householderQR<S: BLASScalar>(_ a: UnsafeMutablePointer<S>, m: Int, n: Int, lda: Int,
                                             tau: UnsafeMutablePointer<S>, work: inout [S]) {
        if work.isEmpty {
            var query = S.zero
            check(S._geqrf(int32(m), int32(n), a, int32(lda), tau, &query, -1), "geqrf")
            work = [S](repeating: 0, count: Swift.max(1, Int(query)))
        }
        check(S._geqrf(int32(m), int32(n), a, int32(lda), tau, &work, int32(work.count)), "geqrf")
    }

    /// `c ← Qᵀc` (or `Qc`) for the `Q` of ``pivotedQR(_:m:n:)``, `c` of length `m`;
    /// `work` is reused between calls and grown when needed.
    static func applyQ<S: BLASScalar>(_ factors: UnsafeBufferPointer<S>, m: Int, k: Int, lda: Int? = nil,
                                      tau: UnsafePointer<S>, _ c: UnsafeMutablePointer<S>, transposed: Bool,
                                      work: inout [S]) {
        let lda = int32(lda ?? m)
        if work.isEmpty {
            var query = S.zero
            check(S._ormqr(transposed: transposed, int32(m), 1, int32(k), factors.baseAddress!, lda,
                           tau, c, int32(m), &query, -1), "ormqr")
            work = [S](repeating: 0, count: Swift.max(1, Int(query)))
        }
        check(S._ormqr(transposed: transposed, int32(m), 1, int32(k), factors.baseAddress!, lda,
                       tau, c, int32(m), &work, int32(work.count)), "ormqr")
    }

    /// Minimum-norm least squares by SVD (`gelsd`) of a column-major `m × n` `a`, destroyed;
    /// `b` has `max(m, n)` entries and returns the solution in its first `n`.
    /// Returns `nil` if the SVD failed to converge (`info > 0`).
    static func minimumNormSolve<S: BLASScalar>(_ a: UnsafeMutableBufferPointer<S>, m: Int, n: Int,
                                                _ b: UnsafeMutableBufferPointer<S>, rcond: S)
        -> (rank: Int, singularValues: [S])? {
        var s = [S](repeating: 0, count: Swift.min(m, n))
        var rank: Int32 = 0
        var query = S.zero
        var iquery: Int32 = 0
        let ldb = int32(Swift.max(m, n))
        check(S._gelsd(int32(m), int32(n), 1, a.baseAddress!, int32(m), b.baseAddress!, ldb, &s, rcond,
                       &rank, &query, -1, &iquery), "gelsd")
        var work = [S](repeating: 0, count: Swift.max(1, Int(query)))
        var iwork = [Int32](repeating: 0, count: Swift.max(1, Int(iquery)))
        let info = S._gelsd(int32(m), int32(n), 1, a.baseAddress!, int32(m), b.baseAddress!, ldb, &s, rcond,
                            &rank, &work, int32(work.count), &iwork)
        check(info, "gelsd")
        return info == 0 ? (Int(rank), s) : nil
    }
}
