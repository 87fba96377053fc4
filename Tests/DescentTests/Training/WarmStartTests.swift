import Testing
import Descent

/// Training continues from the model it is given: split runs equal one run, bit for bit.
@Suite("Warm starts and partial fits")
struct WarmStartTests {
    @Test("fit continues from the model it is given")
    func continuesFromModel() throws {
        let problem = RandomProblem<Double>(rows: 100, columns: 3)
        var once = LinearModel<Double>(), twice = LinearModel<Double>()
        try GradientDescent<Double>(mode: .batch, learningRate: 0.1, epochs: 10).fit(&once, features: problem.features, targets: problem.targets)
        let half = GradientDescent<Double>(mode: .batch, learningRate: 0.1, epochs: 5)
        try half.fit(&twice, features: problem.features, targets: problem.targets)
        try half.fit(&twice, features: problem.features, targets: problem.targets)
        #expect(once == twice)
    }

    @Test("warm start: two fits of one epoch equal one fit of two, bit for bit, for every optimiser",
          arguments: Sweep.modes, Sweep.optimizers)
    func warmStart(mode: BatchMode, optimizer: Optimizer) throws {
        let problem = RandomProblem<Double>(rows: 100, columns: 4)
        for schedule in [LearningRateSchedule.constant, .inverseScaling(power: 0.25), .stepDecay(every: 1, factor: 0.5)] {
            var once = LinearModel<Double>(), twice = LinearModel<Double>()
            var gd = GradientDescent<Double>(mode: mode, learningRate: 0.01, epochs: 2, shuffle: false,
                                             optimizer: optimizer, schedule: schedule)
            try gd.fit(&once, features: problem.features, targets: problem.targets)
            gd.epochs = 1
            try gd.fit(&twice, features: problem.features, targets: problem.targets)
            try gd.fit(&twice, features: problem.features, targets: problem.targets)
            #expect(once == twice, "\(mode) \(optimizer) \(schedule)")
            #expect(once.trainingState == twice.trainingState)
        }
    }

    @Test("partialFit over the batches of one epoch equals one fit epoch, bit for bit",
          arguments: [BatchMode.miniBatch(size: 16), .stochastic], Sweep.optimizers)
    func partialFit(mode: BatchMode, optimizer: Optimizer) throws {
        let problem = RandomProblem<Float>(rows: 96, columns: 5)
        let gd = GradientDescent<Float>(mode: mode, learningRate: 0.01, epochs: 1, shuffle: false,
                                        optimizer: optimizer, schedule: .inverseScaling(power: 0.5))
        var whole = LinearModel<Float>(), pieces = LinearModel<Float>()
        try gd.fit(&whole, features: problem.features, targets: problem.targets)
        for start in stride(from: 0, to: 96, by: 16) {
            let rows = try Matrix<Float>(rows: 16, columns: 5) { i, j in problem.features[start + i, j] }
            try gd.partialFit(&pieces, features: rows, targets: Array(problem.targets[start..<(start + 16)]))
        }
        #expect(whole == pieces, "\(mode) \(optimizer)")
        #expect(pieces.trainingState?.updates == whole.trainingState?.updates)
    }
}
