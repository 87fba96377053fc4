import Descent

/// Exact quantile regression on rows spread over MPI ranks: the same answer on every rank, the
/// single-process fit of the rows concatenated in rank order (to rounding). Every Frisch–Newton
/// iteration's sums (the `p × p` Gram matrix, right-hand sides, step lengths) go through the
/// communicator; each rank keeps the dual variables of its own rows.
///
/// ```swift
/// let world = try MPICommunicator.world()
/// let q = try QuantileRegression.fit(localX, localY, across: world, quantile: 0.9)
/// let s = try q.summary(standardErrors: .nid)          // every rank calls it
/// ```
extension QuantileRegression {
    /// Fits the τ-quantile of every rank's rows; every rank gets the answer.
    ///
    /// Every rank of `world` must call it with its own rows (any number, 0 allowed) of the same
    /// columns and the same options; `QuantileRegression/summary(standardErrors:featureNames:)` of the result is
    /// collective too.
    ///
    /// - Parameters:
    ///   - features: This rank's `n × d` features.
    ///   - targets: This rank's `n` targets.
    ///   - world: The ranks that share the data set.
    ///   - quantile: τ, strictly between 0 and 1.
    ///   - weights: This rank's `n` sample weights, or `nil`.
    ///   - intercept: Fit a bias `b` (default).
    /// - Returns: The fit, the same on every rank.
    /// - Throws: the same `DescentError` on every rank: the single-process errors (found on any
    ///   rank), `DescentError/ranksDisagree(quantity:values:)`, `DescentError/communicationFailed(reason:)`.
    /// - Complexity: O(n·p²) per iteration on each rank, plus a sum of O(p²) numbers.
    public static func fit(_ features: Matrix<Scalar>, _ targets: [Scalar], across world: MPICommunicator,
                           quantile: Double, weights: [Scalar]? = nil,
                           intercept: Bool = true) throws(DescentError) -> QuantileRegression {
        try fit(from: try world.localDataset(features, targets), across: world, quantile: quantile, weights: weights,
                intercept: intercept)
    }

    /// Fits the τ-quantile of every rank's rows read from a row source; every rank gets the answer.
    ///
    /// - Parameters:
    ///   - source: This rank's rows (any number, 0 allowed).
    ///   - world: The ranks that share the data set.
    ///   - quantile: τ, strictly between 0 and 1.
    ///   - weights: This rank's sample weights (`source.rowCount`), or `nil`.
    ///   - intercept: Fit a bias `b` (default).
    /// - Returns: The fit, the same on every rank.
    /// - Throws: as ``fit(_:_:across:quantile:weights:intercept:)``, and the source's read errors.
    /// - Complexity: as ``fit(_:_:across:quantile:weights:intercept:)``.
    public static func fit(from source: some RowSource<Scalar>, across world: MPICommunicator, quantile: Double,
                           weights: [Scalar]? = nil, intercept: Bool = true) throws(DescentError) -> QuantileRegression {
        try world.agreeOnShape(.success(.init(columns: source.columns, rows: source.rowCount, modelWeights: nil)))
        return try fit(from: source, quantile: quantile, weights: weights, intercept: intercept, collective: world)
    }

    /// The exact optimum of a piecewise-linear loss over every rank's rows (the reference of a
    /// distributed gradient-descent fit); every rank gets the answer.
    ///
    /// - Parameters:
    ///   - source: This rank's rows.
    ///   - world: The ranks that share the data set.
    ///   - weights: This rank's weights, or `nil`.
    ///   - loss: The loss.
    ///   - intercept: Fit a bias `b` (default).
    /// - Returns: The optimum, the same on every rank; its mean objective divides by the weights of all ranks.
    /// - Throws: as ``fit(_:_:across:quantile:weights:intercept:)``.
    /// - Complexity: as ``fit(_:_:across:quantile:weights:intercept:)``.
    public static func exactOptimum(from source: some RowSource<Scalar>, across world: MPICommunicator,
                                    weights: [Scalar]? = nil, loss: Loss,
                                    intercept: Bool = true) throws(DescentError) -> PiecewiseLinearOptimum<Scalar> {
        try world.agreeOnShape(.success(.init(columns: source.columns, rows: source.rowCount, modelWeights: nil)))
        return try exactOptimum(from: source, weights: weights, loss: loss, intercept: intercept, collective: world)
    }
}
