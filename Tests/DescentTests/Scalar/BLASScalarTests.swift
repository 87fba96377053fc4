import Testing
@testable import Descent

/// The raw BLAS routines of each conformance, against naive loops: strides, leading dimensions
/// wider than the rows, `α` and `β`, and all four transpose combinations of `gemm`.
@Suite("BLASScalar conformances")
struct BLASScalarTests {
    /// `α` and `β` exact in both precisions, neither 0 nor 1, so that both are applied.
    static let alpha = 0.5, beta = -1.5

    func dotAndAxpy<S: BLASScalar>(_: S.Type) {
        let n = 37
        let x = Naive.values(S.self, 2 * n, seed: 1), y = Naive.values(S.self, 3 * n, seed: 2)
        // Every 2nd element of x against every 3rd of y.
        let xs = stride(from: 0, to: 2 * n, by: 2).map { x[$0] }, ys = stride(from: 0, to: 3 * n, by: 3).map { y[$0] }
        let expected = zip(xs, ys).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        let dot = S._dot(Int32(n), x, 2, y, 3)
        #expect(Naive.close(dot, expected, magnitude: Naive.magnitude(xs, ys), terms: n), "\(S.self) dot")
        var z = y
        S._axpy(Int32(n), S(Self.alpha), x, 2, &z, 3)
        for i in 0..<(3 * n) {
            if i % 3 == 0 {
                let expected = Self.alpha * Double(x[2 * (i / 3)]) + Double(y[i])
                let magnitude = Swift.abs(Self.alpha * Double(x[2 * (i / 3)])) + Swift.abs(Double(y[i]))
                #expect(Naive.close(z[i], expected, magnitude: magnitude, terms: 1), "\(S.self) axpy[\(i)]")
            } else {
                #expect(z[i] == y[i], "axpy wrote outside its stride")
            }
        }
    }

    @Test("_dot and _axpy with strides match naive loops", arguments: Precision.allCases)
    func dotAxpy(_ precision: Precision) {
        dotAndAxpy(precision.scalar)
    }

    func gemv<S: BLASScalar>(_: S.Type) {
        // A of 9 × 13 stored with leading dimension 16; x and y with strides 2.
        let m = 9, n = 13, lda = 16
        let a = Naive.values(S.self, m * lda, seed: 3)
        let dense = (0..<(m * n)).map { a[($0 / n) * lda + $0 % n] }
        for transposed in [false, true] {
            let (inputs, outputs) = transposed ? (m, n) : (n, m)
            let x = Naive.values(S.self, 2 * inputs, seed: 4), y = Naive.values(S.self, 2 * outputs, seed: 5)
            let xs = stride(from: 0, to: 2 * inputs, by: 2).map { x[$0] }
            var result = y
            S._gemv(transposed: transposed, Int32(m), Int32(n), S(Self.alpha), a, Int32(lda), x, 2, S(Self.beta), &result, 2)
            let products = Naive.matrixVector(dense, rows: m, columns: n, xs, transposed: transposed)
            let magnitudes = Naive.matrixVector(dense.map { Swift.abs($0) }, rows: m, columns: n, xs.map { Swift.abs($0) },
                                                transposed: transposed)
            for i in 0..<(2 * outputs) {
                guard i % 2 == 0 else { #expect(result[i] == y[i], "gemv wrote outside its stride"); continue }
                let expected = Self.alpha * products[i / 2] + Self.beta * Double(y[i])
                let magnitude = Self.alpha * magnitudes[i / 2] + Swift.abs(Self.beta * Double(y[i]))
                #expect(Naive.close(result[i], expected, magnitude: magnitude, terms: inputs + 2),
                        "\(S.self) gemv transposed: \(transposed) y[\(i)]")
            }
        }
    }

    @Test("_gemv, plain and transposed, with a padded leading dimension and strides, matches a naive loop",
          arguments: Precision.allCases)
    func gemvBoth(_ precision: Precision) {
        gemv(precision.scalar)
    }

    func gemm<S: BLASScalar>(_: S.Type) {
        let m = 7, n = 5, k = 11
        for transposeA in [false, true] {
            for transposeB in [false, true] {
                // Stored shapes: A is m × k (k × m transposed), B is k × n (n × k transposed);
                // each with its leading dimension padded by 3 columns.
                let (aRows, aColumns) = transposeA ? (k, m) : (m, k)
                let (bRows, bColumns) = transposeB ? (n, k) : (k, n)
                let lda = aColumns + 3, ldb = bColumns + 3, ldc = n + 3
                let a = Naive.values(S.self, aRows * lda, seed: 6), b = Naive.values(S.self, bRows * ldb, seed: 7)
                let c = Naive.values(S.self, m * ldc, seed: 8)
                let denseA = (0..<(aRows * aColumns)).map { a[($0 / aColumns) * lda + $0 % aColumns] }
                let denseB = (0..<(bRows * bColumns)).map { b[($0 / bColumns) * ldb + $0 % bColumns] }
                var result = c
                S._gemm(transposeA: transposeA, transposeB: transposeB, Int32(m), Int32(n), Int32(k), S(Self.alpha),
                        a, Int32(lda), b, Int32(ldb), S(Self.beta), &result, Int32(ldc))
                let product = Naive.product(denseA, transposeA: transposeA, denseB, transposeB: transposeB, m: m, n: n, k: k)
                let magnitude = Naive.product(denseA.map { Swift.abs($0) }, transposeA: transposeA,
                                              denseB.map { Swift.abs($0) }, transposeB: transposeB, m: m, n: n, k: k)
                for i in 0..<m {
                    for j in 0..<ldc {
                        let index = i * ldc + j
                        guard j < n else { #expect(result[index] == c[index], "gemm wrote into the padding"); continue }
                        let expected = Self.alpha * product[i * n + j] + Self.beta * Double(c[index])
                        let scale = Self.alpha * magnitude[i * n + j] + Swift.abs(Self.beta * Double(c[index]))
                        #expect(Naive.close(result[index], expected, magnitude: scale, terms: k + 2),
                                "\(S.self) gemm transposeA: \(transposeA) transposeB: \(transposeB) C[\(i), \(j)]")
                    }
                }
            }
        }
    }

    @Test("_gemm matches a naive triple loop for all four transpose combinations", arguments: Precision.allCases)
    func gemmAllTransposes(_ precision: Precision) {
        gemm(precision.scalar)
    }

    func syrk<S: BLASScalar>(_: S.Type) {
        // C ← αAᵀA + βC for A of k × n (leading dimension n + 2): only the upper triangle changes.
        let n = 6, k = 17, lda = n + 2, ldc = n + 1
        let a = Naive.values(S.self, k * lda, seed: 9), c = Naive.values(S.self, n * ldc, seed: 10)
        let dense = (0..<(k * n)).map { a[($0 / n) * lda + $0 % n] }
        var result = c
        S._syrk(Int32(n), Int32(k), S(Self.alpha), a, Int32(lda), S(Self.beta), &result, Int32(ldc))
        let gram = Naive.product(dense, transposeA: true, dense, transposeB: false, m: n, n: n, k: k)
        let magnitude = Naive.product(dense.map { Swift.abs($0) }, transposeA: true, dense.map { Swift.abs($0) },
                                      transposeB: false, m: n, n: n, k: k)
        for i in 0..<n {
            for j in 0..<ldc {
                let index = i * ldc + j
                guard j >= i && j < n else { #expect(result[index] == c[index], "syrk wrote outside the upper triangle"); continue }
                let expected = Self.alpha * gram[i * n + j] + Self.beta * Double(c[index])
                let scale = Self.alpha * magnitude[i * n + j] + Swift.abs(Self.beta * Double(c[index]))
                #expect(Naive.close(result[index], expected, magnitude: scale, terms: k + 2), "\(S.self) syrk C[\(i), \(j)]")
            }
        }
    }

    @Test("_syrk updates the upper triangle of C with αAᵀA + βC and nothing else", arguments: Precision.allCases)
    func syrkUpper(_ precision: Precision) {
        syrk(precision.scalar)
    }

    func names<S: BLASScalar>(_: S.Type, _ precision: Precision) {
        #expect(S.precisionName == precision.rawValue)
        let values: [S] = [1, 2, 3]
        let doubles = values.withUnsafeBufferPointer { S.doubles($0.baseAddress!) }
        // Only Double data is seen as Doubles, without a copy.
        #expect((doubles != nil) == (S.self == Double.self))
        if let doubles { #expect(doubles[2] == 3) }
        // The fused gradient is preferred for Double always, and for Float where the AVX-512 kernels
        // run (measured; see Kernels.fusedGradient and CompiledKernels).
        #expect(S.prefersFusedKernels == (S.self == Double.self || CompiledKernels.available))
    }

    @Test("precisionName names the precision; Double data alone is seen as Doubles", arguments: Precision.allCases)
    func precisionName(_ precision: Precision) {
        names(precision.scalar, precision)
    }
}
