import Testing
@testable import Descent

@Suite("Gradient descent against the closed form")
struct GradientDescentTests {
    static let allModes: [BatchMode] = [.batch, .miniBatch(size: 32), .stochastic]

    /// Each mode trains to the exact least-squares solution on a well-conditioned problem.
    func convergesToExact<S: BLASScalar>(_: S.Type, mode: BatchMode) throws {
        let problem = RandomProblem<S>(rows: 600, columns: 12, noise: 1e-3)
        let rate: S = switch mode {
        case .batch: 0.2
        case .miniBatch: 0.05
        case .stochastic: 0.002
        }
        var model = LinearModel<S>()
        var gd = GradientDescent<S>(mode: mode, learningRate: rate, epochs: 300, seed: 11)
        let history = try gd.fit(&model, features: problem.features, targets: problem.targets)
        #expect(history.epochs == 300 && history.stopReason == .epochBudget)
        // The loss falls: the last epoch's is far below the first's.
        #expect(history.losses.last! < history.losses.first! / 100)
        // A constant step leaves (mini-)batch-stochastic iterates in a noise ball: their excess
        // loss is about η·tr(H)/(2m) of the noise variance (a few per cent here). Stepping η down
        // shrinks the ball, as a schedule would; then the model must match the closed form.
        if mode != .batch {
            for factor in [10, 100] as [S] {
                gd.learningRate = rate / factor
                gd.epochs = 50
                try gd.fit(&model, features: problem.features, targets: problem.targets)
            }
        }
        let tolerance = switch mode {
        case .batch: S.self == Float.self ? 2e-5 : 1e-10
        case .miniBatch, .stochastic: S.self == Float.self ? 5e-5 : 2e-5
        }
        let check = try LeastSquares.verify(model, features: problem.features, targets: problem.targets)
        #expect(check.maxWeightDifference <= tolerance, "\(S.self) \(mode): \(check)")
        #expect(check.biasDifference <= tolerance, "\(S.self) \(mode): \(check)")
        #expect(check.relativeMSEGap <= (S.self == Float.self ? 3e-3 : 1e-3), "\(S.self) \(mode): \(check)")
    }

    @Test("every mode converges to the closed form", arguments: allModes, Precision.allCases)
    func modeConverges(mode: BatchMode, precision: Precision) throws {
        switch precision {
        case .float32: try convergesToExact(Float.self, mode: mode)
        case .float64: try convergesToExact(Double.self, mode: mode)
        }
    }

    @Test("updates per epoch: 1, ⌈n/k⌉, n")
    func updateCounts() throws {
        let problem = RandomProblem<Double>(rows: 101, columns: 3)
        for (mode, expected) in [(BatchMode.batch, 1), (.miniBatch(size: 10), 11), (.miniBatch(size: 500), 1),
                                 (.stochastic, 101)] {
            var reports = [EpochReport<Double>]()
            let box = LinearModelBox()
            let history = try GradientDescent<Double>(mode: mode, learningRate: 0.01, epochs: 3)
                .fit(&box.model, features: problem.features, targets: problem.targets) { reports.append($0) }
            #expect(history.updates == 3 * expected, "\(mode)")
            #expect(reports.map(\.epoch) == [1, 2, 3])
            #expect(reports.allSatisfy { $0.updates == expected })
            #expect(history.elapsedSeconds.count == 3 && history.elapsedSeconds == history.elapsedSeconds.sorted())
        }
    }

    @Test("a mini-batch's last, shorter batch uses its own m")
    func lastBatchScaling() throws {
        // Three rows, batches of two: the second update uses m = 1. Compare with a hand computation.
        let x = try Matrix<Double>(rows: 3, columns: 1, elements: [1, 2, 3])
        let y: [Double] = [1, 1, 1]
        var model = LinearModel<Double>(weights: [0], bias: 0)
        try GradientDescent<Double>(mode: .miniBatch(size: 2), learningRate: 0.1, epochs: 1, shuffle: false)
            .fit(&model, features: x, targets: y)
        var w = 0.0, b = 0.0
        for batch in [[0, 1], [2]] {
            let m = Double(batch.count)
            var gw = 0.0, gb = 0.0
            for i in batch { let r = w * x[i, 0] + b - y[i]; gw += 2 / m * r * x[i, 0]; gb += 2 / m * r }
            w -= 0.1 * gw
            b -= 0.1 * gb
        }
        #expect(Swift.abs(model.weights[0] - w) < 1e-15 && Swift.abs(model.bias - b) < 1e-15)
    }

    @Test("the batch-mode loss is the MSE before each update")
    func batchLossIsMSE() throws {
        let problem = RandomProblem<Double>(rows: 50, columns: 4)
        var model = LinearModel<Double>(weights: [0.1, 0.2, 0.3, 0.4], bias: 0.5)
        let before = try model.meanSquaredError(features: problem.features, targets: problem.targets)
        let history = try GradientDescent<Double>(mode: .batch, learningRate: 0.05, epochs: 1)
            .fit(&model, features: problem.features, targets: problem.targets)
        #expect(Swift.abs(history.losses[0] - before) <= 1e-13 * before)
    }

    @Test("the same seed gives bit-identical results; another seed does not")
    func determinism() throws {
        let problem = RandomProblem<Double>(rows: 300, columns: 5)
        func train(seed: UInt64, mode: BatchMode) throws -> LinearModel<Double> {
            var model = LinearModel<Double>()
            let gd = GradientDescent<Double>(mode: mode, learningRate: 0.01, epochs: 3, shuffle: true, seed: seed,
                                             initialization: .truncatedNormal(standardDeviation: 0.05))
            try gd.fit(&model, features: problem.features, targets: problem.targets)
            return model
        }
        for mode in [BatchMode.miniBatch(size: 50), .stochastic] {
            #expect(try train(seed: 42, mode: mode) == train(seed: 42, mode: mode))
            #expect(try train(seed: 42, mode: mode) != train(seed: 43, mode: mode))
        }
    }

    @Test("a large batch gradient is the same with one BLAS thread and with several")
    func threadIndependence() throws {
        // 20 000 × 10 = 2·10⁵ elements: above the size where the gradient is split over partitions.
        let problem = RandomProblem<Double>(rows: 20_000, columns: 10)
        func train(threads: Int) throws -> LinearModel<Double> {
            var model = LinearModel<Double>()
            var gd = GradientDescent<Double>(mode: .batch, learningRate: 0.1, epochs: 5)
            gd.threadsOverride = threads
            try gd.fit(&model, features: problem.features, targets: problem.targets)
            return model
        }
        #expect(try train(threads: 2) == train(threads: 1))
    }

    @Test("unshuffled mini-batch over n rows equals full batch")
    func miniBatchOfAll() throws {
        let problem = RandomProblem<Double>(rows: 64, columns: 3)
        var a = LinearModel<Double>(), b = LinearModel<Double>()
        try GradientDescent<Double>(mode: .batch, learningRate: 0.1, epochs: 5).fit(&a, features: problem.features, targets: problem.targets)
        try GradientDescent<Double>(mode: .miniBatch(size: 64), learningRate: 0.1, epochs: 5, shuffle: false)
            .fit(&b, features: problem.features, targets: problem.targets)
        #expect(a == b)
    }

    @Test("training stops once the loss reaches the threshold")
    func lossThreshold() throws {
        let problem = RandomProblem<Double>(rows: 200, columns: 3, noise: 0)
        var model = LinearModel<Double>()
        let history = try GradientDescent<Double>(mode: .batch, learningRate: 0.2, epochs: 10_000, lossThreshold: 1e-6)
            .fit(&model, features: problem.features, targets: problem.targets)
        #expect(history.stopReason == .lossThreshold)
        #expect(history.epochs < 10_000)
        #expect(history.losses.last! <= 1e-6)
        #expect(history.losses.dropLast().allSatisfy { $0 > 1e-6 })
    }

    @Test("initialisation: zeros, seeded truncated normal, or the caller's weights")
    func initialization() throws {
        let problem = RandomProblem<Double>(rows: 10, columns: 400)
        // A tiny learning rate and one epoch: the model barely moves from its start.
        let zeros = try GradientDescent<Double>(learningRate: 1e-12, epochs: 1).fit(features: problem.features, targets: problem.targets)
        #expect(zeros.model.weights.allSatisfy { Swift.abs($0) < 1e-9 })
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

    @Test("fit continues from the model it is given")
    func warmStart() throws {
        let problem = RandomProblem<Double>(rows: 100, columns: 3)
        var once = LinearModel<Double>(), twice = LinearModel<Double>()
        try GradientDescent<Double>(mode: .batch, learningRate: 0.1, epochs: 10).fit(&once, features: problem.features, targets: problem.targets)
        let half = GradientDescent<Double>(mode: .batch, learningRate: 0.1, epochs: 5)
        try half.fit(&twice, features: problem.features, targets: problem.targets)
        try half.fit(&twice, features: problem.features, targets: problem.targets)
        #expect(once == twice)
    }
}

/// Lets a test pass a fresh model inline.
private final class LinearModelBox { var model = LinearModel<Double>() }
