/// The QR factorisation of the centred, scaled design `A = (X − 1μᵀ)·S`, one block of rows at a
/// time, without a copy of `X`: each block is stacked under the running `R` and the stack is
/// factored again (`geqrf`), with the same reflections applied to the centred targets (all `k` of
/// them at once, `ormqr` on `k` columns). What is left is `R` (`d × d`) and `Z`, the first `d` rows
/// of `Qᵀ(Y − 1ȳᵀ)`: `min‖Av − (y − ȳ)‖` is `min‖Rv − z‖` for each target. Memory:
/// O(block·(d + k) + d²). The same loop could take its blocks from a file.
struct StreamingQR {
    /// `R`, column-major `d × d`, upper triangular.
    let r: [Double]
    /// The first `d` entries of `Qᵀ(y − ȳ)` for each target: column-major `d × k`.
    let z: [Double]
    /// `d`.
    let columns: Int
    /// `k`, the number of targets.
    let targets: Int

    /// The factorisation for one target `y` whose mean is `p.targetMean`.
    init<S: BLASScalar>(_ p: CenteredProblem, _ x: UnsafeBufferPointer<S>, _ y: UnsafeBufferPointer<S>) {
        self.init(p, x, targets: TargetColumns(y), means: [p.targetMean])
    }

    /// The factorisation for the targets `y`, centred on `means` (one per target).
    init<S: BLASScalar>(_ p: CenteredProblem, _ x: UnsafeBufferPointer<S>, targets y: TargetColumns<S>,
                        means: [Double]) {
        let n = p.rows, d = p.columns, k = y.count
        let blockRows = Swift.max(d, Swift.min(n, 131_072 / d))
        let lda = d + blockRows
        var stack = [Double](repeating: 0, count: lda * d)   // rows 0..<d: R; below: the block
        var rhs = [Double](repeating: 0, count: lda * k)     // column-major, leading dimension lda
        var tau = [Double](repeating: 0, count: d)
        var factorWork = [Double](), applyWork = [Double]()
        var start = 0
        while start < n {
            let b = Swift.min(blockRows, n - start)
            for i in 0..<b {
                let row = (start + i) * d
                for j in 0..<d { stack[(d + i) + j * lda] = (Double(x[row + j]) - p.means[j]) * p.scales[j] }
                for c in 0..<k { rhs[(d + i) + c * lda] = Double(y[start + i, c]) - means[c] }
            }
            let m = d + b
            stack.withUnsafeMutableBufferPointer { a in
                tau.withUnsafeMutableBufferPointer { t in
                    LAPACK.householderQR(a.baseAddress!, m: m, n: d, lda: lda, tau: t.baseAddress!, work: &factorWork)
                    LAPACK.applyQ(UnsafeBufferPointer(a), m: m, k: d, lda: lda, tau: t.baseAddress!,
                                  rhs.withUnsafeMutableBufferPointer { $0.baseAddress! }, transposed: true,
                                  columns: k, ldc: lda, work: &applyWork)
                }
            }
            // Keep R: clear the reflectors stored below its diagonal.
            for j in 0..<d { for i in (j + 1)..<Swift.max(j + 1, d) { stack[i + j * lda] = 0 } }
            start += b
        }
        var r = [Double](repeating: 0, count: d * d)
        for j in 0..<d { for i in 0...j { r[i + j * d] = stack[i + j * lda] } }
        self.r = r
        z = (0..<k).flatMap { c in rhs[(c * lda)..<(c * lda + d)] }
        columns = d
        targets = k
    }

    /// `1/κ₁(R)` (`trcon`): `R` has the singular values of `A`.
    var reciprocalCondition: Double {
        let d = columns
        return r.withUnsafeBufferPointer { LAPACK.triangularReciprocalCondition($0.baseAddress!, n: d, lda: d) }
    }

    /// The columns `j` whose `|Rⱼⱼ|` is at most `tolerance` times the largest: each is (nearly) a
    /// combination of the columns before it.
    func smallDiagonal(tolerance: Double) -> [Int] {
        let d = columns
        let largest = (0..<d).reduce(0.0) { Swift.max($0, Swift.abs(r[$1 + $1 * d])) }
        return (0..<d).filter { Swift.abs(r[$0 + $0 * d]) <= tolerance * largest }
    }

    /// `V` with `RV = Z` (`R` must be non-singular): column-major `d × k`, one column per target.
    func solve() -> [Double] {
        var v = z
        r.withUnsafeBufferPointer {
            _ = LAPACK.triangularSolve($0.baseAddress!, n: columns, lda: columns, &v, nrhs: targets)
        }
        return v
    }

    /// Refines `c` (intercept) and `v` by the corrected semi-normal equations: residuals
    /// `f = y − c − Av` from the original data in extended precision, then `δc = mean(f)`,
    /// `δv = R⁻¹R⁻ᵀAᵀ(f − f̄)`. It converges to the exact least-squares solution while
    /// `κ(A)²·ε` is well below 1 (the caller uses it for `κ ≤ 10⁶`). Returns the steps taken.
    func refine<S: BLASScalar>(_ p: CenteredProblem, _ x: UnsafeBufferPointer<S>, _ y: UnsafeBufferPointer<S>,
                               v: inout [Double.Accumulator], c: inout Double.Accumulator) -> Int {
        typealias E = Double.Accumulator
        let n = p.rows, d = p.columns
        let means = p.means.map { E($0) }, scales = p.scales.map { E($0) }
        // Σᵢ(xᵢⱼ − μⱼ), to centre f without a second pass.
        var columnSums = [E](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { columnSums[j] += E(x[i * d + j]) - means[j] } }
        var previous = Double.infinity
        var steps = 0
        while steps < 10 {
            let u = (0..<d).map { scales[$0] * v[$0] }
            let (fSum, g) = ExtendedResiduals.pass(p, x, y, u: u, c: c, offset: { _ in 0 }, visit: { _, f in f })
            let meanF = p.intercept ? fSum / E(n) : 0
            var delta = (0..<d).map { Double((g[$0] - meanF * columnSums[$0]) * scales[$0]) }
            r.withUnsafeBufferPointer { r in
                _ = LAPACK.triangularSolve(r.baseAddress!, n: d, lda: d, &delta, transposed: true)
                _ = LAPACK.triangularSolve(r.baseAddress!, n: d, lda: d, &delta)
            }
            var size = 0.0, magnitude = 0.0
            for j in 0..<d {
                v[j] += E(delta[j])
                size = Swift.max(size, Swift.abs(delta[j]))
                magnitude = Swift.max(magnitude, Swift.abs(Double(v[j])))
            }
            c += meanF
            steps += 1
            if ExtendedResiduals.converged(size: size, previous: previous, magnitude: magnitude, steps: steps) { break }
            previous = size
        }
        return steps
    }
}
