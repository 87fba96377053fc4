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
    public enum Method: Sendable, Hashable, CustomStringConvertible {
        /// Normal equations `XᵀX w = Xᵀy` by Cholesky (LAPACK `potrf`/`potrs`, as `posv`), the Gram
        /// matrix built with `syrk` one block of centred rows at a time. Fastest; loses accuracy as
        /// the square of the condition number, and throws when the Gram matrix is singular or nearly so.
        case normalEquations
        /// Householder QR with iterative refinement, residuals in extended precision (`Float80`).
        /// Small problems (≤ 2²⁰ elements) and ill-conditioned ones (κ > 10⁶) factor a copy with
        /// column pivoting (LAPACK `geqp3`) and refine the solution and residual together
        /// (Björck's augmented system). Large well-conditioned ones stream: blocks of rows are
        /// folded into `R` (`geqrf`) with no copy of `X`, and the corrected semi-normal equations
        /// refine. Throws when the features are rank deficient.
        case qr
        /// Singular value decomposition (LAPACK `gelsd`) of the `R` of a streaming QR (no copy of
        /// `X`): the minimum-norm solution, the numerical rank and the singular values; full-rank,
        /// well-conditioned solutions are refined like QR's. Never throws for rank deficiency.
        case svd
        /// Fast when it can be and accurate when it must be: small problems take the QR path;
        /// large ones take the normal equations when their condition estimate is at most 10⁸
        /// (`pocon`), QR otherwise; rank deficiency falls back to the SVD.
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
    /// - Throws: ``DescentError`` for inconsistent shapes, empty data, NaN or ±∞, or a system the
    ///   chosen method cannot solve (``DescentError/unsolvable(method:reason:conditionEstimate:)``).
    /// - Complexity: O(n·d²) time. Memory: O(d² + block·d), except that `.qr` factors one `Double`
    ///   copy of the features for small (≤ 8 MB) or ill-conditioned (κ > 10⁶) problems.
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
                try solve(SolverRows(x, TargetColumns(y), columns: d), intercept: intercept, method: method, ridge: ridge,
                          inMemory: InMemoryRows(features: x, targets: y))
            }
        }
        return LeastSquaresSolution(raw, intercept: intercept)
    }

    /// `λ` is finite and ≥ 0.
    static func checkRidge(_ ridge: Double) throws(DescentError) {
        guard ridge.isFinite, ridge >= 0 else {
            throw .invalidOption(name: "ridge", value: "\(ridge)", expected: "a finite λ ≥ 0")
        }
    }

    /// Every part's rows as one process's memory, when they are: what pivoted QR factors a copy of.
    struct InMemoryRows<S: BLASScalar> {
        let features: UnsafeBufferPointer<S>
        let targets: UnsafeBufferPointer<S>
    }

    /// The solver every entry point runs: validation and totals in one pass over the rows
    /// (``RowTotals``), then the method, every pass over row blocks combined by the rows'
    /// collective. `inMemory` is set when all rows are in this process's memory, which lets QR
    /// factor a copy with column pivoting when the fast path cannot certify its answer.
    static func solve<S: BLASScalar>(_ rows: SolverRows<S>, intercept: Bool, method: Method, ridge: Double,
                                     inMemory: InMemoryRows<S>?) throws(DescentError) -> RawSolution {
        let totals = try RowTotals.gather(rows, intercept: intercept)
        let outcome: SolverOutcome
        if ridge > 0 {
            outcome = try normalEquations(rows, totals, intercept: intercept, ridge: ridge)
        } else {
            switch method {
            case .normalEquations: outcome = try normalEquations(rows, totals, intercept: intercept)
            case .qr: outcome = try qr(rows, totals, intercept: intercept, inMemory: inMemory)
            case .svd: outcome = try svd(rows, totals, intercept: intercept)
            case .automatic: outcome = try automatic(rows, totals, intercept: intercept, inMemory: inMemory)
            }
        }
        switch outcome {
        case let .solved(raw):
            return raw
        case let .failed(reason, condition):
            throw .unsolvable(method: method.description, reason: reason, conditionEstimate: condition)
        case .nonFiniteFeatures:
            throw .unsolvable(method: method.description, reason: "sums of the features overflow", conditionEstimate: nil)
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

    static func automatic<S: BLASScalar>(_ rows: SolverRows<S>, _ totals: RowTotals, intercept: Bool,
                                         inMemory: InMemoryRows<S>?) throws(DescentError) -> SolverOutcome {
        if prefersNormalEquations(rows: totals.rows, columns: rows.columns) {
            let outcome = try normalEquations(rows, totals, intercept: intercept)
            if case let .solved(solution) = outcome, solution.condition * solution.condition <= normalEquationsLimit {
                return outcome
            }
        }
        let viaQR = try qr(rows, totals, intercept: intercept, inMemory: inMemory)
        if case .solved = viaQR { return viaQR }
        return try svd(rows, totals, intercept: intercept)
    }
}
