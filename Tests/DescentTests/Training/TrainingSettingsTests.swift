import Testing
import Descent

/// Options are checked once, when the settings are resolved, and each bad one is a typed error.
@Suite("Training settings")
struct TrainingSettingsTests {
    let x = try! Matrix<Double>(rows: 3, columns: 2, elements: [1, 2, 3, 4, 5, 7])
    let y: [Double] = [1, 2, 3]

    @Test("configuration errors")
    func configurationErrors() {
        for rate in [0, -0.1, .nan, .infinity, -.infinity] as [Double] {
            expectDescentError(.invalidLearningRate(rate)) { _ = try GradientDescent<Double>(learningRate: rate).fit(features: x, targets: y) }
        }
        for epochs in [0, -5] {
            expectDescentError(.invalidEpochs(epochs)) { _ = try GradientDescent<Double>(epochs: epochs).fit(features: x, targets: y) }
        }
        for size in [0, -1] {
            expectDescentError(.invalidBatchSize(size)) { _ = try GradientDescent<Double>(mode: .miniBatch(size: size)).fit(features: x, targets: y) }
        }
        do {
            _ = try GradientDescent<Double>(lossThreshold: -1).fit(features: x, targets: y)
            Issue.record("negative loss threshold accepted")
        } catch {
            guard case .invalidOption(name: "lossThreshold", _, _) = error else { Issue.record("\(error)"); return }
        }
        #expect(throws: DescentError.self) {
            _ = try GradientDescent<Double>(initialization: .truncatedNormal(standardDeviation: -1)).fit(features: x, targets: y)
        }
    }

    @Test("bad toolkit options give typed errors")
    func badOptions() throws {
        let problem = RandomProblem<Double>(rows: 20, columns: 2)
        let bad: [GradientDescent<Double>] = [
            GradientDescent(optimizer: .momentum(1)), GradientDescent(optimizer: .nesterov(-0.1)),
            GradientDescent(optimizer: .adam(beta1: 1)), GradientDescent(optimizer: .adam(epsilon: 0)),
            GradientDescent(optimizer: .averaged(startingAfter: -1)),
            GradientDescent(schedule: .inverseScaling(power: -1)), GradientDescent(schedule: .stepDecay(every: 0, factor: 0.5)),
            GradientDescent(schedule: .exponential(decay: 1.5)), GradientDescent(schedule: .adaptive(patience: 0)),
            GradientDescent(penalty: .l2(-1)), GradientDescent(penalty: .l1(.nan)), GradientDescent(penalty: .elasticNet(1, l1Ratio: 2)),
            GradientDescent(earlyStopping: EarlyStopping(validationFraction: 1)),
            GradientDescent(earlyStopping: EarlyStopping(validationFraction: 0.01)),   // holds out no row of 20
        ]
        for gd in bad {
            #expect(throws: DescentError.self) { try gd.fit(features: problem.features, targets: problem.targets) }
        }
    }
}
