/// The piecewise-linear losses' certificate (``RobustCertificate``): the linear program's dual at
/// slopes balanced on the rows nearest a kink or over the Moreau envelope's band, and the vertex
/// those rows define.
extension EpochDriver {
    /// Target `t`'s dual certificate for a piecewise-linear loss: `Σŵℓ`, and when the balanced
    /// slopes are dual feasible, the gap `P − D` (absolute, summed) and the vertex (`w`, then `b`).
    func linearProgramCheck(target t: Int, theta: UnsafePointer<S>, measureOnly: Bool)
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
}
