/// What the refinement passes of QR share: residuals of the original data in extended precision
/// (`Double.Accumulator`, `Float80` on x86-64) and the rule for when to stop refining.
enum ExtendedResiduals {
    typealias E = Double.Accumulator

    /// One pass over the rows of the problem: for each row `i`, the residual
    /// `fᵢ = yᵢ − offset(i) − c − Σⱼ (xᵢⱼ − μⱼ)·uⱼ`, then `gⱼ += (xᵢⱼ − μⱼ)·visit(i, fᵢ)`.
    /// Returns `Σfᵢ` and `g`. Everything is computed from the caller's data, never a rounded copy.
    static func pass<S: BLASScalar>(_ p: CenteredProblem, _ x: UnsafeBufferPointer<S>, _ y: UnsafeBufferPointer<S>,
                                    u: [E], c: E, offset: (Int) -> E, visit: (Int, E) -> E) -> (sum: E, g: [E]) {
        let n = p.rows, d = p.columns
        let means = p.means.map { E($0) }
        var sum = E(0)
        var g = [E](repeating: 0, count: d)
        for i in 0..<n {
            var prediction = c
            for j in 0..<d { prediction += (E(x[i * d + j]) - means[j]) * u[j] }
            let f = E(y[i]) - offset(i) - prediction
            sum += f
            let weight = visit(i, f)
            for j in 0..<d { g[j] += (E(x[i * d + j]) - means[j]) * weight }
        }
        return (sum, g)
    }

    /// Whether refinement should stop after `steps` steps whose last correction had size `size`
    /// (the one before, `previous`) on a solution of size `magnitude`: when the correction is
    /// below `Double`'s resolution, or has stopped shrinking (after the first two steps).
    static func converged(size: Double, previous: Double, magnitude: Double, steps: Int) -> Bool {
        size <= 0x1p-60 * magnitude || (steps > 2 && size > 0.5 * previous)
    }

    /// One pass over every part's rows: `fᵢ = yᵢ − c − Σⱼ (xᵢⱼ − μⱼ)·uⱼ` and `gⱼ = Σᵢ (xᵢⱼ − μⱼ)·fᵢ`.
    /// Returns `Σfᵢ` and `g`, summed over every part.
    static func pass<S: BLASScalar>(_ p: CenteredProblem, _ rows: SolverRows<S>, u: [E], c: E)
        throws(DescentError) -> (sum: E, g: [E]) {
        let d = p.columns
        let means = p.means.map { E($0) }
        var sums = [E](repeating: 0, count: d + 1)
        try rows.forEachBlock(rows: 4096) { (block) throws(DescentError) in
            let x = block.features, y = block.targets
            for i in 0..<block.count {
                var prediction = c
                for j in 0..<d { prediction += (E(x[i * d + j]) - means[j]) * u[j] }
                let f = E(y[i]) - prediction
                sums[d] += f
                for j in 0..<d { sums[j] += (E(x[i * d + j]) - means[j]) * f }
            }
        }
        try rows.sum(&sums)
        return (sums[d], Array(sums[0..<d]))
    }

    /// `Σᵢ(xᵢⱼ − μⱼ)` in extended precision over every part's rows.
    static func columnSums<S: BLASScalar>(_ p: CenteredProblem, _ rows: SolverRows<S>) throws(DescentError) -> [E] {
        let d = p.columns
        let means = p.means.map { E($0) }
        var sums = [E](repeating: 0, count: d)
        try rows.forEachBlock(rows: 4096) { (block) throws(DescentError) in
            for i in 0..<block.count { for j in 0..<d { sums[j] += E(block.features[i * d + j]) - means[j] } }
        }
        try rows.sum(&sums)
        return sums
    }
}
