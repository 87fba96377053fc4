/// Least squares by pivoted QR with iterative refinement of the augmented system
///
///     r + T·θ = y,   Tᵀ·r = 0
///
/// (Björck, 1967), where `T = [1 | (X − 1μᵀ)·S]` is the centred, scaled design and `θ = (c, v)`.
/// Each step computes the residuals `f = y − r − Tθ` and `g = −Tᵀr` of both equations from the
/// caller's original data in extended precision (`Double.Accumulator`, `Float80` on x86-64), then
/// solves for the corrections with the QR factors of the working copy. Refining `r` together with
/// `θ` is what removes the `κ²·‖r‖` error term that plain refinement leaves on problems with
/// large residuals. Starting from `θ = 0, r = 0`, the first step is the ordinary QR solution.
struct AugmentedRefinement {
    typealias E = Double.Accumulator
    let problem: CenteredProblem
    /// Column-major `n × d` Householder factors from `geqp3`; `R` in the upper triangle.
    let factors: UnsafeBufferPointer<Double>
    let pivot: [Int]
    let tau: [Double]
    static let maximumSteps = 10

    /// Target `t`'s solution from rows in memory: `v` (scaled), `c` and the steps taken.
    func solve<S: BLASScalar>(_ all: SolverRows<S>.Block, target t: Int) -> (v: [E], c: E, steps: Int) {
        let n = problem.rows, d = problem.columns
        let scales = problem.scales.map { E($0) }
        var v = [E](repeating: 0, count: d)
        var c = E(0)
        var r = [E](repeating: 0, count: n)
        var f = [Double](repeating: 0, count: n)
        var g = [Double](repeating: 0, count: d)
        var h = [Double](repeating: 0, count: d)
        var work = [Double]()
        var previous = Double.infinity
        var steps = 0
        while steps < Self.maximumSteps {
            // Residuals of both equations, in extended precision, from the original data.
            let u = (0..<d).map { scales[$0] * v[$0] }
            var g0 = E(0)
            let (fSum, gE) = ExtendedResiduals.pass(problem, all, target: t, u: u, c: c, offset: { r[$0] }, visit: { i, fi in
                f[i] = Double(fi)
                g0 -= r[i]
                return -r[i]
            })
            for j in 0..<d { g[j] = Double(gE[j] * scales[j]) }

            // Corrections. The ones column is orthogonal to the centred columns, so the intercept
            // decouples: δc = mean(f) − g₀/n, and δr gains g₀/n on every row.
            var deltaC = 0.0, rowShift = 0.0
            if problem.intercept {
                let meanF = Double(fSum / E(n))
                deltaC = meanF - Double(g0) / Double(n)
                rowShift = Double(g0) / Double(n)
                for i in 0..<n { f[i] -= meanF }
            }
            // Rᵀh = Pᵀg;  [f₁; f₂] = Qᵀf;  R·(Pᵀδv) = f₁ − h;  δr = Q·[h; f₂].
            for k in 0..<d { h[k] = g[pivot[k]] }
            _ = LAPACK.triangularSolve(factors.baseAddress!, n: d, lda: n, &h, transposed: true)
            LAPACK.applyQ(factors, m: n, k: d, tau: tau, &f, transposed: true, work: &work)
            var z = (0..<d).map { f[$0] - h[$0] }
            _ = LAPACK.triangularSolve(factors.baseAddress!, n: d, lda: n, &z)
            for k in 0..<d { f[k] = h[k] }
            LAPACK.applyQ(factors, m: n, k: d, tau: tau, &f, transposed: false, work: &work)

            var size = 0.0, magnitude = 0.0
            for k in 0..<d {
                v[pivot[k]] += E(z[k])
                size = Swift.max(size, Swift.abs(z[k]))
            }
            for j in 0..<d { magnitude = Swift.max(magnitude, Swift.abs(Double(v[j]))) }
            for i in 0..<n { r[i] += E(f[i] + rowShift) }
            c += E(deltaC)
            steps += 1
            // Stop when the correction is below Double's resolution, or stops shrinking.
            if ExtendedResiduals.converged(size: size, previous: previous, magnitude: magnitude, steps: steps) { break }
            previous = size
        }
        return (v, c, steps)
    }
}
