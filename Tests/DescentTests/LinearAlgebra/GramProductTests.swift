import Testing
@testable import Descent

/// The AVX-512 Gram product against a plain loop, by the forward error bound of a sum of products,
/// on shapes that exercise its tiles' edges, its runs of rows and its parts.
@Suite("Gram product")
struct GramProductTests {
    /// Widths below, at and past the 8-row tiles and 24-column panels (and a wide one); row counts
    /// below, at and past the kernel's 128-row runs and the 512-row parts.
    static let shapes: [(rows: Int, columns: Int)] = [(1, 8), (5, 9), (130, 23), (513, 24), (1100, 37), (255, 49),
                                                       (4099, 100), (1030, 130), (1025, 8), (40, 300)]

    static func matrix(rows m: Int, columns d: Int, seed: UInt64) -> [Double] {
        var random = RandomSource(seed: seed)
        // Columns of different sizes and signs, and a mean far from zero in one, as the solvers see.
        return (0..<(m * d)).map { k in random.nextNormal() * Double(1 + k % d) + (k % d == 3 ? 50 : 0) }
    }

    @Test("matches a plain loop within the forward error bound, and leaves the lower triangle alone",
          arguments: shapes)
    func matchesPlainLoop(shape: (rows: Int, columns: Int)) {
        guard CompiledKernels.runsGram else { return }
        let (m, d) = shape
        let a = Self.matrix(rows: m, columns: d, seed: UInt64(m * 1000 + d))
        for beta in [0.0, 1.0] {
            let sentinel = 7.25
            let start = (0..<(d * d)).map { Double($0 % 5) - 2 }
            var c = start
            for i in 0..<d { for j in 0..<i { c[i * d + j] = sentinel } }
            let ran = a.withUnsafeBufferPointer { a in
                GramProduct.product(a.baseAddress!, rows: m, columns: d, beta: beta, &c)
            }
            #expect(ran)
            var worst = 0.0
            for i in 0..<d {
                for j in 0..<d {
                    if j < i {
                        #expect(c[i * d + j] == sentinel, "lower triangle written at (\(i), \(j))")
                        continue
                    }
                    var sum = beta * start[i * d + j], magnitude = Swift.abs(sum)
                    for r in 0..<m {
                        sum += a[r * d + i] * a[r * d + j]
                        magnitude += Swift.abs(a[r * d + i] * a[r * d + j])
                    }
                    // |ĉ − c| ≤ γ₍ₘ₊₁₎·Σ|aᵢaⱼ| for any order of the sum, with both ĉ and the loop's.
                    let bound = 2 * Double(m + 2) * Double.ulpOfOne * magnitude
                    worst = Swift.max(worst, Swift.abs(c[i * d + j] - sum) / bound)
                }
            }
            #expect(worst <= 1, "error \(worst) of the bound, \(m) × \(d), β = \(beta)")
        }
    }

    @Test("AᵀT and the column sums in the same pass match plain loops within the bound",
          arguments: [(1100, 37, 1), (130, 23, 2), (4099, 100, 9), (513, 8, 17)])
    func sideProducts(m: Int, d: Int, k: Int) {
        guard CompiledKernels.runsGram else { return }
        let a = Self.matrix(rows: m, columns: d, seed: 7)
        let t = Self.matrix(rows: m, columns: k, seed: 8)
        for beta in [0.0, 1.0] {
            var c = [Double](repeating: 0, count: d * d)
            let startXT = (0..<(d * k)).map { Double($0 % 3) }, startSums = (0..<d).map { Double($0 % 4) - 1 }
            var xt = startXT, sums = startSums
            let ran = a.withUnsafeBufferPointer { a in
                t.withUnsafeBufferPointer { t in
                    GramProduct.product(a.baseAddress!, rows: m, columns: d, beta: beta, &c, targets: t.baseAddress!, k: k,
                                        xt: &xt, sums: &sums)
                }
            }
            #expect(ran)
            var worst = 0.0
            for j in 0..<d {
                var sum = beta * startSums[j], magnitude = Swift.abs(sum)
                for r in 0..<m { sum += a[r * d + j]; magnitude += Swift.abs(a[r * d + j]) }
                worst = Swift.max(worst, Swift.abs(sums[j] - sum) / (2 * Double(m + 2) * Double.ulpOfOne * magnitude))
                for q in 0..<k {
                    var sum = beta * startXT[j * k + q], magnitude = Swift.abs(sum)
                    for r in 0..<m { sum += a[r * d + j] * t[r * k + q]; magnitude += Swift.abs(a[r * d + j] * t[r * k + q]) }
                    worst = Swift.max(worst, Swift.abs(xt[j * k + q] - sum) / (2 * Double(m + 2) * Double.ulpOfOne * magnitude))
                }
            }
            #expect(worst <= 1, "error \(worst) of the bound, \(m) × \(d), k = \(k), β = \(beta)")
        }
    }

    @Test("the same bits on one thread and on several")
    func sameBitsAnyThreads() {
        guard CompiledKernels.runsGram else { return }
        let (m, d) = (4099, 37)
        #expect(GramProduct.parts(rows: m, columns: d) == 8)
        let a = Self.matrix(rows: m, columns: d, seed: 11)
        var one = [Double](repeating: 0, count: d * d), two = one, four = one
        a.withUnsafeBufferPointer { a in
            _ = GramProduct.product(a.baseAddress!, rows: m, columns: d, beta: 0, &one, threads: 1)
            _ = GramProduct.product(a.baseAddress!, rows: m, columns: d, beta: 0, &two, threads: 2)
            _ = GramProduct.product(a.baseAddress!, rows: m, columns: d, beta: 0, &four, threads: 4)
        }
        #expect(one.map(\.bitPattern) == two.map(\.bitPattern))
        #expect(one.map(\.bitPattern) == four.map(\.bitPattern))
    }

    @Test("declines what it does not compute, and BLAS.syrk then gives OpenBLAS's answer")
    func declines() {
        let a = Self.matrix(rows: 20, columns: 7, seed: 3)
        var c = [Double](repeating: 0, count: 49)
        let ran = a.withUnsafeBufferPointer { GramProduct.product($0.baseAddress!, rows: 20, columns: 7, beta: 0, &c) }
        #expect(!ran, "fewer than 8 columns go to OpenBLAS")
        let wide = Self.matrix(rows: 20, columns: 9, seed: 4)
        var d = [Double](repeating: 1, count: 81)
        let half = wide.withUnsafeBufferPointer { GramProduct.product($0.baseAddress!, rows: 20, columns: 9, beta: 0.5, &d) }
        #expect(!half, "β other than 0 or 1 goes to OpenBLAS")
        // 3000 columns: one scratch matrix fits in the budget, so 1024 rows make one part, and
        // two threads go to OpenBLAS (it declines before reading a row or writing C).
        #expect(GramProduct.parts(rows: 1024, columns: 3000) == 1)
        var unread = [Double](repeating: 0, count: 1)
        let wide3000 = unread.withUnsafeMutableBufferPointer { p in
            GramProduct.product(p.baseAddress!, rows: 1024, columns: 3000, beta: 0, p.baseAddress!, threads: 2)
        }
        #expect(!wide3000)
        // α = 2 through BLAS.syrk: OpenBLAS, twice the kernel's product (exactly, up to rounding).
        var viaKernel = [Double](repeating: 0, count: 81), viaBLAS = viaKernel
        wide.withUnsafeBufferPointer { w in
            BLAS.syrk(w.baseAddress!, rows: 20, columns: 9, beta: 0, &viaKernel)
            BLAS.syrk(w.baseAddress!, rows: 20, columns: 9, alpha: 2, beta: 0, &viaBLAS)
        }
        for i in 0..<9 {
            for j in i..<9 {
                #expect(Swift.abs(viaBLAS[i * 9 + j] - 2 * viaKernel[i * 9 + j]) <= 1e-12 * Swift.abs(viaBLAS[i * 9 + j]) + 1e-300)
            }
        }
    }
}
