extension LeastSquares {
    /// Least squares on sparse features by LSQR (Paige and Saunders, 1982), the iteration of scipy's
    /// `scipy.sparse.linalg.lsqr`: the problem, centring, `damp`, stopping rules and outputs of
    /// ``lsmr(_:_:intercept:damp:tolerance:conditionLimit:maximumIterations:)`` (LSQR is the older
    /// method; LSMR's `‖Aᵀr‖` decreases monotonically, which makes it safer to stop early).
    ///
    /// The result is an ``LSMRSolution``: ``LSMRSolution/stopReason`` is scipy's `istop`,
    /// ``LSMRSolution/residualNorm`` its `r2norm` (`√(‖r‖² + damp²‖x‖²)`),
    /// ``LSMRSolution/normalResidualNorm`` its `arnorm`, ``LSMRSolution/conditionEstimate`` its
    /// `acond`, ``LSMRSolution/normEstimate`` its `anorm`, ``LSMRSolution/solutionNorm`` its `xnorm`.
    ///
    /// ```swift
    /// let fit = try LeastSquares.lsqr(X, y, tolerance: 1e-10)
    /// fit.model; fit.stopReason; fit.iterations
    /// ```
    ///
    /// - Parameters:
    ///   - features: `n × d` sparse features.
    ///   - targets: `n` targets.
    ///   - intercept: Fit an unpenalised bias (default).
    ///   - damp: `≥ 0`, scipy's `damp`.
    ///   - tolerance: scipy's `atol` and `btol`, in `[0, 1)`.
    ///   - conditionLimit: scipy's `conlim` (`1e8` by default; 0 for none).
    ///   - maximumIterations: scipy's `iter_lim`; `nil`: `2·d` as scipy.
    /// - Returns: The model, why it stopped, and scipy's norms and estimates.
    /// - Throws: as ``lsmr(_:_:intercept:damp:tolerance:conditionLimit:maximumIterations:)``.
    /// - Complexity: O(nnz + n + d) per iteration, O(n + d) memory beyond the matrix.
    public static func lsqr<Scalar: BLASScalar>(_ features: SparseMatrix<Scalar>, _ targets: [Scalar],
                                                intercept: Bool = true, damp: Double = 0, tolerance: Double = 1e-6,
                                                conditionLimit: Double = 1e8,
                                                maximumIterations: Int? = nil) throws(DescentError) -> LSMRSolution<Scalar> {
        let data = try SparseDataset(features: features, targets: targets)
        return try lsqr(from: data, intercept: intercept, damp: damp, tolerance: tolerance, conditionLimit: conditionLimit,
                        maximumIterations: maximumIterations)
    }

    /// LSQR on the rows of a ``SparseRowSource``, each product one pass over its chunks: as
    /// ``lsqr(_:_:intercept:damp:tolerance:conditionLimit:maximumIterations:)``.
    ///
    /// - Parameters:
    ///   - source: The rows, one target each (a weighted source's rows scaled by `√wᵢ`, as for LSMR).
    ///   - intercept: Fit an unpenalised bias (default).
    ///   - damp: `≥ 0`, scipy's `damp`.
    ///   - tolerance: scipy's `atol` and `btol`, in `[0, 1)`.
    ///   - conditionLimit: scipy's `conlim` (0 for none).
    ///   - maximumIterations: scipy's `iter_lim`; `nil`: `2·d`.
    /// - Returns: The model, why it stopped, and scipy's norms and estimates.
    /// - Throws: as the in-memory form, and the source's read errors.
    /// - Complexity: two passes over the source per iteration; memory `O(n + d)` beyond one chunk.
    public static func lsqr<Source: SparseRowSource>(from source: Source, intercept: Bool = true, damp: Double = 0,
                                                     tolerance: Double = 1e-6, conditionLimit: Double = 1e8,
                                                     maximumIterations: Int? = nil) throws(DescentError)
        -> LSMRSolution<Source.Scalar> {
        try iterate(.lsqr, from: source, intercept: intercept, damp: damp, tolerance: tolerance,
                    conditionLimit: conditionLimit, maximumIterations: maximumIterations, collective: LocalCollective())
    }
}
