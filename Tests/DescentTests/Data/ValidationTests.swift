import Testing
import Descent

/// The checks of user data every entry point runs, and the typed errors they raise.
@Suite("Validation")
struct ValidationTests {
    @Test("data errors, for training and every solver")
    func dataErrors() throws {
        let x = try Matrix<Double>(rows: 3, columns: 2, elements: [1, 2, 3, 4, 5, 7])
        let y: [Double] = [1, 2, 3]
        let empty = try Matrix<Double>(rows: 0, columns: 2, elements: [])
        let noColumns = try Matrix<Double>(rows: 3, columns: 0, elements: [])
        let nan = try Matrix<Double>(rows: 3, columns: 2, elements: [1, 2, 3, .nan, 5, 7])
        let inf = try Matrix<Double>(rows: 3, columns: 2, elements: [1, 2, 3, 4, -.infinity, 7])
        let cases: [(DescentError, Matrix<Double>, [Double])] = [
            (.targetCountMismatch(rows: 3, targets: 2), x, [1, 2]),
            (.noRows, empty, []),
            (.noFeatures, noColumns, y),
            (.nonFiniteValue(at: .features(row: 1, column: 1)), nan, y),
            (.nonFiniteValue(at: .features(row: 2, column: 0)), inf, y),
            (.nonFiniteValue(at: .targets(index: 2)), x, [1, 2, .infinity]),
            (.nonFiniteValue(at: .targets(index: 0)), x, [.nan, 2, 3]),
        ]
        for (expected, features, targets) in cases {
            expectDescentError(expected) { _ = try GradientDescent<Double>().fit(features: features, targets: targets) }
            for method in [LeastSquares.Method.automatic, .qr, .svd, .normalEquations] {
                expectDescentError(expected) { _ = try LeastSquares.solve(features, targets, method: method) }
            }
        }
    }
}
