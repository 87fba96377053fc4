import Descent

/// Textbook loops, accumulated in `Double`: the oracles for the BLAS routines.
enum Naive {
    /// Row-major `op(A)·op(B)`, `op(A)` of `m × k`, `op(B)` of `k × n`; `a` is stored `m × k`
    /// (or `k × m` when `transposeA`), `b` is stored `k × n` (or `n × k` when `transposeB`).
    static func product<S: BLASScalar>(_ a: [S], transposeA: Bool, _ b: [S], transposeB: Bool,
                                       m: Int, n: Int, k: Int) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k {
                    let aip = transposeA ? a[p * m + i] : a[i * k + p]
                    let bpj = transposeB ? b[j * k + p] : b[p * n + j]
                    sum += Double(aip) * Double(bpj)
                }
                c[i * n + j] = sum
            }
        }
        return c
    }

    /// `A·x` (or `Aᵀ·x` when `transposed`) for a row-major `A` of `rows × columns`.
    static func matrixVector<S: BLASScalar>(_ a: [S], rows: Int, columns: Int, _ x: [S], transposed: Bool) -> [Double] {
        if transposed {
            return (0..<columns).map { j in (0..<rows).reduce(0.0) { $0 + Double(a[$1 * columns + j]) * Double(x[$1]) } }
        }
        return (0..<rows).map { i in (0..<columns).reduce(0.0) { $0 + Double(a[i * columns + $1]) * Double(x[$1]) } }
    }

    /// `Σ |aᵢ|·|bᵢ|`-style magnitudes: the scale a rounding error of a sum of products is relative to.
    static func magnitude<S: BLASScalar>(_ a: [S], _ b: [S]) -> Double {
        zip(a, b).reduce(0.0) { $0 + Swift.abs(Double($1.0)) * Swift.abs(Double($1.1)) }
    }

    /// `count` seeded standard normal values.
    static func values<S: BLASScalar>(_: S.Type, _ count: Int, seed: UInt64) -> [S] {
        var random = RandomSource(seed: seed)
        return (0..<count).map { _ in S(random.nextNormal()) }
    }

    /// Whether `actual` is within the rounding bound of a sum of `terms` products: `terms` ulps of
    /// `S` times `magnitude` (the sum of the terms' absolute values), twice the classical `γₖ`
    /// bound `k·u` with `u` half an ulp.
    static func close<S: BLASScalar>(_ actual: S, _ expected: Double, magnitude: Double, terms: Int) -> Bool {
        Swift.abs(Double(actual) - expected) <= S.ulps(Double(Swift.max(terms, 1))) * magnitude
    }
}
