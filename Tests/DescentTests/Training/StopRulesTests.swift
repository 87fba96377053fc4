import Testing
import Descent

/// The stop rules other than the epoch budget and early stopping: a loss threshold and a
/// tolerance on the improvement of the training loss.
@Suite("Stop rules")
struct StopRulesTests {
    @Test("training stops once the loss reaches the threshold")
    func lossThreshold() throws {
        let problem = RandomProblem<Double>(rows: 200, columns: 3, noise: 0)
        let threshold = 1e-6
        var model = LinearModel<Double>()
        let history = try GradientDescent<Double>(mode: .batch, learningRate: 0.2, epochs: 10_000, lossThreshold: threshold)
            .fit(&model, features: problem.features, targets: problem.targets)
        #expect(history.stopReason == .lossThreshold)
        #expect(history.epochs < 10_000)
        #expect(history.losses.last! <= threshold)
        #expect(history.losses.dropLast().allSatisfy { $0 > threshold })
    }

    @Test("tolerance stops when the training loss stops improving")
    func tolerance() throws {
        let problem = RandomProblem<Double>(rows: 100, columns: 3, noise: 0.1)
        var gd = GradientDescent<Double>(mode: .batch, learningRate: 0.3, epochs: 100_000)
        gd.tolerance = 1e-9
        gd.patience = 4
        let (_, history) = try gd.fit(features: problem.features, targets: problem.targets)
        #expect(history.stopReason == .tolerance && history.epochs < 100_000)
    }
}
