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
        let problem = WeightedProblem(features, targets, weights: weights, intercept: intercept)
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

/// A weighted problem as an ordinary one: `Z = √W(X − 1μᵀ)`, `t = √W(y − ȳ)` with weighted means
/// (zero without an intercept), in `Double`.
struct WeightedProblem {
    let features: Matrix<Double>
    let targets: [Double]
    let means: [Double]
    let targetMean: Double
    let totalWeight: Double

    init<S: BLASScalar>(_ x: Matrix<S>, _ y: [S], weights w: [S], intercept: Bool) {
        let n = x.rows, d = x.columns
        let total = w.reduce(0.0) { $0 + Double($1) }
        var means = [Double](repeating: 0, count: d)
        var targetMean = 0.0
        if intercept {
            x.withUnsafeBufferPointer { x in
                for i in 0..<n where w[i] > 0 {
                    let share = Double(w[i]) / total
                    for j in 0..<d { means[j] += share * Double(x[i * d + j]) }
                    targetMean += share * Double(y[i])
                }
                // A second pass removes the first one's rounding error, as for unweighted means.
                var correction = [Double](repeating: 0, count: d), targetCorrection = 0.0
                for i in 0..<n where w[i] > 0 {
                    let share = Double(w[i]) / total
                    for j in 0..<d { correction[j] += share * (Double(x[i * d + j]) - means[j]) }
                    targetCorrection += share * (Double(y[i]) - targetMean)
                }
                for j in 0..<d where correction[j].isFinite { means[j] += correction[j] }
                if targetCorrection.isFinite { targetMean += targetCorrection }
            }
        }
        var z = [Double](repeating: 0, count: n * d)
        var t = [Double](repeating: 0, count: n)
        x.withUnsafeBufferPointer { x in
            for i in 0..<n {
                let root = Double(w[i]).squareRoot()
                for j in 0..<d { z[i * d + j] = root * (Double(x[i * d + j]) - means[j]) }
                t[i] = root * (Double(y[i]) - targetMean)
            }
        }
        features = Matrix(rows: n, columns: d, validElements: z)
        targets = t
        self.means = means
        self.targetMean = targetMean
        totalWeight = total
    }

    /// `b = ȳ − μᵀw`, in extended precision.
    func intercept(for slopes: [Double]) -> Double {
        var b = Double.Accumulator(targetMean)
        for j in 0..<slopes.count { b -= Double.Accumulator(means[j]) * Double.Accumulator(slopes[j]) }
        return Double(b)
    }
}
