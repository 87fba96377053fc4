import Descent

/// Exact robust regression on rows spread over MPI ranks: statsmodels' `RLM` fixed point of all
/// ranks' rows, the same bits on every rank, equal to the single-process fit of the rows
/// concatenated in rank order (to rounding).
///
/// ```swift
/// let world = try MPICommunicator.world()
/// let m = try RobustRegression.fit(localX, localY, norm: .huber(t: 1.345), across: world)
/// let s = try m.summary(covariance: .h1)      // no further communication
/// ```
///
/// Every IRLS iteration sums each rank's weighted Gram matrix and gradient across the ranks
/// (about `d²/2` numbers); the MAD scale's median is found exactly without gathering the residuals,
/// by radix selection on their bit patterns: four passes, each summing a 2 × 65,536-bucket
/// histogram across the ranks.
extension RobustRegression {
    /// The M-estimate of every rank's rows; every rank gets the answer.
    ///
    /// Every rank of `world` must call it with its own rows (any number, 0 allowed) of the same
    /// columns, and the same options.
    ///
    /// - Parameters:
    ///   - features: This rank's `n × d` features.
    ///   - targets: This rank's `n` targets.
    ///   - norm: See `RobustRegression/Norm`.
    ///   - scale: `.mad` (default) or `.fixed(s)`.
    ///   - weights: Optional sample weights of this rank's rows.
    ///   - world: The ranks that share the data set.
    ///   - intercept: Fit a bias (default).
    ///   - tolerance: As for one process.
    ///   - maxIterations: As for one process.
    /// - Returns: The fit, the same bits on every rank; its `weights` are this rank's rows'.
    /// - Throws: the same `DescentError` on every rank: as the single-process fit, or
    ///   `DescentError/ranksDisagree(quantity:values:)` when the ranks' column counts differ.
    /// - Complexity: as for one process, plus the collective sums of each pass.
    public static func fit<Scalar: BLASScalar>(_ features: Matrix<Scalar>, _ targets: [Scalar], norm: Norm,
                                               scale: Scale = .mad, weights: [Scalar]? = nil, across world: MPICommunicator,
                                               intercept: Bool = true, tolerance: Double = defaultTolerance,
                                               maxIterations: Int = 1000) throws(DescentError)
        -> RobustRegressionFit<Scalar> {
        let data = try world.localDataset(features, targets)
        return try fit(from: data, norm: norm, scale: scale, weights: weights, across: world, intercept: intercept,
                       tolerance: tolerance, maxIterations: maxIterations)
    }

    /// The M-estimate of every rank's `RowSource` (a streamed file per rank); every rank gets the
    /// answer.
    ///
    /// - Parameters:
    ///   - source: This rank's rows, one target per row.
    ///   - norm: See `RobustRegression/Norm`.
    ///   - scale: `.mad` (default) or `.fixed(s)`.
    ///   - weights: Optional sample weights of this rank's rows, in the source's row order.
    ///   - world: The ranks that share the data set.
    ///   - intercept: Fit a bias (default).
    ///   - tolerance: As for one process.
    ///   - maxIterations: As for one process.
    /// - Returns: The fit (with the source's feature names), the same bits on every rank.
    /// - Throws: as ``fit(_:_:norm:scale:weights:across:intercept:tolerance:maxIterations:)``.
    public static func fit<Source: RowSource>(from source: Source, norm: Norm, scale: Scale = .mad,
                                              weights: [Source.Scalar]? = nil, across world: MPICommunicator,
                                              intercept: Bool = true, tolerance: Double = defaultTolerance,
                                              maxIterations: Int = 1000) throws(DescentError)
        -> RobustRegressionFit<Source.Scalar> {
        try world.agreeOnShape(.success(.init(columns: source.columns, rows: source.rowCount, modelWeights: nil)))
        return try fit(from: source, norm: norm, scale: scale, weights: weights, intercept: intercept,
                       tolerance: tolerance, maxIterations: maxIterations, collective: world)
    }
}
