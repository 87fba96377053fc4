extension LeastSquares {
    /// Weighted least squares: the `w`, `b` that minimise `Σwᵢ(xᵢᵀw + b − yᵢ)²` (statsmodels' `WLS`,
    /// scikit-learn's `sample_weight`).
    ///
    /// The columns are centred on their weighted means `μ = Σwᵢxᵢ/Σwᵢ` and the rows scaled by
    /// `√wᵢ`, which turns the problem into an ordinary one without intercept that every method
    /// solves as for unweighted data; then `b = ȳ − μᵀw` with `ȳ` the weighted target mean. With
    /// `ridge: λ` the objective is `Σwᵢrᵢ²/Σwᵢ + λ‖w‖²`. Zero weights are allowed: such rows count
    /// for nothing. Integer weights give the same solution as the rows repeated that many times.
    ///
    /// - Parameters:
    ///   - features: `n × d` features, row-major.
    ///   - targets: `n` targets.
    ///   - weights: `n` weights, finite and ≥ 0, not all zero.
    ///   - intercept: Fit a bias `b` (default).
    ///   - method: See ``Method``. `.automatic` by default.
    ///   - ridge: `λ ≥ 0`.
    /// - Returns: The model, the method that ran, the rank and a condition estimate of the
    ///   weighted, centred, column-scaled design.
    /// - Throws: as ``solve(_:_:intercept:method:ridge:)->LeastSquaresSolution<Scalar>``, and
    ///   ``DescentError/invalidOption(name:value:expected:)`` for unusable weights.
    /// - Complexity: O(n·d²) time; one `Double` copy of the weighted features.
    public static func solve<Scalar: BLASScalar>(_ features: Matrix<Scalar>, _ targets: [Scalar], weights: [Scalar],
                                                 intercept: Bool = true, method: Method = .automatic,
                                                 ridge: Double = 0) throws(DescentError) -> LeastSquaresSolution<Scalar> {
        try Validation.checkShape(features, targets)
        try Validation.checkFinite(features)
        try Validation.checkFinite(targets)
        try Validation.checkWeights(weights, rows: features.rows)
        guard ridge.isFinite, ridge >= 0 else {
            throw .invalidOption(name: "ridge", value: "\(ridge)", expected: "a finite λ ≥ 0")
        }
        let problem = try WeightedProblem(features, targets, weights: weights, intercept: intercept)
        let inner = try solve(problem.features, problem.targets, intercept: false, method: method,
                              ridge: ridge * problem.totalWeight / Double(features.rows))
        let slopes = inner.model.weights
        let bias = intercept ? problem.intercept(for: slopes) : 0
        guard slopes.allSatisfy(\.isFinite), bias.isFinite else {
            throw .unsolvable(method: method.description, reason: "the weighted solution overflows", conditionEstimate: nil)
        }
        return LeastSquaresSolution(model: LinearModel(weights: slopes.map { Scalar($0) }, bias: Scalar(bias)),
                                    method: inner.method, rank: inner.rank, conditionEstimate: inner.conditionEstimate,
                                    singularValues: inner.singularValues, refinementSteps: inner.refinementSteps,
                                    intercept: intercept)
    }
}
