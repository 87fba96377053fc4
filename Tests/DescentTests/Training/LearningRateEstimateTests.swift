import Testing
import Descent

@Suite("Automatic learning rate")
struct LearningRateEstimateTests {
    @Test("the automatic learning rate trains the seed example to (1, −2, 0)")
    func automaticRate() throws {
        let (x, y) = try TestData.seedExample(Double.self)
        for (mode, epochs) in [(BatchMode.batch, 40_000), (.stochastic, 4000), (.miniBatch(size: 2), 20_000)] {
            var gd = GradientDescent<Double>(mode: mode, learningRate: 0.05, epochs: epochs, shuffle: false)
            gd.automaticLearningRate = true
            var model = LinearModel<Double>()
            let history = try gd.fit(&model, features: x, targets: y)
            // 0.0326: the full-batch stability bound of the seed example (SeedExampleTests).
            #expect(history.learningRate > 0 && history.learningRate < 0.0326, "\(mode): η₀ = \(history.learningRate)")
            // Zero residual at the optimum: every mode reaches it to within rounding.
            let tolerance = Double.ulps(256)
            #expect(Swift.abs(model.weights[0] - 1) < tolerance && Swift.abs(model.weights[1] + 2) < tolerance
                    && Swift.abs(model.bias) < tolerance, "\(mode): \(model)")
        }
    }
}
