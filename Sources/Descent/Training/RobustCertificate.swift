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
            try forEachTrainingBlock { block in
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
    private func residuals(_ block: RowBlock<S>, at theta: UnsafePointer<S>, slot: Int) -> UnsafeMutablePointer<S> {
        let k = targets, r = workspace.residuals.baseAddress! + slot * order.blockRows * k
        let plain = RowBlock(features: block.features, targets: block.targets, count: block.count, columns: block.columns)
        withUnsafeTemporaryAllocation(of: S.self, capacity: k) { sums in
            sums.initialize(repeating: 0)
            _ = Kernels.residuals(plain, targets: k, weights: theta, biases: theta + settings.columns * k, into: r,
                                  sums: sums.baseAddress!)
        }
        return r
    }

    /// Target `t`'s Newton certificate for a piecewise-quadratic loss: `Σŵℓ`, and when the
    /// Newton point keeps every row's piece, the exact gap and that point (`w`, then `b`).
    private func newtonCheck(target t: Int, theta: UnsafePointer<S>, measureOnly: Bool) throws(DescentError)
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
                guard !measureOnly, weight > 0, loss.quadraticPiece(r).inside else { continue }
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
                    let before = loss.quadraticPiece(Double(current[i * k + t]))
                    let r = Double(next[i * k + t])
                    let after = loss.quadraticPiece(r)
                    check[0] += weight * loss.value(r)
                    if weight > 0 && (before.inside != after.inside || before.shift != after.shift) { check[1] += 1 }
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

    /// Target `t`'s dual certificate for a piecewise-linear loss: `Σŵℓ`, and when the balanced
    /// slopes are dual feasible, the gap `P − D` (absolute, summed) and the vertex (`w`, then `b`).
    private func linearProgramCheck(target t: Int, theta: UnsafePointer<S>, measureOnly: Bool)
        throws(DescentError) -> (objective: Double, gap: Double?, point: [Double]?) {
        let loss = settings.loss, d = settings.columns, p = d + 1, k = targets
        let kinks = loss.kinks, range = loss.slopeRange, mu = workspace.smoothing
        let keep = measureOnly ? 0 : 3 * p
        // Several dual points are tried: the slopes `aᵢ = ℓ'(rᵢ)` of the loss, and those of its
        // Moreau envelope at the training width `μ`, `8μ` and `μ/8` (inside the range near a kink,
        // which leaves the balancing slack). Per variant: Σŵa·x̃ (p) and
        // Σŵ(ay + ℓ*(a)), after Σŵℓ; the kept rows: distance, x̃ (p), y, ŵ, kink, then a per variant.
        let widths = mu > 0 ? [0, mu, 8 * mu, mu / 8] : [0]
        let variants = widths.count, width = p + 4 + variants
        var sums = [Double](repeating: 0, count: 1 + variants * (p + 1))
        var kept: [[Double]] = []
        var farthest = (index: -1, distance: Double.infinity)
        try forEachTrainingBlock { block in
            let residual = residuals(block, at: theta, slot: 0)
            for i in 0..<block.count {
                let r = Double(residual[i * k + t]), weight = Double(block.sampleWeights?[i] ?? 1)
                let y = Double(block.targets[i * targets + t]), x = block.row(i)
                sums[0] += weight * loss.value(r)
                var slopes = SIMD4<Double>()
                for v in 0..<variants { slopes[v] = loss.derivative(r, smoothing: widths[v]) }
                sums.withUnsafeMutableBufferPointer { total in
                    for v in 0..<variants {
                        let sum = total.baseAddress! + 1 + v * (p + 1), a = slopes[v], wa = weight * a
                        for j in 0..<d { sum[j] += wa * Double(x[j]) }
                        sum[d] += wa
                        sum[p] += weight * (a * y + loss.conjugate(a))
                    }
                }
                guard keep > 0, weight > 0 else { continue }
                let kink = kinks.min { Swift.abs(r - $0) < Swift.abs(r - $1) }!
                let distance = Swift.abs(r - kink)
                guard kept.count < keep || distance < farthest.distance else { continue }
                var entry = [distance]
                for j in 0..<d { entry.append(Double(x[j])) }
                entry += [1, y, weight, kink]
                for v in 0..<variants { entry.append(slopes[v]) }
                if kept.count < keep { kept.append(entry) } else { kept[farthest.index] = entry }
                if kept.count == keep {
                    let far = kept.indices.max { kept[$0][0] < kept[$1][0] }!
                    farthest = (far, kept[far][0])
                }
            }
        }
        // Every part's kept rows, in its own slot of a sum.
        var packed = sums + [Double](repeating: 0, count: collective.size * keep * width)
        let base = sums.count + collective.rank * keep * width
        for (index, entry) in kept.enumerated() {
            for (j, value) in entry.enumerated() { packed[base + index * width + j] = value }
        }
        for index in kept.count..<keep { packed[base + index * width] = .infinity }
        try collective.sum(&packed)
        let objective = packed[0]
        guard keep > 0 else { return (objective, nil, nil) }
        var candidates: [[Double]] = []
        for slot in 0..<(collective.size * keep) {
            let start = sums.count + slot * width
            if packed[start].isFinite { candidates.append(Array(packed[start..<(start + width)])) }
        }
        candidates.sort { $0[0] < $1[0] }
        // The nearest rows whose x̃ are independent (modified Gram–Schmidt), p of them.
        var basis: [[Double]] = [], directions: [[Double]] = []
        for entry in candidates where basis.count < p {
            var v = Array(entry[1...p])
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            for u in directions {
                let c = zip(u, v).reduce(0) { $0 + $1.0 * $1.1 }
                for j in 0..<p { v[j] -= c * u[j] }
            }
            let left = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard left > 1e-9 * norm else { continue }
            directions.append(v.map { $0 / left })
            basis.append(entry)
        }
        guard basis.count == p else { return (objective, nil, nil) }
        // The vertex: x̃ᵢᵀθ = yᵢ + kinkᵢ on the basis rows (a candidate whether or not a dual is feasible).
        var rows = [Double](repeating: 0, count: p * p), targetsAtKink = [Double](repeating: 0, count: p)
        for (c, entry) in basis.enumerated() {
            for j in 0..<p { rows[c * p + j] = entry[1 + j] }
            targetsAtKink[c] = entry[p + 1] + entry[p + 3]
        }
        let vertex = Self.solve(rows, targetsAtKink, size: p)
        // Per variant, balance on the basis: Σ_B ŵᵢaᵢx̃ᵢ = −(Σ_all ŵaᵢx̃ᵢ − Σ_B ŵᵢa⁰ᵢx̃ᵢ); a lower bound
        // D(a) = −Σŵ(ay + ℓ*(a)) when the solved slopes stay in the range.
        var best: Double? = nil
        for v in 0..<variants {
            let offset = 1 + v * (p + 1)
            var matrix = [Double](repeating: 0, count: p * p)   // row j: the j-th coordinate of each basis row's ŵx̃
            var rhs = (0..<p).map { -packed[offset + $0] }
            var dualSum = packed[offset + p]
            for (c, entry) in basis.enumerated() {
                let weight = entry[p + 2], y = entry[p + 1], a0 = entry[p + 4 + v]
                for j in 0..<p {
                    matrix[j * p + c] = weight * entry[1 + j]
                    rhs[j] += weight * a0 * entry[1 + j]
                }
                dualSum -= weight * (a0 * y + loss.conjugate(a0))
            }
            guard let slopes = Self.solve(matrix, rhs, size: p) else { continue }
            let slack = 1e-12 * (range.upper - range.lower)
            guard slopes.allSatisfy({ $0 >= range.lower - slack && $0 <= range.upper + slack }) else { continue }
            for (c, entry) in basis.enumerated() {
                let a = Swift.min(range.upper, Swift.max(range.lower, slopes[c]))
                dualSum += entry[p + 2] * (a * entry[p + 1] + loss.conjugate(a))
            }
            let gap = Swift.max(0, objective + dualSum)
            best = Swift.min(best ?? gap, gap)
        }
        if best == nil, mu > 0 { best = try bandCheck(target: t, theta: theta, width: mu, objective: objective) }
        return (objective, best, vertex)
    }

    /// The dual point of the envelope's slopes at width `μ`, balanced over every row inside the
    /// envelope's band (where its slope is strictly inside the loss's range) rather than on `d + 1`
    /// rows: `aᵢ ← aᵢ + x̃ᵢᵀλ` there, with `(Σ_band ŵx̃x̃ᵀ)λ = −Σŵaᵢx̃ᵢ`. On many rows near a kink
    /// the correction is spread thin, so it stays in range where the basis's does not. Two passes
    /// (the band's `(d + 1)²` matrix, then the corrected slopes' range and dual value); returns
    /// the gap `P − D` (summed), or `nil` when a corrected slope leaves the range.
    private func bandCheck(target t: Int, theta: UnsafePointer<S>, width mu: Double, objective: Double)
        throws(DescentError) -> Double? {
        let loss = settings.loss, d = settings.columns, p = d + 1, k = targets, range = loss.slopeRange
        // Σŵa·x̃ (p), then the band's Σŵx̃x̃ᵀ (p × p, syrk's row-major upper triangle).
        var sums = [Double](repeating: 0, count: p + p * p)
        var rows = [Double](repeating: 0, count: order.blockRows * p)
        try forEachTrainingBlock { block in
            let residual = residuals(block, at: theta, slot: 0)
            var used = 0
            for i in 0..<block.count {
                let r = Double(residual[i * k + t]), weight = Double(block.sampleWeights?[i] ?? 1), x = block.row(i)
                let a = loss.derivative(r, smoothing: mu), wa = weight * a
                for j in 0..<d { sums[j] += wa * Double(x[j]) }
                sums[d] += wa
                guard weight > 0, a > range.lower, a < range.upper else { continue }
                Self.appendRow(x, weight: weight, to: &rows, at: &used, columns: d)
            }
            Self.addGram(of: rows, count: used, columns: p, to: &sums, at: p)
        }
        try collective.sum(&sums)
        var factor = Array(sums[p...])
        for i in 0..<p { for j in (i + 1)..<p { factor[j * p + i] = factor[i * p + j] } }
        guard factor.withUnsafeMutableBufferPointer({ LAPACK.choleskyFactor($0, n: p) }) == nil else { return nil }
        var lambda = (0..<p).map { -sums[$0] }
        factor.withUnsafeBufferPointer { f in lambda.withUnsafeMutableBufferPointer { LAPACK.choleskySolve(f, n: p, $0) } }
        // The corrected slopes: in range, and D = −Σŵ(ay + ℓ*(a)).
        // Σŵ(ay + ℓ*(a)), slopes out of range, Σŵ|a|·(1 + ‖x‖₁) (the scale of the balance), Σŵax̃.
        var totals = [Double](repeating: 0, count: 3 + p)
        let slack = 1e-12 * (range.upper - range.lower)
        try forEachTrainingBlock { block in
            let residual = residuals(block, at: theta, slot: 0)
            for i in 0..<block.count {
                let r = Double(residual[i * k + t]), weight = Double(block.sampleWeights?[i] ?? 1), x = block.row(i)
                let y = Double(block.targets[i * k + t])
                var a = loss.derivative(r, smoothing: mu)
                if weight > 0, a > range.lower, a < range.upper {
                    var shift = lambda[d]
                    for j in 0..<d { shift += lambda[j] * Double(x[j]) }
                    a += shift
                    if a < range.lower - slack || a > range.upper + slack { totals[1] += 1 }
                    a = Swift.min(range.upper, Swift.max(range.lower, a))
                }
                totals[0] += weight * (a * y + loss.conjugate(a))
                var size = 1.0
                for j in 0..<d {
                    totals[3 + j] += weight * a * Double(x[j])
                    size += Swift.abs(Double(x[j]))
                }
                totals[3 + d] += weight * a
                totals[2] += weight * Swift.abs(a) * size
            }
        }
        try collective.sum(&totals)
        // Feasible: every slope in range, and the balance holds to rounding (a nearly singular band
        // matrix — few rows in the band — solves it inaccurately, and then it is no bound).
        let imbalance = totals[3...].reduce(0.0) { Swift.max($0, Swift.abs($1)) }
        guard totals[1] == 0, imbalance <= 1e-10 * Swift.max(totals[2], .leastNormalMagnitude) else { return nil }
        return Swift.max(0, objective + totals[0])
    }

    /// Writes `√ŵ·x̃` (`x̃ = (x, 1)`) as row `used` of `rows` and counts it.
    private static func appendRow(_ x: UnsafePointer<S>, weight: Double, to rows: inout [Double], at used: inout Int,
                                  columns d: Int) {
        let root = weight.squareRoot(), p = d + 1
        for j in 0..<d { rows[used * p + j] = root * Double(x[j]) }
        rows[used * p + d] = root
        used += 1
    }

    /// Adds `RᵀR` of the first `count` rows of `rows` (`columns` wide) into `sums` from `offset`
    /// (`syrk`: the row-major upper triangle).
    private static func addGram(of rows: [Double], count: Int, columns p: Int, to sums: inout [Double], at offset: Int) {
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

/// What a fit with a loss other than the squared carries from check to check: the smoothing
/// schedule of a piecewise-linear loss, the best model measured (the model or a check's
/// candidate) and the best lower bound on the optimum any check certified.
struct RobustProgress<S: BLASScalar> {
    /// The width `μ₀` the smoothing starts from (the targets' standard deviation), 0 when the
    /// loss is trained as it is.
    let initialSmoothing: Double
    /// The scale below which an objective counts as zero: `√ε` of the training precision times
    /// the targets' standard deviation (piecewise linear) or variance (piecewise quadratic).
    let floor: Double
    /// Epochs between halvings of `μ`, and the smallest `μ` as a share of `μ₀`.
    static var halvingEpochs: Int { 30 }
    static var smallestShare: Double { 1e-3 }
    /// Epochs between checks.
    static var checkEpochs: Int { 5 }

    private(set) var bestObjective = Double.infinity
    private(set) var best: [S]? = nil
    private(set) var lowerBound = -Double.infinity
    private(set) var certificate = ConvergenceCertificate.unavailable

    init(loss: Loss, baseline: Double, targets k: Int, smoothed: Bool) {
        let deviation = (baseline / Double(Swift.max(1, k))).squareRoot()
        initialSmoothing = smoothed ? (deviation > 0 && deviation.isFinite ? deviation : 1) : 0
        let root = Double(S.ulpOfOne).squareRoot()
        floor = root * (loss.isPiecewiseLinear ? baseline.squareRoot() : baseline)
    }

    /// `μ` after `epochs` epochs of training: `μ₀` halved every ``halvingEpochs``, down to
    /// ``smallestShare`` of `μ₀` or of the best mean loss measured, whichever is smaller (a fit
    /// whose optimum is far below the targets' spread needs its kinks followed more closely).
    func smoothing(afterEpochs epochs: Int) -> Double {
        guard initialSmoothing > 0 else { return 0 }
        let halvings = Double(epochs / Self.halvingEpochs)
        let scale = Swift.min(initialSmoothing, Swift.max(bestObjective, 1e-6 * initialSmoothing))
        return Swift.max(initialSmoothing * Foundation.pow(0.5, halvings), Self.smallestShare * scale)
    }

    /// Takes in a check of `model`.
    mutating func observe(_ check: RobustCheck<S>, model: UnsafeBufferPointer<S>) {
        let objective = check.verdict.objective
        if objective < bestObjective {
            bestObjective = objective
            best = Array(model)
        }
        if check.verdict.gap.isFinite {
            lowerBound = Swift.max(lowerBound, objective - check.verdict.gap)
            certificate = check.verdict.certificate
        }
        if let candidate = check.candidate, check.candidateObjective < bestObjective {
            bestObjective = check.candidateObjective
            best = candidate
        }
    }

    /// The verdict for a model whose objective is `objective`, from the best lower bound.
    func verdict(objective: Double) -> ConvergenceVerdict {
        guard lowerBound.isFinite else {
            return ConvergenceVerdict(gap: .infinity, objective: objective, relativeGap: .infinity,
                                      certificate: .unavailable, supportCertified: true)
        }
        let gap = Swift.max(0, objective - lowerBound)
        return ConvergenceVerdict(gap: gap, objective: objective,
                                  relativeGap: gap / Swift.max(lowerBound, floor, .leastNormalMagnitude),
                                  certificate: certificate, supportCertified: true)
    }
}

extension EpochDriver {
    /// Checks the model (``robustCheck(_:floor:)``) and takes the check in; returns whether the
    /// best model is certified within the tolerance.
    func robustStep(_ progress: inout RobustProgress<S>, averaged: Int) throws(DescentError) -> Bool {
        let model = workspace.current(averaging: averaging, averaged: averaged)
        let check = try robustCheck(model.baseAddress!, floor: progress.floor)
        progress.observe(check, model: UnsafeBufferPointer(model))
        // A piecewise-quadratic loss's Newton point on the rows' pieces, when it improves on the
        // model, becomes the iterate (in fits that stop once converged): gradient descent finds the
        // pieces, the Newton steps finish them, as the lasso's step on its support does.
        if settings.stopsWhenConverged, !settings.loss.isPiecewiseLinear, let candidate = check.candidate,
           check.candidateObjective < check.verdict.objective {
            install(candidate)
        }
        return progress.verdict(objective: progress.bestObjective).certifies(settings.convergenceTolerance)
    }

    /// Makes the best model measured the model (and the optimiser's iterates, momentum restarted),
    /// when it is better than the model; returns the model's objective.
    func installBest(_ progress: RobustProgress<S>, averaged: Int, objective: Double) -> Double {
        guard let best = progress.best, progress.bestObjective < objective else { return objective }
        install(best)
        return progress.bestObjective
    }

    /// Makes `parameters` the model and the optimiser's iterates (momentum restarted).
    func install(_ parameters: [S]) {
        let ws = workspace
        for buffer in [ws.theta, ws.average, ws.epochEnd] { _ = buffer.update(fromContentsOf: parameters) }
        ws.first.update(repeating: 0)
        ws.second.update(repeating: 0)
    }
}
