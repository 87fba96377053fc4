/// The QR factorisation of the centred, scaled design `A = (X − 1μᵀ)·S`, one block of rows at a
/// time, without a copy of `X`: each block is stacked under the running `R` and the stack is
/// factored again (`geqrf`), with the same reflections applied to the centred targets (all `k` of
/// them at once, `ormqr` on `k` columns). What is left is `R` (`d × d`) and `Z`, the first `d` rows
/// of `Qᵀ(Y − 1ȳᵀ)`: `min‖Av − (y − ȳ)‖` is `min‖Rv − z‖` for each target. Memory:
/// O(block·(d + k) + d²), whether the rows are in memory, streamed or on several parts.
struct StreamingQR {
    /// `R`, column-major `d × d`, upper triangular.
    let r: [Double]
    /// The first `d` entries of `Qᵀ(y − ȳ)` for each target: column-major `d × k`.
    let z: [Double]
    /// `d`.
    let columns: Int
    /// `k`, the number of targets.
    let targets: Int

    /// The factorisation of every part's rows, each target centred on its mean in `p`: each part
    /// folds its blocks into its own triangle, then `collective.combineTriangles` combines the
    /// parts' triangles in rank order (TSQR).
    init<S: BLASScalar>(_ p: CenteredProblem, _ rows: SolverRows<S>) throws(DescentError) {
        let d = p.columns, k = rows.targets, means = p.targetMeans
        let blockRows = Swift.max(d, Swift.min(Swift.max(1, rows.localRows), 131_072 / d))
        let lda = d + blockRows
        var stack = [Double](repeating: 0, count: lda * d)   // rows 0..<d: R; below: the block
        var rhs = [Double](repeating: 0, count: lda * k)     // column-major, leading dimension lda
        var tau = [Double](repeating: 0, count: d)
        var factorWork = [Double](), applyWork = [Double]()
        try rows.forEachBlock(rows: blockRows) { (block) throws(DescentError) in
            let b = block.count
            for i in 0..<b {
                let x = block.row(i)
                for j in 0..<d { stack[(d + i) + j * lda] = (Double(x[j]) - p.means[j]) * p.scales[j] }
                for c in 0..<k { rhs[(d + i) + c * lda] = Double(block.target(i, c)) - means[c] }
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
        }
        var r = [Double](repeating: 0, count: d * d)
        for j in 0..<d { for i in 0...j { r[i + j * d] = stack[i + j * lda] } }
        var z = (0..<k).flatMap { c in rhs[(c * lda)..<(c * lda + d)] }
        if rows.collective.size > 1 { try rows.collective.combineTriangles(&r, &z, columns: d, targets: k) }
        self.r = r
        self.z = z
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

    /// Refines the intercepts `c` and the solutions `V` (column-major `d × k`) of the targets
    /// marked in `targets` by the corrected semi-normal equations: residuals `f = y − c − Av` from
    /// the original data in extended precision, then `δc = mean(f)`, `δv = R⁻¹R⁻ᵀAᵀ(f − f̄)`, every
    /// sum over every part, one pass for all the targets still refining. Each target stops by its
    /// own rule, as it would alone. It converges to the exact least-squares solution while
    /// `κ(A)²·ε` is well below 1 (the callers use it for `κ ≤ 10⁶`, or `10⁸` on the fast path).
    /// Returns, per target, the steps taken and whether the last correction was below `Double`'s
    /// resolution (zero steps for the targets not refined).
    static func refine<S: BLASScalar>(r: [Double], _ p: CenteredProblem, _ rows: SolverRows<S>,
                                      v: inout [Double.Accumulator], c: inout [Double.Accumulator],
                                      targets: [Bool]? = nil) throws(DescentError) -> [(steps: Int, converged: Bool)] {
        typealias E = Double.Accumulator
        let n = p.rows, d = p.columns, k = rows.targets
        let scales = p.scales.map { E($0) }
        // Σᵢ(xᵢⱼ − μⱼ), to centre f without a second pass.
        let columnSums = try ExtendedResiduals.columnSums(p, rows)
        var refining = targets ?? [Bool](repeating: true, count: k)
        var previous = [Double](repeating: .infinity, count: k)
        var outcome = [(steps: Int, converged: Bool)](repeating: (0, false), count: k)
        var u = [E](repeating: 0, count: d * k)
        while refining.contains(true) {
            let active = (0..<k).filter { refining[$0] }
            for t in active { for j in 0..<d { u[t * d + j] = scales[j] * v[t * d + j] } }
            let (fSums, g) = try ExtendedResiduals.pass(p, rows, targets: active, u: u, c: c)
            for t in active {
                let meanF = p.intercept ? fSums[t] / E(n) : 0
                var delta = (0..<d).map { Double((g[t * d + $0] - meanF * columnSums[$0]) * scales[$0]) }
                r.withUnsafeBufferPointer { r in
                    _ = LAPACK.triangularSolve(r.baseAddress!, n: d, lda: d, &delta, transposed: true)
                    _ = LAPACK.triangularSolve(r.baseAddress!, n: d, lda: d, &delta)
                }
                var size = 0.0, magnitude = 0.0
                for j in 0..<d {
                    v[t * d + j] += E(delta[j])
                    size = Swift.max(size, Swift.abs(delta[j]))
                    magnitude = Swift.max(magnitude, Swift.abs(Double(v[t * d + j])))
                }
                c[t] += meanF
                outcome[t].steps += 1
                outcome[t].converged = size <= 0x1p-52 * magnitude
                if outcome[t].steps >= 10 || ExtendedResiduals.converged(size: size, previous: previous[t], magnitude: magnitude,
                                                                         steps: outcome[t].steps) {
                    refining[t] = false
                }
                previous[t] = size
            }
        }
        return outcome
    }
}
