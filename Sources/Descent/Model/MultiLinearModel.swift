/// A linear model with several outputs, `Ŷ = XW + 1bᵀ`: a `d × k` weight matrix `W` (one column
/// per target) and `k` biases. Column `t` is the ``LinearModel`` of target `t` (``column(_:)``).
/// Solve one exactly with ``LeastSquares/solve(_:_:intercept:method:ridge:)->MultiLeastSquaresSolution<Scalar>``,
/// or train one with ``GradientDescent/fit(_:features:targets:onEpoch:)-(_,Matrix<Scalar>,Matrix<Scalar>,_)``.
///
/// ```swift
/// let multi = try LeastSquares.solve(X, Y)          // Y: n × k
/// let Yhat = try multi.model.predict(X)             // n × k
/// let perTarget = try multi.model.metrics(features: X, targets: Y)
/// ```
public struct MultiLinearModel<Scalar: BLASScalar>: Sendable, Equatable, CustomStringConvertible {
    /// The weights `W`, `d × k`: row `j` holds feature `j`'s weight for every target, column `t`
    /// target `t`'s weights.
    public var weights: Matrix<Scalar>
    /// The biases `b`, one per target.
    public var biases: [Scalar]
    /// What training remembers (counters, optimiser buffers), so that training this model again
    /// continues where it stopped; `nil` for a model that has not been trained. Not part of `==`.
    public internal(set) var trainingState: TrainingState<Scalar>? = nil
    /// The names of the feature columns (one per row of ``weights``), when known; saved with the
    /// model. Not part of `==`.
    public var featureNames: [String]? = nil
    /// The names of the targets (one per column of ``weights``), when known; saved with the model.
    /// Not part of `==`.
    public var targetNames: [String]? = nil
    /// The formula's design the model was fitted on, when it was (`y1 + y2 ~ …`); saved with the
    /// model, so that ``predict(table:unseenLevels:)`` rebuilds its columns from raw rows. Not
    /// part of `==`.
    public var design: Design? = nil

    /// Two models are equal when their weights and biases are.
    public static func == (lhs: MultiLinearModel, rhs: MultiLinearModel) -> Bool {
        lhs.weights == rhs.weights && lhs.biases == rhs.biases
    }

    /// Creates a model with the given weights and biases.
    ///
    /// - Parameters:
    ///   - weights: `d × k` weights, one column per target.
    ///   - biases: `k` biases, one per column of `weights`.
    /// - Throws: ``DescentError/invalidOption(name:value:expected:)`` when the counts disagree.
    public init(weights: Matrix<Scalar>, biases: [Scalar]) throws(DescentError) {
        guard biases.count == weights.columns else {
            throw .invalidOption(name: "biases", value: "\(biases.count) biases",
                                 expected: "one per column of the \(weights.rows) × \(weights.columns) weights")
        }
        self.weights = weights
        self.biases = biases
    }

    /// Creates the model whose target `t` is `models[t]`.
    ///
    /// - Parameter models: One single-target model per target, all of the same width.
    /// - Throws: ``DescentError/weightCountMismatch(weights:features:)`` when the widths differ.
    public init(_ models: [LinearModel<Scalar>]) throws(DescentError) {
        let d = models.first?.weights.count ?? 0
        for model in models where model.weights.count != d {
            throw .weightCountMismatch(weights: model.weights.count, features: d)
        }
        let elements = (0..<d).flatMap { j in models.map { $0.weights[j] } }
        self.init(weights: Matrix(rows: d, columns: models.count, validElements: elements), biases: models.map(\.bias),
                  unchecked: ())
        featureNames = models.first?.featureNames
    }

    /// Creates an empty model (no weights, no targets). Training initialises it to the data's
    /// shape using the trainer's ``GradientDescent/initialization``.
    public init() {
        self.init(weights: Matrix(rows: 0, columns: 0, validElements: []), biases: [], unchecked: ())
    }

    init(weights: Matrix<Scalar>, biases: [Scalar], unchecked: Void) {
        self.weights = weights
        self.biases = biases
    }

    /// The number of features `d` (rows of ``weights``).
    public var featureCount: Int { weights.rows }
    /// The number of targets `k` (columns of ``weights``).
    public var targetCount: Int { weights.columns }

    /// Target `target`'s model: column `target` of the weights and its bias, with the feature names.
    ///
    /// An index out of range traps, as an array subscript does.
    ///
    /// - Complexity: O(d).
    public func column(_ target: Int) -> LinearModel<Scalar> {
        precondition(target >= 0 && target < targetCount, "target \(target) out of range 0..<\(targetCount)")
        var model = LinearModel(weights: weights.column(target), bias: biases[target])
        model.featureNames = featureNames
        return model
    }

    /// Forgets the training state: the next `fit` starts the optimiser, schedule counters and
    /// averaging afresh from the current weights.
    public mutating func resetTrainingState() {
        trainingState = nil
    }

    /// A readable summary, e.g. `Ŷ = XW + 1bᵀ with W 3 × 2, b = [1.0, 0.5]`.
    public var description: String { "Ŷ = XW + 1bᵀ with W \(weights.rows) × \(weights.columns), b = \(biases)" }

    /// Predictions `Ŷ = XW + 1bᵀ` for every row of `features`, one column per target.
    ///
    /// - Throws: ``DescentError/weightCountMismatch(weights:features:)`` if the widths differ,
    ///   ``DescentError/invalidOption(name:value:expected:)`` for a model whose biases do not match
    ///   its weights, ``DescentError/nonFiniteValue(at:)`` for NaN or ±∞ in the features or the model.
    /// - Complexity: O(rows × d × k): one `gemm` per 2²⁰ rows (so that BLAS's 32-bit counts hold).
    @specialized(where Scalar == Float)
    @specialized(where Scalar == Double)
    public func predict(_ features: Matrix<Scalar>) throws(DescentError) -> Matrix<Scalar> {
        try checkShape()
        try checkWidth(features.columns)
        try Validation.checkFinite(features)
        try checkFinite()
        let n = features.rows, d = features.columns, k = targetCount
        var output = [Scalar](repeating: 0, count: n * k)
        for i in 0..<n { for t in 0..<k { output[i * k + t] = biases[t] } }
        guard n > 0, d > 0, k > 0 else { return Matrix(rows: n, columns: k, validElements: output) }
        let chunk = Swift.max(1, Swift.min(1 << 20, Int(Int32.max) / Swift.max(d, k)))
        features.withUnsafeBufferPointer { x in
            weights.withUnsafeBufferPointer { w in
                output.withUnsafeMutableBufferPointer { out in
                    var start = 0
                    while start < n {
                        let m = Swift.min(chunk, n - start)
                        BLAS.gemm(x.baseAddress! + start * d, w.baseAddress!, m: m, n: k, k: d, beta: 1,
                                  out.baseAddress! + start * k)   // out holds the biases: Ŷ = XW + 1bᵀ
                        start += m
                    }
                }
            }
        }
        return Matrix(rows: n, columns: k, validElements: output)
    }

    /// MSE, RMSE, MAE and R² of each target on `features` and `targets` (sums in `Double`), as
    /// ``LinearModel/metrics(features:targets:)`` computes them for one.
    ///
    /// - Parameters:
    ///   - features: `n × d` features, row-major.
    ///   - targets: `n × k` targets, one column per target.
    /// - Returns: One ``RegressionMetrics`` per target, in column order.
    /// - Throws: as ``predict(_:)``, and ``DescentError/targetCountMismatch(rows:targets:)``,
    ///   ``DescentError/noRows``, and ``DescentError/invalidOption(name:value:expected:)`` when the
    ///   targets have another number of columns than the model.
    /// - Complexity: O(rows × d × k).
    public func metrics(features: Matrix<Scalar>, targets: Matrix<Scalar>) throws(DescentError) -> [RegressionMetrics] {
        try scores(features: features, targets: targets, weights: nil)
    }

    /// The weighted metrics of each target, as ``LinearModel/metrics(features:targets:weights:)``
    /// computes them for one (`Σwᵢrᵢ²/Σwᵢ`, and R² against the weighted mean).
    ///
    /// - Parameters:
    ///   - features: `n × d` features, row-major.
    ///   - targets: `n × k` targets, one column per target.
    ///   - weights: `n` weights, finite and ≥ 0, not all zero.
    /// - Returns: One ``RegressionMetrics`` per target, in column order.
    /// - Throws: as ``metrics(features:targets:)``, and ``DescentError/invalidOption(name:value:expected:)``
    ///   for unusable weights.
    /// - Complexity: O(rows × d × k).
    public func metrics(features: Matrix<Scalar>, targets: Matrix<Scalar>, weights: [Scalar]) throws(DescentError)
        -> [RegressionMetrics] {
        try scores(features: features, targets: targets, weights: weights)
    }

    /// The metrics of every target, weighted when `weights` are given.
    func scores(features: Matrix<Scalar>, targets: Matrix<Scalar>, weights: [Scalar]?) throws(DescentError)
        -> [RegressionMetrics] {
        try Validation.checkShape(features, targets: targets)
        try checkTargets(targets.columns)
        try Validation.checkFinite(targets: targets)
        if let weights { try Validation.checkWeights(weights, rows: targets.rows) }
        let predictions = try predict(features)
        return (0..<targetCount).map { t in
            LinearModel<Scalar>.metrics(predictions: predictions.column(t), targets: targets.column(t), weights: weights)
        }
    }

    /// Throws unless there is one bias per column of the weights.
    func checkShape() throws(DescentError) {
        guard biases.count == weights.columns else {
            throw .invalidOption(name: "model", value: "\(weights.rows) × \(weights.columns) weights and \(biases.count) biases",
                                 expected: "one bias per column of the weights")
        }
    }

    func checkWidth(_ columns: Int) throws(DescentError) {
        guard weights.rows == columns else { throw .weightCountMismatch(weights: weights.rows, features: columns) }
    }

    func checkTargets(_ columns: Int) throws(DescentError) {
        guard weights.columns == columns else {
            throw .invalidOption(name: "model", value: "a model of \(weights.columns) targets",
                                 expected: "one target per column of the targets (\(columns)); start from "
                                     + "MultiLinearModel() to take the data's shape")
        }
    }

    /// Throws ``DescentError/nonFiniteValue(at:)`` for a NaN or ±∞ weight or bias.
    func checkFinite() throws(DescentError) {
        let k = weights.columns
        if let index = weights.withUnsafeBufferPointer({ Validation.firstNonFinite($0) }) {
            throw .nonFiniteValue(at: .multiModel(feature: index / k, target: index % k))
        }
        if let target = biases.firstIndex(where: { !$0.isFinite }) {
            throw .nonFiniteValue(at: .multiModel(feature: nil, target: target))
        }
    }
}
