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

    /// The factorisation for the targets `y` in memory, centred on `means` (one per target).
    init<S: BLASScalar>(_ p: CenteredProblem, _ x: UnsafeBufferPointer<S>, targets y: TargetColumns<S>,
                        means: [Double]) {
        self = orNothing { () throws(DescentError) in
            try StreamingQR(p, SolverRows(x, y, columns: p.columns), means: means)
        }
    }

    /// The factorisation of every part's rows, centred on `means` (one per target): each part
    /// folds its blocks into its own triangle, then `collective.combineTriangles` combines the
    /// parts' triangles in rank order (TSQR).
    init<S: BLASScalar>(_ p: CenteredProblem, _ rows: SolverRows<S>, means: [Double]) throws(DescentError) {
        let d = p.columns, k = rows.targets
        let blockRows = Swift.max(d, Swift.min(Swift.max(1, rows.localRows), 131_072 / d))
        let lda = d + blockRows
        var stack = [Double](repeating: 0, count: lda * d)   // rows 0..<d: R; below: the block
        var rhs = [Double](repeating: 0, count: lda * k)     // column-major, leading dimension lda
        var tau = [Double](repeating: 0, count: d)
        var factorWork = [Double](), applyWork = [Double]()
        try rows.forEachBlock(rows: blockRows) { (block) throws(DescentError) in
            let b = block.count, x = block.features, y = block.targets
            for i in 0..<b {
                let row = i * d
                for j in 0..<d { stack[(d + i) + j * lda] = (Double(x[row + j]) - p.means[j]) * p.scales[j] }
                for c in 0..<k { rhs[(d + i) + c * lda] = Double(y[i * k + c]) - means[c] }
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

    /// Refines `c` (intercept) and `v` by the corrected semi-normal equations on rows in memory;
    /// see ``refine(r:_:_:v:c:)``. Returns the steps taken.
    func refine<S: BLASScalar>(_ p: CenteredProblem, _ x: UnsafeBufferPointer<S>, _ y: UnsafeBufferPointer<S>,
                               v: inout [Double.Accumulator], c: inout Double.Accumulator) -> Int {
        var vv = v, cc = c
        let steps = orNothing { () throws(DescentError) in
            try Self.refine(r: r, p, SolverRows(x, TargetColumns(y), columns: p.columns), v: &vv, c: &cc).steps
        }
        (v, c) = (vv, cc)
        return steps
    }

    /// Refines `c` (intercept) and `v` by the corrected semi-normal equations: residuals
    /// `f = y − c − Av` from the original data in extended precision, then `δc = mean(f)`,
    /// `δv = R⁻¹R⁻ᵀAᵀ(f − f̄)`, every sum over every part. It converges to the exact least-squares
    /// solution while `κ(A)²·ε` is well below 1 (the callers use it for `κ ≤ 10⁶`, or `10⁸` on
    /// the fast path). Returns the steps taken and whether the last correction was below
    /// `Double`'s resolution.
    static func refine<S: BLASScalar>(r: [Double], _ p: CenteredProblem, _ rows: SolverRows<S>,
                                      v: inout [Double.Accumulator], c: inout Double.Accumulator)
        throws(DescentError) -> (steps: Int, converged: Bool) {
        typealias E = Double.Accumulator
        let n = p.rows, d = p.columns
        let scales = p.scales.map { E($0) }
        // Σᵢ(xᵢⱼ − μⱼ), to centre f without a second pass.
        let columnSums = try ExtendedResiduals.columnSums(p, rows)
        var previous = Double.infinity
        var steps = 0
        var converged = false
        while steps < 10 {
            let u = (0..<d).map { scales[$0] * v[$0] }
            let (fSum, g) = try ExtendedResiduals.pass(p, rows, u: u, c: c)
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
            converged = size <= 0x1p-52 * magnitude
            if ExtendedResiduals.converged(size: size, previous: previous, magnitude: magnitude, steps: steps) { break }
            previous = size
        }
        return (steps, converged)
    }
}
