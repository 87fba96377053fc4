import Testing
@testable import Descent

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

    /// Every length up to 20 (the SIMD loop takes 8 at a time, then a tail), every position, every
    /// non-finite value, alone and followed by a second one: the first position is found.
    func findsFirstNonFinite<S: BLASScalar>(_: S.Type) {
        for n in 0...20 {
            // Finite values, including the largest, whose differences (x − x = 0) must not overflow.
            var values = (0..<n).map { S($0) - 7.5 }
            if n > 2 { values[1] = S.greatestFiniteMagnitude; values[2] = -S.greatestFiniteMagnitude }
            #expect(values.withUnsafeBufferPointer { Validation.firstNonFinite($0) } == nil, "n = \(n)")
            for position in 0..<n {
                for bad in [S.nan, .infinity, -.infinity, .signalingNaN] {
                    var withBad = values
                    withBad[position] = bad
                    #expect(withBad.withUnsafeBufferPointer { Validation.firstNonFinite($0) } == position,
                            "\(S.self) n = \(n): \(bad) at \(position)")
                    for later in (position + 1)..<n {
                        var twice = withBad
                        twice[later] = .infinity
                        #expect(twice.withUnsafeBufferPointer { Validation.firstNonFinite($0) } == position)
                    }
                }
            }
        }
        #expect(Validation.firstNonFinite(UnsafeBufferPointer<S>(start: nil, count: 0)) == nil)
    }

    @Test("firstNonFinite finds the first NaN or ±∞, and nothing in finite data", arguments: Precision.allCases)
    func firstNonFinite(_ precision: Precision) {
        findsFirstNonFinite(precision.scalar)
    }
}
