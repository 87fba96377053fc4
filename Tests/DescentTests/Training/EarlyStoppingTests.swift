import Testing
import Descent

@Suite("Early stopping")
struct EarlyStoppingTests {
    @Test("early stopping stops, restores the best validation weights, and says why")
    func earlyStopping() throws {
        // Few rows, many features, noisy targets: gradient descent overfits after a while.
        let problem = RandomProblem<Double>(rows: 80, columns: 60, noise: 2.0, seed: 17, scale: 0.3)
        let rule = EarlyStopping(validationFraction: 0.25, patience: 10, tolerance: 0)
        let gd = GradientDescent<Double>(mode: .batch, learningRate: 0.05, epochs: 5000, earlyStopping: rule)
        var model = LinearModel<Double>()
        let history = try gd.fit(&model, features: problem.features, targets: problem.targets)
        #expect(history.stopReason == .earlyStopping)
        let best = try #require(history.bestEpoch)
        #expect(history.epochs == best + 10)
        #expect(history.validationLosses.count == history.epochs)
        #expect(history.validationLosses[best - 1] == history.validationLosses.min())
        #expect(history.validationLosses.last! > history.validationLosses[best - 1])
        // The model holds exactly the best epoch's weights: a run of that many epochs gives them.
        var shorter = LinearModel<Double>()
        var budget = gd
        budget.epochs = best
        try budget.fit(&shorter, features: problem.features, targets: problem.targets)
        #expect(shorter == model)
    }
}
