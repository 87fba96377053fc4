import Descent

/// The inference summary of a least-squares fit over rows spread over MPI ranks, under any
/// covariance type: every sum (the QR's triangles, the meat, the residual moments, the HAC lag
/// products across rank boundaries, the cluster sums merged by label) is combined in rank order,
/// so every rank gets the same bits, equal to the single-process summary of the rows concatenated
/// in rank order (to rounding).
///
/// ```swift
/// let fit = try LeastSquares.solve(localX, localY, across: world)
/// let s = try fit.summary(features: localX, targets: localY, across: world, covariance: .hc3)
/// ```
extension LeastSquaresSolution {
    /// The summary over every rank's rows (this rank passes its own).
    ///
    /// - Parameters:
    ///   - features: This rank's `n × d` features (`n` may be 0).
    ///   - targets: This rank's `n` targets.
    ///   - world: The ranks that share the data set.
    ///   - featureNames: Names for the table.
    ///   - covariance: The estimates' covariance; cluster labels are one per row of this rank.
    ///   - useT: t or normal tests, as in one process.
    /// - Returns: The summary, the same bits on every rank.
    /// - Throws: the same `DescentError` on every rank, as the single-process summary.
    /// - Complexity: O(n·d²) on each rank, plus O(log size) messages of O(d²) numbers (O(G·d) for clusters).
    public func summary(features: Matrix<Scalar>, targets: [Scalar], across world: MPICommunicator,
                        featureNames: [String]? = nil, covariance: LeastSquares.Covariance = .nonrobust,
                        useT: Bool? = nil) throws(DescentError) -> RegressionSummary {
        let data = try world.localDataset(features, targets)
        return try summary(from: data, across: world, featureNames: featureNames, covariance: covariance, useT: useT)
    }

    /// The summary over every rank's rows read from a row source (a `Dataset`, a stream from files).
    ///
    /// - Parameters:
    ///   - source: This rank's rows (any number, 0 allowed), one target per row.
    ///   - world: The ranks that share the data set.
    ///   - featureNames: Names for the table.
    ///   - covariance: The estimates' covariance; cluster labels are one per row of this rank's source.
    ///   - useT: t or normal tests, as in one process.
    /// - Returns: The summary, the same bits on every rank.
    /// - Throws: as ``summary(features:targets:across:featureNames:covariance:useT:)-(Matrix<Scalar>,_,_,_,_,_)``, and the source's read errors.
    /// - Complexity: as ``summary(features:targets:across:featureNames:covariance:useT:)-(Matrix<Scalar>,_,_,_,_,_)``.
    public func summary<Source: RowSource>(from source: Source, across world: MPICommunicator,
                                           featureNames: [String]? = nil,
                                           covariance: LeastSquares.Covariance = .nonrobust,
                                           useT: Bool? = nil) throws(DescentError) -> RegressionSummary
        where Source.Scalar == Scalar {
        try world.agreeOnShape(.success(.init(columns: source.columns, rows: source.rowCount, modelWeights: nil)))
        return try summary(from: source, featureNames: featureNames, covariance: covariance, useT: useT, collective: world)
    }
}
