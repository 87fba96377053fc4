import Testing
import Descent

@Suite("Matrix")
struct MatrixTests {
    @Test("bad matrix shapes")
    func matrixShapes() {
        expectDescentError(.invalidMatrixShape(rows: 2, columns: 2, elementCount: 3)) { _ = try Matrix<Double>(rows: 2, columns: 2, elements: [1, 2, 3]) }
        expectDescentError(.invalidMatrixShape(rows: -1, columns: 2, elementCount: 0)) { _ = try Matrix<Double>(rows: -1, columns: 2, elements: []) }
        expectDescentError(.invalidMatrixShape(rows: Int.max, columns: 2, elementCount: 0)) { _ = try Matrix<Float>(rows: Int.max, columns: 2, elements: []) }
        expectDescentError(.invalidMatrixShape(rows: 2, columns: 2, elementCount: 3)) { _ = try Matrix<Double>([[1, 2], [3]]) }
    }

    /// `X·v` against a naive loop, for shapes around the SIMD and BLAS blocking sizes, into a
    /// result array of the wrong size (resized) and of the right size (reused).
    func multipliesLikeNaiveLoop<S: BLASScalar>(_: S.Type) throws {
        for (rows, columns) in [(1, 1), (3, 7), (17, 16), (64, 100), (5, 257), (4, 0), (0, 3)] {
            let elements = Naive.values(S.self, rows * columns, seed: UInt64(rows * 1000 + columns))
            let vector = Naive.values(S.self, columns, seed: 99)
            let x = try Matrix<S>(rows: rows, columns: columns, elements: elements)
            var result = [S](repeating: 7, count: 2)
            try x.multiply(vector, into: &result)
            #expect(result.count == rows)
            let expected = Naive.matrixVector(elements, rows: rows, columns: columns, vector, transposed: false)
            for i in 0..<rows {
                let row = Array(elements[(i * columns)..<((i + 1) * columns)])
                // A sum of `columns` products: within `columns` ulps of the sum of their magnitudes.
                let tolerance = S.ulps(Double(Swift.max(columns, 1))) * Naive.magnitude(row, vector)
                #expect(Swift.abs(Double(result[i]) - expected[i]) <= tolerance, "\(rows)×\(columns) row \(i)")
            }
            let first = result
            try x.multiply(vector, into: &result)
            #expect(result == first)
        }
        let x = try Matrix<S>(rows: 2, columns: 3, elements: [1, 2, 3, 4, 5, 6])
        var result = [S]()
        expectDescentError(.weightCountMismatch(weights: 2, features: 3)) { try x.multiply([1, 2], into: &result) }
        expectDescentError(.weightCountMismatch(weights: 4, features: 3)) { try x.multiply([1, 2, 3, 4], into: &result) }
    }

    @Test("multiply matches a naive loop, and a vector of the wrong width is a typed error",
          arguments: Precision.allCases)
    func multiply(_ precision: Precision) throws {
        try multipliesLikeNaiveLoop(precision.scalar)
    }
}
