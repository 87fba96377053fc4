import Descent

extension LeastSquares {
    /// LSMR over every rank's sparse rows (`LeastSquares.lsmr(_:_:intercept:damp:tolerance:conditionLimit:maximumIterations:)`'s
    /// iteration): each rank applies `A` to its own rows and adds its part of `Aᵀu` and `‖u‖²`,
    /// summed across the ranks in rank order, so every rank runs the same iterations and gets the
    /// same bits; equal to the single-process run on the rows concatenated in rank order, to rounding.
    ///
    /// ```swift
    /// let world = try MPICommunicator.world()
    /// let fit = try LeastSquares.lsmr(localX, localY, across: world, tolerance: 1e-10)
    /// ```
    ///
    /// - Parameters:
    ///   - features: This rank's sparse rows (any number, 0 allowed), the same columns on every rank.
    ///   - targets: This rank's targets.
    ///   - world: The ranks that share the data set.
    ///   - intercept: Fit an unpenalised bias (default).
    ///   - damp: `≥ 0`, scipy's `damp`.
    ///   - tolerance: scipy's `atol` and `btol`, in `[0, 1)`.
    ///   - conditionLimit: scipy's `conlim` (0 for none).
    ///   - maximumIterations: scipy's `maxiter`; `nil`: `min(n, d)` with `n` over every rank.
    /// - Returns: The model, why it stopped, scipy's norms: the same on every rank.
    /// - Throws: the same `DescentError` on every rank: the single-process errors (found on any
    ///   rank), or `DescentError/communicationFailed(reason:)`.
    /// - Complexity: per iteration `O(nnz + n + d)` on each rank and two sums of `d + 1` and 1 numbers.
    public static func lsmr<Scalar: BLASScalar>(_ features: SparseMatrix<Scalar>, _ targets: [Scalar],
                                                across world: MPICommunicator, intercept: Bool = true,
                                                damp: Double = 0, tolerance: Double = 1e-6, conditionLimit: Double = 1e8,
                                                maximumIterations: Int? = nil) throws(DescentError) -> LSMRSolution<Scalar> {
        try lsmr(from: try world.localSparseDataset(features, targets), across: world, intercept: intercept, damp: damp, tolerance: tolerance,
                        conditionLimit: conditionLimit, maximumIterations: maximumIterations)
    }

    /// LSMR over every rank's rows of a `SparseRowSource` (each rank its own source, streamed
    /// chunk by chunk): as ``lsmr(_:_:across:intercept:damp:tolerance:conditionLimit:maximumIterations:)``.
    ///
    /// - Parameters:
    ///   - source: This rank's rows.
    ///   - world: The ranks that share the data set.
    ///   - intercept: Fit an unpenalised bias (default).
    ///   - damp: `≥ 0`, scipy's `damp`.
    ///   - tolerance: scipy's `atol` and `btol`, in `[0, 1)`.
    ///   - conditionLimit: scipy's `conlim` (0 for none).
    ///   - maximumIterations: scipy's `maxiter`; `nil`: `min(n, d)`.
    /// - Returns: The same solution on every rank.
    /// - Throws: as the in-memory form, and the source's read errors.
    /// - Complexity: two passes over each rank's source per iteration.
    public static func lsmr<Source: SparseRowSource>(from source: Source, across world: MPICommunicator,
                                                     intercept: Bool = true, damp: Double = 0, tolerance: Double = 1e-6,
                                                     conditionLimit: Double = 1e8, maximumIterations: Int? = nil)
        throws(DescentError) -> LSMRSolution<Source.Scalar> {
        try iterate(.lsmr, from: source, intercept: intercept, damp: damp, tolerance: tolerance,
                    conditionLimit: conditionLimit, maximumIterations: maximumIterations, collective: world)
    }
}
