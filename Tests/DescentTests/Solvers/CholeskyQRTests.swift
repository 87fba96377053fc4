import Testing
@testable import Descent

@Suite("Cholesky QR: the fast accurate path")
struct CholeskyQRTests {
    /// `n × d` standard-normal features whose columns 1, 4, 7, … are made nearly collinear with the
    /// column before (`xⱼ ← xⱼ₋₁ + δ·xⱼ`, so `κ ≈ 2/δ` after scaling), and `y = Xw + b + σ·noise`.
    static func nearlyCollinear(rows n: Int, columns d: Int, delta: Double, noise: Double = 0.1,
                                seed: UInt64) -> (Matrix<Double>, [Double]) {
        var random = RandomSource(seed: seed)
        var x = (0..<(n * d)).map { _ in random.nextNormal() }
        for i in 0..<n { for j in stride(from: 1, to: d, by: 3) { x[i * d + j] = x[i * d + j - 1] + delta * x[i * d + j] } }
        let w = (0..<d).map { _ in random.nextNormal() }
        let y = (0..<n).map { i in (0..<d).reduce(0.5) { $0 + w[$1] * x[i * d + $1] } + noise * random.nextNormal() }
        return (try! Matrix(rows: n, columns: d, elements: x), y)
    }

    /// The fast path's answer, or nil when it declines.
    static func fast(_ x: Matrix<Double>, _ y: [Double], intercept: Bool = true) throws -> RawSolution? {
        try x.withUnsafeBufferPointer { xs in
            try y.withUnsafeBufferPointer { ys in
                let rows = SolverRows(xs, TargetColumns(ys), columns: x.columns)
                let totals = try RowTotals.gather(rows, intercept: intercept)
                return try LeastSquares.choleskyQR(rows, totals, intercept: intercept)?.solutions[0]
            }
        }
    }

    /// Pivoted QR of a copy with augmented-system refinement in extended precision: the reference.
    static func reference(_ x: Matrix<Double>, _ y: [Double], intercept: Bool = true) throws -> RawSolution {
        try x.withUnsafeBufferPointer { xs in
            try y.withUnsafeBufferPointer { ys in
                let all = try #require(SolverRows(xs, TargetColumns(ys), columns: x.columns).inMemory)
                let p = CenteredProblem(all, columns: x.columns, intercept: intercept)
                guard case let .solved(solutions) = LeastSquares.pivotedQR(p, all) else { throw DescentError.noRows }
                return solutions[0]
            }
        }
    }

    static func gap(_ a: RawSolution, _ b: RawSolution) -> Double {
        let scale = (b.weights + [b.bias]).reduce(0.0) { Swift.max($0, Swift.abs($1)) }
        return zip(a.weights + [a.bias], b.weights + [b.bias]).reduce(0.0) { Swift.max($0, Swift.abs($1.0 - $1.1)) } / scale
    }

    @Test("well conditioned: certified, and equal to pivoted QR with extended refinement", arguments: [true, false])
    func wellConditioned(intercept: Bool) throws {
        let problem = RandomProblem<Double>(rows: 3_000, columns: 20, noise: 0.5, seed: 51)
        let solution = try #require(try Self.fast(problem.features, problem.targets, intercept: intercept))
        let reference = try Self.reference(problem.features, problem.targets, intercept: intercept)
        #expect(Self.gap(solution, reference) <= 32 * Double.ulpOfOne)
        #expect(solution.method == .qr && solution.rank == 20 && solution.refinementSteps >= 1)
        #expect(Swift.abs(solution.condition / reference.condition - 1) < 0.5)
    }

    /// Refinement in `Double` ends where the rounding of its residuals `y − Xβ` (about
    /// `(d + 1)·ε·|X||β|` each) carried through `A⁺` leaves it: `(d + 1)·κ·ε` relative. Measured
    /// on these nine seeds: 0.7–3.4 `κ·ε` with the AVX-512 Gram kernel, 0.4–1.8 `κ·ε` with
    /// OpenBLAS's `dsyrk` (a bound of one `κ·ε`, held by seed 52 alone once, failed on six of
    /// the others with either Gram product).
    @Test("κ ≈ 10⁶: certified, and within (d + 1)·κ·ε of pivoted QR with extended refinement",
          arguments: 52...60 as ClosedRange<UInt64>)
    func illConditioned(seed: UInt64) throws {
        let d = 12
        let (x, y) = Self.nearlyCollinear(rows: 3_000, columns: d, delta: 2e-6, seed: seed)
        let solution = try #require(try Self.fast(x, y))
        let reference = try Self.reference(x, y)
        #expect(reference.condition > 3e5 && reference.condition < 1e8, "κ₁ = \(reference.condition)")
        #expect(Self.gap(solution, reference) <= Double(d + 1) * reference.condition * Double.ulpOfOne,
                "\(Self.gap(solution, reference) / (reference.condition * Double.ulpOfOne)) κ·ε")
    }

    /// Above `smallProblem`, a design with `κ₁(R) ≤ 10` keeps its first solution once the first
    /// pass certifies it; one with a larger `κ` refines on. Both land within `(d + 1)·κ·ε` of
    /// pivoted QR with extended refinement.
    @Test("a well-conditioned design stops after one certifying pass, within (d + 1)·κ·ε of pivoted QR")
    func firstSolution() throws {
        let d = 40
        let cases: [(Matrix<Double>, [Double], oneStep: Bool)] = [
            { let p = RandomProblem<Double>(rows: 27_000, columns: d, noise: 0.5, seed: 61); return (p.features, p.targets, true) }(),
            { let (x, y) = Self.nearlyCollinear(rows: 27_000, columns: d, delta: 0.05, seed: 62); return (x, y, false) }(),
        ]
        for (index, (x, y, oneStep)) in cases.enumerated() {
            let solution = try #require(try Self.fast(x, y))
            let reference = try Self.reference(x, y)
            #expect((solution.condition <= LeastSquares.choleskyQRFirstSolutionCondition) == oneStep, "case \(index): κ₁ = \(solution.condition)")
            #expect(oneStep ? solution.refinementSteps == 1 : solution.refinementSteps >= 2, "case \(index)")
            let gap = Self.gap(solution, reference)
            #expect(gap <= Double(d + 1) * reference.condition * Double.ulpOfOne,
                    "case \(index): \(gap / (reference.condition * Double.ulpOfOne)) κ·ε")
        }
    }

    /// The singular values of the centred, unit-norm-column design, from LAPACK's SVD of a copy.
    static func singularValues(_ x: Matrix<Double>, _ y: [Double]) throws -> [Double] {
        try x.withUnsafeBufferPointer { xs in
            try y.withUnsafeBufferPointer { ys in
                let all = try #require(SolverRows(xs, TargetColumns(ys), columns: x.columns).inMemory)
                var a = CenteredProblem(all, columns: x.columns, intercept: true).centredCopy(all, scaled: true)
                var b = [Double](repeating: 0, count: x.rows)
                let result = try a.withUnsafeMutableBufferPointer { a in
                    try b.withUnsafeMutableBufferPointer { b in
                        try LAPACK.minimumNormSolve(a, m: x.rows, n: x.columns, b, rcond: -1)
                    }
                }
                return try #require(result).singularValues
            }
        }
    }

    @Test(".svd of a full-rank problem the fast path certifies: its solution, and its R's singular values")
    func fastSVD() throws {
        let cases: [(Matrix<Double>, [Double])] = [
            // Above LeastSquares.smallProblem (2²⁰ elements), where the fast path is tried.
            { let p = RandomProblem<Double>(rows: 27_000, columns: 40, noise: 0.5, seed: 55); return (p.features, p.targets) }(),
            Self.nearlyCollinear(rows: 27_000, columns: 40, delta: 1e-3, seed: 56),   // κ ≈ 10³: still the fast path
            Self.nearlyCollinear(rows: 27_000, columns: 40, delta: 2e-6, seed: 57),   // κ ≈ 10⁶: κ²ε too large, Householder's R
        ]
        for (index, (x, y)) in cases.enumerated() {
            let taken = try x.withUnsafeBufferPointer { xs in
                try y.withUnsafeBufferPointer { ys in
                    let rows = SolverRows(xs, TargetColumns(ys), columns: x.columns)
                    let totals = try RowTotals.gather(rows, intercept: true)
                    return try LeastSquares.fastSVD(rows, totals, intercept: true, rcond: 1e-10) != nil
                }
            }
            #expect(taken == (index < 2), "case \(index)")
            let svd = try LeastSquares.solve(x, y, method: .svd)
            let reference = try Self.reference(x, y)
            let values = try Self.singularValues(x, y)
            let computed = try #require(svd.singularValues)
            let condition = values[0] / values[values.count - 1]
            #expect(svd.method == .svd && svd.rank == x.columns)
            // Within κ·ε of pivoted QR with extended refinement, as a backward-stable solver is here;
            // on the fast path, the same answer as .qr (the same certified solution).
            let gap = Self.gap(RawSolution(weights: svd.model.weights, bias: svd.model.bias, method: .svd, rank: x.columns,
                                           condition: condition), reference)
            #expect(gap <= 64 * condition * Double.ulpOfOne, "κ = \(condition): \(gap)")
            if taken {
                let qr = try LeastSquares.solve(x, y, method: .qr)
                #expect(qr.model.weights == svd.model.weights && qr.model.bias == svd.model.bias)
            }
            // Each singular value to the accuracy fastSVD promises (κ²ε ≤ 10⁻⁸), or Householder's κε.
            let error = zip(computed, values).reduce(0.0) { Swift.max($0, Swift.abs($1.0 / $1.1 - 1)) }
            #expect(error <= Swift.max(LeastSquares.fastSVDAccuracy, 64 * condition * Double.ulpOfOne), "κ = \(condition): \(error)")
        }
    }

    @Test("rank deficient, or beyond the certified condition: the fast path declines")
    func declines() throws {
        let (nearly, y) = Self.nearlyCollinear(rows: 2_000, columns: 9, delta: 1e-10, seed: 53)
        #expect(try Self.fast(nearly, y) == nil)
        var elements = nearly.elements
        for i in 0..<2_000 { elements[i * 9 + 5] = 3 * elements[i * 9 + 2] - elements[i * 9 + 8] }
        #expect(try Self.fast(try Matrix(rows: 2_000, columns: 9, elements: elements), y) == nil)
        // …and .qr still names the dependent column, as the streaming Householder QR did.
        let big = Self.nearlyCollinear(rows: 12_000, columns: 100, delta: 1, seed: 54)
        var columns = big.0.elements
        for i in 0..<12_000 { columns[i * 100 + 40] = columns[i * 100 + 10] + columns[i * 100 + 20] }
        #expect {
            _ = try LeastSquares.solve(try Matrix(rows: 12_000, columns: 100, elements: columns), big.1, method: .qr)
        } throws: { error in
            "\(error)".contains("column 40") && "\(error)".contains("rank deficient")
        }
    }

    /// CholeskyQR done by hand, stage by stage, from `R₁`: `Q₁ = A·R₁⁻¹`, `Rₖ = chol(Qₖ₋₁ᵀQₖ₋₁)`,
    /// `Qₖ = Qₖ₋₁·Rₖ⁻¹`. Returns `max |(QᵀQ − I)ᵢⱼ|` of the last `Q` and `R = Rₖ⋯R₁`.
    static func stagewise(_ x: Matrix<Double>, means: [Double], scales: [Double], r1: [Double],
                          passes: Int) -> (loss: Double, r: [Double]) {
        let n = x.rows, d = x.columns
        var q = (0..<(n * d)).map { k in (x.elements[k] - means[k % d]) * scales[k % d] }
        func apply(_ r: [Double]) {
            q.withUnsafeMutableBufferPointer { w in
                r.withUnsafeBufferPointer { BLAS.trsmRight(w.baseAddress!, rows: n, columns: d, $0.baseAddress!) }
            }
        }
        func gram() -> [Double] {
            var g = [Double](repeating: 0, count: d * d)
            for i in 0..<d { for j in 0..<d { g[i + j * d] = (0..<n).reduce(0.0) { $0 + q[$1 * d + i] * q[$1 * d + j] } } }
            return g
        }
        apply(r1)
        var product = r1
        for _ in 0..<passes {
            var rk = gram()
            _ = rk.withUnsafeMutableBufferPointer { LAPACK.choleskyFactor($0, n: d) }
            LeastSquares.upperTriangle(&rk, d)
            apply(rk)
            var next = [Double](repeating: 0, count: d * d)
            for j in 0..<d { for i in 0...j { next[i + j * d] = (i...j).reduce(0.0) { $0 + rk[i + $1 * d] * product[$1 + j * d] } } }
            product = next
        }
        let g = gram()
        var loss = 0.0
        for i in 0..<d { for j in 0..<d { loss = Swift.max(loss, Swift.abs(g[i + j * d] - (i == j ? 1 : 0))) } }
        return (loss, product)
    }

    @Test("the CholeskyQR2 pass and shifted CholeskyQR3 (Yamamoto et al.; Fukaya et al.)")
    func orthogonality() throws {
        for (delta, shifted) in [(2e-6, false), (1e-9, true)] {
            let (x, y) = Self.nearlyCollinear(rows: 2_000, columns: 10, delta: delta, seed: 55)
            try x.withUnsafeBufferPointer { xs in
                try y.withUnsafeBufferPointer { ys in
                    let rows = SolverRows(xs, TargetColumns(ys), columns: 10)
                    let totals = try RowTotals.gather(rows, intercept: true)
                    let pass = try LeastSquares.centredGram(rows, shift: totals.shift, targetMeans: totals.targetMeans)
                    let d = 10, n = 2_000
                    let scales = (0..<d).map { 1 / pass.gram[$0 * d + $0].squareRoot() }
                    var g = pass.gram
                    for i in 0..<d { for j in 0..<d { g[i * d + j] *= scales[i] * scales[j] } }
                    var r = g
                    let failed = r.withUnsafeMutableBufferPointer { LAPACK.choleskyFactor($0, n: d) } != nil
                    #expect(failed == shifted, "Cholesky of the Gram matrix at δ = \(delta)")
                    if failed {
                        r = g
                        let sigma = 11 * (Double(n * d) + Double(d * (d + 1))) * Double.ulpOfOne / 2 * Double(d)
                        for j in 0..<d { r[j * d + j] += sigma }
                        #expect(r.withUnsafeMutableBufferPointer { LAPACK.choleskyFactor($0, n: d) } == nil)
                    }
                    LeastSquares.upperTriangle(&r, d)
                    let passes = shifted ? 2 : 1
                    let once = Self.stagewise(x, means: totals.shift, scales: scales, r1: r, passes: 0)
                    let byHand = Self.stagewise(x, means: totals.shift, scales: scales, r1: r, passes: passes)
                    #expect(once.loss > 1e-6, "δ = \(delta): one Cholesky QR loses orthogonality (\(once.loss))")
                    #expect(byHand.loss <= 1e-13, "δ = \(delta): \(passes + 1) Cholesky QR stages give \(byHand.loss)")
                    var fromPass = r
                    for _ in 0..<passes {
                        fromPass = try #require(try LeastSquares.choleskyQRPass(
                            rows, means: totals.shift, targetMeans: totals.targetMeans, scales: scales, r: fromPass)).r
                    }
                    // The pass applies the product R to each block at once, not stage by stage: the
                    // same R to about κ·ε.
                    let largest = byHand.r.reduce(0.0) { Swift.max($0, Swift.abs($1)) }
                    let gap = zip(fromPass, byHand.r).reduce(0.0) { Swift.max($0, Swift.abs($1.0 - $1.1)) }
                    #expect(gap <= 1 / (delta * 1e4) * Double.ulpOfOne * largest * 1e4, "δ = \(delta): R differs by \(gap)")
                }
            }
        }
    }
}
