/// Coordinate descent down a path of `λ` for the standardised elastic net of ``PathProblem``,
/// with warm starts, sequential strong rules and a KKT check over every column, and a duality
/// gap per `λ`.
///
/// At each `λ̃`, coordinate `j` moves to its exact minimiser with the others fixed,
///
///     bⱼ ← S(qⱼ + Gⱼⱼbⱼ, λ̃α) / (Gⱼⱼ + λ̃(1 − α)),   q = c − Gb,   S(u, t) = sign(u)(|u| − t)₊,
///
/// sweeping first the strong set `{j : bⱼ ≠ 0 or |qⱼ| ≥ α(2λ̃ₖ − λ̃ₖ₋₁)}` (Tibshirani et al. 2012),
/// then the non-zero coordinates until no move changes the objective by more than a threshold
/// (`Gⱼⱼ·Δ²` ≤ it, glmnet's rule), then the strong set again, until a sweep moves nothing; then
/// every column off the strong set is checked (`|qⱼ| ≤ λ̃α`, the KKT condition) and violators join
/// the set. The duality gap is then measured (`ObjectiveCertificate.dualityGap` on the standardised
/// problem), the optimum on the support and signs is solved exactly when that is cheap or needed
/// (``polish(l1:l2:gap:)``), and a gap above the tolerance tightens the threshold and sweeps on.
struct CoordinateDescent<Model: CoordinateModel> {
    var model: Model
    let alpha: Double
    let included: [Bool]
    let diagonal: [Double]
    /// The gap each `λ` must reach, relative to the null objective `f(0) = ½`.
    let tolerance: Double
    /// The most sweeps of the non-zero coordinates for one `λ`.
    let maximumSweeps: Int
    /// The first stopping threshold on `Gⱼⱼ·Δ²` (relative to the null deviance, 1), lowered a
    /// hundredfold at a time, to ``finestThreshold``, while the duality gap is above the tolerance:
    /// the sweeps do as much as the certificate needs (glmnet stops at its `thresh`, 10⁻⁷ by default).
    static var sweepThreshold: Double { 1e-10 }
    static var finestThreshold: Double { 1e-26 }
    /// The largest support polished exactly at every `λ` in covariance mode (`|S|³/3` operations).
    static var polishedSupport: Int { 500 }
    /// The same in naive mode, where the block costs `n·|S|²` operations: `|S| ≤ 64`.
    static var polishedNaiveSupport: Int { 64 }

    /// The current coefficients, warm start for the next `λ`.
    var b: [Double]

    init(model: Model, alpha: Double, included: [Bool], tolerance: Double, maximumSweeps: Int = 100_000) {
        self.model = model
        self.alpha = alpha
        self.included = included
        diagonal = model.diagonal
        self.tolerance = tolerance
        self.maximumSweeps = maximumSweeps
        b = [Double](repeating: 0, count: model.columns)
    }

    /// What one `λ` ends with.
    struct Step {
        let coefficients: [Double]
        /// `1 − Σω(ỹ − x̃ᵀb)²`.
        let devianceExplained: Double
        /// The duality gap relative to the null objective.
        let gap: Double
        let sweeps: Int
    }

    /// Solves at `lambda` (standardised), starting from the current coefficients; `previous` is the
    /// `λ̃` of the solution they hold (the strong rule's reference).
    mutating func solve(lambda: Double, previous: Double) -> Step {
        let d = b.count
        let l1 = lambda * alpha, l2 = lambda * (1 - alpha)
        var q = model.gradients(b)
        var strong = (0..<d).map { j in included[j] && (b[j] != 0 || Swift.abs(q[j]) >= alpha * (2 * lambda - previous)) }
        var threshold = Self.sweepThreshold
        var sweeps = 0
        var gap = Double.infinity
        var explained = 0.0
        while true {
            // Sweep the strong set, then the non-zero coordinates to convergence, until the strong set is still.
            while sweeps < maximumSweeps {
                let moved = sweep(strong, l1: l1, l2: l2)
                sweeps += 1
                if moved <= threshold { break }
                var active = (0..<d).map { b[$0] != 0 }
                while sweeps < maximumSweeps {
                    let change = sweep(active, l1: l1, l2: l2)
                    sweeps += 1
                    if change <= threshold { break }
                    active = (0..<d).map { b[$0] != 0 }
                }
            }
            q = model.gradients(b)
            var violated = false
            for j in 0..<d where included[j] && !strong[j] && Swift.abs(q[j]) > l1 {
                strong[j] = true
                violated = true
            }
            if violated && sweeps < maximumSweeps { continue }
            let meanSquare = model.residualSquare(b, gradients: q)
            explained = 1 - meanSquare
            guard l1 > 0 || l2 > 0 else { break }   // λ = 0: no dual point is feasible, the gap stays ∞
            gap = self.gap(q, meanSquare: meanSquare, l1: l1, l2: l2)
            // The optimum on the current support and signs, exactly: always when it is cheap (a
            // small support), else when the sweeps have not certified the gap.
            let support = b.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
            if support <= (model.hasGram ? Self.polishedSupport : Self.polishedNaiveSupport) || gap > tolerance,
               let polished = polish(l1: l1, l2: l2, gap: gap) {
                (gap, explained) = polished
            }
            if gap <= tolerance || sweeps >= maximumSweeps || threshold <= Self.finestThreshold { break }
            threshold /= 100
        }
        return Step(coefficients: b, devianceExplained: explained, gap: gap, sweeps: sweeps)
    }

    /// The gap at `b` (``ObjectiveCertificate``'s on the standardised problem, where Descent's
    /// `MSE + λ₂‖b‖² + λ₁‖b‖₁` is `2f` and `ω` sums to 1: one "row").
    func gap(_ q: [Double], meanSquare: Double, l1: Double, l2: Double) -> Double {
        ObjectiveCertificate.dualityGap(weights: b, products: q.map { -$0 }, columnSums: [Double](repeating: 0, count: b.count),
                                        meanResidual: 0, meanSquare: meanSquare, rows: 1, l1: 2 * l1, l2: l2)
    }

    /// Solves `(G_SS + λ₂I)b_S = c_S − λ₁s_S` on the support `S` of `b` with its signs `s`
    /// (Cholesky); keeps the result when its signs hold, `|qⱼ| ≤ λ₁` off the support (to 10⁻⁹), and
    /// its gap is smaller or within the tolerance. Returns the new gap and deviance explained, or `nil` (then `b` is unchanged).
    mutating func polish(l1: Double, l2: Double, gap before: Double) -> (gap: Double, explained: Double)? {
        let support = (0..<b.count).filter { b[$0] != 0 }
        let m = support.count
        guard m > 0, m <= 2000 else { return nil }
        var a = model.gramBlock(support)
        for p in 0..<m { a[p * m + p] += l2 }
        let c = model.correlations(support)
        var rhs = (0..<m).map { c[$0] - l1 * (b[support[$0]] > 0 ? 1 : -1) }
        guard a.withUnsafeMutableBufferPointer({ LAPACK.choleskyFactor($0, n: m) }) == nil else { return nil }
        a.withUnsafeBufferPointer { f in rhs.withUnsafeMutableBufferPointer { LAPACK.choleskySolve(f, n: m, $0) } }
        for (p, j) in support.enumerated() where rhs[p] == 0 || (rhs[p] > 0) != (b[j] > 0) { return nil }
        let old = b
        for (p, j) in support.enumerated() where rhs[p] != b[j] {
            model.move(j, by: rhs[p] - b[j])
            b[j] = rhs[p]
        }
        let q = model.gradients(b)
        let kkt = (0..<b.count).allSatisfy { b[$0] != 0 || !included[$0] || Swift.abs(q[$0]) <= l1 * (1 + 1e-9) }
        let meanSquare = model.residualSquare(b, gradients: q)
        let after = kkt ? gap(q, meanSquare: meanSquare, l1: l1, l2: l2) : .infinity
        // The gap is quadratic in the distance to the optimum, so at the rounding floor it cannot
        // rank two points: a certified exact stationary point is kept.
        guard after < before || after <= tolerance else {
            for j in support where old[j] != b[j] { model.move(j, by: old[j] - b[j]); b[j] = old[j] }
            _ = model.gradients(b)
            return nil
        }
        return (after, 1 - meanSquare)
    }

    /// The solution `b = 0` at `λ̃ ≥ λ̃_max` (every `|cⱼ| ≤ λ̃α`), with its gap.
    mutating func zero(lambda: Double) -> Step {
        b = [Double](repeating: 0, count: b.count)
        let q = model.gradients(b)
        return Step(coefficients: b, devianceExplained: 0, gap: gap(q, meanSquare: 1, l1: lambda * alpha, l2: lambda * (1 - alpha)),
                    sweeps: 0)
    }

    /// One sweep over the coordinates in `set`; returns the largest `Gⱼⱼ·Δ²`.
    mutating func sweep(_ set: [Bool], l1: Double, l2: Double) -> Double {
        var largest = 0.0
        for j in 0..<b.count where set[j] {
            let g = model.gradient(j, b)
            let u = g + diagonal[j] * b[j]
            let magnitude = Swift.abs(u) - l1
            let next = magnitude > 0 ? (u > 0 ? magnitude : -magnitude) / (diagonal[j] + l2) : 0
            let delta = next - b[j]
            guard delta != 0 else { continue }
            model.move(j, by: delta)
            b[j] = next
            largest = Swift.max(largest, diagonal[j] * delta * delta)
        }
        return largest
    }
}
