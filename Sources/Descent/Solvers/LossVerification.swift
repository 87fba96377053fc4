/// How close a model trained with a ``Loss`` is to the exact optimum of the same objective
/// (``RobustRegression/verify(_:features:targets:weights:loss:)``): ``LeastSquares/verify(_:features:targets:intercept:method:)``'s
/// counterpart for every loss.
public struct LossVerification<Scalar: BLASScalar>: Sendable, CustomStringConvertible {
    /// The loss compared.
    public let loss: Loss
    /// The exact optimum's model.
    public let exact: LinearModel<Scalar>
    /// The model's objective `(1/Σvᵢ)·Σvᵢℓ(rᵢ)` (the mean loss; weighted by the sample weights).
    public let objective: Double
    /// The exact optimum's objective.
    public let exactObjective: Double
    /// `(objective − exactObjective)/exactObjective`: how much worse than the best the model fits,
    /// relative to the best — or to `10⁻⁸` of the best constant model's objective when the optimum
    /// is below that (a loss that some model fits exactly, e.g. ε-insensitive). Never meaningfully
    /// negative.
    public let objectiveGap: Double
    /// `maxⱼ |wⱼ − w*ⱼ|` over the weights.
    public let maxWeightDifference: Double
    /// `|b − b*|`.
    public let biasDifference: Double
    /// Whether the optimum is unique, so that the differences in the coefficients mean something:
    /// a piecewise-linear loss's optimum can be a face (`false`), and then only ``objectiveGap``
    /// compares; `nil` when the exact solver does not decide it.
    public let exactIsUnique: Bool?

    /// A one-line summary.
    public var description: String {
        "objective gap = \(formatScientific(objectiveGap)) (objective \(objective), exact \(exactObjective)), "
            + "max |Δw| = \(formatScientific(maxWeightDifference)), |Δb| = \(formatScientific(biasDifference))"
            + (exactIsUnique == false ? " (the optimum is not unique: compare objectives)" : "")
    }
}

extension RobustRegression {
    /// Compares a model trained with `loss` (``GradientDescent/loss``) with the exact optimum of
    /// the same objective, `(1/Σvᵢ)·Σvᵢℓ(xᵢᵀw + b − yᵢ)`:
    ///
    /// | loss | exact optimum |
    /// |---|---|
    /// | ``Loss/squared`` | ``LeastSquares`` (weighted when `weights` are given) |
    /// | ``Loss/huber(delta:)``, ``Loss/squaredEpsilonInsensitive(_:)`` | Newton's method on the rows' pieces, finished on the final partition's normal equations (Huber with a fixed `δ` is smooth and convex with a unique minimiser when the rows inside `δ` span the features) |
    /// | ``Loss/absolute``, ``Loss/quantile(_:)``, ``Loss/epsilonInsensitive(_:)`` | the linear program by ``QuantileRegression``'s interior point, finished at its vertex |
    ///
    /// ```swift
    /// var gd = GradientDescent<Double>()
    /// gd.loss = .huber(delta: 1.35)
    /// try gd.fit(&model, features: X, targets: y)
    /// let v = try RobustRegression.verify(model, features: X, targets: y, loss: gd.loss)
    /// v.objectiveGap; v.maxWeightDifference
    /// ```
    ///
    /// - Parameters:
    ///   - model: The trained model (with a bias, as every exact optimum here fits one).
    ///   - features: The training features.
    ///   - targets: The training targets.
    ///   - weights: The training sample weights, or `nil`.
    ///   - loss: The loss trained.
    /// - Returns: The objective gap and the coefficient differences.
    /// - Throws: ``DescentError`` for inconsistent shapes, non-finite values, bad weights, a bad
    ///   loss parameter (``Loss/validate()``), a model of another width, or what the exact solver throws.
    /// - Complexity: that of the exact solver, plus one pass over the data.
    public static func verify<Scalar: BLASScalar>(_ model: LinearModel<Scalar>, features: Matrix<Scalar>,
                                                  targets: [Scalar], weights: [Scalar]? = nil,
                                                  loss: Loss) throws(DescentError) -> LossVerification<Scalar> {
        try loss.validate()
        try model.checkWidth(features.columns)
        try Validation.checkShape(features, targets)
        let exact: LinearModel<Scalar>, unique: Bool?
        if loss.isSquared {
            let solution = if let weights {
                try LeastSquares.solve(features, targets, weights: weights)
            } else {
                try LeastSquares.solve(features, targets)
            }
            (exact, unique) = (solution.model, solution.rank == features.columns)
        } else if loss.isPiecewiseQuadratic {
            let optimum = try exactOptimum(features: features, targets: targets, weights: weights, loss: loss)
            (exact, unique) = (optimum.result(intercept: true).model, optimum.unique)
        } else {
            let optimum = try QuantileRegression<Scalar>.exactOptimum(features: features, targets: targets,
                                                                      weights: weights, loss: loss)
            (exact, unique) = (optimum.model, optimum.isUnique)
        }
        let objective = meanLoss(model, features, targets, weights, loss)
        let best = meanLoss(exact, features, targets, weights, loss)
        // Relative to the optimum, or to 10⁻⁸ of the best constant model's objective when the
        // optimum is below that (a loss that some model fits exactly, e.g. ε-insensitive).
        let totalWeight = weights.map { $0.reduce(0.0) { $0 + Double($1) } } ?? Double(targets.count)
        let mean = (0..<targets.count).reduce(0.0) { $0 + Double(weights?[$1] ?? 1) * Double(targets[$1]) } / totalWeight
        let constant = meanLoss(LinearModel(weights: [Scalar](repeating: 0, count: features.columns), bias: Scalar(mean)),
                                features, targets, weights, loss)
        let gap = (objective - best) / Swift.max(best, 1e-8 * constant, .leastNormalMagnitude)
        let weightDifference = zip(model.weights, exact.weights).reduce(0.0) {
            Swift.max($0, Swift.abs(Double($1.0) - Double($1.1)))
        }
        return LossVerification(loss: loss, exact: exact, objective: objective, exactObjective: best, objectiveGap: gap,
                                maxWeightDifference: weightDifference,
                                biasDifference: Swift.abs(Double(model.bias) - Double(exact.bias)), exactIsUnique: unique)
    }

    /// `(1/Σvᵢ)·Σvᵢℓ(rᵢ)` in `Double`, compensated.
    static func meanLoss<S: BLASScalar>(_ model: LinearModel<S>, _ x: Matrix<S>, _ y: [S], _ v: [S]?, _ loss: Loss) -> Double {
        var total = 0.0, compensation = 0.0, weight = 0.0
        let d = x.columns
        for i in 0..<x.rows {
            var r = Double(model.bias) - Double(y[i])
            for j in 0..<d { r += Double(x[i, j]) * Double(model.weights[j]) }
            let vi = Double(v?[i] ?? 1)
            weight += vi
            let term = vi * loss.value(r) - compensation
            let next = total + term
            compensation = (next - total) - term
            total = next
        }
        return weight > 0 ? total / weight : 0
    }
}
