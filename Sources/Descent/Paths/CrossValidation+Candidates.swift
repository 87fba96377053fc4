/// A family of fits indexed by `λ` that ``CrossValidation`` can evaluate.
public protocol CrossValidationCandidates: Sendable {
    /// Fits the candidates on these rows: at `lambdas`, or (for `nil`) at the candidates' own
    /// values chosen from these rows. Returns the `λ` and one model per `λ`.
    func fit<Scalar: BLASScalar>(_ features: Matrix<Scalar>, _ targets: [Scalar], lambdas: [Double]?)
        throws(DescentError) -> (lambdas: [Double], models: [LinearModel<Scalar>])

    /// The loss a held-out row's residual `r = ŷ − y` costs: the squared error by default; a
    /// gradient-descent configuration scores with its own ``Loss``.
    var validationLoss: Loss { get }

    /// Fits the candidates on the rows of a source (for ``CrossValidation/evaluate(_:from:)``):
    /// an elastic-net path and a ridge grid can; by default, a typed error.
    func fit<Source: RowSource>(from source: Source, lambdas: [Double]?)
        throws(DescentError) -> (lambdas: [Double], models: [LinearModel<Source.Scalar>])
}

extension CrossValidationCandidates {
    /// The squared error.
    public var validationLoss: Loss { .squared }
}

extension GradientDescent {
    /// The candidates of a gradient-descent configuration over a penalty grid, for
    /// ``CrossValidation``: the configuration (mode, optimiser, schedule, **loss**, epochs…) with
    /// its penalty replaced by `penalty(λ)` for each `λ`, each fold's fits from a zero model, and
    /// the validation error the configuration's own loss (`(1/n)Σℓ(ŷᵢ − yᵢ)`: Huber's, the
    /// pinball, … of the held-out rows).
    ///
    /// ```swift
    /// var gd = GradientDescent<Double>(); gd.loss = .huber(delta: 1.35)
    /// let cv = try CrossValidation(folds: 5, seed: 1)
    ///     .evaluate(gd.candidates(lambdas: [1e-1, 1e-2, 1e-3]) { .l2($0) }, features: X, targets: y)
    /// ```
    ///
    /// - Parameters:
    ///   - lambdas: The grid, each ≥ 0.
    ///   - penalty: The penalty at `λ` (`.l2`, `.l1`, `.elasticNet(λ, l1Ratio:)`…).
    /// - Returns: The candidates; evaluated with data of this configuration's precision (another
    ///   precision is a typed error).
    public func candidates(lambdas: [Double], penalty: @escaping @Sendable (Double) -> Penalty)
        -> GradientDescentCandidates<Scalar> {
        GradientDescentCandidates(configuration: self, lambdas: lambdas, penalty: penalty)
    }
}

/// A gradient-descent configuration over a penalty grid (``GradientDescent/candidates(lambdas:penalty:)``).
public struct GradientDescentCandidates<S: BLASScalar>: CrossValidationCandidates, @unchecked Sendable {
    /// The configuration every candidate trains with (its penalty replaced).
    public let configuration: GradientDescent<S>
    /// The grid.
    public let lambdas: [Double]
    /// The penalty at each `λ`.
    public let penalty: @Sendable (Double) -> Penalty

    /// The configuration's loss, which scores the held-out rows.
    public var validationLoss: Loss { configuration.loss }

    /// One fit per `λ` from a zero model (see ``CrossValidationCandidates``).
    public func fit<Scalar: BLASScalar>(_ features: Matrix<Scalar>, _ targets: [Scalar], lambdas given: [Double]?)
        throws(DescentError) -> (lambdas: [Double], models: [LinearModel<Scalar>]) {
        let grid = given ?? lambdas
        guard !grid.isEmpty, grid.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            throw .invalidOption(name: "lambdas", value: "\(grid)", expected: "at least one λ, each finite and ≥ 0")
        }
        guard let x = features as? Matrix<S>, let y = targets as? [S] else {
            throw .invalidOption(name: "features", value: "\(Scalar.precisionName) data",
                                 expected: "\(S.precisionName) data, the precision of the GradientDescent<\(S.self)> configuration")
        }
        var models = [LinearModel<Scalar>]()
        for lambda in grid {
            var gd = configuration
            gd.penalty = penalty(lambda)
            var model = LinearModel<S>()
            try gd.fit(&model, features: x, targets: y)
            models.append(model as! LinearModel<Scalar>)   // S == Scalar, checked above
        }
        return (grid, models)
    }
}

extension ElasticNet {
    /// The candidates of an elastic-net path, for ``CrossValidation``: glmnet's sequence on all rows
    /// (or `lambdas`), then the same `λ` on every fold.
    public struct PathCandidates: CrossValidationCandidates {
        /// The mixing `α`.
        public let alpha: Double
        /// Given `λ`, or `nil` for glmnet's sequence on all rows.
        public let lambdas: [Double]?
        /// The length of glmnet's sequence.
        public let count: Int
        /// glmnet's `lambda.min.ratio`.
        public let minimumRatio: Double?
        /// Penalise standardised coefficients.
        public let standardize: Bool

        /// The path's `λ` and models on these rows (see ``CrossValidationCandidates``).
        public func fit<Scalar: BLASScalar>(_ features: Matrix<Scalar>, _ targets: [Scalar], lambdas given: [Double]?)
            throws(DescentError) -> (lambdas: [Double], models: [LinearModel<Scalar>]) {
            let path = try ElasticNet.path(features, targets, alpha: alpha, lambdas: given ?? lambdas, count: count,
                                           minimumRatio: minimumRatio, standardize: standardize)
            return (path.lambdas, path.models)
        }
    }

    /// An elastic-net path to cross-validate: `CrossValidation(folds: 10).evaluate(ElasticNet.path(alpha: 0.5), …)`.
    ///
    /// - Parameters: as ``path(_:_:alpha:lambdas:count:minimumRatio:weights:standardize:mode:tolerance:)``.
    /// - Returns: The candidates.
    public static func path(alpha: Double = 1, lambdas: [Double]? = nil, count: Int = 100, minimumRatio: Double? = nil,
                            standardize: Bool = true) -> PathCandidates {
        PathCandidates(alpha: alpha, lambdas: lambdas, count: count, minimumRatio: minimumRatio, standardize: standardize)
    }
}

extension RidgeRegression {
    /// The candidates of a ridge grid, for ``CrossValidation``: one Gram pass and eigendecomposition
    /// per fit, then every `λ` in `O(d²)` (``RidgeRegression``'s, to rounding the exact solve's).
    public struct GridCandidates: CrossValidationCandidates {
        /// The `λ` (``LeastSquares``' ridge convention), each > 0.
        public let lambdas: [Double]

        /// The ridge fits at every `λ` (see ``CrossValidationCandidates``).
        public func fit<Scalar: BLASScalar>(_ features: Matrix<Scalar>, _ targets: [Scalar], lambdas given: [Double]?)
            throws(DescentError) -> (lambdas: [Double], models: [LinearModel<Scalar>]) {
            try Validation.checkShape(features, targets)
            try Validation.checkFinite(features)
            try Validation.checkFinite(targets)
            // The rows in memory are a source of one chunk: one Gram pass and eigendecomposition.
            return try fit(from: Dataset(features: features, targets: targets), lambdas: given)
        }
    }

    /// A ridge grid to cross-validate by K folds (``CrossValidation``).
    ///
    /// - Parameter lambdas: The `λ`, each ≥ 0.
    /// - Returns: The candidates.
    public static func grid(_ lambdas: [Double]) -> GridCandidates { GridCandidates(lambdas: lambdas) }
}
