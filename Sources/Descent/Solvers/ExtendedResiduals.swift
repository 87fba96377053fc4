/// What the refinement passes of QR share: residuals of the original data in extended precision
/// (`Double.Accumulator`, `Float80` on x86-64) and the rule for when to stop refining.
enum ExtendedResiduals {
    typealias E = Double.Accumulator

    /// One pass over rows in memory for target `t`: for each row `i`, the residual
    /// `fᵢ = yᵢₜ − offset(i) − c − Σⱼ (xᵢⱼ − μⱼ)·uⱼ`, then `gⱼ += (xᵢⱼ − μⱼ)·visit(i, fᵢ)`.
    /// Returns `Σfᵢ` and `g`. Everything is computed from the caller's data, never a rounded copy.
    static func pass<S: BLASScalar>(_ p: CenteredProblem, _ all: SolverRows<S>.Block, target t: Int, u: [E], c: E,
                                    offset: (Int) -> E, visit: (Int, E) -> E) -> (sum: E, g: [E]) {
        let n = p.rows, d = p.columns
        let means = p.means.map { E($0) }
        var sum = E(0)
        var g = [E](repeating: 0, count: d)
        for i in 0..<n {
            let x = all.row(i)
            var prediction = c
            for j in 0..<d { prediction += (E(x[j]) - means[j]) * u[j] }
            let f = E(all.target(i, t)) - offset(i) - prediction
            sum += f
            let weight = visit(i, f)
            for j in 0..<d { g[j] += (E(x[j]) - means[j]) * weight }
        }
        return (sum, g)
    }

    /// Whether refinement should stop after `steps` steps whose last correction had size `size`
    /// (the one before, `previous`) on a solution of size `magnitude`: when the correction is
    /// below `Double`'s resolution, or has stopped shrinking (after the first two steps).
    static func converged(size: Double, previous: Double, magnitude: Double, steps: Int) -> Bool {
        size <= 0x1p-60 * magnitude || (steps > 2 && size > 0.5 * previous)
    }

    /// One pass over every part's rows for the targets `targets`: for each, with its column of `U`
    /// (column-major `d × k`) and its intercept `c[t]`, `fᵢ = yᵢₜ − c[t] − Σⱼ (xᵢⱼ − μⱼ)·uⱼₜ` and
    /// `gⱼₜ = Σᵢ (xᵢⱼ − μⱼ)·fᵢ`. Returns `Σfᵢ` per target and `G` (column-major `d × k`; zero for the
    /// targets not asked for), summed over every part.
    static func pass<S: BLASScalar>(_ p: CenteredProblem, _ rows: SolverRows<S>, targets: [Int], u: [E], c: [E])
        throws(DescentError) -> (sums: [E], g: [E]) {
        let d = p.columns, k = rows.targets
        let means = p.means.map { E($0) }
        // Per asked target: g (d values), then Σf. The centring is recomputed where it is used
        // (cheaper in x87 registers than storing extended values).
        var sums = [E](repeating: 0, count: (d + 1) * targets.count)
        try rows.forEachBlock(rows: 4096) { (block) throws(DescentError) in
            for i in 0..<block.count {
                let x = block.row(i)
                for (q, t) in targets.enumerated() {
                    let ut = t * d, base = q * (d + 1)
                    var prediction = c[t]
                    for j in 0..<d { prediction += (E(x[j]) - means[j]) * u[ut + j] }
                    let f = E(block.target(i, t)) - prediction
                    sums[base + d] += f
                    for j in 0..<d { sums[base + j] += (E(x[j]) - means[j]) * f }
                }
            }
        }
        try rows.sum(&sums)
        var fSums = [E](repeating: 0, count: k), g = [E](repeating: 0, count: d * k)
        for (q, t) in targets.enumerated() {
            fSums[t] = sums[q * (d + 1) + d]
            for j in 0..<d { g[t * d + j] = sums[q * (d + 1) + j] }
        }
        return (fSums, g)
    }

    /// `Σᵢ(xᵢⱼ − μⱼ)` in extended precision over every part's rows.
    static func columnSums<S: BLASScalar>(_ p: CenteredProblem, _ rows: SolverRows<S>) throws(DescentError) -> [E] {
        let d = p.columns
        let means = p.means.map { E($0) }
        var sums = [E](repeating: 0, count: d)
        try rows.forEachBlock(rows: 4096) { (block) throws(DescentError) in
            for i in 0..<block.count {
                let x = block.row(i)
                for j in 0..<d { sums[j] += E(x[j]) - means[j] }
            }
        }
        try rows.sum(&sums)
        return sums
    }
}
