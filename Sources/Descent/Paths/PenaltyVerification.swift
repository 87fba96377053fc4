/// How close a model trained by gradient descent with an L1 or elastic-net ``Penalty`` is to the
/// exact optimum of the same objective, computed by coordinate descent (``ElasticNet``).
public struct PenaltyVerification<Scalar: BLASScalar>: Sendable, CustomStringConvertible {
    /// The exact optimum of the objective the model was trained on (raw units).
    public let exact: LinearModel<Scalar>
    /// Its duality gap, relative to the null deviance (``ElasticNetPath/dualityGaps``).
    public let exactGap: Double
    /// `maxⱼ |wⱼ − w*ⱼ|` over the weights (raw units).
    public let maxWeightDifference: Double
    /// `|b − b*|`.
    public let biasDifference: Double
    /// The trained model's objective `MSE + λ₂‖w̃‖² + λ₁‖w̃‖₁` (``Penalty``'s, on standardised
    /// weights `w̃ⱼ = sⱼwⱼ` when standardising).
    public let trainedObjective: Double
    /// The exact optimum's objective.
    public let exactObjective: Double
    /// `(trainedObjective − exactObjective) / exactObjective`.
    public let relativeObjectiveGap: Double
    /// The columns whose weight is exactly 0 in the trained model and in the exact optimum.
    public let trainedZeros: [Int]
    /// The exact optimum's zero weights.
    public let exactZeros: [Int]

    /// Whether the trained model has the optimum's exact zeros.
    public var sameZeros: Bool { trainedZeros == exactZeros }

    /// Whether the objective gap and the weight differences are within the given tolerances.
    ///
    /// - Parameters:
    ///   - weightTolerance: The largest allowed `|Δw|` or `|Δb|`.
    ///   - relativeObjectiveTolerance: The largest allowed ``relativeObjectiveGap``.
    public func isWithin(weightTolerance: Double, relativeObjectiveTolerance: Double) -> Bool {
        Swift.max(maxWeightDifference, biasDifference) <= weightTolerance && relativeObjectiveGap <= relativeObjectiveTolerance
    }

    /// A one-line summary.
    public var description: String {
        "max |Δw| = \(formatScientific(maxWeightDifference)), |Δb| = \(formatScientific(biasDifference)), "
            + "relative objective gap = \(formatScientific(relativeObjectiveGap)), "
            + (sameZeros ? "the same zeros" : "zeros \(trainedZeros) vs the optimum's \(exactZeros)")
    }
}

extension ElasticNet {
    /// Compares a model trained by gradient descent with `penalty` with the exact optimum of the
    /// same objective, found by coordinate descent at the one `λ`.
    ///
    /// ``GradientDescent`` minimises `MSE + λ₂‖w̃‖² + λ₁‖w̃‖₁` on standardised columns when its
    /// ``GradientDescent/standardize`` is on (`w̃ⱼ = sⱼwⱼ`, `sⱼ` the population deviation). Halved,
    /// that is glmnet's objective at `λ = λ₁/2 + λ₂s_y`, `α = (λ₁/2)/λ`
    /// (``Penalty/glmnet(lambda:alpha:targetDeviation:)`` read backwards), which the path solves
    /// exactly. Proximal gradient steps reach exact zeros only as their schedule allows; the path
    /// certifies its answer by a duality gap.
    ///
    /// - Parameters:
    ///   - model: The trained model.
    ///   - penalty: The penalty it was trained with (``Penalty/none`` and ``Penalty/l2(_:)`` work too).
    ///   - features: The training features.
    ///   - targets: The training targets.
    ///   - standardize: Whether training standardised the features (``GradientDescent/standardize``).
    /// - Returns: The exact optimum and the differences.
    /// - Throws: as ``path(_:_:alpha:lambdas:count:minimumRatio:weights:standardize:mode:tolerance:)``,
    ///   and ``DescentError/weightCountMismatch(weights:features:)``.
    /// - Complexity: one Gram pass and coordinate descent at one `λ`, plus a pass for the objectives.
    public static func verify<Scalar: BLASScalar>(_ model: LinearModel<Scalar>, penalty: Penalty, features: Matrix<Scalar>,
                                                  targets: [Scalar], standardize: Bool) throws(DescentError)
        -> PenaltyVerification<Scalar> {
        try penalty.validate()
        try model.checkWidth(features.columns)
        try Validation.checkShape(features, targets)
        try Validation.checkFinite(features)
        try Validation.checkFinite(targets)
        guard features.rows > 0 else { throw .noRows }
        let n = features.rows, d = features.columns
        let problem = try features.withUnsafeBufferPointer { (x) throws(DescentError) in
            try targets.withUnsafeBufferPointer { (y) throws(DescentError) in
                try PathProblem.covariance(SolverRows(x, TargetColumns(y), columns: d), standardize: standardize)
            }
        }
        let (l2, l1) = penalty.strengths
        let lambda = l1 / 2 + l2 * problem.targetScale
        let alpha = lambda > 0 ? (l1 / 2) / lambda : 1
        let settings = try settings(alpha: alpha, lambdas: [lambda], count: 1, minimumRatio: nil, tolerance: defaultTolerance)
        let path = ElasticNetPath<Scalar>(PathSolver.solve(problem, settings), problem: problem, settings: settings,
                                          mode: .covariance, featureNames: model.featureNames)
        let exact = path.models[0]
        // Descent's objective on the scales training used (constant columns: sⱼ = 1, weight 0 at the optimum).
        func objective(_ w: [Double], _ b: Double) -> Double {
            var squares = 0.0
            features.withUnsafeBufferPointer { x in
                for i in 0..<n {
                    var r = b - Double(targets[i])
                    for j in 0..<d { r += Double(x[i * d + j]) * w[j] }
                    squares += r * r
                }
            }
            var penaltyTerm = 0.0
            for j in 0..<d {
                let scaled = problem.scales[j] * w[j]
                penaltyTerm += l2 * scaled * scaled + l1 * Swift.abs(scaled)
            }
            return squares / Double(n) + penaltyTerm
        }
        let trained = objective(model.weights.map { Double($0) }, Double(model.bias))
        let best = objective(exact.weights.map { Double($0) }, Double(exact.bias))
        return PenaltyVerification(
            exact: exact, exactGap: path.dualityGaps[0],
            maxWeightDifference: zip(model.weights, exact.weights).reduce(0.0) { Swift.max($0, Swift.abs(Double($1.0) - Double($1.1))) },
            biasDifference: Swift.abs(Double(model.bias) - Double(exact.bias)), trainedObjective: trained, exactObjective: best,
            relativeObjectiveGap: (trained - best) / best,
            trainedZeros: model.weights.indices.filter { model.weights[$0] == 0 },
            exactZeros: exact.weights.indices.filter { exact.weights[$0] == 0 })
    }
}
