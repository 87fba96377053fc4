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
        guard source.targetColumns == 1 else {
            throw .invalidOption(name: "source", value: "\(source.targetColumns) targets per row",
                                 expected: "one target per row (several targets: LeastSquares.solveMultiTarget(from:))")
        }
        let raw: RawSolution
        if collective.size == 1, let dataset = source as? Dataset<Source.Scalar> {
            return try solve(from: dataset, intercept: intercept, method: method, ridge: ridge)
        } else if collective.size == 1, source.rowCount * source.columns <= smallProblem,
                  source.rowCount > 0, source.columns > 0 {
            // Small: one copy in memory, for the most accurate path.
            let d = source.columns
            var features = [Source.Scalar](), targets = [Source.Scalar]()
            features.reserveCapacity(source.rowCount * d)
            targets.reserveCapacity(source.rowCount)
            try source.forEachChunk { (chunk) throws(DescentError) in
                features.append(contentsOf: chunk.features)
                targets.append(contentsOf: chunk.targets)
            }
            raw = try features.withUnsafeBufferPointer { (x) throws(DescentError) in
                try targets.withUnsafeBufferPointer { (y) throws(DescentError) in
                    try solve(SolverRows(x, TargetColumns(y), columns: d), intercept: intercept, method: method,
                              ridge: ridge, inMemory: InMemoryRows(features: x, targets: y))
                }
            }
        } else {
            raw = try solve(SolverRows(source, collective: collective), intercept: intercept, method: method,
                            ridge: ridge, inMemory: nil)
        }
        var solution = LeastSquaresSolution<Source.Scalar>(raw, intercept: intercept)
        solution.model.featureNames = source.featureNames
        return solution
    }
}
