import Descent

/// Exact least squares on rows spread over MPI ranks: the same answer, the same bits, on every
/// rank, equal to the single-process solve of the rows concatenated in rank order (to rounding).
///
/// ```swift
/// let world = try MPICommunicator.world()
/// let exact = try LeastSquares.solve(localX, localY, across: world)      // intercept:, method:, ridge:
/// let all = try LeastSquares.solve(localX, localYs, across: world)       // several targets: localYs is n × k
/// ```
///
/// - `.normalEquations`: every rank forms the Gram matrix and sums of its rows; one sum across the
///   ranks (about `d²/2` numbers; no cap on `d`).
/// - `.qr`: TSQR: every rank reduces its rows of `[X y]` to a triangle; the triangles are combined
///   up a fixed binary tree over the ranks (a QR of two stacked triangles at each step).
/// - `.svd` and `.automatic`: as on one machine, with the same refinement and the same choice.
///
/// Several targets go through the same solver: every pass carries all `k` targets, the triangles
/// combined by TSQR carry `k` right-hand sides, and each target is refined as it would be alone.
extension LeastSquares {
    /// Solves `min ‖Xw + b − y‖²` (plus `ridge`) over every rank's rows; every rank gets the answer.
    ///
    /// Every rank of `world` must call it with its own rows (any number, 0 allowed) of the same
    /// columns, and the same options.
    ///
    /// - Parameters:
    ///   - features: This rank's `n × d` features (`n` may be 0).
    ///   - targets: This rank's `n` targets.
    ///   - world: The ranks that share the data set.
    ///   - intercept: Fit a bias `b` (default), or force `b = 0`.
    ///   - method: The exact method, `.automatic` by default.
    ///   - ridge: `λ ≥ 0`, as in `LeastSquares/solve(_:_:intercept:method:ridge:)`.
    /// - Returns: The solution, the same bits on every rank.
    /// - Throws: the same `DescentError` on every rank: the single-process errors (found on any
    ///   rank), `DescentError/ranksDisagree(quantity:values:)` when the column counts differ, or
    ///   `DescentError/communicationFailed(reason:)`.
    /// - Complexity: O(n · d²) on each rank, plus O(log size) messages of O(d²) numbers.
    public static func solve<Scalar: BLASScalar>(_ features: Matrix<Scalar>, _ targets: [Scalar],
                                                 across world: MPICommunicator, intercept: Bool = true,
                                                 method: Method = .automatic, ridge: Double = 0)
        throws(DescentError) -> LeastSquaresSolution<Scalar> {
        let data = try world.localDataset(features, targets)
        return try solve(from: data, across: world, intercept: intercept, method: method, ridge: ridge)
    }

    /// Solves least squares over every rank's rows read from a row source (a `Dataset`, a
    /// stream from files); every rank gets the answer.
    ///
    /// - Parameters:
    ///   - source: This rank's rows (any number, 0 allowed).
    ///   - world: The ranks that share the data set.
    ///   - intercept: Fit a bias `b` (default), or force `b = 0`.
    ///   - method: The exact method, `.automatic` by default.
    ///   - ridge: `λ ≥ 0`.
    /// - Returns: The solution, the same bits on every rank.
    /// - Throws: as ``solve(_:_:across:intercept:method:ridge:)->LeastSquaresSolution<Scalar>``, and the
    ///   source's read errors.
    /// - Complexity: O(n · d²) on each rank, plus O(log size) messages of O(d²) numbers.
    public static func solve<Source: RowSource>(from source: Source, across world: MPICommunicator,
                                                intercept: Bool = true, method: Method = .automatic,
                                                ridge: Double = 0)
        throws(DescentError) -> LeastSquaresSolution<Source.Scalar> {
        try world.agreeOnShape(.success(.init(columns: source.columns, rows: source.rowCount, modelWeights: nil)))
        return try solve(from: source, intercept: intercept, method: method, ridge: ridge, collective: world)
    }

    /// Solves the least-squares problems of several targets that share their features over every
    /// rank's rows (`targets`: this rank's `n × k` matrix); every rank gets the answer.
    ///
    /// The same solver as one target, with one factorisation of the features for all `k` targets:
    /// each target equals the single-process
    /// `LeastSquares/solve(_:_:intercept:method:ridge:)->MultiLeastSquaresSolution<Scalar>` of the
    /// ranks' rows concatenated in rank order, to rounding. Every rank of `world` must call it with
    /// its own rows (any number, 0 allowed) of the same feature and target columns, and the same options.
    ///
    /// ```swift
    /// let ranked = try LeastSquares.solve(localX, localY, across: world, intercept: true, method: .qr, ridge: 0)
    /// ranked.model.weights                                 // d × k, the same bits on every rank
    /// ```
    ///
    /// - Parameters:
    ///   - features: This rank's `n × d` features (`n` may be 0).
    ///   - targets: This rank's `n × k` targets, one column per target.
    ///   - world: The ranks that share the data set.
    ///   - intercept: Fit a bias per target (default), or force every `b = 0`.
    ///   - method: The exact method, `.automatic` by default; every method works across ranks.
    ///   - ridge: `λ ≥ 0`, as in one process.
    /// - Returns: The solution, the same bits on every rank.
    /// - Throws: the same `DescentError` on every rank: the single-process errors (found on any
    ///   rank), `DescentError/ranksDisagree(quantity:values:)` when the feature or target column
    ///   counts differ, or `DescentError/communicationFailed(reason:)`.
    /// - Complexity: O(n · (d² + d·k)) on each rank, plus O(log size) messages of O(d² + d·k) numbers.
    public static func solve<Scalar: BLASScalar>(_ features: Matrix<Scalar>, _ targets: Matrix<Scalar>,
                                                 across world: MPICommunicator, intercept: Bool = true,
                                                 method: Method = .automatic, ridge: Double = 0)
        throws(DescentError) -> MultiLeastSquaresSolution<Scalar> {
        let rows = try world.localRows(features, targets)
        return try solveMultiTarget(from: rows, across: world, intercept: intercept, method: method, ridge: ridge)
    }

    /// Solves the least-squares problems of the several targets of every rank's rows read from a
    /// row source (`RowSource.targetColumns` targets per row: an `n × k` targets file streamed
    /// chunk by chunk, say); every rank gets the answer.
    ///
    /// - Parameters:
    ///   - source: This rank's rows (any number, 0 allowed), with as many targets as every other rank's.
    ///   - world: The ranks that share the data set.
    ///   - intercept: Fit a bias per target (default), or force every `b = 0`.
    ///   - method: The exact method, `.automatic` by default.
    ///   - ridge: `λ ≥ 0`.
    /// - Returns: The solution, the same bits on every rank.
    /// - Throws: as ``solve(_:_:across:intercept:method:ridge:)->MultiLeastSquaresSolution<Scalar>``,
    ///   and the source's read errors.
    /// - Complexity: O(n · (d² + d·k)) on each rank, plus O(log size) messages of O(d² + d·k) numbers.
    public static func solveMultiTarget<Source: RowSource>(from source: Source, across world: MPICommunicator,
                                                           intercept: Bool = true, method: Method = .automatic,
                                                           ridge: Double = 0)
        throws(DescentError) -> MultiLeastSquaresSolution<Source.Scalar> {
        try world.agreeOnTargets(source)
        return try solveMultiTarget(from: source, intercept: intercept, method: method, ridge: ridge, collective: world)
    }
}
