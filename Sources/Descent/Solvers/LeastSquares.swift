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
        guard ridge.isFinite, ridge >= 0 else {
            throw .invalidOption(name: "ridge", value: "\(ridge)", expected: "a finite λ ≥ 0")
        }
        try Validation.checkFinite(targets)
        // With an intercept, the normal equations' column sums expose any NaN or ±∞ in X for
        // free; otherwise check first, in a pass of its own.
        let foldsCheck = intercept && (method == .normalEquations || ridge > 0
            || (method == .automatic && prefersNormalEquations(rows: features.rows, columns: features.columns)))
        if !foldsCheck { try Validation.checkFinite(features) }
        guard features.rows < Int(Int32.max), features.columns < Int(Int32.max) / 2 else {
            throw .invalidOption(name: "features", value: "\(features.rows) × \(features.columns)",
                                 expected: "at most 2³¹ − 1 rows and 2³⁰ columns (LAPACK's 32-bit indices)")
        }
        let d = features.columns
        let outcome = features.withUnsafeBufferPointer { x in
            targets.withUnsafeBufferPointer { y in
                if ridge > 0 {
                    return normalEquations(x, y, columns: d, intercept: intercept, ridge: ridge)
                }
                switch method {
                case .normalEquations:
                    return normalEquations(x, y, columns: d, intercept: intercept)
                case .qr:
                    return qr(CenteredProblem(features: x, targets: y, columns: d, intercept: intercept), x, y)
                case .svd:
                    return svd(CenteredProblem(features: x, targets: y, columns: d, intercept: intercept), x, y)
                case .automatic:
                    return automatic(x, y, intercept: intercept)
                }
            }
        }
        switch outcome {
        case let .solved(raw):
            return LeastSquaresSolution(raw, intercept: intercept)
        case let .failed(reason, condition):
            throw .unsolvable(method: method.description, reason: reason, conditionEstimate: condition)
        case .nonFiniteFeatures:
            try Validation.checkFinite(features)
            throw .unsolvable(method: method.description, reason: "sums of the features overflow",
                              conditionEstimate: nil)
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

    static func automatic<S: BLASScalar>(_ x: UnsafeBufferPointer<S>, _ y: UnsafeBufferPointer<S>,
                                         intercept: Bool) -> SolverOutcome {
        let n = y.count, d = x.count / Swift.max(1, n)
        if prefersNormalEquations(rows: n, columns: d) {
            let outcome = normalEquations(x, y, columns: d, intercept: intercept)
            switch outcome {
            case .nonFiniteFeatures:
                // Either NaN or ±∞ in X (the caller reports where), or finite values whose sums
                // overflow, which QR's scaled columns can still handle.
                if Validation.firstNonFinite(x) != nil { return outcome }
            case let .solved(solution) where solution.condition * solution.condition <= normalEquationsLimit:
                return outcome
            default: break
            }
        }
        let p = CenteredProblem(features: x, targets: y, columns: d, intercept: intercept)
        let viaQR = qr(p, x, y)
        if case .solved = viaQR { return viaQR }
        return svd(p, x, y)
    }
}
