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
}
