import Testing
@testable import Descent

/// The typed BLAS layer (contiguous row-major buffers, `Int` counts) against naive loops.
@Suite("Typed BLAS")
struct BLASTests {
    static let alpha = 0.5, beta = -1.5

    func vectors<S: BLASScalar>(_: S.Type) {
        for n in [0, 1, 7, 8, 33, 1000] {
            let x = Naive.values(S.self, n, seed: UInt64(n)), y = Naive.values(S.self, n, seed: UInt64(n + 1))
            let dot = BLAS.dot(n, x, y)
            let expected = zip(x, y).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            #expect(Naive.close(dot, expected, magnitude: Naive.magnitude(x, y), terms: n), "\(S.self) dot n = \(n)")
            var z = y
            z.withUnsafeMutableBufferPointer { z in
                x.withUnsafeBufferPointer { x in
                    guard let xBase = x.baseAddress, let zBase = z.baseAddress else { return }
                    BLAS.axpy(n, S(Self.alpha), xBase, zBase)
                }
            }
            for i in 0..<n {
                let expected = Self.alpha * Double(x[i]) + Double(y[i])
                let magnitude = Swift.abs(Self.alpha * Double(x[i])) + Swift.abs(Double(y[i]))
                #expect(Naive.close(z[i], expected, magnitude: magnitude, terms: 1), "\(S.self) axpy n = \(n) [\(i)]")
            }
        }
    }

    @Test("dot and axpy match naive loops", arguments: Precision.allCases)
    func dotAxpy(_ precision: Precision) {
        vectors(precision.scalar)
    }

    func matrixVector<S: BLASScalar>(_: S.Type) {
        for (rows, columns) in [(1, 1), (9, 13), (64, 3), (3, 100)] {
            let a = Naive.values(S.self, rows * columns, seed: UInt64(rows * columns))
            let absolute = a.map { Swift.abs($0) }
            for transposed in [false, true] {
                let (inputs, outputs) = transposed ? (rows, columns) : (columns, rows)
                let x = Naive.values(S.self, inputs, seed: 1), y = Naive.values(S.self, outputs, seed: 2)
                var result = y
                if transposed {
                    BLAS.gemvTransposed(a, rows: rows, columns: columns, alpha: S(Self.alpha), x, beta: S(Self.beta), &result)
                } else {
                    BLAS.gemv(a, rows: rows, columns: columns, alpha: S(Self.alpha), x, beta: S(Self.beta), &result)
                }
                let products = Naive.matrixVector(a, rows: rows, columns: columns, x, transposed: transposed)
                let magnitudes = Naive.matrixVector(absolute, rows: rows, columns: columns, x.map { Swift.abs($0) },
                                                    transposed: transposed)
                for i in 0..<outputs {
                    let expected = Self.alpha * products[i] + Self.beta * Double(y[i])
                    let magnitude = Self.alpha * magnitudes[i] + Swift.abs(Self.beta * Double(y[i]))
                    #expect(Naive.close(result[i], expected, magnitude: magnitude, terms: inputs + 2),
                            "\(S.self) \(rows)×\(columns) transposed: \(transposed) [\(i)]")
                }
                // The defaults: α = 1, and β = 0 ignores what y held (even NaN).
                var fresh = [S](repeating: .nan, count: outputs)
                if transposed {
                    BLAS.gemvTransposed(a, rows: rows, columns: columns, x, beta: 0, &fresh)
                } else {
                    BLAS.gemv(a, rows: rows, columns: columns, x, beta: 0, &fresh)
                }
                for i in 0..<outputs {
                    #expect(Naive.close(fresh[i], products[i], magnitude: magnitudes[i], terms: inputs),
                            "\(S.self) \(rows)×\(columns) transposed: \(transposed) β = 0 [\(i)]")
                }
            }
        }
    }

    @Test("gemv and gemvTransposed match naive loops", arguments: Precision.allCases)
    func gemv(_ precision: Precision) {
        matrixVector(precision.scalar)
    }

    func matrixMatrix<S: BLASScalar>(_: S.Type) {
        let m = 6, n = 9, k = 14
        for transposeA in [false, true] {
            for transposeB in [false, true] {
                let a = Naive.values(S.self, m * k, seed: 3), b = Naive.values(S.self, k * n, seed: 4)
                let c = Naive.values(S.self, m * n, seed: 5)
                var result = c
                BLAS.gemm(a, transposeA: transposeA, b, transposeB: transposeB, m: m, n: n, k: k, alpha: S(Self.alpha),
                          beta: S(Self.beta), &result)
                let product = Naive.product(a, transposeA: transposeA, b, transposeB: transposeB, m: m, n: n, k: k)
                let magnitude = Naive.product(a.map { Swift.abs($0) }, transposeA: transposeA, b.map { Swift.abs($0) },
                                              transposeB: transposeB, m: m, n: n, k: k)
                for index in 0..<(m * n) {
                    let expected = Self.alpha * product[index] + Self.beta * Double(c[index])
                    let scale = Self.alpha * magnitude[index] + Swift.abs(Self.beta * Double(c[index]))
                    #expect(Naive.close(result[index], expected, magnitude: scale, terms: k + 2),
                            "\(S.self) gemm transposeA: \(transposeA) transposeB: \(transposeB) [\(index)]")
                }
            }
        }
    }

    @Test("gemm matches a naive triple loop for all four transpose combinations", arguments: Precision.allCases)
    func gemm(_ precision: Precision) {
        matrixMatrix(precision.scalar)
    }

    func gram<S: BLASScalar>(_: S.Type) {
        let rows = 23, columns = 5
        let a = Naive.values(S.self, rows * columns, seed: 6), c = Naive.values(S.self, columns * columns, seed: 7)
        var result = c
        BLAS.syrk(a, rows: rows, columns: columns, alpha: S(Self.alpha), beta: S(Self.beta), &result)
        let expectedGram = Naive.product(a, transposeA: true, a, transposeB: false, m: columns, n: columns, k: rows)
        let magnitude = Naive.product(a.map { Swift.abs($0) }, transposeA: true, a.map { Swift.abs($0) }, transposeB: false,
                                      m: columns, n: columns, k: rows)
        for i in 0..<columns {
            for j in 0..<columns {
                let index = i * columns + j
                guard j >= i else { #expect(result[index] == c[index], "syrk wrote below the diagonal"); continue }
                let expected = Self.alpha * expectedGram[index] + Self.beta * Double(c[index])
                let scale = Self.alpha * magnitude[index] + Swift.abs(Self.beta * Double(c[index]))
                #expect(Naive.close(result[index], expected, magnitude: scale, terms: rows + 2), "\(S.self) syrk [\(i), \(j)]")
            }
        }
    }

    @Test("syrk gives the upper triangle of αAᵀA + βC", arguments: Precision.allCases)
    func syrk(_ precision: Precision) {
        gram(precision.scalar)
    }

    @Test("BLAS.int passes every count that fits 32 bits unchanged")
    func int() {
        #expect(BLAS.int(0) == 0)
        #expect(BLAS.int(12_345) == 12_345)
        #expect(BLAS.int(Int(Int32.max)) == Int32.max)
    }
}
