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
        let raw = try targets.withUnsafeBufferPointer { (y) throws(DescentError) in
            try weighted(features, TargetColumns(y), weights: weights, intercept: intercept, method: method, ridge: ridge)
        }
        return LeastSquaresSolution(raw[0], intercept: intercept)
    }

    /// Weighted least squares for several targets that share their features and weights, with one
    /// factorisation for all of them.
    ///
    /// Column `t` of the result minimises `Σᵢwᵢ(xᵢᵀwₜ + bₜ − Yᵢₜ)²` and agrees to rounding with
    /// ``solve(_:_:weights:intercept:method:ridge:)->LeastSquaresSolution<Scalar>`` for the single
    /// target `Y.column(t)`, by the same code: the features are centred on their weighted means
    /// and the rows scaled by `√wᵢ` once, then the `k` targets are solved together as
    /// ``solve(_:_:intercept:method:ridge:)->MultiLeastSquaresSolution<Scalar>`` solves them
    /// (one Gram matrix and Cholesky factor, one QR, or one SVD). With `ridge: λ` every target
    /// minimises `Σwᵢrᵢ²/Σwᵢ + λ‖wₜ‖²` (biases not penalised), the single-target convention;
    /// scikit-learn's `Ridge(alpha:).fit(X, Y, sample_weight: w)` is `λ = alpha/Σwᵢ`. Zero weights
    /// are allowed: such rows count for nothing. Integer weights give the same solution as the
    /// rows repeated that many times.
    ///
    /// ```swift
    /// let multi = try LeastSquares.solve(X, Y, weights: w)   // Y: n × k, w: n
    /// multi.model.weights                                    // d × k
    /// ```
    ///
    /// - Parameters:
    ///   - features: `n × d` features, row-major.
    ///   - targets: `n × k` targets, one column per target, `k ≥ 1`.
    ///   - weights: `n` weights, finite and ≥ 0, not all zero.
    ///   - intercept: Fit a bias per target (default).
    ///   - method: See ``Method``. `.automatic` by default.
    ///   - ridge: `λ ≥ 0`.
    /// - Returns: The model (`d × k` weights, `k` biases), the method that ran, the rank and a
    ///   condition estimate of the weighted, centred, column-scaled features.
    /// - Throws: as ``solve(_:_:intercept:method:ridge:)->MultiLeastSquaresSolution<Scalar>``, and
    ///   ``DescentError/invalidOption(name:value:expected:)`` for unusable weights (miscounted,
    ///   negative, NaN, ±∞, or all zero).
    /// - Complexity: O(n·d² + n·d·k) time; one `Double` copy of the weighted features and targets.
    @specialized(where Scalar == Float)
    @specialized(where Scalar == Double)
    public static func solve<Scalar: BLASScalar>(_ features: Matrix<Scalar>, _ targets: Matrix<Scalar>,
                                                 weights: [Scalar], intercept: Bool = true,
                                                 method: Method = .automatic, ridge: Double = 0) throws(DescentError)
        -> MultiLeastSquaresSolution<Scalar> {
        try Validation.checkShape(features, targets: targets)
        try Validation.checkFinite(features)
        try Validation.checkFinite(targets: targets)
        let raw = try targets.withUnsafeBufferPointer { (y) throws(DescentError) in
            try weighted(features, TargetColumns(y, count: targets.columns), weights: weights, intercept: intercept,
                         method: method, ridge: ridge)
        }
        return MultiLeastSquaresSolution(raw, columns: features.columns, intercept: intercept)
    }

    /// Weighted least squares for `k ≥ 1` targets: the weighted problem as an ordinary one without
    /// intercept (``WeightedProblem``), solved by the one solver, then each target's bias
    /// `b = ȳₜ − μᵀwₜ`. Returns one solution per target.
    static func weighted<S: BLASScalar>(_ features: Matrix<S>, _ targets: TargetColumns<S>, weights: [S],
                                        intercept: Bool, method: Method, ridge: Double) throws(DescentError) -> [RawSolution] {
        try Validation.checkWeights(weights, rows: features.rows)
        try checkRidge(ridge)
        let problem = try WeightedProblem(features, targets, weights: weights, intercept: intercept)
        let d = features.columns, k = targets.count
        var raw = try problem.features.withUnsafeBufferPointer { (z) throws(DescentError) in
            try problem.targets.withUnsafeBufferPointer { (t) throws(DescentError) in
                try solve(SolverRows(z, TargetColumns(t, count: k), columns: d), intercept: false, method: method,
                          ridge: ridge * problem.totalWeight / Double(features.rows))
            }
        }
        for t in 0..<k {
            raw[t].bias = intercept ? problem.intercept(for: raw[t].weights, target: t) : 0
            guard raw[t].weights.allSatisfy(\.isFinite), raw[t].bias.isFinite else {
                throw .unsolvable(method: method.description, reason: "the weighted solution overflows", conditionEstimate: nil)
            }
        }
        return raw
    }
}
