/// The exact minimiser of Descent's piecewise-quadratic training losses, the reference a
/// gradient-descent fit with ``Loss/huber(delta:)`` or
/// ``Loss/squaredEpsilonInsensitive(_:)`` is verified against.
///
/// The objective is `P(w, b) = (1/Σvᵢ)·Σ vᵢ ℓ(rᵢ)`, `rᵢ = xᵢᵀw + b − yᵢ`, with optional row weights
/// `vᵢ` (1 without). It is convex and continuously differentiable, quadratic on each *partition*
/// of the rows (inside / outside the kinks), so Newton's method with the Hessian of the current
/// partition finds it exactly: each step solves the current partition's normal equations (each
/// outside Huber row contributing its constant slope, each outside ε row its target shifted by
/// ε), a backtracking (Armijo) line search keeps every step downhill, and the iteration ends
/// when a full step leaves every row on the side it was on (the partition is self-consistent,
/// rows within 10⁻¹² relative of a kink counted on either side): the point then solves the
/// normal equations of its own partition, which is the optimality condition. Steps are in
/// residual form, so the last ones polish the answer to rounding. When the final partition's
/// Hessian is singular (too few quadratic rows) a tiny ridge (`10⁻¹⁰` of the Gram matrix's
/// diagonal) selects one point of the optimal face, and ``PiecewiseQuadraticOptimum/unique`` is
/// false.
struct PiecewiseQuadraticOptimum: Sendable {
    /// The coefficients, intercept first (without an intercept, the weights alone).
    let coefficients: [Double]
    /// `P` at the optimum, summed in extended precision.
    let objective: Double
    /// Newton steps taken.
    let steps: Int
    /// Whether the final partition determines the optimum uniquely (its Hessian is nonsingular).
    let unique: Bool
    /// Whether the final partition was self-consistent (false only if the step limit ran out).
    let exact: Bool

    /// Newton's method with Armijo backtracking from the (weighted) least-squares solution.
    @specialized(where S == Float)
    @specialized(where S == Double)
    static func solve<S: BLASScalar>(_ solverRows: SolverRows<S>, loss: Loss, weights: [S]?,
                                     intercept: Bool, maxSteps: Int = 200) throws(DescentError) -> PiecewiseQuadraticOptimum {
        try loss.validate()
        guard loss.isPiecewiseQuadratic else {
            throw .invalidOption(name: "loss", value: "\(loss)", expected: "huber(delta:) or squaredEpsilonInsensitive(_:)")
        }
        let rows = try RobustRows(solverRows, weights: weights, intercept: intercept)
        let p = rows.parameters
        var theta = try rows.leastSquares(what: "Newton").theta
        let gram = try rows.pass(theta, matrix: true) { _, _, v in RobustRows<S>.Terms(curvature: v) }
        let gramDiagonal = (0..<p).map { gram.matrix[$0 * p + $0] }
        let kink = loss.kinkDistance
        // Row sides (−1, 0, +1) at the point the current Hessian was formed, and at the trial point.
        var sides = [Int8](repeating: 0, count: solverRows.localRows)
        var trialSides = sides
        var nearKink = [Bool](repeating: false, count: solverRows.localRows)
        func evaluate(_ point: [Double], into target: inout [Int8]) throws(DescentError) -> RobustRows<S>.Sums {
            try rows.pass(point, matrix: true) { i, r, v in
                let e = loss.quadraticPieces(r)
                target[i] = e.side
                nearKink[i] = Swift.abs(Swift.abs(r) - kink) <= 1e-12 * Swift.max(kink, Swift.abs(r))
                return RobustRows<S>.Terms(curvature: v * e.halfCurvature, gradient: v * e.halfSlope,
                                           extras: SIMD4(v * e.loss, 0, 0, 0))
            }
        }
        var current = try evaluate(theta, into: &sides)
        var steps = 0, exact = false, unique = true
        var lastSize = Double.infinity, polishing = false
        while steps < maxSteps {
            var ridged = false
            var step: [Double]
            do {
                step = try rows.solve(current.matrix, current.vector, what: "Newton")
            } catch {
                var h = current.matrix
                for j in 0..<p { h[j * p + j] += 1e-10 * gramDiagonal[j] }
                step = try rows.solve(h, current.vector, what: "Newton")
                ridged = true
            }
            steps += 1
            // f(θ + tδ) ≤ f(θ) − 2·10⁻⁴·t·gᵀδ (the gradient of P·Σv is −2g in θ), halving t.
            let slope = zip(current.vector, step).reduce(0.0) { $0 + $1.0 * $1.1 }
            let size = step.reduce(0.0) { Swift.max($0, Swift.abs($1)) }
            var t = 1.0, trial: RobustRows<S>.Sums
            var point = theta
            repeat {
                for j in 0..<p { point[j] = theta[j] + t * step[j] }
                trial = try evaluate(point, into: &trialSides)
                // Near the optimum the objective's rounding (summed in Double) hides the decrease:
                // a change within 10⁻¹² of it is accepted.
                let f0 = current.extras[0], f1 = trial.extras[0]
                if f1 <= f0 - 2e-4 * t * slope || f1 <= f0 + 1e-12 * Swift.abs(f0) { break }
                t /= 2
            } while t > 1e-12
            theta = point
            let consistent = t == 1 && zip(zip(sides, trialSides), nearKink).allSatisfy { $0.0 == $0.1 || $1 }
            swap(&sides, &trialSides)
            current = trial
            if consistent {
                // The partition's own optimum: polish by full steps while they shrink.
                unique = !ridged
                if polishing && (size >= lastSize / 2 || size == 0) { exact = true; break }
                polishing = true
            } else {
                polishing = false
            }
            lastSize = size
        }
        // The objective in extended precision.
        var total = [Double.Accumulator(0)]
        try rows.forEachResidual(theta) { _, r, v in total[0] += Double.Accumulator(v) * Double.Accumulator(loss.quadraticPieces(r).loss) }
        try solverRows.sum(&total)
        let (bias, slopes) = rows.coefficients(theta)
        return PiecewiseQuadraticOptimum(coefficients: intercept ? [bias] + slopes : slopes,
                                         objective: Double(total[0] / Double.Accumulator(rows.totalWeight)),
                                         steps: steps, unique: unique, exact: exact)
    }
}

extension RobustRegression {
    /// The exact minimiser of `(1/Σvᵢ)·Σ vᵢ ℓ(rᵢ)` with Descent's Huber loss
    /// `ℓ(r) = r²` for `|r| ≤ δ`, `2δ|r| − δ²` beyond (`r = xᵀw + b − y`, δ in target units): the
    /// reference a gradient-descent fit with `.huber(delta: δ)` is verified against (see
    /// ``PiecewiseQuadraticOptimum``). statsmodels' `RLM(HuberT(t)).fit(update_scale=False)` with
    /// scale `s` is `δ = t·s`.
    ///
    /// - Returns: The model and the objective (summed in extended precision).
    /// - Throws: as ``fit(_:_:norm:scale:weights:intercept:tolerance:maxIterations:)`` for the data
    ///   and weights; ``DescentError/invalidOption(name:value:expected:)`` for δ ≤ 0, NaN or ±∞.
    static func exactOptimum<S: BLASScalar>(features: Matrix<S>, targets: [S], weights: [S]?, huberDelta: Double,
                                            intercept: Bool = true) throws(DescentError)
        -> (model: LinearModel<S>, objective: Double) {
        try exactOptimum(features: features, targets: targets, weights: weights, loss: .huber(delta: huberDelta),
                         intercept: intercept).result(intercept: intercept)
    }

    /// The exact minimiser of `(1/Σvᵢ)·Σ vᵢ max(0, |rᵢ| − ε)²` (Descent's
    /// `.squaredEpsilonInsensitive(ε)`, scikit-learn's `squared_epsilon_insensitive`).
    ///
    /// - Returns: The model and the objective; when fewer quadratic rows than coefficients remain
    ///   (the optimum is a face, e.g. objective 0), one point of the face.
    /// - Throws: as ``exactOptimum(features:targets:weights:huberDelta:intercept:)``, for ε < 0.
    static func exactOptimum<S: BLASScalar>(features: Matrix<S>, targets: [S], weights: [S]?,
                                            squaredEpsilonInsensitive epsilon: Double,
                                            intercept: Bool = true) throws(DescentError)
        -> (model: LinearModel<S>, objective: Double) {
        try exactOptimum(features: features, targets: targets, weights: weights,
                         loss: .squaredEpsilonInsensitive(epsilon), intercept: intercept)
            .result(intercept: intercept)
    }

    /// The full result (coefficients in `Double`, uniqueness, exactness) for a matrix.
    static func exactOptimum<S: BLASScalar>(features: Matrix<S>, targets: [S], weights: [S]?,
                                            loss: Loss,
                                            intercept: Bool = true) throws(DescentError) -> PiecewiseQuadraticOptimum {
        try Validation.checkShape(features, targets)
        let d = features.columns
        return try features.withUnsafeBufferPointer { (x) throws(DescentError) in
            try targets.withUnsafeBufferPointer { (y) throws(DescentError) in
                try PiecewiseQuadraticOptimum.solve(SolverRows(x, TargetColumns(y), columns: d), loss: loss,
                                                    weights: weights, intercept: intercept)
            }
        }
    }

    /// The full result for the rows of a ``RowSource`` (one target per row), each Newton step a
    /// pass over its blocks; `weights` in the source's row order.
    static func exactOptimum<Source: RowSource>(from source: Source, weights: [Source.Scalar]?,
                                                loss: Loss,
                                                intercept: Bool = true, collective: some Collective = LocalCollective())
        throws(DescentError) -> PiecewiseQuadraticOptimum {
        try collective.agree(source.targetColumns == 1 ? nil : .invalidOption(
            name: "source", value: "\(source.targetColumns) targets per row", expected: "one target per row"))
        return try PiecewiseQuadraticOptimum.solve(SolverRows(source, collective: collective), loss: loss, weights: weights,
                                                   intercept: intercept)
    }
}

extension PiecewiseQuadraticOptimum {
    /// The model in the caller's precision and the objective.
    func result<S: BLASScalar>(intercept: Bool) -> (model: LinearModel<S>, objective: Double) {
        let weights = intercept ? Array(coefficients.dropFirst()) : coefficients
        return (LinearModel(weights: weights.map { S($0) }, bias: intercept ? S(coefficients[0]) : 0), objective)
    }
}
