import Testing
import Descent

@Suite("Linear model")
struct LinearModelTests {
    /// `ŷ = Xw + b` against a naive loop in `Double`, on 13 × 19 seeded normal data.
    func predictsLikeNaiveLoop<S: BLASScalar>(_: S.Type) throws {
        let m = 13, d = 19
        // One seeded stream, in this order: X, (unused) y, w, b.
        let values = Naive.values(S.self, m * d + m + d + 1, seed: 5)
        let x = Array(values[0..<(m * d)])
        let w = Array(values[(m * d + m)..<(m * d + m + d)])
        let b = values[m * d + m + d]
        let yHat = try LinearModel(weights: w, bias: b).predict(try Matrix(rows: m, columns: d, elements: x))
        let products = Naive.matrixVector(x, rows: m, columns: d, w, transposed: false)
        for i in 0..<m {
            let expected = products[i] + Double(b)
            #expect(Swift.abs(Double(yHat[i]) - expected) <= S.ulps(64) * (1 + Swift.abs(expected)), "ŷ[\(i)]")
        }
    }

    @Test("predict matches a naive loop", arguments: Precision.allCases)
    func predict(_ precision: Precision) throws {
        try predictsLikeNaiveLoop(precision.scalar)
    }

    @Test("predict and fit check the model's width and finiteness, and predict the data's")
    func modelErrors() throws {
        let x = try Matrix<Double>(rows: 3, columns: 2, elements: [1, 2, 3, 4, 5, 7])
        let y: [Double] = [1, 2, 3]
        let nan = try Matrix<Double>(rows: 3, columns: 2, elements: [1, 2, 3, .nan, 5, 7])
        expectDescentError(.weightCountMismatch(weights: 3, features: 2)) { _ = try LinearModel<Double>(weights: [1, 2, 3]).predict(x) }
        expectDescentError(.nonFiniteValue(at: .features(row: 1, column: 1))) { _ = try LinearModel<Double>(weights: [1, 2]).predict(nan) }
        expectDescentError(.weightCountMismatch(weights: 1, features: 2)) {
            var model = LinearModel<Double>(weights: [1])
            try GradientDescent<Double>().fit(&model, features: x, targets: y)
        }
        expectDescentError(.nonFiniteValue(at: .model(weight: 1))) {
            var model = LinearModel<Double>(weights: [1, .nan])
            try GradientDescent<Double>().fit(&model, features: x, targets: y)
        }
        expectDescentError(.nonFiniteValue(at: .model(weight: nil))) {
            var model = LinearModel<Double>(weights: [1, 2], bias: .infinity)
            try GradientDescent<Double>().fit(&model, features: x, targets: y)
        }
    }
}
