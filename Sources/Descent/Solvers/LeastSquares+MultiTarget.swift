extension LeastSquares {
    /// Solves the least-squares problems of several targets that share their features, with one
    /// factorisation of the features for all of them.
    ///
    /// Column `t` of the result solves `min Σᵢ(xᵢᵀwₜ + bₜ − Yᵢₜ)²`, the problem
    /// ``solve(_:_:intercept:method:ridge:)->LeastSquaresSolution<Scalar>`` solves for the single
    /// target `Y.column(t)`, and agrees with it to rounding: the features are centred, scaled and
    /// factored once (one Gram matrix and Cholesky factor, one QR, one SVD), every target is
    /// solved with that factorisation, and each target is refined as the single-target method
    /// refines it. `.automatic` chooses as it does for one target (its choice depends on the
    /// features alone).
    ///
    /// ```swift
    /// let multi = try LeastSquares.solve(X, Y)     // Y: n × k
    /// multi.model.weights                          // d × k
    /// multi.model.biases                           // k
    /// ```
    ///
    /// - Parameters:
    ///   - features: `n × d` features, row-major.
    ///   - targets: `n × k` targets, one column per target, `k ≥ 1`.
    ///   - intercept: Fit a bias per target (default). Without it every target's model passes
    ///     through the origin.
    ///   - method: See ``Method``. `.automatic` by default.
    ///   - ridge: `λ ≥ 0`: each target minimises `MSE + λ‖wₜ‖²` (biases not penalised), solved by
    ///     one Cholesky factor with refinement (the solution reports `.normalEquations`).
    /// - Returns: The model (`d × k` weights, `k` biases), the method that ran, the rank and a
    ///   condition estimate of the features.
    /// - Throws: ``DescentError`` for inconsistent shapes (rows of targets and features differ, no
    ///   target column), empty data, NaN or ±∞, or a system the chosen method cannot solve
    ///   (``DescentError/unsolvable(method:reason:conditionEstimate:)``): as for one target,
    ///   rank-deficient features make `.qr` and `.normalEquations` throw, while `.svd` returns each
    ///   target's minimum-norm solution; and working memory that does not fit
    ///   (``DescentError/insufficientMemory(needed:available:what:remedies:)``), as for one target.
    /// - Complexity: O(n·d² + n·d·k) time for the factorisation, plus O(n·d) per refinement step
    ///   and target. Memory: O(d² + block·(d + k)) and a copy of the targets by column, except
    ///   that `.qr` factors one `Double` copy of the features for small or ill-conditioned problems.
    @specialized(where Scalar == Float)
    @specialized(where Scalar == Double)
    public static func solve<Scalar: BLASScalar>(_ features: Matrix<Scalar>, _ targets: Matrix<Scalar>,
                                                 intercept: Bool = true, method: Method = .automatic,
                                                 ridge: Double = 0) throws(DescentError)
        -> MultiLeastSquaresSolution<Scalar> {
        try Validation.checkShape(features, targets: targets)
        guard ridge.isFinite, ridge >= 0 else {
            throw .invalidOption(name: "ridge", value: "\(ridge)", expected: "a finite λ ≥ 0")
        }
        try Validation.checkFinite(targets: targets)
        let foldsCheck = intercept && (method == .normalEquations || ridge > 0
            || (method == .automatic && prefersNormalEquations(rows: features.rows, columns: features.columns)))
        if !foldsCheck { try Validation.checkFinite(features) }
        guard features.rows < Int(Int32.max), features.columns < Int(Int32.max) / 2, targets.columns < Int(Int32.max) / 2 else {
            throw .invalidOption(name: "features", value: "\(features.rows) × \(features.columns) with \(targets.columns) targets",
                                 expected: "at most 2³¹ − 1 rows and 2³⁰ columns (LAPACK's 32-bit indices)")
        }
        let n = features.rows, d = features.columns, k = targets.columns
        // Each method's working memory is checked before its first pass, unless its shape check
        // will refuse the problem without allocating anything.
        func reserve(_ method: Method) throws(DescentError) {
            try reserveWorkspace(method, rows: n, columns: d, targets: k, inMemory: true, collective: LocalCollective())
        }
        let outcome = try features.withUnsafeBufferPointer { (x) throws(DescentError) in
            try targets.withUnsafeBufferPointer { (values) throws(DescentError) in
                let y = TargetColumns(values, count: k)
                if ridge > 0 {
                    try reserve(.normalEquations)
                    return normalEquations(x, targets: y, columns: d, intercept: intercept, ridge: ridge)
                }
                switch method {
                case .normalEquations:
                    guard hasRowsForNormalEquations(rows: n, columns: d, intercept: intercept) else {
                        return .failed(reason: "there are \(n) rows, too few for \(d + (intercept ? 1 : 0)) unknowns",
                                       condition: .infinity)
                    }
                    try reserve(.normalEquations)
                    return normalEquations(x, targets: y, columns: d, intercept: intercept)
                case .qr:
                    if hasRowsForQR(rows: n, columns: d, intercept: intercept) { try reserve(.qr) }
                    return try qr(problem(x, y, columns: d, intercept: intercept), x, targets: y)
                case .svd:
                    try reserve(.svd)
                    return try svd(problem(x, y, columns: d, intercept: intercept), x, targets: y)
                case .automatic: return try automatic(x, targets: y, columns: d, intercept: intercept)
                }
            }
        }
        switch outcome {
        case let .solved(solutions):
            return MultiLeastSquaresSolution(solutions, columns: d, intercept: intercept)
        case let .failed(reason, condition):
            throw .unsolvable(method: method.description, reason: reason, conditionEstimate: condition)
        case .nonFiniteFeatures:
            try Validation.checkFinite(features)
            throw .unsolvable(method: method.description, reason: "sums of the features overflow",
                              conditionEstimate: nil)
        }
    }

    /// The centring and scaling of the features (each target then brings its own mean).
    static func problem<S: BLASScalar>(_ x: UnsafeBufferPointer<S>, _ y: TargetColumns<S>, columns d: Int,
                                       intercept: Bool) -> CenteredProblem {
        CenteredProblem(features: x, rows: y.rows, columns: d, intercept: intercept, targetMean: 0)
    }

    /// `.automatic` for several targets, by the single-target rules.
    /// Methods whose working memory does not fit are not tried; the SVD, the last resort, is
    /// checked before it runs.
    static func automatic<S: BLASScalar>(_ x: UnsafeBufferPointer<S>, targets y: TargetColumns<S>, columns d: Int,
                                         intercept: Bool) throws(DescentError) -> MultiSolverOutcome {
        let n = y.rows, k = y.count
        let fits = { (method: Method) in
            MemoryBudget.fits(workspace(method, rows: n, columns: d, targets: k, inMemory: true))
        }
        if prefersNormalEquations(rows: y.rows, columns: d) && fits(.normalEquations) {
            let outcome = normalEquations(x, targets: y, columns: d, intercept: intercept)
            switch outcome {
            case .nonFiniteFeatures:
                // Either NaN or ±∞ in X (the caller reports where), or finite values whose sums
                // overflow, which QR's scaled columns can still handle.
                if Validation.firstNonFinite(x) != nil { return outcome }
            case let .solved(solutions) where solutions[0].condition * solutions[0].condition <= normalEquationsLimit:
                return outcome
            default: break
            }
        }
        let p = problem(x, y, columns: d, intercept: intercept)
        if fits(.qr) || !hasRowsForQR(rows: n, columns: d, intercept: intercept) {
            let viaQR = try qr(p, x, targets: y)
            if case .solved = viaQR { return viaQR }
        }
        try reserveWorkspace(.svd, rows: n, columns: d, targets: k, inMemory: true, collective: LocalCollective())
        return try svd(p, x, targets: y)
    }
}
