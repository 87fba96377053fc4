import Testing
import Descent

@Suite("Metrics")
struct MetricsTests {
    @Test("metrics match naive formulas")
    func metrics() throws {
        let x = try Matrix<Double>(rows: 4, columns: 1, elements: [1, 2, 3, 4])
        let y: [Double] = [2, 3, 7, 9]
        let model = LinearModel<Double>(weights: [2], bias: 0)   // ŷ = 2, 4, 6, 8: r = 0, 1, −1, −1
        let m = try model.metrics(features: x, targets: y)
        #expect(m.meanSquaredError == 0.75 && m.rootMeanSquaredError == 0.75.squareRoot() && m.meanAbsoluteError == 0.75)
        // ȳ = 5.25; Σ(y − ȳ)² = 10.5625 + 5.0625 + 3.0625 + 14.0625 = 32.75.
        #expect(Swift.abs(m.r2 - (1 - 3 / 32.75)) < Double.ulps(4))
        #expect(try LinearModel<Double>(weights: [0], bias: 5).metrics(features: x, targets: [5, 5, 5, 5]).r2 == 1)
    }
}
