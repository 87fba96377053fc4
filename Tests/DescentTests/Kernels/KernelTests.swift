import Testing
@testable import Descent

/// Every kernel against a naive loop, and the gradient against finite differences.
@Suite("Kernels")
struct KernelTests {
    struct Block<S: BLASScalar> {
        var x: [S], y: [S], w: [S], b: S
        let m: Int, d: Int
        init(m: Int, d: Int, seed: UInt64) {
            var random = RandomSource(seed: seed)
            self.m = m
            self.d = d
            x = (0..<(m * d)).map { _ in S(random.nextNormal()) }
            y = (0..<m).map { _ in S(random.nextNormal()) }
            w = (0..<d).map { _ in S(random.nextNormal()) }
            b = S(random.nextNormal())
        }
        func with<R>(_ body: (RowBlock<S>) -> R) -> R {
            x.withUnsafeBufferPointer { x in
                y.withUnsafeBufferPointer { y in
                    body(RowBlock(features: x.baseAddress!, targets: y.baseAddress!, count: m, columns: d))
                }
            }
        }
        func naiveResidual(_ i: Int) -> Double {
            var s = Double(b)
            for j in 0..<d { s += Double(x[i * d + j]) * Double(w[j]) }
            return s - Double(y[i])
        }
    }

    /// Shapes that exercise SIMD tails: widths below, at and past the 8- and 16-lane loops, and
    /// at and past the widest row the AVX-512 kernels hold in registers (128 Doubles, 256 Floats).
    static let shapes: [(Int, Int)] = [(1, 1), (3, 7), (9, 8), (17, 16), (33, 17), (64, 100), (7, 128), (4, 129),
                                       (3, 256), (5, 257)]

    /// Which kernels a check runs: those the library selects (AVX-512 where the CPU has it), or
    /// the portable Swift ones it falls back to.
    enum Variant: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case selected, portable
        var testDescription: String { rawValue }
    }

    func residualsAndGradient<S: BLASScalar>(_: S.Type, _ variant: Variant) {
        for (m, d) in Self.shapes {
            let block = Block<S>(m: m, d: d, seed: UInt64(m * 1000 + d))
            var r = [S](repeating: 0, count: m)
            var g = [S](repeating: 1, count: d)   // accumulates: starts non-zero on purpose
            let (sum, squares) = block.with { rows in
                block.w.withUnsafeBufferPointer { w in
                    r.withUnsafeMutableBufferPointer { r in
                        let w = w.baseAddress!, r = r.baseAddress!
                        switch variant {
                        case .selected:
                            let result = Kernels.residuals(rows, weights: w, bias: block.b, into: r)
                            g.withUnsafeMutableBufferPointer { Kernels.accumulateGradient(rows, residuals: r, into: $0.baseAddress!) }
                            return result
                        case .portable:
                            let result = Kernels.portableResiduals(rows, weights: w, bias: block.b, into: r)
                            g.withUnsafeMutableBufferPointer {
                                Kernels.portableAccumulateGradient(rows, residuals: r, into: $0.baseAddress!)
                            }
                            return result
                        }
                    }
                }
            }
            let naive = (0..<m).map(block.naiveResidual)
            let scale = Double(d + 1) * S.ulps(8)
            for i in 0..<m { #expect(Swift.abs(Double(r[i]) - naive[i]) <= scale * (1 + Swift.abs(naive[i])) * 4, "r[\(i)] \(m)×\(d)") }
            #expect(Swift.abs(Double(sum) - naive.reduce(0, +)) <= scale * Double(m) * 8)
            #expect(Swift.abs(Double(squares) - naive.reduce(0) { $0 + $1 * $1 }) <= scale * Double(m) * 64)
            for j in 0..<d {
                var expected = 1.0
                for i in 0..<m { expected += Double(block.x[i * d + j]) * Double(r[i]) }
                #expect(Swift.abs(Double(g[j]) - expected) <= scale * Double(m) * 16, "g[\(j)] \(m)×\(d)")
            }
        }
    }

    @Test("residuals and Xᵀr match naive loops", arguments: Precision.allCases, Variant.allCases)
    func residuals(_ precision: Precision, _ variant: Variant) {
        residualsAndGradient(precision.scalar, variant)
    }

    func fused<S: BLASScalar>(_: S.Type, _ variant: Variant) {
        for (m, d) in Self.shapes {
            let block = Block<S>(m: m, d: d, seed: UInt64(3 * m + d))
            var g = [S](repeating: 1, count: d)
            let (sum, squares) = block.with { rows in
                block.w.withUnsafeBufferPointer { w in
                    g.withUnsafeMutableBufferPointer { g in
                        variant == .selected
                            ? Kernels.fusedGradient(rows, weights: w.baseAddress!, bias: block.b, into: g.baseAddress!)
                            : Kernels.portableFusedGradient(rows, weights: w.baseAddress!, bias: block.b, into: g.baseAddress!)
                    }
                }
            }
            let naive = (0..<m).map(block.naiveResidual)
            let scale = Double(d + 1) * S.ulps(8)
            #expect(Swift.abs(Double(sum) - naive.reduce(0, +)) <= scale * Double(m) * 8)
            #expect(Swift.abs(Double(squares) - naive.reduce(0) { $0 + $1 * $1 }) <= scale * Double(m) * 64)
            for j in 0..<d {
                var expected = 1.0
                for i in 0..<m { expected += Double(block.x[i * d + j]) * naive[i] }
                #expect(Swift.abs(Double(g[j]) - expected) <= scale * Double(m) * 16, "g[\(j)] \(m)×\(d)")
            }
        }
    }

    @Test("the fused one-read gradient matches naive loops", arguments: Precision.allCases, Variant.allCases)
    func fusedGradient(_ precision: Precision, _ variant: Variant) {
        fused(precision.scalar, variant)
    }

    func stochastic<S: BLASScalar>(_: S.Type, _ variant: Variant) {
        for (m, d) in Self.shapes {
            let block = Block<S>(m: m, d: d, seed: UInt64(m + 7 * d))
            var w = block.w, b = block.b
            let eta: S = 0.01
            let (squares, failed) = block.with { rows in
                w.withUnsafeMutableBufferPointer { w in
                    variant == .selected
                        ? Kernels.stochasticSteps(rows, weights: w.baseAddress!, bias: &b, learningRate: eta)
                        : Kernels.portableStochasticSteps(rows, weights: w.baseAddress!, bias: &b, learningRate: eta)
                }
            }
            #expect(failed == nil)
            var nw = block.w.map(Double.init), nb = Double(block.b), nq = 0.0
            for i in 0..<m {
                var r = nb - Double(block.y[i])
                for j in 0..<d { r += Double(block.x[i * d + j]) * nw[j] }
                nq += r * r
                for j in 0..<d { nw[j] -= Double(eta) * 2 * r * Double(block.x[i * d + j]) }
                nb -= Double(eta) * 2 * r
            }
            let tolerance = Double(d + m) * S.ulps(64)
            for j in 0..<d { #expect(Swift.abs(Double(w[j]) - nw[j]) <= tolerance * (1 + Swift.abs(nw[j])), "w[\(j)] \(m)×\(d)") }
            #expect(Swift.abs(Double(b) - nb) <= tolerance * (1 + Swift.abs(nb)))
            #expect(Swift.abs(Double(squares) - nq) <= tolerance * (1 + nq))
        }
    }

    @Test("stochastic steps match a naive per-row loop", arguments: Precision.allCases, Variant.allCases)
    func stochasticSteps(_ precision: Precision, _ variant: Variant) {
        stochastic(precision.scalar, variant)
    }

    /// A row whose loss is not finite stops the steps before it, wherever it falls in the Float
    /// kernel's pairs (first or second of two): the weights, bias and `Σr²` are then, bit for bit,
    /// those of the rows before it alone; and `k` targets sharing the rows stop at the same row
    /// with each target's numbers those of its own one-target run.
    func stochasticStop<S: BLASScalar>(_: S.Type) {
        let (m, d, k) = (11, 100, 3)
        let eta: S = 0.01
        for stop in [0, 1, 4, 5, 10] {
            var block = Block<S>(m: m, d: d, seed: UInt64(40 + stop))
            block.y[stop] = .infinity
            func run(_ rows: Int) -> (w: [S], b: S, q: S, failed: Int?) {
                var w = block.w, b = block.b
                let (q, failed) = block.with { all in
                    w.withUnsafeMutableBufferPointer { w in
                        Kernels.stochasticSteps(RowBlock(features: all.features, targets: all.targets, count: rows, columns: d),
                                                weights: w.baseAddress!, bias: &b, learningRate: eta)
                    }
                }
                return (w, b, q, failed)
            }
            let stopped = run(m), before = run(stop)
            #expect(stopped.failed == stop && before.failed == nil, "row \(stop)")
            #expect(stopped.w == before.w && stopped.b == before.b && stopped.q == before.q, "row \(stop)")

            // k targets: target t's y is the one-target y scaled by t + 1 (the bad row bad in each).
            var ys = [S](repeating: 0, count: m * k), ws = [S](repeating: 0, count: d * k), bs = [S](repeating: block.b, count: k)
            for i in 0..<m { for t in 0..<k { ys[i * k + t] = block.y[i] * S(t + 1) } }
            for t in 0..<k { for j in 0..<d { ws[t * d + j] = block.w[j] } }
            var scratch = [S](repeating: 0, count: 2 * k)
            let (_, failed) = block.x.withUnsafeBufferPointer { x in
                ys.withUnsafeBufferPointer { y in
                    Kernels.stochasticSteps(RowBlock(features: x.baseAddress!, targets: y.baseAddress!, count: m, columns: d),
                                            targets: k, weights: &ws, biases: &bs, learningRate: eta, scratch: &scratch)
                }
            }
            #expect(failed == stop, "row \(stop), \(k) targets")
            for t in 0..<k {
                var one = block
                one.y = (0..<m).map { block.y[$0] * S(t + 1) }
                var w = block.w, b = block.b
                _ = one.with { all in
                    w.withUnsafeMutableBufferPointer { w in
                        Kernels.stochasticSteps(all, weights: w.baseAddress!, bias: &b, learningRate: eta)
                    }
                }
                #expect(Array(ws[(t * d)..<((t + 1) * d)]) == w && bs[t] == b, "row \(stop), target \(t)")
            }
        }
    }

    @Test("stochastic steps stop before a row whose loss is not finite, in either place of a pair",
          arguments: Precision.allCases)
    func stochasticStop(_ precision: Precision) {
        stochasticStop(precision.scalar)
    }

    func compiledCoverage<S: BLASScalar>(_: S.Type) {
        let widest = S.self == Double.self ? 128 : 256
        #expect(CompiledKernels.maxColumns(S.self) == widest)
        for d in [1, 100, widest, widest + 1] {
            let block = Block<S>(m: 5, d: d, seed: UInt64(d))
            var g = [S](repeating: 0, count: d), r = [S](repeating: 0, count: 5), w = block.w, b = block.b
            let ran = block.with { rows in
                g.withUnsafeMutableBufferPointer { g in
                    r.withUnsafeMutableBufferPointer { r in
                        w.withUnsafeMutableBufferPointer { w in
                            [CompiledKernels.fusedGradient(rows, weights: w.baseAddress!, bias: b, into: g.baseAddress!) != nil,
                             CompiledKernels.residuals(rows, weights: w.baseAddress!, bias: b, into: r.baseAddress!) != nil,
                             CompiledKernels.accumulateGradient(rows, residuals: r.baseAddress!, into: g.baseAddress!),
                             CompiledKernels.stochasticSteps(rows, weights: w.baseAddress!, bias: &b, learningRate: 0.01) != nil]
                        }
                    }
                }
            }
            let expected = CompiledKernels.available && d <= widest
            #expect(ran == [Bool](repeating: expected, count: 4), "d = \(d)")
        }
    }

    @Test("the AVX-512 kernels run wherever the CPU has AVX-512, up to their widest row", arguments: Precision.allCases)
    func compiledKernelsRun(_ precision: Precision) {
        compiledCoverage(precision.scalar)
    }

    /// Where a block says its rows go on (``RowBlock/followedBy``) the kernels only prefetch: the
    /// same bits with it as without, whether it names the rows that follow, rows elsewhere, or the
    /// block's own last row (its prefetches then reach past the end of the allocation: they never
    /// fault); and the same whether the block is read alone (``RowBlock/readAlone``: the
    /// one-thread prefetch distance) or not.
    func prefetchOnly<S: BLASScalar>(_: S.Type) {
        let (m, d, k) = (600, 100, 2)   // 600 rows: past the kernels' prefetch distance
        let block = Block<S>(m: m, d: d, seed: 77)
        let ys = (0..<(m * k)).map { S($0 % 7) - 3 }
        func run(_ place: Int?, alone: Bool = false) -> [S] {
            block.with { all in
                ys.withUnsafeBufferPointer { ys in
                    let x = all.features
                    var rows = RowBlock(features: x, targets: all.targets, count: m / 2, columns: d)
                    rows.followedBy = place.map { UnsafeRawPointer(x + $0 * d) }
                    rows.readAlone = alone
                    var g = [S](repeating: 0, count: d), w = block.w, b = block.b
                    let fused = Kernels.fusedGradient(rows, weights: w, bias: b, into: &g)
                    let stochastic = Kernels.stochasticSteps(rows, weights: &w, bias: &b, learningRate: 1e-3)
                    var several = RowBlock(features: x, targets: ys.baseAddress!, count: m / 2, columns: d)
                    several.followedBy = rows.followedBy
                    var wk = [S](repeating: 0.1, count: d * k), bk = [S](repeating: 0, count: k)
                    var scratch = [S](repeating: 0, count: 2 * k)
                    let q = Kernels.stochasticSteps(several, targets: k, weights: &wk, biases: &bk, learningRate: 1e-3,
                                                    scratch: &scratch).0
                    return g + w + wk + bk + [fused.0, fused.1, stochastic.0, b, q]
                }
            }
        }
        let plain = run(nil)
        for place in [m / 2, 0, m - 1] {
            #expect(run(place) == plain, "followed by row \(place)")
            #expect(run(place, alone: true) == plain, "followed by row \(place), read alone")
        }
        #expect(run(nil, alone: true) == plain, "read alone")
    }

    @Test("prefetching on into the rows that follow changes no bit", arguments: Precision.allCases)
    func prefetchChangesNothing(_ precision: Precision) {
        prefetchOnly(precision.scalar)
    }

    /// The error of a central difference with step h = 1e-6: O(h²) truncation plus the rounding of
    /// the two losses divided by 2h (≈ ε·L/h ≈ 1e-10 · L) — a discretisation bound, not an ulp count.
    static let finiteDifferenceError = 1e-6

    @Test("the gradient matches central finite differences of the MSE")
    func finiteDifferences() throws {
        // One batch update with learning rate η moves θ by −η·∇L, so ∇L = (θ₀ − θ₁)/η.
        let problem = RandomProblem<Double>(rows: 40, columns: 6, noise: 0.5)
        let start = LinearModel<Double>(weights: [0.3, -0.2, 0.1, 0.5, -0.4, 0.2], bias: 0.7)
        var stepped = start
        let eta = 1e-3
        try GradientDescent<Double>(mode: .batch, learningRate: eta, epochs: 1).fit(&stepped, features: problem.features, targets: problem.targets)
        func loss(_ model: LinearModel<Double>) throws -> Double {
            try model.meanSquaredError(features: problem.features, targets: problem.targets)
        }
        let h = 1e-6
        for j in 0...6 {
            var plus = start, minus = start
            if j < 6 { plus.weights[j] += h; minus.weights[j] -= h } else { plus.bias += h; minus.bias -= h }
            let numeric = (try loss(plus) - loss(minus)) / (2 * h)
            let analytic = j < 6 ? (start.weights[j] - stepped.weights[j]) / eta : (start.bias - stepped.bias) / eta
            #expect(Swift.abs(numeric - analytic) <= Self.finiteDifferenceError * (1 + Swift.abs(numeric)), "parameter \(j)")
        }
    }
}
