/// How close a trained model is to the exact least-squares solution on the same data.
public struct Verification<Scalar: BLASScalar>: Sendable, CustomStringConvertible {
    /// The exact solution the model was compared with.
    public let exact: LeastSquaresSolution<Scalar>
    /// `maxⱼ |wⱼ − w*ⱼ|` over the weights.
    public let maxWeightDifference: Double
    /// `|b − b*|`.
    public let biasDifference: Double
    /// The trained model's training MSE.
    public let trainedMSE: Double
    /// The exact solution's training MSE (the least achievable).
    public let exactMSE: Double
    /// `(trainedMSE − exactMSE) / max(exactMSE, ε·mean(y²))`: how much worse than the best the trained
    /// model fits, relative to the best (the floor keeps it finite on noiseless data; ε is the
    /// scalar type's ulp). Never meaningfully negative.
    public let relativeMSEGap: Double

    /// Whether both differences are within the given tolerances.
    ///
    /// - Parameters:
    ///   - weightTolerance: The largest allowed `|Δw|` or `|Δb|`.
    ///   - relativeMSETolerance: The largest allowed ``relativeMSEGap``.
    public func isWithin(weightTolerance: Double, relativeMSETolerance: Double) -> Bool {
        Swift.max(maxWeightDifference, biasDifference) <= weightTolerance && relativeMSEGap <= relativeMSETolerance
    }

    /// A one-line summary.
    public var description: String {
        "max |Δw| = \(formatScientific(maxWeightDifference)), |Δb| = \(formatScientific(biasDifference)), "
            + "relative MSE gap = \(formatScientific(relativeMSEGap)) (exact: \(exact.method))"
    }
}

extension LeastSquares {
    /// Compares a trained model with the exact least-squares solution on the same data.
    ///
    /// - Parameters:
    ///   - model: The trained model.
    ///   - features: The training features.
    ///   - targets: The training targets.
    ///   - intercept: Whether the exact solution fits a bias (as the trained model does).
    ///   - method: The exact method; `.automatic` by default.
    /// - Throws: as ``solve(_:_:intercept:method:ridge:)->LeastSquaresSolution<Scalar>``, and ``DescentError/weightCountMismatch(weights:features:)``.
    /// - Complexity: that of the exact solve, plus two passes over the data.
    @specialized(where Scalar == Float)
    @specialized(where Scalar == Double)
    public static func verify<Scalar: BLASScalar>(_ model: LinearModel<Scalar>, features: Matrix<Scalar>,
                                                  targets: [Scalar], intercept: Bool = true,
                                                  method: Method = .automatic) throws(DescentError)
        -> Verification<Scalar> {
        try model.checkWidth(features.columns)
        let exact = try solve(features, targets, intercept: intercept, method: method)
        return try verify(model, against: exact, features: features, targets: targets)
    }

    /// Compares a trained model with an exact solution already computed for the same data.
    ///
    /// - Parameters:
    ///   - model: The trained model.
    ///   - exact: The exact solution on `features` and `targets`.
    ///   - features: The training features.
    ///   - targets: The training targets.
    /// - Throws: ``DescentError`` for inconsistent shapes, empty data or non-finite values.
    /// - Complexity: two passes over the data.
    @specialized(where Scalar == Float)
    @specialized(where Scalar == Double)
    public static func verify<Scalar: BLASScalar>(_ model: LinearModel<Scalar>, against exact: LeastSquaresSolution<Scalar>,
                                                  features: Matrix<Scalar>, targets: [Scalar]) throws(DescentError)
        -> Verification<Scalar> {
        try compare(model, against: exact, features: features, targets: targets, weights: nil)
    }

    /// Compares a model trained on weighted rows with the exact weighted least-squares solution
    /// (``solve(_:_:weights:intercept:method:ridge:)->LeastSquaresSolution<Scalar>``) on the same
    /// data; the mean squared errors are weighted, `Σwᵢrᵢ² / Σwᵢ`.
    ///
    /// - Parameters:
    ///   - model: The trained model.
    ///   - features: The training features.
    ///   - targets: The training targets.
    ///   - weights: The sample weights it was trained with.
    ///   - intercept: Whether the exact solution fits a bias (as the trained model does).
    ///   - method: The exact method; `.automatic` by default.
    /// - Throws: as the weighted solve, and ``DescentError/weightCountMismatch(weights:features:)``.
    /// - Complexity: that of the exact solve, plus two passes over the data.
    public static func verify<Scalar: BLASScalar>(_ model: LinearModel<Scalar>, features: Matrix<Scalar>,
                                                  targets: [Scalar], weights: [Scalar], intercept: Bool = true,
                                                  method: Method = .automatic) throws(DescentError)
        -> Verification<Scalar> {
        try model.checkWidth(features.columns)
        let exact = try solve(features, targets, weights: weights, intercept: intercept, method: method)
        return try compare(model, against: exact, features: features, targets: targets, weights: weights)
    }

    /// The comparison, with weighted mean squared errors when `weights` are given.
    static func compare<Scalar: BLASScalar>(_ model: LinearModel<Scalar>, against exact: LeastSquaresSolution<Scalar>,
                                            features: Matrix<Scalar>, targets: [Scalar],
                                            weights: [Scalar]?) throws(DescentError) -> Verification<Scalar> {
        try model.checkWidth(features.columns)
        return try compare(model, against: exact, targets: targets) { (m) throws(DescentError) in
            guard let weights else { return Double(try m.meanSquaredError(features: features, targets: targets)) }
            return weightedMeanSquaredError(try m.predict(features), targets, weights)
        }
    }

    /// `Σwᵢ(ŷᵢ − yᵢ)² / Σwᵢ`.
    static func weightedMeanSquaredError<Scalar: BLASScalar>(_ predictions: [Scalar], _ targets: [Scalar],
                                                              _ weights: [Scalar]) -> Double {
        var sum = 0.0, total = 0.0
        for i in 0..<targets.count {
            let r = Double(predictions[i]) - Double(targets[i])
            sum += Double(weights[i]) * r * r
            total += Double(weights[i])
        }
        return sum / total
    }

    /// The comparison of two models by their differences and the mean squared errors
    /// `meanSquaredError` gives them on the training data, whatever its layout.
    static func compare<Scalar: BLASScalar>(_ model: LinearModel<Scalar>, against exact: LeastSquaresSolution<Scalar>,
                                            targets: [Scalar],
                                            meanSquaredError: (LinearModel<Scalar>) throws(DescentError) -> Double)
        throws(DescentError) -> Verification<Scalar> {
        let trained = try meanSquaredError(model)
        let best = try meanSquaredError(exact.model)
        let meanSquare = targets.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(targets.count)
        let floor = Swift.max(best, Double(Scalar.ulpOfOne) * meanSquare, Double.leastNormalMagnitude)
        let weightDifference = zip(model.weights, exact.model.weights)
            .reduce(0.0) { Swift.max($0, Swift.abs(Double($1.0) - Double($1.1))) }
        return Verification(exact: exact, maxWeightDifference: weightDifference,
                            biasDifference: Swift.abs(Double(model.bias) - Double(exact.model.bias)),
                            trainedMSE: Double(trained), exactMSE: Double(best),
                            relativeMSEGap: (Double(trained) - Double(best)) / floor)
    }
}
