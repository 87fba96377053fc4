/// A linear model `ŷ = Xw + b`: one weight per feature column and a bias (intercept).
public struct LinearModel<Scalar: BLASScalar>: Sendable, Equatable, CustomStringConvertible {
    /// The weights `w`, one per feature column.
    public var weights: [Scalar]
    /// The bias (intercept) `b`.
    public var bias: Scalar
    /// What training remembers (counters, optimiser buffers), so that training this model again
    /// continues where it stopped; `nil` for a model that has not been trained. Not part of `==`.
    public internal(set) var trainingState: TrainingState<Scalar>? = nil
    /// The names of the feature columns, when the model was fitted on a ``Dataset`` or given them;
    /// saved with the model. Not part of `==`.
    public var featureNames: [String]? = nil
    /// What intervals around predictions need (``prediction(for:level:)``): the covariance of a
    /// least-squares fit's estimates, from its summary (``RegressionSummary/inference``); saved
    /// with the model. Not part of `==`.
    public var inference: ModelInference? = nil
    /// The formula's design the model was fitted on (its levels, codings and transforms'
    /// statistics), when it was fitted on a formula; saved with the model, so that
    /// ``predict(table:unseenLevels:)`` rebuilds its columns from raw rows. Not part of `==`.
    public var design: Design? = nil

    /// Two models are equal when their weights and biases are.
    public static func == (lhs: LinearModel, rhs: LinearModel) -> Bool {
        lhs.weights == rhs.weights && lhs.bias == rhs.bias
    }

    /// Forgets the training state: the next `fit` starts the optimiser, schedule counters and
    /// averaging afresh from the current weights.
    public mutating func resetTrainingState() {
        trainingState = nil
    }

    /// Creates a model with the given weights and bias.
    ///
    /// - Parameters:
    ///   - weights: One weight per feature column.
    ///   - bias: The intercept `b`.
    public init(weights: [Scalar], bias: Scalar = 0) {
        self.weights = weights
        self.bias = bias
    }

    /// Creates an empty model (no weights). Training initialises it to the data's width using the
    /// trainer's ``GradientDescent/initialization``.
    public init() {
        self.init(weights: [], bias: 0)
    }

    /// A readable summary, e.g. `ŷ = Xw + b with w = [1.0, -2.0], b = 0.0`.
    public var description: String { "ŷ = Xw + b with w = \(weights), b = \(bias)" }

    /// Predictions `ŷ = Xw + b` for every row of `features`.
    ///
    /// - Throws: ``DescentError/weightCountMismatch(weights:features:)`` if the widths differ,
    ///   ``DescentError/nonFiniteValue(at:)`` for NaN or ±∞ in the features or the model.
    /// - Complexity: O(rows × columns), one `gemv`.
    @specialized(where Scalar == Float)
    @specialized(where Scalar == Double)
    public func predict(_ features: Matrix<Scalar>) throws(DescentError) -> [Scalar] {
        try checkWidth(features.columns)
        try Validation.checkFinite(features)
        try checkFinite()
        var output = [Scalar](repeating: bias, count: features.rows)
        guard features.rows > 0, features.columns > 0 else { return output }
        let d = features.columns, chunk = features._rowsPerCall
        features.withUnsafeBufferPointer { x in
            weights.withUnsafeBufferPointer { w in
                output.withUnsafeMutableBufferPointer { out in
                    var start = 0
                    while start < features.rows {
                        let m = Swift.min(chunk, features.rows - start)
                        BLAS.gemv(x.baseAddress! + start * d, rows: m, columns: d, w.baseAddress!, beta: 1,
                                  out.baseAddress! + start)   // out holds the bias: ŷ = Xw + b
                        start += m
                    }
                }
            }
        }
        return output
    }

    /// The mean squared error `(1/n)·Σ(ŷᵢ − yᵢ)²` of this model on `features` and `targets`.
    ///
    /// - Parameters:
    ///   - features: `n × d` features, row-major.
    ///   - targets: `n` targets.
    /// - Returns: The MSE, in the training precision (a loss, like ``FitHistory/losses``).
    /// - Throws: as ``predict(_:)-(Matrix<Scalar>)``, and ``DescentError/targetCountMismatch(rows:targets:)``,
    ///   ``DescentError/noRows``.
    /// - Complexity: O(rows × columns).
    @specialized(where Scalar == Float)
    @specialized(where Scalar == Double)
    public func meanSquaredError(features: Matrix<Scalar>, targets: [Scalar]) throws(DescentError) -> Scalar {
        try Validation.checkShape(features, targets)
        try Validation.checkFinite(targets)
        let predictions = try predict(features)
        var sum = Scalar.Accumulator.zero
        for (p, t) in zip(predictions, targets) {
            let r = Scalar.Accumulator(p) - Scalar.Accumulator(t)
            sum += r * r
        }
        return Scalar(sum / Scalar.Accumulator(targets.count))
    }

    /// Throws ``DescentError/nonFiniteValue(at:)`` for a NaN or ±∞ weight or bias.
    func checkFinite() throws(DescentError) {
        if let index = weights.withUnsafeBufferPointer({ Validation.firstNonFinite($0) }) {
            throw .nonFiniteValue(at: .model(weight: index))
        }
        guard bias.isFinite else { throw .nonFiniteValue(at: .model(weight: nil)) }
    }

    func checkWidth(_ columns: Int) throws(DescentError) {
        guard weights.count == columns else {
            throw .weightCountMismatch(weights: weights.count, features: columns)
        }
    }
}
