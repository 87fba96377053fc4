import Descent

/// The batch modes and optimisers the training checks sweep.
enum Sweep {
    static let modes: [BatchMode] = [.batch, .miniBatch(size: 32), .stochastic]
    static let optimizers: [Optimizer] = [.sgd, .momentum(0.9), .nesterov(0.9), .adam(), .averaged()]

    /// Trains with a decaying step (the library's exponential schedule), so that stochastic
    /// modes settle on the optimum rather than in a noise ball around it, and Adam (which hovers
    /// within ~η of the optimum at a constant step) closes in. Averaged SGD averages the second
    /// half of the iterates (averaging from the first update drags in the far-off start).
    static func trainToOptimum<S: BLASScalar>(_ problem: RandomProblem<S>, mode: BatchMode, optimizer: Optimizer,
                                              penalty: Penalty = .none) throws -> LinearModel<S> {
        let adam = optimizer.description.hasPrefix("adam")
        let base: Double = switch (mode, adam) {
        case (.stochastic, true): 0.01
        case (_, true): 0.05        // Adam's steps are ~η per coordinate: Σ η must cover the distance
        case (.batch, _): optimizer == .sgd || optimizer.description.hasPrefix("averaged") ? 0.2 : 0.05
        case (.miniBatch, _): 0.02
        case (.stochastic, _): 0.002
        }
        let (schedule, epochs): (LearningRateSchedule, Int) = switch (mode, adam) {
        case (.batch, false): (.constant, 600)
        case (.batch, true): (.exponential(decay: 0.996), 5000)
        case (.miniBatch, true): (.exponential(decay: 0.97), 400)
        default: (.exponential(decay: 0.95), 200)
        }
        let updatesPerEpoch = switch mode {
        case .batch: 1
        case let .miniBatch(size): (problem.features.rows + size - 1) / size
        case .stochastic: problem.features.rows
        }
        let chosen = optimizer.description.hasPrefix("averaged") ? .averaged(startingAfter: epochs * updatesPerEpoch / 2) : optimizer
        var model = LinearModel<S>()
        try GradientDescent<S>(mode: mode, learningRate: S(base), epochs: epochs, seed: 3, optimizer: chosen,
                               schedule: schedule, penalty: penalty)
            .fit(&model, features: problem.features, targets: problem.targets)
        return model
    }

    /// How close a stochastic or mini-batch run with a decaying step (``trainToOptimum``) gets to
    /// the optimum: a convergence gap of the schedule and the gradient noise, not rounding.
    static let decayingAgreement = 2e-4
}
