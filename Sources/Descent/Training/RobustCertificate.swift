import Foundation

/// The convergence certificates of the losses other than the squared (``Loss``), computed in the
/// epoch driver from passes over the training rows at a model `θ`, per target.
///
/// - **Piecewise quadratic** (``Loss/huber(delta:)``, ``Loss/squaredEpsilonInsensitive(_:)``):
///   one pass measures `P(θ)`, the gradient `g` and the Hessian `2H` of the quadratic the rows'
///   current pieces define (`H = Σŵx̃x̃ᵀ` over the rows in a quadratic piece, `x̃ = (x, 1)`); the
///   Newton step `θ_N = θ − (2H)⁻¹g` minimises that quadratic, and a second pass checks that every
///   row is still in its piece at `θ_N`. If so, `θ_N` is stationary for the convex `P`, the exact
///   optimum, and `P(θ) − P(θ_N)` is the exact gap (``ConvergenceCertificate/activeSet``).
/// - **Piecewise linear** (``Loss/absolute``, ``Loss/quantile(_:)``,
///   ``Loss/epsilonInsensitive(_:)``): the linear program's dual is
///   `max D(a) = −Σŵᵢ(aᵢyᵢ + ℓ*(aᵢ))` over slopes `aᵢ` in the loss's range with `Σŵᵢaᵢx̃ᵢ = 0`,
///   and `P(θ) − D(a) ≥ P(θ) − P*` for any such `a`. One pass takes every row's slope at `θ` and
///   keeps the rows nearest a kink; the `d + 1` nearest whose `x̃` are independent (the vertex
///   `θ` is closest to) get the slopes that balance the sum, by a `(d + 1) × (d + 1)` solve. When
///   those stay in the range, `a` is dual feasible and the gap is certified
///   (``ConvergenceCertificate/dualityGap``); at the optimum's vertex it is zero. The vertex
///   itself (the model through those rows' kinks) is the candidate the fit may move to.
///
/// Both are measured only when their `(d + 1)²` matrices are affordable, as
/// ``GramReference`` is; otherwise the verdict is ``ConvergenceCertificate/unavailable``.
struct RobustCheck<S: BLASScalar> {
    /// The verdict at the model checked.
    var verdict: ConvergenceVerdict
    /// A model (flat, as `θ`) at least as good, when one was found: the Newton point or vertex.
    var candidate: [S]?
    /// `P` at the candidate.
    var candidateObjective: Double
    /// Why no certificate was measured, when it was not affordable.
    var unavailable: String?
}

extension EpochDriver {
    /// Checks the model `theta` (see ``RobustCheck``); `floor` is the scale below which a
    /// gap counts as zero (the relative gap's denominator's floor).
    func robustCheck(_ theta: UnsafePointer<S>, floor: Double) throws(DescentError) -> RobustCheck<S> {
        let loss = settings.loss, d = settings.columns, k = targets, p = d + 1, n = Double(settings.rows)
        var objective = 0.0, gap = 0.0, candidateObjective = Double.infinity
        var candidate: [S]? = [S](repeating: 0, count: workspace.parameterCount)
        var method: ConvergenceCertificate = loss.isPiecewiseLinear ? .dualityGap : .activeSet
        var why: String? = nil
        guard !chunks.placeholder.isSparse || d <= GramReference.maximumColumns else {
            // Its passes read whole rows: affordable on sparse rows only when the columns are few.
            return RobustCheck(verdict: ConvergenceVerdict(gap: .infinity, objective: .infinity, relativeGap: .infinity,
                                                           certificate: .unavailable, supportCertified: true),
                               candidate: nil, candidateObjective: .infinity,
                               unavailable: "the \(loss) loss's certificate reads whole rows, measured on sparse rows "
                                   + "only up to \(GramReference.maximumColumns) columns")
        }
        guard settings.l1 == 0 && settings.l2 == 0 else {
            // (The checks measure the loss alone: a penalty's objective has no certificate here.)
            return RobustCheck(verdict: ConvergenceVerdict(gap: .infinity, objective: .infinity, relativeGap: .infinity,
                                                           certificate: .unavailable, supportCertified: true),
                               candidate: nil, candidateObjective: .infinity,
                               unavailable: "a penalised fit with the \(loss) loss has no certificate (its checks measure the loss alone)")
        }
        let cost = GramReference.costInEpochs(rows: settings.rows, columns: p, targets: 1) * Double(k)
        if d > GramReference.maximumColumns || cost > GramReference.affordableEpochs(budget: settings.epochs) {
            why = "its (d + 1) × (d + 1) systems would cost about \(Int(cost.rounded())) epochs"
        }
        for t in 0..<k {
            let part = loss.isPiecewiseLinear
                ? try linearProgramCheck(target: t, theta: theta, measureOnly: why != nil)
                : try newtonCheck(target: t, theta: theta, measureOnly: why != nil)
            objective += part.objective
            gap += part.gap ?? .infinity
            if let point = part.point {
                for j in 0..<d { candidate?[t * d + j] = S(point[j]) }
                candidate?[d * k + t] = S(point[d])
            } else {
                candidate = nil
            }
        }
        objective /= n
        gap /= n
        if !gap.isFinite { method = .unavailable }
        if let point = candidate { candidateObjective = try objectiveAt(point) / n }
        let lower = objective - gap
        let relative = gap.isFinite ? Swift.max(0, gap) / Swift.max(lower, floor, .leastNormalMagnitude) : .infinity
        return RobustCheck(verdict: ConvergenceVerdict(gap: gap, objective: objective, relativeGap: relative,
                                                       certificate: method, supportCertified: true),
                           candidate: candidate, candidateObjective: candidate == nil ? .infinity : candidateObjective,
                           unavailable: why.map { "the \(settings.loss) loss's certificate is not measured: \($0)" })
    }

    /// `Σŵℓ(r)` over the training rows and targets at the flat parameters `theta`.
    func objectiveAt(_ theta: [S]) throws(DescentError) -> Double {
        let k = targets, loss = settings.loss
        var total = [0.0]
        try theta.withUnsafeBufferPointer { (pointer) throws(DescentError) in
            try forEachTrainingBlock(sparse: true) { block in
                let r = residuals(block, at: pointer.baseAddress!, slot: 0)
                for i in 0..<block.count {
                    let weight = Double(block.sampleWeights?[i] ?? 1)
                    for t in 0..<k { total[0] += weight * loss.value(Double(r[i * k + t])) }
                }
            }
        }
        try collective.sum(&total)
        return total[0]
    }

    /// The unweighted residuals `r = x̃ᵀθ − y` of `block` at the flat parameters `theta`, every
    /// target's (`count × k`), by the training kernels, in residual slot `slot` (0 or 1).
    func residuals(_ block: RowBlock<S>, at theta: UnsafePointer<S>, slot: Int) -> UnsafeMutablePointer<S> {
        let k = targets, r = workspace.residuals.baseAddress! + slot * order.blockRows * k
        let plain = block.unweighted
        withUnsafeTemporaryAllocation(of: S.self, capacity: k) { sums in
            sums.initialize(repeating: 0)
            _ = Kernels.residuals(plain, targets: k, weights: theta, biases: theta + settings.columns * k, into: r,
                                  sums: sums.baseAddress!)
        }
        return r
    }

    /// Target `t`'s Newton certificate for a piecewise-quadratic loss: `Σŵℓ`, and when the
    /// Newton point keeps every row's piece, the exact gap and that point (`w`, then `b`).
    func newtonCheck(target t: Int, theta: UnsafePointer<S>, measureOnly: Bool) throws(DescentError)
        -> (objective: Double, gap: Double?, point: [Double]?) {
        let loss = settings.loss, d = settings.columns, p = d + 1, k = targets
        // Σŵℓ, g = Σŵℓ'x̃, then H (p × p, upper triangle in the column-major sense of syrk).
        var sums = [Double](repeating: 0, count: 1 + p + (measureOnly ? 0 : p * p))
        var rows = [Double](repeating: 0, count: measureOnly ? 0 : order.blockRows * p)
        try forEachTrainingBlock { block in
            var used = 0
            let residual = residuals(block, at: theta, slot: 0)
            for i in 0..<block.count {
                let r = Double(residual[i * k + t]), weight = Double(block.sampleWeights?[i] ?? 1)
                let x = block.row(i)
                sums[0] += weight * loss.value(r)
                let slope = weight * loss.derivative(r, smoothing: 0)
                for j in 0..<d { sums[1 + j] += slope * Double(x[j]) }
                sums[1 + d] += slope
                guard !measureOnly, weight > 0, loss.quadraticPieces(r).halfCurvature > 0 else { continue }
                Self.appendRow(x, weight: weight, to: &rows, at: &used, columns: d)
            }
            Self.addGram(of: rows, count: used, columns: p, to: &sums, at: 1 + p)
        }
        try collective.sum(&sums)
        let objective = sums[0]
        guard !measureOnly else { return (objective, nil, nil) }
        // (2H)Δ = −g by Cholesky: a singular H (too few rows in a quadratic piece) certifies nothing.
        // (syrk leaves the row-major upper triangle; the factorisation reads the full matrix's.)
        var factor = Array(sums[(1 + p)...]).map { 2 * $0 }
        for i in 0..<p { for j in (i + 1)..<p { factor[j * p + i] = factor[i * p + j] } }
        let failed = factor.withUnsafeMutableBufferPointer { LAPACK.choleskyFactor($0, n: p) }
        guard failed == nil else { return (objective, nil, nil) }
        var step = (0..<p).map { -sums[1 + $0] }
        factor.withUnsafeBufferPointer { f in
            step.withUnsafeMutableBufferPointer { LAPACK.choleskySolve(f, n: p, $0) }
        }
        let point = (0..<d).map { Double(theta[t * d + $0]) + step[$0] } + [Double(theta[d * k + t]) + step[d]]
        var moved = Array(UnsafeBufferPointer(start: theta, count: p * k))
        for j in 0..<d { moved[t * d + j] = S(point[j]) }
        moved[d * k + t] = S(point[d])
        // The Newton point keeps every row's piece, and its gradient vanishes (to rounding against
        // the gradient's terms): it is the optimum.
        var check = [Double](repeating: 0, count: 3 + p)
        try moved.withUnsafeBufferPointer { (movedTheta) throws(DescentError) in
            try forEachTrainingBlock { block in
                let current = residuals(block, at: theta, slot: 0), next = residuals(block, at: movedTheta.baseAddress!, slot: 1)
                for i in 0..<block.count {
                    let weight = Double(block.sampleWeights?[i] ?? 1), x = block.row(i)
                    let before = loss.quadraticPieces(Double(current[i * k + t])).side
                    let r = Double(next[i * k + t])
                    let after = loss.quadraticPieces(r).side
                    check[0] += weight * loss.value(r)
                    if weight > 0 && before != after { check[1] += 1 }
                    let slope = weight * loss.derivative(r, smoothing: 0)
                    for j in 0..<d { check[3 + j] += slope * Double(x[j]) }
                    check[3 + d] += slope
                    check[2] += Swift.abs(slope) * (1 + (0..<d).reduce(0.0) { $0 + Swift.abs(Double(x[$1])) })
                }
            }
        }
        try collective.sum(&check)
        let residualNorm = check[3...].reduce(0.0) { Swift.max($0, Swift.abs($1)) }
        guard check[1] == 0, residualNorm <= 1e-9 * Swift.max(check[2], .leastNormalMagnitude), check[0] <= objective * (1 + 1e-12)
        else { return (objective, nil, point) }
        return (objective, Swift.max(0, objective - check[0]), point)
    }

    /// Writes `√ŵ·x̃` (`x̃ = (x, 1)`) as row `used` of `rows` and counts it.
    static func appendRow(_ x: UnsafePointer<S>, weight: Double, to rows: inout [Double], at used: inout Int,
                                  columns d: Int) {
        let root = weight.squareRoot(), p = d + 1
        for j in 0..<d { rows[used * p + j] = root * Double(x[j]) }
        rows[used * p + d] = root
        used += 1
    }

    /// Adds `RᵀR` of the first `count` rows of `rows` (`columns` wide) into `sums` from `offset`
    /// (`syrk`: the row-major upper triangle).
    static func addGram(of rows: [Double], count: Int, columns p: Int, to sums: inout [Double], at offset: Int) {
        guard count > 0 else { return }
        rows.withUnsafeBufferPointer { a in
            sums.withUnsafeMutableBufferPointer { s in
                BLAS.syrk(a.baseAddress!, rows: count, columns: p, beta: 1, s.baseAddress! + offset)
            }
        }
    }

    /// Solves the dense `n × n` system `A x = b` (row-major) by Gaussian elimination with partial
    /// pivoting; `nil` when it is singular to working precision.
    static func solve(_ matrix: [Double], _ rhs: [Double], size n: Int) -> [Double]? {
        var a = matrix, x = rhs
        let scale = a.reduce(0) { Swift.max($0, Swift.abs($1)) }
        guard scale > 0, scale.isFinite else { return nil }
        for column in 0..<n {
            let pivot = (column..<n).max { Swift.abs(a[$0 * n + column]) < Swift.abs(a[$1 * n + column]) }!
            guard Swift.abs(a[pivot * n + column]) > 1e-13 * scale else { return nil }
            if pivot != column {
                for j in 0..<n { a.swapAt(pivot * n + j, column * n + j) }
                x.swapAt(pivot, column)
            }
            for row in (column + 1)..<n {
                let factor = a[row * n + column] / a[column * n + column]
                guard factor != 0 else { continue }
                for j in column..<n { a[row * n + j] -= factor * a[column * n + j] }
                x[row] -= factor * x[column]
            }
        }
        for row in stride(from: n - 1, through: 0, by: -1) {
            var value = x[row]
            for j in (row + 1)..<n { value -= a[row * n + j] * x[j] }
            x[row] = value / a[row * n + row]
        }
        return x.allSatisfy(\.isFinite) ? x : nil
    }
}

