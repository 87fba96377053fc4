import Testing
import Descent

/// Momentum, Nesterov, Adam and averaged SGD, each against the closed form.
@Suite("Optimisers")
struct OptimizerTests {
    /// Full-batch descent reaches the least-squares solution to within rounding.
    static let batchAgreement = Double.ulps(4096)

    @Test("momentum, Nesterov, Adam and averaged SGD reach the least-squares solution",
          arguments: Sweep.modes, [Optimizer.momentum(0.9), .nesterov(0.9), .adam(), .averaged()])
    func optimizersConverge(mode: BatchMode, optimizer: Optimizer) throws {
        let problem = RandomProblem<Double>(rows: 400, columns: 8, noise: 1e-3)
        let model = try Sweep.trainToOptimum(problem, mode: mode, optimizer: optimizer)
        let check = try LeastSquares.verify(model, features: problem.features, targets: problem.targets)
        let tolerance = mode == .batch ? Self.batchAgreement : Sweep.decayingAgreement
        #expect(check.maxWeightDifference < tolerance && check.biasDifference < tolerance, "\(mode) \(optimizer): \(check)")
    }

    @Test("averaged SGD's average is closer to the solution than its last iterate under noise")
    func averagedBeatsIterate() throws {
        let problem = RandomProblem<Double>(rows: 2000, columns: 5, noise: 1.0, seed: 8)
        let exact = try LeastSquares.solve(problem.features, problem.targets).model
        var averaged = LinearModel<Double>(), plain = LinearModel<Double>()
        try GradientDescent<Double>(mode: .stochastic, learningRate: 0.01, epochs: 5, seed: 4, optimizer: .averaged(startingAfter: 2000))
            .fit(&averaged, features: problem.features, targets: problem.targets)
        try GradientDescent<Double>(mode: .stochastic, learningRate: 0.01, epochs: 5, seed: 4)
            .fit(&plain, features: problem.features, targets: problem.targets)
        func distance(_ m: LinearModel<Double>) -> Double {
            zip(m.weights, exact.weights).reduce((m.bias - exact.bias) * (m.bias - exact.bias)) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
        }
        // The plain run's last iterate is the averaged run's iterate (same steps, same order).
        #expect(distance(averaged) < distance(plain) / 3, "average \(distance(averaged)), iterate \(distance(plain))")
    }

    @Test("averaged SGD before its averaging starts is plain SGD, also for validation and early stopping")
    func averagingNotStarted() throws {
        let problem = RandomProblem<Double>(rows: 200, columns: 4, noise: 0.5)
        let rule = EarlyStopping(validationFraction: 0.2, patience: 3, tolerance: 1e-3)
        func train(_ optimizer: Optimizer) throws -> (LinearModel<Double>, FitHistory<Double>) {
            var model = LinearModel<Double>()
            let history = try GradientDescent<Double>(mode: .miniBatch(size: 16), learningRate: 0.01, epochs: 60,
                                                      optimizer: optimizer, earlyStopping: rule)
                .fit(&model, features: problem.features, targets: problem.targets)
            return (model, history)
        }
        let (plain, plainHistory) = try train(.sgd)
        let (averaged, averagedHistory) = try train(.averaged(startingAfter: 1_000_000))
        #expect(averagedHistory.validationLosses == plainHistory.validationLosses)
        #expect(averagedHistory.bestEpoch == plainHistory.bestEpoch)
        #expect(averaged == plain)
    }
}
