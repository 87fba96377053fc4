import Testing
@testable import Descent

/// TSQR's combining step: the QR of stacked triangles keeps the normal equations of the rows the
/// triangles came from, and equals the triangle of those rows factored at once (up to row signs).
@Suite struct TriangleStackTests {
    /// A `d × d` upper triangle and its `d × k` right-hand sides, from `rows` random rows
    /// (Householder QR of the rows, the triangle every part would send).
    static func part(rows: Int, d: Int, k: Int, seed: UInt64) -> (r: [Double], z: [Double], a: [Double], b: [Double]) {
        var random = RandomSource(seed: seed)
        let a = (0..<(rows * d)).map { _ in random.nextNormal() }          // row-major rows × d
        let b = (0..<(rows * k)).map { _ in random.nextNormal() }          // row-major rows × k
        // Column-major copies padded to at least d rows, so the triangle is d × d.
        let m = Swift.max(rows, d)
        var stack = [Double](repeating: 0, count: m * d), rhs = [Double](repeating: 0, count: m * k)
        for i in 0..<rows { for j in 0..<d { stack[i + j * m] = a[i * d + j] } }
        for i in 0..<rows { for t in 0..<k { rhs[i + t * m] = b[i * k + t] } }
        var tau = [Double](repeating: 0, count: d), work = [Double](), applyWork = [Double]()
        stack.withUnsafeMutableBufferPointer { s in
            LAPACK.householderQR(s.baseAddress!, m: m, n: d, lda: m, tau: &tau, work: &work)
            LAPACK.applyQ(UnsafeBufferPointer(s), m: m, k: d, lda: m, tau: tau, &rhs, transposed: true, columns: k, ldc: m,
                          work: &applyWork)
        }
        var r = [Double](repeating: 0, count: d * d), z = [Double](repeating: 0, count: d * k)
        for j in 0..<d { for i in 0...j { r[i + j * d] = stack[i + j * m] } }
        for t in 0..<k { for i in 0..<d { z[i + t * d] = rhs[i + t * m] } }
        return (r, z, a, b)
    }

    /// `[AᵀA | Aᵀb]` of row-major rows, by naive loops (column-major d × (d + k)).
    static func normalEquations(_ a: [Double], _ b: [Double], rows: Int, d: Int, k: Int) -> [Double] {
        var g = [Double](repeating: 0, count: d * (d + k))
        for i in 0..<rows {
            for p in 0..<d {
                for q in 0..<d { g[p + q * d] += a[i * d + p] * a[i * d + q] }
                for t in 0..<k { g[p + (d + t) * d] += a[i * d + p] * b[i * k + t] }
            }
        }
        return g
    }

    /// `[RᵀR | Rᵀz]`.
    static func normalEquations(r: [Double], z: [Double], d: Int, k: Int) -> [Double] {
        var g = [Double](repeating: 0, count: d * (d + k))
        for p in 0..<d {
            for q in 0..<d { for i in 0..<d { g[p + q * d] += r[i + p * d] * r[i + q * d] } }
            for t in 0..<k { for i in 0..<d { g[p + (d + t) * d] += r[i + p * d] * z[i + t * d] } }
        }
        return g
    }

    @Test(arguments: [(parts: 1, d: 4, k: 1), (parts: 3, d: 5, k: 2), (parts: 4, d: 7, k: 0)])
    func keepsTheNormalEquationsOfAllRows(parts: Int, d: Int, k: Int) {
        let rowCounts = (0..<parts).map { [12, 0, 30, 3][$0 % 4] }       // a part may have no rows
        let pieces = rowCounts.enumerated().map { Self.part(rows: $0.element, d: d, k: k, seed: 40 + UInt64($0.offset)) }
        let combined = TriangleStack.combine(pieces.map(\.r), pieces.map(\.z), columns: d, targets: k)
        var expected = [Double](repeating: 0, count: d * (d + k))
        for (piece, rows) in zip(pieces, rowCounts) {
            for (i, x) in Self.normalEquations(piece.a, piece.b, rows: rows, d: d, k: k).enumerated() { expected[i] += x }
        }
        let got = Self.normalEquations(r: combined.r, z: combined.z, d: d, k: k)
        let scale = expected.map(Swift.abs).max()!
        for (g, e) in zip(got, expected) { #expect(Swift.abs(g - e) <= 64 * Double.ulpOfOne * scale) }
        for j in 0..<d { for i in (j + 1)..<Swift.max(j + 1, d) { #expect(combined.r[i + j * d] == 0) } }
    }

    /// Combining two at a time up a tree gives the triangle of all rows at once, up to the sign
    /// of each row (a QR's `R` is unique up to those signs).
    @Test func pairwiseEqualsAllAtOnceUpToRowSigns() {
        let d = 6, k = 1
        let pieces = (0..<3).map { Self.part(rows: 20 + $0, d: d, k: k, seed: 90 + UInt64($0)) }
        let left = TriangleStack.combine([pieces[0].r, pieces[1].r], [pieces[0].z, pieces[1].z], columns: d, targets: k)
        let tree = TriangleStack.combine([left.r, pieces[2].r], [left.z, pieces[2].z], columns: d, targets: k)
        let flat = TriangleStack.combine(pieces.map(\.r), pieces.map(\.z), columns: d, targets: k)
        for i in 0..<d {
            let sign: Double = (tree.r[i + i * d] < 0) == (flat.r[i + i * d] < 0) ? 1 : -1
            for j in i..<d {
                #expect(Swift.abs(tree.r[i + j * d] - sign * flat.r[i + j * d]) <= 1e-13 * Swift.abs(flat.r[i + i * d]))
            }
            #expect(Swift.abs(tree.z[i] - sign * flat.z[i]) <= 1e-12 * Swift.max(1, Swift.abs(flat.z[i])))
        }
    }
}
