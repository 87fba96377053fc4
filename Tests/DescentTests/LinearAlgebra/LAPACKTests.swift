import Testing
@testable import Descent

/// The typed LAPACK layer on small systems whose answers are known.
@Suite("Typed LAPACK")
struct LAPACKTests {
    /// Cholesky: `A = MᵀM + I` (positive definite) solves `Ax = b` for a chosen `x`; a matrix
    /// whose third column repeats the first fails at that column (zero-based 2).
    func cholesky<S: BLASScalar>(_: S.Type) {
        let n = 5
        let m = Naive.values(S.self, n * n, seed: 1)
        // Column-major A = MᵀM + I (symmetric, so row- and column-major agree).
        var a = Naive.product(m, transposeA: true, m, transposeB: false, m: n, n: n, k: n).map { S($0) }
        for i in 0..<n { a[i * n + i] += 1 }
        let solution: [S] = [1, -2, 3, 0.5, -0.25]
        var b = (0..<n).map { i in S((0..<n).reduce(0.0) { $0 + Double(a[i * n + $1]) * Double(solution[$1]) }) }
        let failed = a.withUnsafeMutableBufferPointer { LAPACK.choleskyFactor($0, n: n) }
        #expect(failed == nil)
        a.withUnsafeBufferPointer { factor in b.withUnsafeMutableBufferPointer { LAPACK.choleskySolve(factor, n: n, $0) } }
        // A is well conditioned (eigenvalues ≥ 1, a few tens at most): a few hundred ulps.
        for i in 0..<n {
            #expect(Swift.abs(Double(b[i]) - Double(solution[i])) <= S.ulps(512), "\(S.self) x[\(i)] = \(b[i])")
        }
        var singular: [S] = [4, 2, 4, 0,
                             2, 5, 2, 1,
                             4, 2, 4, 0,
                             0, 1, 0, 3]
        #expect(singular.withUnsafeMutableBufferPointer { LAPACK.choleskyFactor($0, n: 4) } == 2)
    }

    @Test("Cholesky factor and solve; a dependent column is named", arguments: Precision.allCases)
    func choleskyBoth(_ precision: Precision) {
        cholesky(precision.scalar)
    }

    /// Pivoted QR of a matrix with a dependent column: the pivot is a permutation, |rᵢᵢ| does not
    /// increase, and the last diagonal entry is (numerically) zero; Qᵀ applied to a column of A
    /// gives that column of R.
    func pivotedQR<S: BLASScalar>(_: S.Type) {
        let m = 8, n = 4
        var columns = (0..<3).map { Naive.values(S.self, m, seed: UInt64(10 + $0)) }
        columns.insert(zip(columns[0], columns[2]).map { 2 * $0 - $1 }, at: 1)   // column 1 = 2·c0 − c2
        var a = columns.flatMap { $0 }   // column-major
        let (pivot, tau) = a.withUnsafeMutableBufferPointer { LAPACK.pivotedQR($0, m: m, n: n) }
        #expect(pivot.sorted() == Array(0..<n) && tau.count == n)
        let diagonal = (0..<n).map { Swift.abs(Double(a[$0 * m + $0])) }
        #expect(zip(diagonal, diagonal.dropFirst()).allSatisfy { $0 >= $1 }, "\(diagonal)")
        #expect(diagonal[n - 1] <= S.ulps(64) * diagonal[0], "\(S.self) \(diagonal)")
        // Qᵀ·(A P)ⱼ = Rⱼ: its entries below the diagonal vanish.
        for j in 0..<n {
            var c = columns[pivot[j]]
            var work = [S]()
            a.withUnsafeBufferPointer { factors in
                tau.withUnsafeBufferPointer { tau in
                    LAPACK.applyQ(factors, m: m, k: n, tau: tau.baseAddress!, &c, transposed: true, work: &work)
                }
            }
            let norm = columns[pivot[j]].reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            for i in 0..<m {
                let r = i <= j ? Double(a[j * m + i]) : 0
                #expect(Swift.abs(Double(c[i]) - r) <= S.ulps(64) * norm, "\(S.self) (QᵀAP)[\(i), \(j)]")
            }
        }
    }

    @Test("pivoted QR reveals a dependent column, and Qᵀ reproduces R", arguments: Precision.allCases)
    func pivotedQRBoth(_ precision: Precision) {
        pivotedQR(precision.scalar)
    }

    @Test("the SVD solve gives the minimum-norm solution of a rank-deficient system")
    func minimumNorm() throws {
        // Two equal columns: x₀ + x₁ = 2 for every row; the minimum-norm answer is (1, 1).
        let m = 3, n = 2
        var a: [Double] = [1, 2, 3, 1, 2, 3]   // column-major
        var b: [Double] = [2, 4, 6]
        let solved = try a.withUnsafeMutableBufferPointer { a in
            try b.withUnsafeMutableBufferPointer { try LAPACK.minimumNormSolve(a, m: m, n: n, $0, rcond: Double.ulps(4096)) }
        }
        let result = try #require(solved)
        #expect(result.rank == 1 && result.singularValues.count == 2)
        #expect(Swift.abs(b[0] - 1) <= Double.ulps(16) && Swift.abs(b[1] - 1) <= Double.ulps(16), "\(b)")
    }
}
