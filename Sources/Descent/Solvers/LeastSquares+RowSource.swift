extension LeastSquares {
    /// Solves the least-squares problem of a ``Dataset``, as ``solve(_:_:intercept:method:ridge:)->LeastSquaresSolution<Scalar>``
    /// does; the model carries the data set's feature names.
    ///
    /// - Parameters:
    ///   - dataset: The features, targets and names.
    ///   - intercept: Fit a bias `b` (default).
    ///   - method: See ``Method``. `.automatic` by default.
    ///   - ridge: `λ ≥ 0`, as for a matrix.
    /// - Returns: The model, the method that ran, the rank and a condition estimate.
    /// - Throws: as ``solve(_:_:intercept:method:ridge:)->LeastSquaresSolution<Scalar>``.
    public static func solve<Scalar: BLASScalar>(from dataset: Dataset<Scalar>, intercept: Bool = true,
                                                 method: Method = .automatic,
                                                 ridge: Double = 0) throws(DescentError) -> LeastSquaresSolution<Scalar> {
        var solution = try solve(dataset.features, dataset.targets, intercept: intercept, method: method, ridge: ridge)
        solution.model.featureNames = dataset.featureNames
        return solution
    }

    /// Solves the least-squares problem of any ``RowSource`` (a file streamed in chunks, rows of
    /// your own store), reading it in passes of row blocks and never holding more than a chunk and
    /// `O(d²)` numbers: the answer equals the in-memory solver's on the same rows.
    ///
    /// ```swift
    /// let stream = try StreamingDataset<Double>(npyFeatures: "X.npy", targets: "y.npy")
    /// let exact = try LeastSquares.solve(from: stream, method: .qr)
    /// ```
    ///
    /// How many passes over the rows each method makes is in ``Method``. A source of at most
    /// 2²⁰ elements is read into memory once (at most 8 MB), so that small problems get the
    /// in-memory solver's most accurate path.
    ///
    /// - Parameters:
    ///   - source: The rows.
    ///   - intercept: Fit a bias `b` (default).
    ///   - method: See ``Method``. `.automatic` by default.
    ///   - ridge: `λ ≥ 0`, as for a matrix.
    /// - Returns: The model (with the source's feature names), the method that ran, the rank and a
    ///   condition estimate.
    /// - Throws: as ``solve(_:_:intercept:method:ridge:)->LeastSquaresSolution<Scalar>``, with
    ///   positions of NaN or ±∞ given in the source's row numbers; and the source's own errors.
    /// - Complexity: O(n·d²) time, O(d² + chunk) memory.
    @specialized(where Source == Dataset<Float>)
    @specialized(where Source == Dataset<Double>)
    public static func solve<Source: RowSource>(from source: Source, intercept: Bool = true,
                                                method: Method = .automatic,
                                                ridge: Double = 0) throws(DescentError) -> LeastSquaresSolution<Source.Scalar> {
        try solve(from: source, intercept: intercept, method: method, ridge: ridge, collective: LocalCollective())
    }

    /// Solves the least-squares problem of rows split over the parts of `collective` (each part
    /// passes its own rows): every sum goes through `collective.sum`, Householder triangles through
    /// `collective.combineTriangles`, every check through `collective.agree`, so every part gets
    /// the same answer, or the same error.
    package static func solve<Source: RowSource>(from source: Source, intercept: Bool = true,
                                                 method: Method = .automatic, ridge: Double = 0,
                                                 collective: some Collective) throws(DescentError)
        -> LeastSquaresSolution<Source.Scalar> {
        try checkRidge(ridge)
        try collective.agree(source.targetColumns == 1 ? nil : .invalidOption(
            name: "source", value: "\(source.targetColumns) targets per row",
            expected: "one target per row (several targets: LeastSquares.solveMultiTarget(from:))"))
        return try solveMultiTarget(from: source, intercept: intercept, method: method, ridge: ridge,
                                    collective: collective).solution(for: 0)
    }

    /// Solves the least-squares problems of the several targets of any ``RowSource`` (an `n × k`
    /// targets file streamed chunk by chunk, rows of your own store), reading it in passes of row
    /// blocks, all targets in each pass, with one factorisation of the features for all of them:
    /// each target's answer equals the in-memory
    /// ``solve(_:_:intercept:method:ridge:)->MultiLeastSquaresSolution<Scalar>`` on the same rows.
    ///
    /// ```swift
    /// let stream = try StreamingDataset<Double>(npyFeatures: "X.npy", targets: "Y.npy")   // Y: n × k
    /// let all = try LeastSquares.solveMultiTarget(from: stream, intercept: true, method: .automatic, ridge: 0)
    /// all.model.weights                                                                  // d × k
    /// ```
    ///
    /// Every method and its fast paths are the single-target ones (one target is `k = 1`), and a
    /// source of at most 2²⁰ feature values is read into memory once, as for one target.
    ///
    /// - Parameters:
    ///   - source: The rows, with ``RowSource/targetColumns`` `k ≥ 1` targets per row.
    ///   - intercept: Fit a bias per target (default).
    ///   - method: See ``Method``. `.automatic` by default.
    ///   - ridge: `λ ≥ 0`, as for matrices.
    /// - Returns: The model (`d × k` weights, `k` biases, the source's feature names), the method
    ///   that ran, the rank and a condition estimate of the features.
    /// - Throws: as ``solve(_:_:intercept:method:ridge:)->MultiLeastSquaresSolution<Scalar>``, with
    ///   positions of NaN or ±∞ given in the source's row numbers; and the source's own errors.
    /// - Complexity: O(n·d² + n·d·k) time, O(d² + chunk) memory.
    public static func solveMultiTarget<Source: RowSource>(from source: Source, intercept: Bool = true,
                                                           method: Method = .automatic, ridge: Double = 0)
        throws(DescentError) -> MultiLeastSquaresSolution<Source.Scalar> {
        try solveMultiTarget(from: source, intercept: intercept, method: method, ridge: ridge, collective: LocalCollective())
    }

    /// ``solveMultiTarget(from:intercept:method:ridge:)`` over rows split over the parts of
    /// `collective`, as ``solve(from:intercept:method:ridge:collective:)`` is for one target.
    package static func solveMultiTarget<Source: RowSource>(from source: Source, intercept: Bool = true,
                                                            method: Method = .automatic, ridge: Double = 0,
                                                            collective: some Collective) throws(DescentError)
        -> MultiLeastSquaresSolution<Source.Scalar> {
        try checkRidge(ridge)
        var solution = MultiLeastSquaresSolution<Source.Scalar>(
            try solve(rowsOf: source, intercept: intercept, method: method, ridge: ridge, collective: collective),
            columns: source.columns, intercept: intercept)
        solution.model.featureNames = source.featureNames
        return solution
    }

    /// The solutions, one per target, of `source`'s rows on every part of `collective`. On one
    /// part, a source of one chunk (a ``Dataset``, matrices) is solved in place, as the matrices
    /// are, and a source of at most 2²⁰ feature values is copied into memory first (at most 8 MB):
    /// rows in memory get the in-memory solver's most accurate paths.
    static func solve<Source: RowSource>(rowsOf source: Source, intercept: Bool, method: Method, ridge: Double,
                                         collective: some Collective) throws(DescentError) -> [RawSolution] {
        let d = source.columns, k = source.targetColumns
        if collective.size == 1 && source.chunkCount == 1 {
            var raw = [RawSolution]()
            try source.forEachChunk { (chunk) throws(DescentError) in
                raw = try solve(SolverRows(chunk.features, TargetColumns(chunk.targets, count: k), columns: d),
                                intercept: intercept, method: method, ridge: ridge)
            }
            guard !raw.isEmpty else { throw .noRows }
            return raw
        }
        guard collective.size == 1, source.rowCount * d <= smallProblem, source.rowCount > 0, d > 0 else {
            return try solve(SolverRows(source, collective: collective), intercept: intercept, method: method, ridge: ridge)
        }
        var features = [Source.Scalar](), targets = [Source.Scalar]()
        features.reserveCapacity(source.rowCount * d)
        targets.reserveCapacity(source.rowCount * k)
        try source.forEachChunk { (chunk) throws(DescentError) in
            features.append(contentsOf: chunk.features)
            targets.append(contentsOf: chunk.targets)
        }
        return try features.withUnsafeBufferPointer { (x) throws(DescentError) in
            try targets.withUnsafeBufferPointer { (y) throws(DescentError) in
                try solve(SolverRows(x, TargetColumns(y, count: k), columns: d), intercept: intercept, method: method,
                          ridge: ridge)
            }
        }
    }
}
