import Testing
import Descent

@Suite("Standardised training")
struct StandardizationTests {
    /// Relative agreement of a standardised run (300 epochs, then a smaller step for mini-batches)
    /// with the closed form: a convergence gap of the run, not rounding.
    static let weightAgreement = 1e-3
    /// The absolute floor of that agreement, for weights near zero.
    static let weightFloor = 1e-9
    /// Agreement of the bias, relative to `1 + |b|`: the bias absorbs the means (≈ 50 × scales up
    /// to 1000), so it carries the weights' gap times the largest mean.
    static let biasAgreement = 1e-2

    @Test("standardised training maps back to the closed form on the raw data")
    func standardization() throws {
        // Columns on wildly different scales: raw descent would need a step ~1e-6 and crawl.
        let base = RandomProblem<Double>(rows: 300, columns: 3, noise: 0.01)
        let scales = [1000.0, 1.0, 0.01]
        let x = try Matrix<Double>(rows: 300, columns: 3) { i, j in base.features[i, j] * scales[j] + 50 }
        for mode in [BatchMode.batch, .miniBatch(size: 20)] {
            var gd = GradientDescent<Double>(mode: mode, learningRate: 0.1, epochs: 300)
            gd.standardize = true
            var model = LinearModel<Double>()
            try gd.fit(&model, features: x, targets: base.targets)
            if mode != .batch {
                gd.learningRate = 0.001
                try gd.fit(&model, features: x, targets: base.targets)
            }
            let exact = try LeastSquares.solve(x, base.targets).model
            for j in 0..<3 {
                #expect(Swift.abs(model.weights[j] - exact.weights[j])
                        <= Self.weightAgreement * Swift.abs(exact.weights[j]) + Self.weightFloor,
                        "\(mode) w\(j): \(model.weights[j]) vs \(exact.weights[j])")
            }
            #expect(Swift.abs(model.bias - exact.bias) < Self.biasAgreement * (1 + Swift.abs(exact.bias)))
        }
    }
}
