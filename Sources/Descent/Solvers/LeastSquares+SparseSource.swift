extension LeastSquares {
    /// Solves the least-squares problem of any ``SparseRowSource`` (a sparse file streamed chunk by
    /// chunk, rows of your own store), choosing as the in-memory
    /// ``solve(_:_:intercept:ridge:)->LeastSquaresSolution<Scalar>`` does: the sparse Gram matrix, accumulated in one pass over
    /// the chunks and solved by the dense path's Cholesky factor with refinement passes, when the
    /// columns are few enough (at most ``sparseGramColumnLimit``, more rows than unknowns or a
    /// ridge); LSMR otherwise, each product one pass over the chunks. Nothing larger than a chunk,
    /// the `d × d` matrices (Gram path) or `O(n + d)` numbers (LSMR) is held.
    ///
    /// The passes add the rows in the order the in-memory solve does, so the answer has the same
    /// bits as ``solve(_:_:intercept:ridge:)->LeastSquaresSolution<Scalar>`` (or, for a weighted source such as a
    /// ``SparseDataset`` with weights, ``solve(_:_:weights:intercept:ridge:)->LeastSquaresSolution<Scalar>``) on the same rows.
    ///
    /// ```swift
    /// let stream = try SparseStreamingDataset<Double>(libsvmFile: "train.svm")
    /// let exact = try LeastSquares.solve(from: stream)            // intercept:, ridge:
    /// let s = try exact.summary(from: stream, covariance: .hc3)   // the Gram path's summary
    /// ```
    ///
    /// - Parameters:
    ///   - source: The rows, one target each; a weighted source's chunk weights weigh the rows
    ///     (`Σwᵢ(xᵢᵀw + b − yᵢ)²`).
    ///   - intercept: Fit an unpenalised bias (default).
    ///   - ridge: `λ ≥ 0`: minimise `Σwᵢrᵢ²/Σwᵢ + λ‖w‖²`, as in memory.
    /// - Returns: The solution, as the in-memory solve returns it (LSMR's outputs in
    ///   ``LeastSquaresSolution/iterative`` when it ran).
    /// - Throws: as ``solve(_:_:intercept:ridge:)->LeastSquaresSolution<Scalar>``, with a non-finite target or an unusable weight
    ///   named by its row in the source; and the source's own read errors.
    /// - Complexity: Gram path: `O(Σᵢ nnzᵢ² + d³)` time in one pass plus up to 8 refinement passes,
    ///   `3d²` `Double`s; LSMR: two passes per iteration, `O(n + d)` memory beyond one chunk.
    public static func solve<Source: SparseRowSource>(from source: Source, intercept: Bool = true,
                                                      ridge: Double = 0) throws(DescentError)
        -> LeastSquaresSolution<Source.Scalar> {
        try solve(from: source, intercept: intercept, ridge: ridge, collective: LocalCollective())
    }

    /// ``solve(from:intercept:ridge:)`` over rows split over the parts of
    /// `collective` (each part its own rows): every pass's sums in rank order, every check agreed,
    /// so every part gets the same answer or the same error.
    package static func solve<Source: SparseRowSource>(from source: Source, intercept: Bool = true, ridge: Double = 0,
                                                       collective: some Collective) throws(DescentError)
        -> LeastSquaresSolution<Source.Scalar> {
        try solveSparse(SparseSolverRows(source, collective: collective), intercept: intercept, ridge: ridge)
            .solution(for: 0, intercept: intercept)
    }
}
