import Descent

/// The exact sparse solve and its summary over rows spread over MPI ranks: the choice of
/// `LeastSquares.solve(_:_:intercept:ridge:)` on sparse features (the sparse Gram matrix for few
/// columns, LSMR otherwise) made once for all ranks, every pass's sums added in rank order, so every
/// rank gets the same bits, equal to the single-process solve of the rows concatenated in rank order
/// (to rounding).
///
/// ```swift
/// let world = try MPICommunicator.world()
/// let exact = try LeastSquares.solve(localX, localY, across: world)       // localX: SparseMatrix
/// let s = try exact.summary(features: localX, targets: localY, across: world, covariance: .hc1)
/// ```
extension LeastSquares {
    /// Solves least squares on every rank's sparse rows; every rank gets the answer.
    ///
    /// The Gram path sums each rank's `d × d` Gram matrix and sums (one sum of about `d² + 3d`
    /// numbers) and each refinement pass's `d` gradient; LSMR sums `Aᵀu` every iteration.
    ///
    /// - Parameters:
    ///   - features: This rank's sparse rows (any number, 0 allowed), the same columns on every rank.
    ///   - targets: This rank's targets.
    ///   - world: The ranks that share the data set.
    ///   - intercept: Fit an unpenalised bias (default).
    ///   - ridge: `λ ≥ 0`, as in one process.
    /// - Returns: The solution, the same bits on every rank.
    /// - Throws: the same `DescentError` on every rank: the single-process errors (found on any
    ///   rank), or `DescentError/communicationFailed(reason:)`.
    /// - Complexity: as in one process on each rank's rows, plus the sums above.
    public static func solve<Scalar: BLASScalar>(_ features: SparseMatrix<Scalar>, _ targets: [Scalar],
                                                 across world: MPICommunicator, intercept: Bool = true,
                                                 ridge: Double = 0) throws(DescentError) -> LeastSquaresSolution<Scalar> {
        try solve(from: try world.localSparseDataset(features, targets), across: world, intercept: intercept, ridge: ridge)
    }

    /// Solves the least-squares problems of several targets that share sparse features over every
    /// rank's rows (`targets`: this rank's `n × k` matrix); every rank gets the answer, equal to the
    /// single-process `LeastSquares.solve(_:_:intercept:ridge:)` for several sparse targets on the
    /// rows concatenated in rank order (to rounding): one Gram matrix summed across the ranks and
    /// factored once, or LSMR per target.
    ///
    /// - Parameters:
    ///   - features: This rank's sparse rows (any number, 0 allowed), the same columns on every rank.
    ///   - targets: This rank's `n × k` targets, the same `k` on every rank.
    ///   - world: The ranks that share the data set.
    ///   - intercept: Fit an unpenalised bias per target (default).
    ///   - ridge: `λ ≥ 0`, as in one process.
    /// - Returns: The solution, the same bits on every rank.
    /// - Throws: the same `DescentError` on every rank: the single-process errors (found on any
    ///   rank), or `DescentError/communicationFailed(reason:)`.
    /// - Complexity: as in one process on each rank's rows, plus sums of `O(d² + dk)` numbers.
    public static func solve<Scalar: BLASScalar>(_ features: SparseMatrix<Scalar>, _ targets: Matrix<Scalar>,
                                                 across world: MPICommunicator, intercept: Bool = true,
                                                 ridge: Double = 0) throws(DescentError) -> MultiLeastSquaresSolution<Scalar> {
        try solve(features, targets, intercept: intercept, ridge: ridge, collective: world)
    }

    /// Solves least squares on every rank's rows of a `SparseRowSource` (a `SparseDataset`, with
    /// weights if it has them; a sparse file streamed chunk by chunk); every rank gets the answer.
    ///
    /// - Parameters:
    ///   - source: This rank's rows (any number, 0 allowed).
    ///   - world: The ranks that share the data set.
    ///   - intercept: Fit an unpenalised bias (default).
    ///   - ridge: `λ ≥ 0`.
    /// - Returns: The solution, the same bits on every rank.
    /// - Throws: as ``solve(_:_:across:intercept:ridge:)->LeastSquaresSolution<Scalar>``, and the source's read errors.
    /// - Complexity: as ``solve(_:_:across:intercept:ridge:)->LeastSquaresSolution<Scalar>``.
    public static func solve<Source: SparseRowSource>(from source: Source, across world: MPICommunicator,
                                                      intercept: Bool = true, ridge: Double = 0)
        throws(DescentError) -> LeastSquaresSolution<Source.Scalar> {
        try solve(from: source, intercept: intercept, ridge: ridge, collective: world)
    }
}

extension LeastSquaresSolution {
    /// The summary of a sparse fit over every rank's rows (the sparse Gram path's summary,
    /// nonrobust or HC0–HC3): the Gram matrix, residual moments, Durbin–Watson's differences across
    /// rank boundaries and the meat summed in rank order; the same bits on every rank.
    ///
    /// - Parameters:
    ///   - features: This rank's sparse rows.
    ///   - targets: This rank's targets.
    ///   - world: The ranks that share the data set.
    ///   - featureNames: Names for the table.
    ///   - covariance: Nonrobust (default) or HC0–HC3.
    ///   - useT: t or normal tests, as in one process.
    /// - Returns: The summary, the same bits on every rank.
    /// - Throws: the same `DescentError` on every rank, as the single-process sparse summary.
    /// - Complexity: as in one process, plus sums of `O(d²)` numbers.
    public func summary(features: SparseMatrix<Scalar>, targets: [Scalar], across world: MPICommunicator,
                        featureNames: [String]? = nil, covariance: LeastSquares.Covariance = .nonrobust,
                        useT: Bool? = nil) throws(DescentError) -> RegressionSummary {
        try summary(from: try world.localSparseDataset(features, targets), across: world, featureNames: featureNames,
                    covariance: covariance, useT: useT)
    }

    /// The summary of a sparse fit over every rank's rows of a `SparseRowSource` (weighted when
    /// the source is).
    ///
    /// - Parameters:
    ///   - source: This rank's rows, one target each.
    ///   - world: The ranks that share the data set.
    ///   - featureNames: Names for the table.
    ///   - covariance: Nonrobust (default) or HC0–HC3.
    ///   - useT: t or normal tests, as in one process.
    /// - Returns: The summary, the same bits on every rank.
    /// - Throws: as ``summary(features:targets:across:featureNames:covariance:useT:)-(SparseMatrix<Scalar>,_,_,_,_,_)``, and the
    ///   source's read errors.
    /// - Complexity: as ``summary(features:targets:across:featureNames:covariance:useT:)-(SparseMatrix<Scalar>,_,_,_,_,_)``.
    public func summary<Source: SparseRowSource>(from source: Source, across world: MPICommunicator,
                                                 featureNames: [String]? = nil,
                                                 covariance: LeastSquares.Covariance = .nonrobust,
                                                 useT: Bool? = nil) throws(DescentError) -> RegressionSummary
        where Source.Scalar == Scalar {
        try summary(from: source, featureNames: featureNames, covariance: covariance, useT: useT, collective: world)
    }
}
