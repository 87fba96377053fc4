/// Exact linear least squares: the `w`, `b` that minimise `Σ(xᵢᵀw + b − yᵢ)²`.
///
/// This is the oracle every gradient-descent result is checked against. All methods compute in
/// `Double` whatever the input precision (so `Float` data gets a `Double`-quality answer), after
/// centring the columns (the intercept is then the mean, not a column of ones) and scaling them
/// to unit norm (so badly scaled features do not ruin the conditioning).
///
/// ```swift
/// let exact = try LeastSquares.solve(X, y)                  // intercept: true, method: .automatic
/// exact.model.weights; exact.model.bias; exact.rank; exact.conditionEstimate
/// ```
public enum LeastSquares {
    /// How to solve.
    ///
    /// Every method reads the rows in passes of blocks (a ``Matrix`` in memory, or any
    /// ``RowSource``), and the first pass of every method checks the data (NaN, ±∞) and takes the
    /// column sums. Pass counts below include it.
    public enum Method: Sendable, Hashable, CustomStringConvertible {
        /// Normal equations `XᵀX w = Xᵀy` by Cholesky (LAPACK `potrf`/`potrs`, as `posv`), the Gram
        /// matrix built with `syrk` one block of centred rows at a time. Fastest; loses accuracy as
        /// the square of the condition number, and throws when the Gram matrix is singular or nearly so.
        ///
        /// Passes: 2 (column sums; Gram matrix), a third when the centring after the product would
        /// lose digits, and up to 2 refinement passes when the condition or the intercept's
        /// cancellation would cost more than three digits.
        case normalEquations
        /// QR-grade accuracy, fast when it can be certified. Small problems in memory (≤ 2²⁰
        /// elements) factor a copy with column pivoting (LAPACK `geqp3`) and refine the solution and
        /// residual together in extended precision (Björck's augmented system).
        ///
        /// Larger ones take the fast path: Cholesky QR of the centred, scaled design over row
        /// blocks, `Q` never stored (a CholeskyQR2 pass — `trsm`, `syrk`, `gemv` per 4,096-row
        /// block — when `κ₁(R₁) > 3·10⁶`; shifted CholeskyQR3 when the first Cholesky fails), then
        /// corrected semi-normal refinement with that `R` and `Double` residuals. The answer is
        /// certified when `κ₁(R) ≤ 10⁸` (`trcon`) and the refinement either converges (last
        /// correction below `Double`'s resolution) or stalls at a backward-stable answer
        /// (`‖Aᵀr‖ ≤ 10·d·ε·‖A‖(‖A‖‖v‖ + ‖r‖)`, what Householder QR guarantees); otherwise
        /// extended-precision (`Float80`) refinement must converge. Failing that, the streaming
        /// Householder QR (`geqrf` on blocks folded into `R`, combined across parts as TSQR)
        /// decides: it names the dependent columns of rank-deficient features and throws; beyond
        /// `κ = 10⁶` rows in memory are factored by pivoted QR of a copy, a source's are refined
        /// from its `R`.
        ///
        /// Passes on the fast path: 2 (column sums; Gram matrix) + 1 CholeskyQR2 pass if needed
        /// (2 when shifted) + refinement passes (typically 1–3). The Householder fallback adds 4
        /// (means, scales, the QR) + up to 10.
        case qr
        /// Singular value decomposition (LAPACK `gelsd`) of the `R` of a streaming QR (no copy of
        /// `X`): the minimum-norm solution, the numerical rank and the singular values; full-rank,
        /// well-conditioned solutions are refined like QR's. Never throws for rank deficiency.
        /// Large full-rank problems that `.qr`'s fast path certifies take its answer and the SVD of
        /// its `d × d` triangle instead (when that triangle's singular values are accurate to
        /// 10⁻⁸): the same solution as `.qr`, at about `.qr`'s cost.
        ///
        /// Passes: 5 (column sums; mean correction; column scales in two; the QR) + up to 10
        /// extended-precision refinement passes (κ ≤ 10⁶, full rank).
        case svd
        /// Fast when it can be and accurate when it must be: small problems take the QR path;
        /// large ones take the normal equations when their condition estimate is at most 10⁸
        /// (`pocon`), QR otherwise (reusing the normal equations' Gram pass); rank deficiency
        /// falls back to the SVD.
        case automatic

        /// The method's name, e.g. `normal equations`.
        public var description: String {
            switch self {
            case .normalEquations: "normal equations"
            case .qr: "QR"
            case .svd: "SVD"
            case .automatic: "automatic"
            }
        }
    }

    /// Solves the least-squares problem for `features` and `targets`.
    ///
    /// - Parameters:
    ///   - features: `n × d` features, row-major.
    ///   - targets: `n` targets.
    ///   - intercept: Fit a bias `b` (default). Without it the model passes through the origin.
    ///   - method: See ``Method``. `.automatic` by default.
    ///   - ridge: `λ ≥ 0`. With `λ > 0` the solution minimises `MSE + λ‖w‖²` (bias not penalised),
    ///     i.e. solves `(XcᵀXc + nλI)w = Xcᵀyc` on centred data, the objective of
    ///     `GradientDescent` with `penalty: .l2(λ)`. That system is positive definite, and every
    ///     method solves it by Cholesky with refinement (the solution reports `.normalEquations`).
    /// - Returns: The model, the method that ran, the rank and a condition estimate.
    /// - Throws: ``DescentError`` for inconsistent shapes, empty data, NaN or ±∞, a system the
    ///   chosen method cannot solve (``DescentError/unsolvable(method:reason:conditionEstimate:)``),
    ///   or working memory that does not fit in what the process may allocate
    ///   (``DescentError/insufficientMemory(needed:available:what:remedies:)``, checked before
    ///   anything is allocated; `.automatic` skips the methods that do not fit).
    /// - Complexity: O(n·d²) time. Memory: O(d² + block·d), except that `.qr` factors one `Double`
    ///   copy of the features for small problems (≤ 8 MB), and for large ones its fast path cannot
    ///   certify whose condition exceeds 10⁶; `.svd` of fewer rows than columns factors an `n × d`
    ///   copy instead of a `d × d` triangle.
    @specialized(where Scalar == Float)
    @specialized(where Scalar == Double)
    public static func solve<Scalar: BLASScalar>(_ features: Matrix<Scalar>, _ targets: [Scalar],
                                                 intercept: Bool = true,
                                                 method: Method = .automatic,
                                                 ridge: Double = 0) throws(DescentError)
        -> LeastSquaresSolution<Scalar> {
        try Validation.checkShape(features, targets)
        try checkRidge(ridge)
        let d = features.columns
        let raw = try features.withUnsafeBufferPointer { (x) throws(DescentError) in
            try targets.withUnsafeBufferPointer { (y) throws(DescentError) in
                try solve(SolverRows(x, TargetColumns(y), columns: d), intercept: intercept, method: method, ridge: ridge)
            }
        }
        return LeastSquaresSolution(raw[0], intercept: intercept)
    }

    /// Solves the least-squares problems of several targets that share their features, with one
    /// factorisation of the features for all of them.
    ///
    /// Column `t` of the result solves `min Σᵢ(xᵢᵀwₜ + bₜ − Yᵢₜ)²`, the problem
    /// ``solve(_:_:intercept:method:ridge:)->LeastSquaresSolution<Scalar>`` solves for the single
    /// target `Y.column(t)`, by the same code: the features are centred, scaled and factored once
    /// (one Gram matrix and Cholesky factor, one Cholesky or Householder QR, one SVD), every pass
    /// over the rows serves all targets (`gemm` where one target takes `gemv`), and each target is
    /// solved and refined as it would be alone. `.automatic` chooses as it does for one target
    /// (its choice depends on the features alone). Several targets also solve from a stream
    /// (``solveMultiTarget(from:intercept:method:ridge:)``) and across MPI ranks (`DescentMPI`).
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
    /// - Complexity: O(n·d² + n·d·k) time for the factorisation, plus O(n·d·k) per refinement
    ///   pass. Memory: O(d² + block·(d + k)), except that `.qr` factors one `Double` copy of the
    ///   features for small or ill-conditioned problems, as for one target.
    @specialized(where Scalar == Float)
    @specialized(where Scalar == Double)
    public static func solve<Scalar: BLASScalar>(_ features: Matrix<Scalar>, _ targets: Matrix<Scalar>,
                                                 intercept: Bool = true, method: Method = .automatic,
                                                 ridge: Double = 0) throws(DescentError)
        -> MultiLeastSquaresSolution<Scalar> {
        try Validation.checkShape(features, targets: targets)
        try checkRidge(ridge)
        try Validation.checkFinite(targets: targets)
        let d = features.columns, k = targets.columns
        let raw = try features.withUnsafeBufferPointer { (x) throws(DescentError) in
            try targets.withUnsafeBufferPointer { (y) throws(DescentError) in
                try solve(SolverRows(x, TargetColumns(y, count: k), columns: d), intercept: intercept, method: method,
                          ridge: ridge)
            }
        }
        return MultiLeastSquaresSolution(raw, columns: d, intercept: intercept)
    }

    /// `λ` is finite and ≥ 0.
    static func checkRidge(_ ridge: Double) throws(DescentError) {
        guard ridge.isFinite, ridge >= 0 else {
            throw .invalidOption(name: "ridge", value: "\(ridge)", expected: "a finite λ ≥ 0")
        }
    }

    /// The solver every entry point runs, for `k ≥ 1` targets (``SolverRows/targets``):
    /// validation and totals in one pass over the rows (``RowTotals``), then the method, every pass
    /// over row blocks combined by the rows' collective. Returns one solution per target. When all
    /// rows are in this process's memory (``SolverRows/inMemory``), QR may factor a copy with
    /// column pivoting where the fast path cannot certify its answer.
    @specialized(where S == Float)
    @specialized(where S == Double)
    static func solve<S: BLASScalar>(_ rows: SolverRows<S>, intercept: Bool, method: Method,
                                     ridge: Double) throws(DescentError) -> [RawSolution] {
        let totals = try RowTotals.gather(rows, intercept: intercept)
        let (n, d) = (totals.rows, rows.columns)
        // Each method's working memory is checked before its first pass, unless its shape check
        // will refuse the problem without allocating anything.
        func reserve(_ method: Method) throws(DescentError) {
            try reserveWorkspace(method, rows: n, columns: d, targets: rows.targets, inMemory: rows.inMemory != nil,
                                 collective: rows.collective)
        }
        let outcome: SolverOutcome
        if ridge > 0 {
            try reserve(.normalEquations)
            outcome = try normalEquations(rows, totals, intercept: intercept, ridge: ridge)
        } else {
            switch method {
            case .normalEquations:
                if hasRowsForNormalEquations(rows: n, columns: d, intercept: intercept) { try reserve(.normalEquations) }
                outcome = try normalEquations(rows, totals, intercept: intercept)
            case .qr:
                if hasRowsForQR(rows: n, columns: d, intercept: intercept) { try reserve(.qr) }
                outcome = try qr(rows, totals, intercept: intercept)
            case .svd:
                try reserve(.svd)
                outcome = try svd(rows, totals, intercept: intercept)
            case .automatic: outcome = try automatic(rows, totals, intercept: intercept)
            }
        }
        switch outcome {
        case let .solved(raw):
            return raw
        case let .failed(reason, condition):
            throw .unsolvable(method: method.description, reason: reason, conditionEstimate: condition)
        }
    }

    // MARK: The automatic choice

    static let epsilon = Double.ulpOfOne

    /// Problems with at most this many elements always take the accurate path in `.automatic`.
    static let smallProblem = 1 << 20

    /// Condition estimates of the Gram matrix above this send `.automatic` to QR.
    static let normalEquationsLimit = 1e8

    /// Whether `.automatic` tries the normal equations first.
    static func prefersNormalEquations(rows n: Int, columns d: Int) -> Bool {
        n * d > smallProblem && n > d
    }

    static func automatic<S: BLASScalar>(_ rows: SolverRows<S>, _ totals: RowTotals,
                                         intercept: Bool) throws(DescentError) -> SolverOutcome {
        let (n, d, k, inMemory) = (totals.rows, rows.columns, rows.targets, rows.inMemory != nil)
        // Which methods fit, agreed by every part (a part that lacks the memory rules a method out for all).
        let candidates: [Method] = [.normalEquations, .qr, .svd]
        var short = candidates.map { method in
            MemoryBudget.fits(workspace(method, rows: n, columns: d, targets: k, inMemory: inMemory,
                                        parts: rows.collective.size)) ? 0.0 : 1
        }
        try rows.sum(&short)
        let fits = { (method: Method) in short[candidates.firstIndex(of: method)!] == 0 }
        var gram: GramPass?
        if prefersNormalEquations(rows: n, columns: d) && !totals.sumsOverflow && fits(.normalEquations) {
            // One Gram pass serves the normal equations and, if they decline, the fast QR path.
            gram = try centredGram(rows, shift: totals.shift, targetMeans: totals.targetMeans)
            let outcome = try normalEquations(rows, totals, intercept: intercept, gram: gram)
            if case let .solved(solutions) = outcome, solutions[0].condition * solutions[0].condition <= normalEquationsLimit {
                return outcome
            }
        }
        if fits(.qr) || !hasRowsForQR(rows: n, columns: d, intercept: intercept) {
            let viaQR = try qr(rows, totals, intercept: intercept, gram: gram)
            if case .solved = viaQR { return viaQR }
        }
        gram = nil
        // The SVD never fails for rank deficiency: the last resort, when it fits.
        try reserveWorkspace(.svd, rows: n, columns: d, targets: k, inMemory: inMemory, collective: rows.collective)
        return try svd(rows, totals, intercept: intercept)
    }

    /// Whether the normal equations have rows enough to try (with no ridge): fewer rows than
    /// unknowns make the Gram matrix singular, refused before it is built.
    static func hasRowsForNormalEquations(rows n: Int, columns d: Int, intercept: Bool) -> Bool {
        n > d || (n == d && !intercept)
    }

    /// Whether QR has rows enough to try: at least as many (after centring) as columns.
    static func hasRowsForQR(rows n: Int, columns d: Int, intercept: Bool) -> Bool {
        (intercept ? n - 1 : n) >= d
    }
}
