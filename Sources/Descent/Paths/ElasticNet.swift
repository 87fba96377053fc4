/// Lasso and elastic-net paths by coordinate descent: glmnet's gaussian objective at every `λ` of
/// a sequence, from one factorisation-free pass over the rows.
///
/// ```swift
/// let path = try ElasticNet.path(X, y, alpha: 1)          // the lasso, glmnet's 100 λ
/// path.lambdas; path.coefficients(at: 10); path.nonzeros; path.dualityGaps; path.models
/// ```
///
/// The objective, in raw units, is glmnet's for `family = "gaussian"`: with weights `ωᵢ`
/// normalised to sum to 1,
///
///     ½Σωᵢ(yᵢ − β₀ − xᵢᵀβ)² + λα·Σⱼsⱼ|βⱼ| + λ(1 − α)/(2s_y)·Σⱼsⱼ²βⱼ²
///
/// where `sⱼ` is column `j`'s weighted population standard deviation when `standardize` is on (1
/// otherwise) and `s_y` the targets' (glmnet scales `y` by it, which moves its ridge term). The
/// intercept is not penalised. It equals ``Penalty/glmnet(lambda:alpha:targetDeviation:)``, and
/// scikit-learn's `enet_path(alpha=a, l1_ratio=ρ)` on centred data is `λ = a(ρ + (1 − ρ)s_y)`,
/// `α = aρ/λ` (the lasso: `λ = a`, `α = 1`) with `standardize: false`.
///
/// See <doc:ChoosingThePenalty> for the solver (covariance and naive modes, strong rules, the KKT
/// check, the duality gap) and how the results compare with glmnet and scikit-learn.
public enum ElasticNet {
    /// How coordinate descent reaches the data.
    public enum Mode: String, Sendable, Hashable, CustomStringConvertible {
        /// Covariance mode when `d ≤ n` and `d ≤ 2,000`, naive mode otherwise (rows in memory).
        case automatic
        /// On the `d × d` Gram matrix from one pass over the rows: each coordinate move costs `d`,
        /// independent of `n` (glmnet's "covariance updates"). The only mode for streamed and MPI rows.
        case covariance
        /// On the standardised columns and the residual: each coordinate visit costs `2n`; no
        /// `d × d` matrix (wide data, `d ≫ n`).
        case naive

        /// The mode's name.
        public var description: String { rawValue }
    }

    /// The default duality-gap tolerance: `10⁻¹⁰` of the null deviance (``ElasticNetPath/dualityGaps``).
    public static let defaultTolerance = 1e-10

    /// The elastic-net path of rows in memory.
    ///
    /// - Parameters:
    ///   - features: `n × d` features, row-major.
    ///   - targets: `n` targets.
    ///   - alpha: The mixing `α ∈ [0, 1]`: 1 is the lasso, 0 ridge (glmnet's `alpha`).
    ///   - lambdas: The `λ` to solve at (raw units, solved from the largest down; any order given),
    ///     or `nil` for glmnet's sequence: `count` values from `λ_max` (the smallest `λ` with every
    ///     coefficient 0) down to `minimumRatio·λ_max`, log-spaced, stopping early as glmnet does.
    ///   - count: The length of glmnet's sequence (its `nlambda`), 100 by default.
    ///   - minimumRatio: The sequence's last `λ` over its first (glmnet's `lambda.min.ratio`):
    ///     `nil` for 10⁻⁴ when `n > d`, else 10⁻².
    ///   - weights: `n` sample weights, finite and ≥ 0, not all zero (normalised to sum to 1).
    ///   - standardize: Penalise the coefficients of standardised columns (glmnet's default); the
    ///     coefficients are returned in raw units either way.
    ///   - mode: ``Mode/automatic`` by default.
    ///   - tolerance: The duality gap each `λ` must reach, relative to the null deviance
    ///     (``defaultTolerance``).
    /// - Returns: The path, largest `λ` first.
    /// - Throws: ``DescentError`` for mismatched shapes, no rows or columns, NaN or ±∞, constant
    ///   targets, unusable weights, or an option out of range
    ///   (``DescentError/invalidOption(name:value:expected:)``).
    /// - Complexity: Covariance mode: `O(n·d²)` for the Gram pass, then `O(d)` per coordinate
    ///   move; naive mode: `O(n)` per coordinate visit and `O(n·d)` per KKT check.
    @specialized(where Scalar == Float)
    @specialized(where Scalar == Double)
    public static func path<Scalar: BLASScalar>(_ features: Matrix<Scalar>, _ targets: [Scalar], alpha: Double = 1,
                                                lambdas: [Double]? = nil, count: Int = 100, minimumRatio: Double? = nil,
                                                weights: [Scalar]? = nil, standardize: Bool = true,
                                                mode: Mode = .automatic,
                                                tolerance: Double = defaultTolerance) throws(DescentError) -> ElasticNetPath<Scalar> {
        let settings = try settings(alpha: alpha, lambdas: lambdas, count: count, minimumRatio: minimumRatio, tolerance: tolerance)
        try Validation.checkShape(features, targets)
        try Validation.checkFinite(features)
        try Validation.checkFinite(targets)
        guard features.rows > 0 else { throw .noRows }
        guard features.columns > 0 else { throw .noFeatures }
        if let weights { try Validation.checkWeights(weights, rows: features.rows) }
        let n = features.rows, d = features.columns
        let naive = mode == .naive || (mode == .automatic && (d > n || d > 2000))
        let problem = try features.withUnsafeBufferPointer { (x) throws(DescentError) in
            try targets.withUnsafeBufferPointer { (y) throws(DescentError) -> PathProblem in
                if naive { return try PathProblem.naive(features, TargetColumns(y), weights: weights, standardize: standardize) }
                if let weights { return try PathProblem.covariance(features, TargetColumns(y), weights: weights, standardize: standardize) }
                return try PathProblem.covariance(SolverRows(x, TargetColumns(y), columns: d), standardize: standardize)
            }
        }
        return ElasticNetPath(PathSolver.solve(problem, settings), problem: problem, settings: settings,
                              mode: naive ? .naive : .covariance, featureNames: nil)
    }

    /// The elastic-net path of a ``Dataset``, as for matrices; the models carry its feature names.
    ///
    /// - Parameters: as ``path(_:_:alpha:lambdas:count:minimumRatio:weights:standardize:mode:tolerance:)``.
    /// - Returns: The path, largest `λ` first.
    /// - Throws: as ``path(_:_:alpha:lambdas:count:minimumRatio:weights:standardize:mode:tolerance:)``.
    /// - Complexity: as for matrices.
    public static func path<Scalar: BLASScalar>(dataset: Dataset<Scalar>, alpha: Double = 1, lambdas: [Double]? = nil,
                                                count: Int = 100, minimumRatio: Double? = nil, weights: [Scalar]? = nil,
                                                standardize: Bool = true, mode: Mode = .automatic,
                                                tolerance: Double = defaultTolerance) throws(DescentError) -> ElasticNetPath<Scalar> {
        var path = try path(dataset.features, dataset.targets, alpha: alpha, lambdas: lambdas, count: count,
                            minimumRatio: minimumRatio, weights: weights, standardize: standardize, mode: mode,
                            tolerance: tolerance)
        path.featureNames = dataset.featureNames
        return path
    }

    /// The elastic-net path of any ``RowSource`` (a file streamed in chunks, rows of your own store)
    /// in covariance mode: a pass for the column means, one Gram pass, then every `λ` on `d × d`
    /// numbers. The answer equals the in-memory path's on the same rows, to rounding.
    ///
    /// ```swift
    /// let stream = try StreamingDataset<Double>(npyFeatures: "X.npy", targets: "y.npy")
    /// let path = try ElasticNet.path(from: stream, alpha: 1)
    /// ```
    ///
    /// - Parameters:
    ///   - source: The rows, one target per row.
    ///   - alpha: The mixing `α ∈ [0, 1]`.
    ///   - lambdas: Given `λ`, or `nil` for glmnet's sequence.
    ///   - count: The length of glmnet's sequence.
    ///   - minimumRatio: glmnet's `lambda.min.ratio` (`nil`: 10⁻⁴ when `n > d`, else 10⁻²).
    ///   - standardize: Penalise the coefficients of standardised columns (default).
    ///   - tolerance: The duality-gap tolerance, relative to the null deviance.
    /// - Returns: The path, with the source's feature names.
    /// - Throws: as the in-memory path, with positions in the source's row numbers; the source's
    ///   own read errors.
    /// - Complexity: two passes over the rows (`O(n·d²)`), `O(d²)` memory, then `O(d)` per move.
    public static func path<Source: RowSource>(from source: Source, alpha: Double = 1, lambdas: [Double]? = nil,
                                               count: Int = 100, minimumRatio: Double? = nil, standardize: Bool = true,
                                               tolerance: Double = defaultTolerance)
        throws(DescentError) -> ElasticNetPath<Source.Scalar> {
        try path(from: source, alpha: alpha, lambdas: lambdas, count: count, minimumRatio: minimumRatio,
                 standardize: standardize, tolerance: tolerance, collective: LocalCollective())
    }

    /// ``path(from:alpha:lambdas:count:minimumRatio:standardize:tolerance:)`` over rows split over
    /// the parts of `collective`: every sum goes through it, so every part gets the same path.
    package static func path<Source: RowSource>(from source: Source, alpha: Double = 1, lambdas: [Double]? = nil,
                                                count: Int = 100, minimumRatio: Double? = nil, standardize: Bool = true,
                                                tolerance: Double = defaultTolerance, collective: some Collective)
        throws(DescentError) -> ElasticNetPath<Source.Scalar> {
        let settings = try settings(alpha: alpha, lambdas: lambdas, count: count, minimumRatio: minimumRatio, tolerance: tolerance)
        try collective.agree(source.targetColumns == 1 ? nil : .invalidOption(
            name: "source", value: "\(source.targetColumns) targets per row", expected: "one target per row"))
        let problem = try PathProblem.covariance(SolverRows(source, collective: collective), standardize: standardize)
        return ElasticNetPath(PathSolver.solve(problem, settings), problem: problem, settings: settings, mode: .covariance,
                              featureNames: source.featureNames)
    }

    /// Checks and resolves the options.
    static func settings(alpha: Double, lambdas: [Double]?, count: Int, minimumRatio: Double?,
                         tolerance: Double) throws(DescentError) -> PathSolver.Settings {
        guard alpha.isFinite, alpha >= 0, alpha <= 1 else {
            throw .invalidOption(name: "alpha", value: "\(alpha)", expected: "a mixing α in [0, 1] (1: lasso, 0: ridge)")
        }
        if let lambdas {
            guard !lambdas.isEmpty, lambdas.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
                throw .invalidOption(name: "lambdas", value: "\(lambdas)", expected: "at least one λ, each finite and ≥ 0")
            }
        }
        guard count >= 1 else { throw .invalidOption(name: "count", value: "\(count)", expected: "at least 1 λ") }
        if let minimumRatio, !(minimumRatio > 0 && minimumRatio < 1) {
            throw .invalidOption(name: "minimumRatio", value: "\(minimumRatio)", expected: "a ratio in (0, 1)")
        }
        guard tolerance.isFinite, tolerance > 0 else {
            throw .invalidOption(name: "tolerance", value: "\(tolerance)", expected: "a finite tolerance > 0")
        }
        return PathSolver.Settings(alpha: alpha, lambdas: lambdas, count: count, minimumRatio: minimumRatio,
                                   tolerance: tolerance)
    }
}
