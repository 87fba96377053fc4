import Testing
@testable import Descent

@Suite("Gradient descent against the closed form")
struct GradientDescentTests {
    /// Full-batch descent on this problem ends at the least-squares solution to within rounding.
    static let batchUlps = 64.0
    /// Mini-batch and stochastic runs end in a noise ball around the solution (a statistical
    /// gap, the same in both precisions) ...
    static let steppedDownAgreement = 2e-5
    /// ... or, in `Float`, at its rounding floor (ulps), whichever is larger.
    static let steppedDownUlps = 384.0
    /// Relative excess of the training MSE over the optimum's: the noise ball again, or the
    /// rounding floor of the MSE in `Float` (ulps).
    static let mseGap = 1e-3
    static let mseGapUlps = 16_384.0

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
        case .batch: S.ulps(Self.batchUlps)
        case .miniBatch, .stochastic: Swift.max(Self.steppedDownAgreement, S.ulps(Self.steppedDownUlps))
        }
        let check = try LeastSquares.verify(model, features: problem.features, targets: problem.targets)
        #expect(check.maxWeightDifference <= tolerance, "\(S.self) \(mode): \(check)")
        #expect(check.biasDifference <= tolerance, "\(S.self) \(mode): \(check)")
        #expect(check.relativeMSEGap <= Swift.max(Self.mseGap, S.ulps(Self.mseGapUlps)), "\(S.self) \(mode): \(check)")
    }

    @Test("every mode converges to the closed form", arguments: Sweep.modes, Precision.allCases)
    func modeConverges(mode: BatchMode, precision: Precision) throws {
        try convergesToExact(precision.scalar, mode: mode)
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
        #expect(Swift.abs(model.weights[0] - w) < Double.ulps(4) && Swift.abs(model.bias - b) < Double.ulps(4))
    }

    @Test("the batch-mode loss is the MSE before each update")
    func batchLossIsMSE() throws {
        let problem = RandomProblem<Double>(rows: 50, columns: 4)
        var model = LinearModel<Double>(weights: [0.1, 0.2, 0.3, 0.4], bias: 0.5)
        let before = try model.meanSquaredError(features: problem.features, targets: problem.targets)
        let history = try GradientDescent<Double>(mode: .batch, learningRate: 0.05, epochs: 1)
            .fit(&model, features: problem.features, targets: problem.targets)
        #expect(Swift.abs(history.losses[0] - before) <= Double.ulps(16) * before)
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

    @Test("a batch size above n trains as full batch")
    func batchLargerThanRows() throws {
        let x = try Matrix<Double>(rows: 3, columns: 2, elements: [1, 2, 3, 4, 5, 7])
        let y: [Double] = [1, 2, 3]
        var a = LinearModel<Double>(), b = LinearModel<Double>()
        try GradientDescent<Double>(mode: .miniBatch(size: 1000), epochs: 3).fit(&a, features: x, targets: y)
        try GradientDescent<Double>(mode: .batch, epochs: 3).fit(&b, features: x, targets: y)
        #expect(a == b)
    }
}

/// Lets a test pass a fresh model inline.
private final class LinearModelBox { var model = LinearModel<Double>() }
