extension LeastSquares {
    /// Values of block buffers a pass may hold besides its `d × d` matrices (the largest is
    /// the Gram pass's 819,200 rows' worth of `Double`s): the slack every estimate adds.
    static let blockValues = 1 << 20

    /// Values a Gram pass over `n` rows holds besides its sums (the block slack at least): a
    /// centred block and the parts' scratch of ``GramProduct`` (a `d × d` matrix per part, up to
    /// eight, or as many as 64 MB allow).
    static func gramPassValues(rows n: Int, columns d: Int, targets k: Int) -> Int {
        let rows = gramBlockRows(localRows: n, columns: d, inPlace: false)
        return Swift.max(blockValues, MemoryBudget.total(MemoryBudget.count(rows, d),
                                                         GramProduct.scratchCount(rows: rows, columns: d, k: k)))
    }

    /// The working memory `method` needs beyond the input for `d` columns and `k` targets, in
    /// bytes (`Int.max` when the count overflows): the most `d × d` matrices and workspaces it
    /// holds at once, counted from its code.
    ///
    /// - Normal equations: the Gram pass, its scaled copy and the Cholesky factor (3 `d²`;
    ///   `.automatic` keeps the pass for QR while the factor is made).
    /// - QR: small problems in memory factor a copy (`n·d`). Otherwise the Gram pass, `R₁`, and a
    ///   CholeskyQR2 pass's Gram and product (4 `d²`), plus 4,096 rows of the design; its
    ///   Householder fallback stacks a block of `d` rows under `R` and copies `R` out (3 `d²`,
    ///   and the pass `.automatic` keeps).
    /// - SVD: the streaming QR (3 `d²`), then `R`, its copy for `gelsd` and `gelsd`'s workspace;
    ///   with fewer rows than columns on one part (`parts`), a copy of the design (`n·d`) and
    ///   `gelsd`'s workspace for it (`n²` and `O(n + d)`).
    ///
    /// A Householder QR that falls back to pivoted QR of a copy (`κ > 10⁶`) checks that copy
    /// (`n·d`) when it makes it.
    static func workspace(_ method: Method, rows n: Int, columns d: Int, targets k: Int, inMemory: Bool,
                          parts: Int = 1) -> Int {
        let square = MemoryBudget.count(d, d), wide = MemoryBudget.count(d, k)
        let gram = gramPassValues(rows: n, columns: d, targets: k)
        let values: Int
        switch method {
        case .normalEquations:
            values = MemoryBudget.total(MemoryBudget.count(3, square), MemoryBudget.count(6, wide), gram)
        case .qr:
            if inMemory && MemoryBudget.count(n, d) <= smallProblem {
                values = MemoryBudget.total(MemoryBudget.count(n, d), MemoryBudget.count(4, n), blockValues)
            } else {
                values = MemoryBudget.total(MemoryBudget.count(4, square), MemoryBudget.count(4096, d),
                                            MemoryBudget.count(4, wide), gram)
            }
        case .svd where parts == 1 && n <= d:
            values = MemoryBudget.total(MemoryBudget.count(n, d), MemoryBudget.count(d, k), MemoryBudget.count(n, n),
                                        gelsdValues(n, targets: k), MemoryBudget.count(64, d), blockValues)
        case .svd:
            values = MemoryBudget.total(MemoryBudget.count(3, square), MemoryBudget.count(4, wide),
                                        gelsdValues(d, targets: k), gram)
        case .automatic:
            return [Method.normalEquations, .qr, .svd].map {
                workspace($0, rows: n, columns: d, targets: k, inMemory: inMemory, parts: parts)
            }.min()!
        }
        return MemoryBudget.bytes(values)
    }

    /// `gelsd`'s workspace for a `d × d` triangle and `k` right-hand sides (LAPACK's formula,
    /// with `smlsiz = 25`): `Double`s and `Int32`s, counted in `Double`s.
    static func gelsdValues(_ d: Int, targets k: Int) -> Int {
        var levels = 1
        var size = d / 26
        while size > 1 { size /= 2; levels += 1 }
        let work = MemoryBudget.total(MemoryBudget.count(12 + 50 + 8 * levels, d), MemoryBudget.count(d, k), 26 * 26)
        let integers = MemoryBudget.count(3 * levels + 11, d)
        return MemoryBudget.total(work, integers / 2 + 1)
    }

    /// Checks that `method`'s working memory (``workspace(_:rows:columns:targets:inMemory:)``)
    /// can be allocated, on every part of `collective` (each checks its own process), before
    /// the method's first pass.
    ///
    /// - Throws: ``DescentError/insufficientMemory(needed:available:what:remedies:)`` naming the
    ///   methods that fit, how many columns would, and gradient descent.
    static func reserveWorkspace(_ method: Method, rows n: Int, columns d: Int, targets k: Int, inMemory: Bool,
                                 collective: some Collective) throws(DescentError) {
        var localError: DescentError? = nil
        do throws(DescentError) {
            let parts = collective.size
            let bytes = workspace(method, rows: n, columns: d, targets: k, inMemory: inMemory, parts: parts)
            try MemoryBudget.reserve(bytes, for: "the \(method) method's working memory (\(describe(method, rows: n, columns: d, parts: parts)))",
                                     remedies: remedies(instead: method, rows: n, columns: d, targets: k,
                                                        inMemory: inMemory, parts: parts))
        } catch {
            localError = error
        }
        try collective.agree(localError)
    }

    /// What `method` holds, in words, for an error message.
    static func describe(_ method: Method, rows n: Int, columns d: Int, parts: Int) -> String {
        switch method {
        case .svd where parts == 1 && n <= d: "a copy of the \(n) × \(d) centred features and the SVD's workspace"
        case .normalEquations: "3 matrices of \(d) × \(d) Double values: the Gram matrix, its scaled copy and its Cholesky factor"
        case .qr: "up to 4 matrices of \(d) × \(d) Double values: the Gram matrix, the triangular factors and a Cholesky-QR pass"
        case .svd: "3 matrices of \(d) × \(d) Double values: the streaming QR's triangle and block, and the SVD's copy"
        case .automatic: "\(d) × \(d) Double values"
        }
    }

    /// The remedies for a `method` that does not fit: the other methods that do, fewer columns,
    /// gradient descent.
    /// Methods are named only when they fit and the shape lets them solve (normal equations and
    /// QR need more rows than columns).
    static func remedies(instead method: Method, rows n: Int, columns d: Int, targets k: Int,
                         inMemory: Bool, parts: Int = 1) -> [MemoryRemedy] {
        var remedies = [MemoryRemedy]()
        let applicable: [Method] = [.normalEquations, .qr, .svd].filter { other in
            switch other {
            case .normalEquations: hasRowsForNormalEquations(rows: n, columns: d, intercept: true)
            case .qr: hasRowsForQR(rows: n, columns: d, intercept: true)
            default: true
            }
        }
        for other in applicable where other != method {
            let bytes = workspace(other, rows: n, columns: d, targets: k, inMemory: inMemory, parts: parts)
            if MemoryBudget.fits(bytes) { remedies.append(.method(other.description, bytes: bytes)) }
        }
        let available = MemoryBudget.available() - MemoryBudget.bytes(blockValues)
        let perSquare = MemoryBudget.bytes(method == .qr ? 4 : 3)
        remedies.append(.fewerColumns(atMost: Swift.max(0, Swift.min(d - 1, MemoryBudget.columns(fitting: available,
                                                                                                  perSquare: perSquare)))))
        remedies.append(.gradientDescent)
        return remedies
    }
}
