/// Typed LAPACK over column-major buffers, generic over ``BLASScalar``.
///
/// Workspace queries (`lwork = -1`) and `info` codes are handled here, once: `info < 0` is a bug
/// in Descent's call and traps; `info > 0` is a property of the data and is returned to the
/// caller, which turns it into a ``DescentError``. A workspace that grows with the problem
/// (`gelsd`'s) is checked against ``MemoryBudget`` before it is allocated.
enum LAPACK {
    @usableFromInline
    static func check(_ info: Int32, _ routine: StaticString) {
        precondition(info >= 0, "LAPACK \(routine): argument \(-info) was invalid (a bug in Descent)")
    }

    /// `A = UᵀU` in place (upper triangle of column-major `n × n`). Returns `nil`, or, when `A` is
    /// not positive definite (`info > 0`), the zero-based column whose leading minor failed: the
    /// first column that is (numerically) a combination of the columns before it.
    static func choleskyFactor<S: BLASScalar>(_ a: UnsafeMutableBufferPointer<S>, n: Int) -> Int? {
        let info = S._potrf(BLAS.int(n), a.baseAddress!, BLAS.int(n))
        check(info, "potrf")
        return info == 0 ? nil : Int(info) - 1
    }

    /// Solves `AX = B` in place with the factor from ``choleskyFactor(_:n:)``; `b` is `n × nrhs`.
    static func choleskySolve<S: BLASScalar>(_ factor: UnsafeBufferPointer<S>, n: Int,
                                             _ b: UnsafeMutableBufferPointer<S>, nrhs: Int = 1) {
        check(S._potrs(BLAS.int(n), BLAS.int(nrhs), factor.baseAddress!, BLAS.int(n), b.baseAddress!, BLAS.int(n)), "potrs")
    }

    /// Reciprocal 1-norm condition estimate of `A` from its Cholesky factor and `‖A‖₁`.
    static func choleskyReciprocalCondition<S: BLASScalar>(_ factor: UnsafeBufferPointer<S>, n: Int,
                                                           oneNorm: S) -> S {
        var rcond = S.zero
        let work = UnsafeMutablePointer<S>.allocate(capacity: 3 * n)
        let iwork = UnsafeMutablePointer<Int32>.allocate(capacity: n)
        defer { work.deallocate(); iwork.deallocate() }
        check(S._pocon(BLAS.int(n), factor.baseAddress!, BLAS.int(n), oneNorm, &rcond, work, iwork), "pocon")
        return rcond
    }

    /// Reciprocal 1-norm condition estimate of the leading `n × n` upper triangle of a
    /// column-major matrix with leading dimension `lda`.
    static func triangularReciprocalCondition<S: BLASScalar>(_ r: UnsafePointer<S>, n: Int, lda: Int) -> S {
        var rcond = S.zero
        let work = UnsafeMutablePointer<S>.allocate(capacity: 3 * n)
        let iwork = UnsafeMutablePointer<Int32>.allocate(capacity: n)
        defer { work.deallocate(); iwork.deallocate() }
        check(S._trcon(BLAS.int(n), r, BLAS.int(lda), &rcond, work, iwork), "trcon")
        return rcond
    }

    /// Solves `RX = B` (or `RᵀX = B`) in place for the leading `n × n` upper triangle of a
    /// column-major matrix with leading dimension `lda`; `b` is column-major `n × nrhs` (one
    /// right-hand side by default). Returns `false` if `R` is exactly singular.
    static func triangularSolve<S: BLASScalar>(_ r: UnsafePointer<S>, n: Int, lda: Int,
                                               _ b: UnsafeMutablePointer<S>, transposed: Bool = false,
                                               nrhs: Int = 1) -> Bool {
        let info = S._trtrs(transposed: transposed, BLAS.int(n), BLAS.int(nrhs), r, BLAS.int(lda), b, BLAS.int(n))
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
        check(S._geqp3(BLAS.int(m), BLAS.int(n), a.baseAddress!, BLAS.int(m), &jpvt, &tau, &query, -1), "geqp3")
        var work = [S](repeating: 0, count: Swift.max(1, Int(query)))
        check(S._geqp3(BLAS.int(m), BLAS.int(n), a.baseAddress!, BLAS.int(m), &jpvt, &tau, &work, BLAS.int(work.count)),
              "geqp3")
        return (jpvt.map { Int($0) - 1 }, tau)
    }

    /// Householder QR, `A = QR`, of a column-major `m × n` matrix with leading dimension `lda`,
    /// in place; returns `τ`. `work` is reused between calls and grown when needed.
    static func householderQR<S: BLASScalar>(_ a: UnsafeMutablePointer<S>, m: Int, n: Int, lda: Int,
                                             tau: UnsafeMutablePointer<S>, work: inout [S]) {
        if work.isEmpty {
            var query = S.zero
            check(S._geqrf(BLAS.int(m), BLAS.int(n), a, BLAS.int(lda), tau, &query, -1), "geqrf")
            work = [S](repeating: 0, count: Swift.max(1, Int(query)))
        }
        check(S._geqrf(BLAS.int(m), BLAS.int(n), a, BLAS.int(lda), tau, &work, BLAS.int(work.count)), "geqrf")
    }

    /// `C ← QᵀC` (or `QC`) for the `Q` of ``pivotedQR(_:m:n:)`` or ``householderQR(_:m:n:lda:tau:work:)``:
    /// `c` is one column of length `m`, or column-major `m × columns` with leading dimension `ldc`
    /// (default `m`). `work` is reused between calls (of the same `columns`) and grown when needed.
    static func applyQ<S: BLASScalar>(_ factors: UnsafeBufferPointer<S>, m: Int, k: Int, lda: Int? = nil,
                                      tau: UnsafePointer<S>, _ c: UnsafeMutablePointer<S>, transposed: Bool,
                                      columns: Int = 1, ldc: Int? = nil, work: inout [S]) {
        let lda = BLAS.int(lda ?? m), ldc = BLAS.int(ldc ?? m), columns = BLAS.int(columns)
        if work.isEmpty {
            var query = S.zero
            check(S._ormqr(transposed: transposed, BLAS.int(m), columns, BLAS.int(k), factors.baseAddress!, lda,
                           tau, c, ldc, &query, -1), "ormqr")
            work = [S](repeating: 0, count: Swift.max(1, Int(query)))
        }
        check(S._ormqr(transposed: transposed, BLAS.int(m), columns, BLAS.int(k), factors.baseAddress!, lda,
                       tau, c, ldc, &work, BLAS.int(work.count)), "ormqr")
    }

    /// Minimum-norm least squares by SVD (`gelsd`) of a column-major `m × n` `a`, destroyed;
    /// `b` is column-major `max(m, n) × nrhs` (one right-hand side by default) and returns the
    /// solutions in the first `n` entries of each column: one factorisation for every column.
    /// Returns `nil` if the SVD failed to converge (`info > 0`).
    ///
    /// - Throws: ``DescentError/insufficientMemory(needed:available:what:remedies:)`` when the
    ///   workspace `gelsd` asks for cannot be allocated (checked before it is).
    static func minimumNormSolve<S: BLASScalar>(_ a: UnsafeMutableBufferPointer<S>, m: Int, n: Int,
                                                _ b: UnsafeMutableBufferPointer<S>, rcond: S, nrhs: Int = 1)
        throws(DescentError) -> (rank: Int, singularValues: [S])? {
        var s = [S](repeating: 0, count: Swift.min(m, n))
        var rank: Int32 = 0
        var query = S.zero
        var iquery: Int32 = 0
        let ldb = BLAS.int(Swift.max(m, n))
        check(S._gelsd(BLAS.int(m), BLAS.int(n), BLAS.int(nrhs), a.baseAddress!, BLAS.int(m), b.baseAddress!, ldb, &s, rcond,
                       &rank, &query, -1, &iquery), "gelsd")
        let workCount = Swift.max(1, Int(query)), integerCount = Swift.max(1, Int(iquery))
        try MemoryBudget.reserve(MemoryBudget.total(MemoryBudget.bytes(workCount, of: S.self),
                                                    MemoryBudget.bytes(integerCount, of: Int32.self)),
                                 for: "the SVD's workspace (gelsd, \(m) × \(n))", remedies: [.fewerColumns(atMost: n - 1)])
        var work = [S](repeating: 0, count: workCount)
        var iwork = [Int32](repeating: 0, count: integerCount)
        let info = S._gelsd(BLAS.int(m), BLAS.int(n), BLAS.int(nrhs), a.baseAddress!, BLAS.int(m), b.baseAddress!, ldb, &s, rcond,
                            &rank, &work, BLAS.int(work.count), &iwork)
        check(info, "gelsd")
        return info == 0 ? (Int(rank), s) : nil
    }

    /// The eigendecomposition `A = VΛVᵀ` of a symmetric `n × n` matrix (`syevd`): `a` (column-major,
    /// upper triangle read) is overwritten by the eigenvectors, one per column, and the eigenvalues
    /// are returned in ascending order. Returns `nil` if the algorithm failed to converge (`info > 0`).
    static func symmetricEigen<S: BLASScalar>(_ a: UnsafeMutableBufferPointer<S>, n: Int) -> [S]? {
        var values = [S](repeating: 0, count: n)
        var query = S.zero
        var iquery: Int32 = 0
        check(S._syevd(BLAS.int(n), a.baseAddress!, BLAS.int(n), &values, &query, -1, &iquery, -1), "syevd")
        var work = [S](repeating: 0, count: Swift.max(1, Int(query)))
        var iwork = [Int32](repeating: 0, count: Swift.max(1, Int(iquery)))
        let info = S._syevd(BLAS.int(n), a.baseAddress!, BLAS.int(n), &values, &work, BLAS.int(work.count), &iwork,
                            BLAS.int(iwork.count))
        check(info, "syevd")
        return info == 0 ? values : nil
    }
}
