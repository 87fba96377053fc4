/// Why ``LeastSquares/lsmr(_:_:intercept:damp:tolerance:conditionLimit:maximumIterations:)`` stopped:
/// scipy's `istop` codes, with their meaning.
public enum LSMRStopReason: Int, Sendable, Hashable, CustomStringConvertible {
    /// `istop = 0`: `Aᵀb = 0`, so `x = 0` is the solution.
    case zeroSolution = 0
    /// `istop = 1`: `‖r‖ ≤ btol·‖b‖ + atol·‖A‖·‖x‖`: `Ax = b` is solved to the tolerance (a compatible system).
    case compatible = 1
    /// `istop = 2`: `‖Aᵀr‖ ≤ atol·‖A‖·‖r‖`: a least-squares solution to the tolerance.
    case leastSquares = 2
    /// `istop = 3`: the estimate of `cond(A)` passed the condition limit; `x` may not be accurate.
    case conditionLimit = 3
    /// `istop = 4`: as `.compatible` with the tolerance at machine precision.
    case compatibleAtMachinePrecision = 4
    /// `istop = 5`: as `.leastSquares` with the tolerance at machine precision.
    case leastSquaresAtMachinePrecision = 5
    /// `istop = 6`: `cond(A)` seems too large for machine precision.
    case conditionAtMachinePrecision = 6
    /// `istop = 7`: the iteration limit was reached before any test held.
    case iterationLimit = 7

    /// Whether `x` meets a tolerance test (`zeroSolution`, `compatible`, `leastSquares` and their
    /// machine-precision forms).
    public var converged: Bool { [.zeroSolution, .compatible, .leastSquares, .compatibleAtMachinePrecision,
                                  .leastSquaresAtMachinePrecision].contains(self) }

    /// What happened, in a sentence.
    public var description: String {
        switch self {
        case .zeroSolution: "x = 0 is the exact solution (Aᵀb = 0)"
        case .compatible: "Ax = b is solved to the tolerance (‖r‖ small)"
        case .leastSquares: "a least-squares solution to the tolerance (‖Aᵀr‖ ≤ atol·‖A‖·‖r‖)"
        case .conditionLimit: "the condition estimate passed the limit: the solution may not be accurate"
        case .compatibleAtMachinePrecision: "Ax = b is solved to machine precision"
        case .leastSquaresAtMachinePrecision: "a least-squares solution to machine precision"
        case .conditionAtMachinePrecision: "the condition seems too large for machine precision"
        case .iterationLimit: "the iteration limit was reached"
        }
    }
}

/// What LSMR returns: the model and scipy's `lsmr` outputs.
public struct LSMRSolution<Scalar: BLASScalar>: Sendable {
    /// The fitted model (weights in the caller's units; the bias, when fitted, unpenalised).
    public let model: LinearModel<Scalar>
    /// Why the iterations stopped (scipy's `istop`).
    public let stopReason: LSMRStopReason
    /// Iterations run (scipy's `itn`).
    public let iterations: Int
    /// scipy's `normr`: `‖b − Ax‖`, or with `damp > 0`, `√(‖b − Ax‖² + damp²‖x‖²)` (the damped
    /// system's residual), of the centred problem when the intercept is fitted.
    public let residualNorm: Double
    /// scipy's `normar`: `‖Aᵀ(b − Ax) − damp²x‖`, the norm of the (damped) normal equations' residual.
    public let normalResidualNorm: Double
    /// scipy's `conda`: an estimate of the condition of the (damped, centred) design.
    public let conditionEstimate: Double
    /// scipy's `normA`: an estimate of the Frobenius norm of the (damped, centred) design.
    public let normEstimate: Double
    /// scipy's `normx`: `‖x‖`.
    public let solutionNorm: Double

    /// Whether a tolerance test holds (``LSMRStopReason/converged``).
    public var converged: Bool { stopReason.converged }
}

extension LeastSquares {
    /// Least squares on sparse features by LSMR (Fong and Saunders, 2011), the iteration scipy's
    /// `scipy.sparse.linalg.lsmr` runs: `min ‖Xw + b − y‖² + damp²‖w‖²`, each iteration one product
    /// with `X` and one with `Xᵀ`, `O(nnz)` each, and no factorisation.
    ///
    /// With `intercept`, the design is centred implicitly (`Xw − 1·μᵀw`, never formed, so the
    /// non-zeros stay non-zeros) and `y` by its mean; the bias `ȳ − μᵀw` is never damped. `damp²`
    /// equals `n·λ` of ``solve(_:_:intercept:method:ridge:)->LeastSquaresSolution<Scalar>``'s
    /// `ridge:` (whose objective is the mean squared error plus `λ‖w‖²`). Everything is computed in
    /// `Double`.
    ///
    /// Stopping follows scipy: `tolerance` is both `atol` and `btol`; the iterations stop when
    /// `‖r‖ ≤ btol·‖y‖ + atol·‖A‖·‖x‖` (``LSMRStopReason/compatible``), when
    /// `‖Aᵀr‖ ≤ atol·‖A‖·‖r‖` (``LSMRStopReason/leastSquares``), when the condition estimate passes
    /// `conditionLimit`, or after `maximumIterations`.
    ///
    /// ```swift
    /// let fit = try LeastSquares.lsmr(X, y, intercept: true, damp: 0, tolerance: 1e-10)
    /// fit.model; fit.stopReason; fit.iterations; fit.residualNorm; fit.normalResidualNorm
    /// ```
    ///
    /// - Parameters:
    ///   - features: `n × d` sparse features.
    ///   - targets: `n` targets.
    ///   - intercept: Fit an unpenalised bias (default).
    ///   - damp: `≥ 0`, scipy's `damp`.
    ///   - tolerance: scipy's `atol` and `btol`, in `[0, 1)`; `1e-6` as scipy's default.
    ///   - conditionLimit: scipy's `conlim` (`1e8` by default; 0 for none).
    ///   - maximumIterations: scipy's `maxiter`; `nil`: `min(n, d)` as scipy.
    /// - Returns: The model, why it stopped, and scipy's norms and estimates.
    /// - Throws: ``DescentError/targetCountMismatch(rows:targets:)``, ``DescentError/noRows``,
    ///   ``DescentError/noFeatures``, ``DescentError/nonFiniteValue(at:)`` for a NaN or ±∞
    ///   target, ``DescentError/invalidOption(name:value:expected:)`` for a negative or non-finite
    ///   `damp`, a `tolerance` outside `[0, 1)`, a negative `conditionLimit` or `maximumIterations`.
    /// - Complexity: O(nnz + n + d) per iteration, O(n + d) memory beyond the matrix.
    public static func lsmr<Scalar: BLASScalar>(_ features: SparseMatrix<Scalar>, _ targets: [Scalar],
                                                intercept: Bool = true, damp: Double = 0, tolerance: Double = 1e-6,
                                                conditionLimit: Double = 1e8,
                                                maximumIterations: Int? = nil) throws(DescentError) -> LSMRSolution<Scalar> {
        guard features.rows == targets.count else { throw .targetCountMismatch(rows: features.rows, targets: targets.count) }
        guard features.rows > 0 else { throw .noRows }
        guard features.columns > 0 else { throw .noFeatures }
        try Validation.checkFinite(targets)
        try checkLSMR(damp: damp, tolerance: tolerance, conditionLimit: conditionLimit, maximumIterations: maximumIterations)
        return iterate(features, targets, weights: nil, intercept: intercept, damp: damp, tolerance: tolerance,
                       conditionLimit: conditionLimit,
                       maximumIterations: maximumIterations ?? Swift.min(features.rows, features.columns))
    }

    /// LSMR on checked input, weighted when `weights` are given: the rows of the centred design and
    /// targets scaled by `√wᵢ`, centred on the weighted means.
    static func iterate<Scalar: BLASScalar>(_ features: SparseMatrix<Scalar>, _ targets: [Scalar], weights: [Scalar]?,
                                            intercept: Bool, damp: Double, tolerance: Double, conditionLimit: Double,
                                            maximumIterations: Int) -> LSMRSolution<Scalar> {
        orNothing { () throws(DescentError) in
            try iterate(SparseSolverRows(features, targets, weights: weights), intercept: intercept, damp: damp,
                        tolerance: tolerance, conditionLimit: conditionLimit, maximumIterations: maximumIterations)
        }
    }

    /// The Golub–Kahan iterations on the implicitly centred operator.
    package enum IterativeAlgorithm: Sendable {
        case lsmr, lsqr
    }

    /// LSMR (or LSQR) over the chunks of every part's rows, for their target column `target`: a pass
    /// for the means, then each iteration one pass for `Av` and one for `Aᵀu` (summed over the
    /// parts); the model in the caller's units. `ridge: λ` adds `λ·Σwᵢ` to `damp²` (the solve's
    /// `damp² = n·λ`, with the total weight the first pass measures).
    @specialized(where Scalar == Float)
    @specialized(where Scalar == Double)
    static func iterate<Scalar: BLASScalar>(_ rows: SparseSolverRows<Scalar>, intercept: Bool, damp: Double, ridge: Double = 0,
                                            target: Int = 0, tolerance: Double, conditionLimit: Double, maximumIterations: Int,
                                            algorithm: IterativeAlgorithm = .lsmr) throws(DescentError)
        -> LSMRSolution<Scalar> {
        let operator_ = try SparseOperator(rows, intercept: intercept, target: target)
        let damp = ridge > 0 ? (damp * damp + ridge * operator_.totalWeight).squareRoot() : damp
        let b = try operator_.targets()
        let run = switch algorithm {
        case .lsmr:
            try LSMRIteration(operator_: operator_, damp: damp, atol: tolerance, btol: tolerance,
                              conditionLimit: conditionLimit, maximumIterations: maximumIterations).solve(b)
        case .lsqr:
            try LSMRIteration(operator_: operator_, damp: damp, atol: tolerance, btol: tolerance,
                              conditionLimit: conditionLimit, maximumIterations: maximumIterations).lsqr(b)
        }
        var bias = Double.Accumulator(operator_.targetMean)
        if intercept { for j in 0..<rows.columns { bias -= Double.Accumulator(operator_.means[j]) * Double.Accumulator(run.x[j]) } }
        let model = LinearModel<Scalar>(weights: run.x.map { Scalar($0) }, bias: intercept ? Scalar(Double(bias)) : 0)
        return LSMRSolution(model: model, stopReason: run.stop, iterations: run.iterations, residualNorm: run.normr,
                            normalResidualNorm: run.normar, conditionEstimate: run.condA, normEstimate: run.normA,
                            solutionNorm: run.normx)
    }

    /// LSMR's options: `damp` finite and ≥ 0, `tolerance` in `[0, 1)`, `conditionLimit` ≥ 0, `maximumIterations` ≥ 0.
    static func checkLSMR(damp: Double, tolerance: Double, conditionLimit: Double, maximumIterations: Int?) throws(DescentError) {
        guard damp.isFinite, damp >= 0 else {
            throw .invalidOption(name: "damp", value: "\(damp)", expected: "a finite number ≥ 0")
        }
        guard tolerance >= 0, tolerance < 1 else {
            throw .invalidOption(name: "tolerance", value: "\(tolerance)", expected: "a number in [0, 1), e.g. 1e-10")
        }
        guard conditionLimit >= 0, !conditionLimit.isNaN else {
            throw .invalidOption(name: "conditionLimit", value: "\(conditionLimit)", expected: "a number ≥ 0 (0: no limit)")
        }
        if let maximumIterations, maximumIterations < 0 {
            throw .invalidOption(name: "maximumIterations", value: "\(maximumIterations)", expected: "a count ≥ 0")
        }
    }

    /// LSMR on the rows of a ``SparseRowSource`` (a file streamed chunk by chunk, rows of your own
    /// store): the iteration of ``lsmr(_:_:intercept:damp:tolerance:conditionLimit:maximumIterations:)``,
    /// each product one pass over the chunks, with the same bits as on the rows in memory.
    ///
    /// ```swift
    /// let fit = try LeastSquares.lsmr(from: source, tolerance: 1e-10)
    /// ```
    ///
    /// - Parameters:
    ///   - source: The rows, one target each; a weighted source's rows (``SparseRowSource/isWeighted``)
    ///     and targets are scaled by `√wᵢ` and centred on the weighted means.
    ///   - intercept: Fit an unpenalised bias (default).
    ///   - damp: `≥ 0`, scipy's `damp`.
    ///   - tolerance: scipy's `atol` and `btol`, in `[0, 1)`.
    ///   - conditionLimit: scipy's `conlim` (0 for none).
    ///   - maximumIterations: scipy's `maxiter`; `nil`: `min(n, d)`.
    /// - Returns: The model, why it stopped, and scipy's norms and estimates.
    /// - Throws: as the in-memory ``lsmr(_:_:intercept:damp:tolerance:conditionLimit:maximumIterations:)``
    ///   (a non-finite target named by its row in the source), and the source's read errors.
    /// - Complexity: two passes over the source per iteration (`O(nnz + n + d)`), one for the
    ///   means; memory `O(n + d)` beyond one chunk (LSMR's `u` holds one value per row).
    public static func lsmr<Source: SparseRowSource>(from source: Source, intercept: Bool = true, damp: Double = 0,
                                                     tolerance: Double = 1e-6, conditionLimit: Double = 1e8,
                                                     maximumIterations: Int? = nil) throws(DescentError)
        -> LSMRSolution<Source.Scalar> {
        try iterate(.lsmr, from: source, intercept: intercept, damp: damp, tolerance: tolerance,
                    conditionLimit: conditionLimit, maximumIterations: maximumIterations, collective: LocalCollective())
    }

    /// LSMR or LSQR on a source's rows over the parts of `collective` (each part its own rows), its
    /// options checked: every sum in rank order, the same bits on every part. `maximumIterations`
    /// `nil` is scipy's default, `min(n, d)` for LSMR and `2·d` for LSQR.
    package static func iterate<Source: SparseRowSource>(_ algorithm: IterativeAlgorithm, from source: Source, intercept: Bool,
                                                         damp: Double, tolerance: Double, conditionLimit: Double,
                                                         maximumIterations: Int?,
                                                         collective: some Collective) throws(DescentError)
        -> LSMRSolution<Source.Scalar> {
        // The options are the same on every part: each throws the same error.
        try checkLSMR(damp: damp, tolerance: tolerance, conditionLimit: conditionLimit, maximumIterations: maximumIterations)
        let rows = SparseSolverRows(source, collective: collective)
        let n = try rows.checkedRows()
        return try iterate(rows, intercept: intercept, damp: damp, tolerance: tolerance, conditionLimit: conditionLimit,
                           maximumIterations: maximumIterations ?? (algorithm == .lsmr ? Swift.min(n, source.columns) : 2 * source.columns),
                           algorithm: algorithm)
    }
}
