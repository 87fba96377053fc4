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
            || (method == .automatic && Solvers.prefersNormalEquations(rows: features.rows, columns: features.columns)))
        if !foldsCheck { try Validation.checkFinite(features) }
        guard features.rows < Int(Int32.max), features.columns < Int(Int32.max) / 2 else {
            throw .invalidOption(name: "features", value: "\(features.rows) × \(features.columns)",
                                 expected: "at most 2³¹ − 1 rows and 2³⁰ columns (LAPACK's 32-bit indices)")
        }
        let d = features.columns
        let outcome = features.withUnsafeBufferPointer { x in
            targets.withUnsafeBufferPointer { y in
                if ridge > 0 {
                    return Solvers.normalEquations(x, y, columns: d, intercept: intercept, ridge: ridge)
                }
                switch method {
                case .normalEquations:
                    return Solvers.normalEquations(x, y, columns: d, intercept: intercept)
                case .qr:
                    return Solvers.qr(CenteredProblem(features: x, targets: y, columns: d, intercept: intercept), x, y)
                case .svd:
                    return Solvers.svd(CenteredProblem(features: x, targets: y, columns: d, intercept: intercept), x, y)
                case .automatic:
                    return Solvers.automatic(x, y, intercept: intercept)
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
}

/// The result of ``LeastSquares/solve(_:_:intercept:method:)``.
public struct LeastSquaresSolution<Scalar: BLASScalar>: Sendable {
    /// The least-squares model. Without an intercept its bias is zero.
    public let model: LinearModel<Scalar>
    /// The method that produced the model (for `.automatic`, the one it chose).
    public let method: LeastSquares.Method
    /// The numerical rank of the (centred) features: `d` when they are linearly independent.
    public let rank: Int
    /// An estimate of the 1-norm condition number of the centred, column-scaled features
    /// (from `pocon`, `trcon` or the singular values); `.infinity` when rank deficient.
    public let conditionEstimate: Double
    /// The singular values of the centred, column-scaled features, largest first (`.svd` only).
    public let singularValues: [Double]?
    /// Iterative-refinement steps taken (QR and normal equations).
    public let refinementSteps: Int

    init(_ raw: RawSolution, intercept: Bool) {
        model = LinearModel(weights: raw.weights.map { Scalar($0) }, bias: intercept ? Scalar(raw.bias) : 0)
        method = raw.method
        rank = raw.rank
        conditionEstimate = raw.condition
        singularValues = raw.singularValues
        refinementSteps = raw.refinementSteps
    }
}

/// What a solver returns before conversion to the caller's precision.
struct RawSolution {
    var weights: [Double]
    var bias: Double
    var method: LeastSquares.Method
    var rank: Int
    var condition: Double
    var singularValues: [Double]? = nil
    var refinementSteps: Int = 0
}

enum SolverOutcome {
    case solved(RawSolution)
    case failed(reason: String, condition: Double?)
    /// The features hold NaN or ±∞ (found by a pass that did not look for where).
    case nonFiniteFeatures
}
