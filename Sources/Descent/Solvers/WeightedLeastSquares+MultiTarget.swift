extension LeastSquares {
    /// Weighted least squares for several targets that share their features and weights, with one
    /// factorisation for all of them.
    ///
    /// Column `t` of the result minimises `Σᵢwᵢ(xᵢᵀwₜ + bₜ − Yᵢₜ)²` and agrees to rounding with
    /// ``solve(_:_:weights:intercept:method:ridge:)->LeastSquaresSolution<Scalar>`` for the single
    /// target `Y.column(t)`. The features are centred on their weighted means and the rows scaled
    /// by `√wᵢ` once, then the `k` targets are solved together as
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
        try Validation.checkWeights(weights, rows: features.rows)
        guard ridge.isFinite, ridge >= 0 else {
            throw .invalidOption(name: "ridge", value: "\(ridge)", expected: "a finite λ ≥ 0")
        }
        let problem = try WeightedProblem(features, targets: targets, weights: weights, intercept: intercept)
        let inner = try solve(problem.features, problem.targetMatrix, intercept: false, method: method,
                              ridge: ridge * problem.totalWeight / Double(features.rows))
        let d = features.columns, k = targets.columns
        let slopes = inner.model.weights
        let biases = (0..<k).map { t in intercept ? problem.intercept(for: slopes.column(t), target: t) : 0 }
        guard slopes.withUnsafeBufferPointer({ $0.allSatisfy(\.isFinite) }), biases.allSatisfy(\.isFinite) else {
            throw .unsolvable(method: method.description, reason: "the weighted solution overflows", conditionEstimate: nil)
        }
        let weightMatrix = slopes.withUnsafeBufferPointer { values in
            Matrix(rows: d, columns: k, validElements: values.map { Scalar($0) })
        }
        return MultiLeastSquaresSolution(model: MultiLinearModel(weights: weightMatrix, biases: biases.map { Scalar($0) },
                                                                 unchecked: ()),
                                         method: inner.method, rank: inner.rank, conditionEstimate: inner.conditionEstimate,
                                         singularValues: inner.singularValues, refinementSteps: inner.refinementSteps,
                                         intercept: intercept)
    }
}
