import Testing
import Descent

@Suite("Initialisation")
struct InitializationTests {
    @Test("initialisation: zeros, seeded truncated normal, or the caller's weights")
    func initialization() throws {
        let problem = RandomProblem<Double>(rows: 10, columns: 400)
        // A tiny learning rate and one epoch: the model barely moves from its start (a bound on
        // one step of η = 1e-12, not on rounding).
        let barelyMoved = 1e-9
        let zeros = try GradientDescent<Double>(learningRate: 1e-12, epochs: 1).fit(features: problem.features, targets: problem.targets)
        #expect(zeros.model.weights.allSatisfy { Swift.abs($0) < barelyMoved })
        let normal = GradientDescent<Double>(learningRate: 1e-300, epochs: 1, seed: 3,
                                             initialization: .truncatedNormal(standardDeviation: 0.05))
        let a = try normal.fit(features: problem.features, targets: problem.targets).model
        let b = try normal.fit(features: problem.features, targets: problem.targets).model
        #expect(a == b)
        #expect(a.weights.allSatisfy { Swift.abs($0) <= 0.1 })
        let mean = a.weights.reduce(0, +) / 400
        let sd = (a.weights.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 400).squareRoot()
        #expect(Swift.abs(mean) < 0.01 && sd > 0.035 && sd < 0.05)   // truncation at 2σ shrinks σ by ~12 %
        var own = LinearModel<Double>(weights: [Double](repeating: 7, count: 400), bias: 3)
        try GradientDescent<Double>(learningRate: 1e-300, epochs: 1).fit(&own, features: problem.features, targets: problem.targets)
        #expect(own.weights.allSatisfy { $0 == 7 } && own.bias == 3)
    }
}
