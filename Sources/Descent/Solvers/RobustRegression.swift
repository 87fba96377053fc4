extension RobustRegression {
    /// The default convergence tolerance of IRLS: relative changes below `10⁻¹³` (see
    /// ``fit(_:_:norm:scale:weights:intercept:tolerance:maxIterations:)``).
    public static let defaultTolerance = 1e-13

    /// The M-estimate of a linear model by iteratively reweighted least squares, statsmodels'
    /// `RLM(y, X, M=norm).fit(scale_est='mad')` iterated to its fixed point.
    ///
    /// The iteration is statsmodels': least squares first (the start), then `s` from its
    /// residuals (``Scale/mad``, or the fixed scale); each iteration weights row `i` by
    /// `vᵢ·ψ(rᵢ/s)/(rᵢ/s)` (``Norm``), solves the weighted least-squares problem, and re-estimates
    /// `s` from the new residuals. Every solve is in residual form, `θ ← θ + (ZᵀΩZ)⁻¹ZᵀΩr` on the
    /// shifted design, so the fixed point `Σvᵢψ(rᵢ/s)ẑᵢ = 0` is reached to rounding whatever the
    /// accuracy of the weighted Gram matrix's factor.
    ///
    /// **Convergence.** statsmodels stops when the deviance `Σρ(rᵢ/s)` changes by less than
    /// `tol = 1e-8` between iterations (`conv='dev'`), which leaves its coefficients typically
    /// 10⁻⁹–10⁻¹¹ (relative) from the fixed point. Descent iterates on to the fixed point itself.
    /// After each iteration it measures the change `c`: the larger of the weighted root mean
    /// square by which the step `δ` moved the fitted values, `√(δᵀZᵀΩZδ/Σvᵢωᵢ)`, relative to `s`,
    /// and the relative change of `s` (0 for a fixed scale). IRLS converges linearly, so with `ρ`
    /// the ratio of the last two changes (at most 0.99) the distance to the fixed point is about
    /// `c·ρ/(1 − ρ)`; the fit has ``RobustRegressionFit/converged`` when that estimate is at most
    /// `tolerance`, or when `c` is below the rounding floor of the residuals themselves,
    /// `√(p/n)·ε·rms(y)/s`, capped at 10⁻⁸ (targets far from zero relative to the scale: `y` near
    /// 10⁶ with `s` near 1 cannot settle beyond about 10⁻¹¹), within `maxIterations`. The default
    /// `10⁻¹³` reaches statsmodels' fixed point to 12.1 digits or more on the reference data sets.
    ///
    /// **Sample weights.** statsmodels' `RLM` has none; Descent's `weights: v` estimate the
    /// minimiser of `Σvᵢρ(rᵢ/s)` with the MAD scale taken as the weighted median of `|rᵢ|`
    /// (see ``Scale/mad``) over `Σvᵢ` (zero weights count for nothing), so integer weights give
    /// exactly the fit of the rows repeated that many times, summary included.
    ///
    /// - Parameters:
    ///   - features: `n × d` features, row-major.
    ///   - targets: `n` targets.
    ///   - norm: ``Norm/huber(t:)`` (statsmodels' default `t = 1.345`) or
    ///     ``Norm/tukeyBiweight(c:)`` (`c = 4.685`).
    ///   - scale: ``Scale/mad`` (default) or ``Scale/fixed(_:)``.
    ///   - weights: Optional sample weights, finite and ≥ 0, not all zero.
    ///   - intercept: Fit a bias (default).
    ///   - tolerance: The relative change that counts as converged, > 0.
    ///   - maxIterations: The most IRLS iterations, ≥ 1.
    /// - Returns: The model, the scale, the final robustness weights, the iteration count and
    ///   whether the fixed point was reached.
    /// - Throws: ``DescentError`` for inconsistent shapes, empty data, NaN or ±∞, a non-positive
    ///   or non-finite `t`, `c` or fixed scale, unusable weights, a zero MAD scale (at least half
    ///   the residuals zero, or within `64·ε·rms(y)` of it), or a weighted system that is singular
    ///   (``DescentError/unsolvable(method:reason:conditionEstimate:)``: e.g. Tukey's weights
    ///   zero on too many rows).
    /// - Complexity: per iteration O(n·d²) for the weighted Gram matrix and one O(n·d + n log n)
    ///   pass for the MAD (its exact weighted median by sorting); at the end two O(n·d²) passes for
    ///   the summary's matrices. Memory O(d² + block·d), plus `n` weights and `n` residuals.
    @specialized(where Scalar == Float)
    @specialized(where Scalar == Double)
    public static func fit<Scalar: BLASScalar>(_ features: Matrix<Scalar>, _ targets: [Scalar], norm: Norm,
                                               scale: Scale = .mad, weights: [Scalar]? = nil, intercept: Bool = true,
                                               tolerance: Double = defaultTolerance,
                                               maxIterations: Int = 1000) throws(DescentError)
        -> RobustRegressionFit<Scalar> {
        try Validation.checkShape(features, targets)
        let d = features.columns
        return try features.withUnsafeBufferPointer { (x) throws(DescentError) in
            try targets.withUnsafeBufferPointer { (y) throws(DescentError) in
                try fit(SolverRows(x, TargetColumns(y), columns: d), norm: norm, scale: scale, weights: weights,
                        intercept: intercept, tolerance: tolerance, maxIterations: maxIterations, featureNames: nil)
            }
        }
    }

    /// The M-estimate of the rows of any ``RowSource`` (a file streamed in chunks, rows of your
    /// own store): the same iteration as for a matrix, each iteration a few passes over the
    /// source's blocks, holding a chunk, `O(d²)` numbers and the `n` final weights (and, for the
    /// MAD's exact median in one process, the `n` absolute residuals of one pass; across MPI ranks
    /// the median is found by radix selection instead); the answer equals the in-memory fit's on
    /// the same rows.
    ///
    /// ```swift
    /// let stream = try StreamingDataset<Double>(npyFeatures: "X.npy", targets: "y.npy")
    /// let m = try RobustRegression.fit(from: stream, norm: .huber(t: 1.345))
    /// ```
    ///
    /// - Parameters:
    ///   - source: The rows, one target per row.
    ///   - norm: See ``Norm``.
    ///   - scale: See ``Scale``.
    ///   - weights: Optional sample weights, one per row of the source in its row order.
    ///   - intercept: Fit a bias (default).
    ///   - tolerance: As for a matrix.
    ///   - maxIterations: As for a matrix.
    /// - Returns: The fit (the model with the source's feature names).
    /// - Throws: as ``fit(_:_:norm:scale:weights:intercept:tolerance:maxIterations:)``, with
    ///   positions of NaN or ±∞ in the source's row numbers, a source with several targets per
    ///   row, and the source's own errors.
    /// - Complexity: as for a matrix: 2 passes over the source per iteration with the MAD scale
    ///   (5 across MPI ranks, the median's radix selection taking 4), 1 with a fixed one; 2 for
    ///   the start and 3 at the end.
    @specialized(where Source == Dataset<Float>)
    @specialized(where Source == Dataset<Double>)
    @specialized(where Source == StreamingDataset<Float>)
    @specialized(where Source == StreamingDataset<Double>)
    public static func fit<Source: RowSource>(from source: Source, norm: Norm, scale: Scale = .mad,
                                              weights: [Source.Scalar]? = nil, intercept: Bool = true,
                                              tolerance: Double = defaultTolerance,
                                              maxIterations: Int = 1000) throws(DescentError)
        -> RobustRegressionFit<Source.Scalar> {
        try fit(from: source, norm: norm, scale: scale, weights: weights, intercept: intercept, tolerance: tolerance,
                maxIterations: maxIterations, collective: LocalCollective())
    }

    /// ``fit(from:norm:scale:weights:intercept:tolerance:maxIterations:)`` over rows split over
    /// the parts of `collective` (each part passes its own rows and their weights).
    package static func fit<Source: RowSource>(from source: Source, norm: Norm, scale: Scale = .mad,
                                               weights: [Source.Scalar]? = nil, intercept: Bool = true,
                                               tolerance: Double = defaultTolerance, maxIterations: Int = 1000,
                                               collective: some Collective) throws(DescentError)
        -> RobustRegressionFit<Source.Scalar> {
        try collective.agree(source.targetColumns == 1 ? nil : .invalidOption(
            name: "source", value: "\(source.targetColumns) targets per row", expected: "one target per row"))
        return try fit(SolverRows(source, collective: collective), norm: norm, scale: scale, weights: weights,
                       intercept: intercept, tolerance: tolerance, maxIterations: maxIterations,
                       featureNames: source.featureNames)
    }

    static func checkOptions(norm: Norm, scale: Scale, tolerance: Double, maxIterations: Int) throws(DescentError) {
        try norm.validate()
        try scale.validate()
        guard tolerance.isFinite, tolerance > 0 else {
            throw .invalidOption(name: "tolerance", value: "\(tolerance)", expected: "a finite tolerance > 0")
        }
        guard maxIterations >= 1 else {
            throw .invalidOption(name: "maxIterations", value: "\(maxIterations)", expected: "at least 1")
        }
    }

    /// The one IRLS every entry point runs.
    @specialized(where S == Float)
    @specialized(where S == Double)
    static func fit<S: BLASScalar>(_ solverRows: SolverRows<S>, norm: Norm, scale: Scale, weights: [S]?,
                                   intercept: Bool, tolerance: Double, maxIterations: Int,
                                   featureNames: [String]?) throws(DescentError) -> RobustRegressionFit<S> {
        try checkOptions(norm: norm, scale: scale, tolerance: tolerance, maxIterations: maxIterations)
        let rows = try RobustRows(solverRows, weights: weights, intercept: intercept)
        var (theta, targetRMS) = try rows.leastSquares(what: "IRLS")
        func estimate() throws(DescentError) -> Double {
            switch scale {
            case let .fixed(s): return s
            case .mad:
                let s = try rows.medianAbsoluteResidual(theta) / madConstant
                // Zero, or at the level of the residuals' own rounding (ε·|yᵢ| each): a residual
                // that should be 0 comes out as 0 or ±10⁻¹⁶·|y| depending on the order of the
                // fit's sums, and the weights of a scale made of rounding are as undefined as of 0.
                guard s > 64 * LeastSquares.epsilon * targetRMS else {
                    throw .unsolvable(method: "IRLS", reason: "the MAD scale of the residuals is 0 (at least half of them "
                                      + "are 0, up to rounding): the robustness weights are undefined", conditionEstimate: nil)
                }
                return s
            }
        }
        var s = try estimate()
        var iterations = 0, converged = false
        var lastChange = Double.infinity, previousChange = Double.infinity
        // The residuals' own rounding, relative to the scale: the steps cannot settle below the
        // projection of rounding errors of ε·|yᵢ|/2 on the p columns, about ¼ of √(p/n)·ε·rms(y)/s,
        // the floor.
        let p = Double(rows.parameters), n = rows.totalWeight
        while iterations < maxIterations {
            let current = s
            let sums = try rows.pass(theta, matrix: true) { _, r, v in
                let w = v * norm.weight(r / current)
                return RobustRows<S>.Terms(curvature: w, gradient: w * r, extras: SIMD4(w, 0, 0, 0))
            }
            let step = try rows.solve(sums.matrix, sums.vector, what: "IRLS")
            for j in theta.indices { theta[j] += step[j] }
            iterations += 1
            let moved = zip(step, sums.vector).reduce(0.0) { $0 + $1.0 * $1.1 }
            let fitted = (Swift.max(0, moved) / sums.extras[0]).squareRoot() / current
            s = try estimate()
            lastChange = Swift.max(fitted, Swift.abs(s - current) / s)
            // IRLS converges linearly: with rate ρ (the ratio of the last two changes) the distance
            // to the fixed point is about ρ/(1 − ρ) times the last change.
            let rate = previousChange.isFinite && previousChange > 0 ? Swift.min(0.99, lastChange / previousChange) : 0.5
            let distance = lastChange * Swift.max(1, rate / (1 - rate))
            // Capped at 10⁻⁸: a scale collapsing towards 0 is no convergence.
            let floor = Swift.min(1e-8, (p / n).squareRoot() * Double.ulpOfOne * targetRMS / s)
            previousChange = lastChange
            if distance <= tolerance || lastChange <= floor {
                converged = true
                break
            }
        }
        // The final robustness weights and deviance at (θ, s).
        var robustness = [Double](repeating: 0, count: solverRows.localRows)
        let final = s
        let totals = try rows.pass(theta, matrix: false) { i, r, v in
            let z = r / final
            robustness[i] = norm.weight(z)
            return RobustRows<S>.Terms(extras: SIMD4(v * norm.rho(z), 0, 0, 0))
        }
        let design = try RobustDesign.gather(rows, theta: theta, scale: s, norm: norm)
        let (bias, slopes) = rows.coefficients(theta)
        var model = LinearModel<S>(weights: slopes.map { S($0) }, bias: S(bias))
        if let featureNames { model.featureNames = featureNames }
        return RobustRegressionFit(model: model, coefficients: intercept ? [bias] + slopes : slopes,
                                   shift: rows.shift, design: design,
                                   scale: s, weights: robustness, iterations: iterations, converged: converged,
                                   lastChange: lastChange,
                                   deviance: totals.extras[0], norm: norm, scaleEstimate: scale, hasIntercept: intercept,
                                   observations: rows.count, totalWeight: rows.totalWeight,
                                   isWeighted: weights != nil, tolerance: tolerance)
    }
}

/// The result of ``RobustRegression/fit(_:_:norm:scale:weights:intercept:tolerance:maxIterations:)``:
/// statsmodels' `RLMResults` at its fixed point.
public struct RobustRegressionFit<Scalar: BLASScalar>: Sendable {
    /// The fitted model (its bias zero without an intercept).
    public internal(set) var model: LinearModel<Scalar>
    /// The coefficients in `Double`, intercept first (statsmodels' `params`).
    public let coefficients: [Double]
    /// The column shift `μ` of the solver's coordinates `θ = (b + μᵀw, w)`.
    let shift: [Double]
    /// The sums the sandwich covariances need, in the shifted coordinates.
    let design: RobustDesign
    /// The final scale `s` (statsmodels' `scale`).
    public let scale: Double
    /// The robustness weights `ψ(rᵢ/s)/(rᵢ/s)` of this part's rows at the fixed point, in row
    /// order (statsmodels' `RLMResults.weights`); sample weights not included.
    public let weights: [Double]
    /// The IRLS iterations taken (each one weighted least-squares solve).
    public let iterations: Int
    /// Whether the fixed point was reached within the tolerance (see
    /// ``RobustRegression/fit(_:_:norm:scale:weights:intercept:tolerance:maxIterations:)``).
    public let converged: Bool
    /// The last iteration's relative change `c` (fitted values or scale, whichever larger; see
    /// ``RobustRegression/fit(_:_:norm:scale:weights:intercept:tolerance:maxIterations:)``).
    public let lastChange: Double
    /// `Σvᵢρ(rᵢ/s)` at the estimate (statsmodels' `deviance`, weighted).
    public let deviance: Double
    /// The norm fitted.
    public let norm: RobustRegression.Norm
    /// The scale rule used.
    public let scaleEstimate: RobustRegression.Scale
    /// Whether the model has an intercept.
    public let hasIntercept: Bool
    /// The number of rows, `n`.
    public let observations: Int
    /// `Σvᵢ` (`n` without sample weights).
    public let totalWeight: Double
    /// Whether sample weights were given.
    public let isWeighted: Bool
    /// The tolerance the fit was run with.
    public let tolerance: Double
}
