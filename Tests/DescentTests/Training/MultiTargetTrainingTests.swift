import Foundation
import Testing
@testable import Descent

/// Gradient descent for several targets: one target trains bit for bit as the single-target fit
/// (every mode, optimiser, penalty, schedule and option), each of three targets as its own
/// single-target fit, every mode reaches the exact multi-target solution, training continues
/// across a save and load, and bad input is a typed error.
@Suite("Multi-target gradient descent")
struct MultiTargetTrainingTests {
    /// Configurations for the one-target comparison: every optimiser with a penalty and a schedule
    /// that changes within the epoch, the defaults (automatic rate, default optimiser, stop once
    /// converged), and the options that read the loss (early stopping, tolerance, the adaptive
    /// schedule, standardising, random initialisation).
    static func configurations<S: BLASScalar>(_: S.Type, mode: BatchMode) -> [GradientDescent<S>] {
        let rate: S = mode == .stochastic ? 0.005 : 0.05
        var list = [GradientDescent<S>(mode: mode, learningRate: rate, epochs: 12, seed: 5)]
        for optimizer in Sweep.optimizers {
            list.append(GradientDescent<S>(mode: mode, learningRate: rate, epochs: 12, seed: 5, optimizer: optimizer,
                                           schedule: .inverseScaling(power: 0.25), penalty: .elasticNet(0.01, l1Ratio: 0.5)))
        }
        // The defaults, without variance reduction, which several targets do not have yet.
        var defaults = GradientDescent<S>(mode: mode, seed: 9)
        defaults.varianceReduction = .none
        list.append(defaults)
        var options = GradientDescent<S>(mode: mode, learningRate: rate, epochs: 40, seed: 2,
                                         initialization: .truncatedNormal(standardDeviation: 0.1), optimizer: .momentum(0.5),
                                         schedule: .adaptive(tolerance: 1e-3, patience: 2),
                                         earlyStopping: .init(validationFraction: 0.2, patience: 4))
        options.standardize = true
        options.tolerance = 1e-4
        options.shuffling = .uniform
        list.append(options)
        return list
    }

    func oneTarget<S: BLASScalar>(_: S.Type, mode: BatchMode) throws {
        let problem = RandomMultiProblem<S>(rows: 120, columns: 5, targets: 1, noise: 0.3, seed: 3)
        let y = problem.targets.column(0)
        for (index, gd) in Self.configurations(S.self, mode: mode).enumerated() {
            var multi = MultiLinearModel<S>()
            var single = LinearModel<S>()
            var multiReports = [S](), singleReports = [S]()
            let a = try gd.fit(&multi, features: problem.features, targets: problem.targets) { multiReports.append($0.loss) }
            let b = try gd.fit(&single, features: problem.features, targets: y) { singleReports.append($0.loss) }
            let label = "\(S.self) \(mode) configuration \(index)"
            #expect(identical(multi.column(0).weights, single.weights) && identical(multi.biases, [single.bias]), "\(label)")
            #expect(identical(a.losses, b.losses) && identical(multiReports, singleReports), "\(label)")
            #expect(identical(a.validationLosses, b.validationLosses) && a.bestEpoch == b.bestEpoch, "\(label)")
            #expect(a.updates == b.updates && a.stopReason == b.stopReason && a.learningRates == b.learningRates, "\(label)")
            #expect(a.relativeGradientNorm == b.relativeGradientNorm && a.converged == b.converged, "\(label)")
            #expect(multi.trainingState == single.trainingState, "\(label)")
        }
    }

    @Test("one target trains bit for bit as the single-target fit: every mode, optimiser, penalty, schedule and option",
          arguments: Sweep.modes, Precision.allCases)
    func oneTargetIsSingleTarget(mode: BatchMode, precision: Precision) throws {
        try oneTarget(precision.scalar, mode: mode)
    }

    /// Three targets against three single-target fits: full and mini-batch gradients come from one
    /// `gemm` instead of each target's `gemv` (and their bias sums in another order), so they agree
    /// to rounding carried through the epochs, relative to the target's largest coefficient
    /// (measured: at most 2.3 ulps in either precision after 15 epochs); the stochastic updates do
    /// each target's arithmetic as the single-target fit does, bit for bit.
    static let perTargetAgreementUlps = 64.0

    func threeTargets<S: BLASScalar>(_: S.Type, mode: BatchMode) throws {
        let problem = RandomMultiProblem<S>(rows: 150, columns: 4, targets: 3, noise: 0.3, seed: 8)
        let rate: S = mode == .stochastic ? 0.005 : 0.05
        for optimizer in Sweep.optimizers {
            for (penalty, schedule) in [(Penalty.none, LearningRateSchedule.constant), (.l2(0.01), .exponential(decay: 0.95)),
                                        (.elasticNet(0.02, l1Ratio: 0.7), .inverseScaling(power: 0.5)),
                                        (.l1(0.01), .stepDecay(every: 3, factor: 0.5))] {
                let gd = GradientDescent<S>(mode: mode, learningRate: rate, epochs: 15, seed: 4, optimizer: optimizer,
                                            schedule: schedule, penalty: penalty)
                var multi = MultiLinearModel<S>()
                let history = try gd.fit(&multi, features: problem.features, targets: problem.targets)
                var meanLoss = 0.0
                for t in 0..<3 {
                    var single = LinearModel<S>()
                    let alone = try gd.fit(&single, features: problem.features, targets: problem.targets.column(t))
                    meanLoss += Double(alone.losses.last!) / 3
                    let label = "\(S.self) \(mode) \(optimizer) \(penalty) \(schedule) target \(t)"
                    if mode == .stochastic {
                        #expect(identical(multi.column(t).weights, single.weights) && multi.biases[t] == single.bias, "\(label)")
                    } else {
                        let difference = relativeDifference(multi.column(t), single)
                        #expect(difference <= S.ulps(Self.perTargetAgreementUlps), "\(label): \(difference)")
                    }
                }
                // The history's loss is the mean over targets of their MSEs.
                #expect(Swift.abs(Double(history.losses.last!) - meanLoss) <= S.ulps(Self.perTargetAgreementUlps) * meanLoss)
            }
        }
    }

    /// Weighted rows: each of three targets trains as its own weighted single-target fit. The
    /// stochastic rows take the general (weighted) update in both, bit for bit; the batch
    /// gradients agree to rounding as the unweighted ones do.
    func weightedTargets<S: BLASScalar>(_: S.Type, mode: BatchMode) throws {
        let problem = RandomMultiProblem<S>(rows: 150, columns: 4, targets: 3, noise: 0.3, seed: 8)
        let weights = (0..<150).map { S(Double(($0 * 7) % 5) * 0.5) }   // 0, 0.5, …, 2: zeros included
        let rate: S = mode == .stochastic ? 0.003 : 0.05
        for optimizer in [Optimizer.sgd, .adam()] {
            let gd = GradientDescent<S>(mode: mode, learningRate: rate, epochs: 15, seed: 4, optimizer: optimizer,
                                        penalty: .l2(0.01))
            var multi = MultiLinearModel<S>()
            try gd.fit(&multi, features: problem.features, targets: problem.targets, weights: weights)
            for t in 0..<3 {
                var single = LinearModel<S>()
                try gd.fit(&single, features: problem.features, targets: problem.targets.column(t), weights: weights)
                let difference = relativeDifference(multi.column(t), single)
                #expect(difference <= S.ulps(Self.perTargetAgreementUlps), "\(S.self) \(mode) \(optimizer) target \(t): \(difference)")
            }
        }
    }

    @Test("weighted rows: each of three targets trains as its own weighted fit", arguments: Sweep.modes, Precision.allCases)
    func weightedTargetsAreSingleTargets(mode: BatchMode, precision: Precision) throws {
        try weightedTargets(precision.scalar, mode: mode)
    }

    @Test("weighted full batch reaches the weighted least-squares solution of every target; integer weights are duplicated rows")
    func weightedReachesWLS() throws {
        let problem = RandomMultiProblem<Double>(rows: 120, columns: 4, targets: 2, noise: 0.3, seed: 5)
        let weights = (0..<120).map { Double($0 % 3) }
        var model = MultiLinearModel<Double>()
        var gd = GradientDescent<Double>(mode: .batch, epochs: 2000)
        gd.convergenceTolerance = 1e-10
        let history = try gd.fit(&model, features: problem.features, targets: problem.targets, weights: weights)
        #expect(history.converged, "\(history.advice ?? "")")
        for t in 0..<2 {
            let wls = try LeastSquares.solve(problem.features, problem.targets.column(t), weights: weights).model
            #expect(relativeDifference(model.column(t), wls) <= 1e-8, "target \(t): \(model.column(t)) vs \(wls)")
        }
        // The same fit on the rows repeated as many times as their weight.
        var rows = [Double](), targets = [Double]()
        for i in 0..<120 {
            for _ in 0..<Int(weights[i]) {
                rows += (0..<4).map { problem.features[i, $0] }
                targets += (0..<2).map { problem.targets[i, $0] }
            }
        }
        var repeated = MultiLinearModel<Double>()
        var plain = GradientDescent<Double>(mode: .batch, learningRate: 0.05, epochs: 50)
        plain.shuffle = false
        var weighted = MultiLinearModel<Double>()
        try plain.fit(&weighted, features: problem.features, targets: problem.targets, weights: weights)
        try plain.fit(&repeated, features: try Matrix(rows: rows.count / 4, columns: 4, elements: rows),
                      targets: try Matrix(rows: targets.count / 2, columns: 2, elements: targets))
        for t in 0..<2 { #expect(relativeDifference(weighted.column(t), repeated.column(t)) <= 1e-12, "target \(t)") }
        // Weighted metrics per target are the single-target weighted metrics of each column.
        let scores = try model.metrics(features: problem.features, targets: problem.targets, weights: weights)
        for t in 0..<2 {
            let alone = try model.column(t).metrics(features: problem.features, targets: problem.targets.column(t), weights: weights)
            // Predictions by gemm for all targets, by gemv for one: equal to rounding.
            #expect(Swift.abs(scores[t].r2 - alone.r2) <= 1e-12
                    && Swift.abs(scores[t].meanSquaredError - alone.meanSquaredError) <= 1e-12 * alone.meanSquaredError,
                    "target \(t)")
        }
        // Bad weights are typed errors.
        #expect(throws: DescentError.self) {
            try model.metrics(features: problem.features, targets: problem.targets, weights: [Double](repeating: 1, count: 3))
        }
        var bad = MultiLinearModel<Double>()
        #expect(throws: DescentError.self) {
            try gd.fit(&bad, features: problem.features, targets: problem.targets, weights: [Double](repeating: 0, count: 120))
        }
        #expect(throws: DescentError.self) {
            try gd.fit(&bad, features: problem.features, targets: problem.targets, weights: [Double](repeating: -1, count: 120))
        }
    }

    @Test("partialFit of several targets on the pieces of an epoch is one fit epoch, as for one target",
          arguments: Precision.allCases)
    func partialFitPieces(precision: Precision) throws {
        func check<S: BLASScalar>(_: S.Type) throws {
            let problem = RandomMultiProblem<S>(rows: 120, columns: 3, targets: 2, noise: 0.2, seed: 3)
            let gd = GradientDescent<S>(mode: .miniBatch(size: 20), learningRate: 0.05, epochs: 1, shuffle: false,
                                        optimizer: .momentum(0.9))
            var whole = MultiLinearModel<S>()
            try gd.fit(&whole, features: problem.features, targets: problem.targets)
            var pieces = MultiLinearModel<S>()
            for start in stride(from: 0, to: 120, by: 40) {
                let x = try Matrix<S>(rows: 40, columns: 3) { i, j in problem.features[start + i, j] }
                let y = try Matrix<S>(rows: 40, columns: 2) { i, t in problem.targets[start + i, t] }
                let history = try gd.partialFit(&pieces, features: x, targets: y)
                #expect(history.epochs == 1 && history.relativeGradientNorm == nil && !history.whitened)
            }
            #expect(identical(pieces.weights.elements, whole.weights.elements) && identical(pieces.biases, whole.biases),
                    "\(S.self): \(pieces) vs \(whole)")
            // Weighted pieces with unit weights are the unweighted pieces.
            var unit = MultiLinearModel<S>()
            for start in stride(from: 0, to: 120, by: 40) {
                let x = try Matrix<S>(rows: 40, columns: 3) { i, j in problem.features[start + i, j] }
                let y = try Matrix<S>(rows: 40, columns: 2) { i, t in problem.targets[start + i, t] }
                try gd.partialFit(&unit, features: x, targets: y, weights: [S](repeating: 1, count: 40))
            }
            #expect(relativeDifference(unit.column(0), whole.column(0)) <= S.ulps(16))
        }
        switch precision {
        case .float32: try check(Float.self)
        case .float64: try check(Double.self)
        }
    }

    @Test("each of three targets trains as its own single-target fit, every optimiser, penalty and schedule",
          arguments: Sweep.modes, Precision.allCases)
    func threeTargetsAreSingleTargets(mode: BatchMode, precision: Precision) throws {
        try threeTargets(precision.scalar, mode: mode)
    }

    /// Full-batch descent on this problem ends at the least-squares solution to within rounding.
    static let batchUlps = 64.0
    /// Mini-batch and stochastic runs, their rate stepped down, end in a noise ball around the
    /// solution (a statistical gap, the same in both precisions) ...
    static let steppedDownAgreement = 2e-5
    /// ... or, in `Float`, at its rounding floor (ulps), whichever is larger.
    static let steppedDownUlps = 384.0

    func reachesExact<S: BLASScalar>(_: S.Type, mode: BatchMode) throws {
        let problem = RandomMultiProblem<S>(rows: 600, columns: 12, targets: 3, noise: 1e-3, seed: 17)
        let rate: S = switch mode {
        case .batch: 0.2
        case .miniBatch: 0.05
        case .stochastic: 0.002
        }
        var model = MultiLinearModel<S>()
        var gd = GradientDescent<S>(mode: mode, learningRate: rate, epochs: 300, seed: 11)
        let history = try gd.fit(&model, features: problem.features, targets: problem.targets)
        #expect(history.losses.last! < history.losses.first! / 100)
        // Continued training: the rate stepped down shrinks the noise ball of the stochastic modes.
        if mode != .batch {
            for factor in [10, 100] as [S] {
                gd.learningRate = rate / factor
                gd.epochs = 50
                try gd.fit(&model, features: problem.features, targets: problem.targets)
            }
        }
        let exact = try LeastSquares.solve(problem.features, problem.targets)
        let tolerance = mode == .batch ? S.ulps(Self.batchUlps) : Swift.max(Self.steppedDownAgreement, S.ulps(Self.steppedDownUlps))
        for t in 0..<3 {
            let trained = model.column(t), optimum = exact.model.column(t)
            let ours: [S] = trained.weights + [trained.bias]
            let theirs: [S] = optimum.weights + [optimum.bias]
            var gap = 0.0
            for (a, b) in zip(ours, theirs) { gap = Swift.max(gap, Swift.abs(Double(a) - Double(b))) }
            #expect(gap <= tolerance, "\(S.self) \(mode) target \(t): \(gap)")
        }
        let ours = try model.metrics(features: problem.features, targets: problem.targets)
        let best = try exact.model.metrics(features: problem.features, targets: problem.targets)
        for t in 0..<3 { #expect(Swift.abs(ours[t].r2 - best[t].r2) <= tolerance, "\(S.self) \(mode) R² of target \(t)") }
    }

    @Test("every mode reaches the exact multi-target solution", arguments: Sweep.modes, Precision.allCases)
    func everyModeReachesExact(mode: BatchMode, precision: Precision) throws {
        try reachesExact(precision.scalar, mode: mode)
    }

    @Test("defaults converge: the automatic rate, the mode's optimiser, stop once converged", arguments: Sweep.modes)
    func defaultsConverge(mode: BatchMode) throws {
        let problem = RandomMultiProblem<Double>(rows: 300, columns: 6, targets: 4, noise: 0.5, seed: 23)
        var model = MultiLinearModel<Double>()
        let history = try GradientDescent<Double>(mode: mode).fit(&model, features: problem.features, targets: problem.targets)
        #expect(history.converged && history.stopReason == .converged, "\(mode): \(history.advice ?? "")")
        let exact = try LeastSquares.solve(problem.features, problem.targets)
        let ours = try model.metrics(features: problem.features, targets: problem.targets)
        let best = try exact.model.metrics(features: problem.features, targets: problem.targets)
        for t in 0..<4 {
            #expect((ours[t].meanSquaredError - best[t].meanSquaredError) / best[t].meanSquaredError <= Self.convergedMSEGap,
                    "\(mode) target \(t)")
        }
    }

    /// A model that meets the convergence criterion (gradient ≤ 10⁻³ of its size at zero) fits
    /// within this relative excess MSE of the optimum here: a convergence gap, not rounding.
    static let convergedMSEGap = 1e-3

    @Test("save, load and continue equals never stopping, bit for bit", arguments: Sweep.modes, Precision.allCases)
    func continues(mode: BatchMode, precision: Precision) throws {
        try continuesAfterReload(precision.scalar, mode: mode)
    }

    func continuesAfterReload<S: BLASScalar>(_: S.Type, mode: BatchMode) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("descent-multi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let problem = RandomMultiProblem<S>(rows: 64, columns: 4, targets: 2)
        for optimizer in [Optimizer.sgd, .nesterov(0.5), .adam(), .averaged(startingAfter: 3)] {
            func trainer(_ epochs: Int) -> GradientDescent<S> {
                GradientDescent<S>(mode: mode, learningRate: 0.01, epochs: epochs, optimizer: optimizer,
                                   schedule: .adaptive(tolerance: 1e-3, patience: 1))
            }
            var straight = MultiLinearModel<S>()
            try trainer(6).fit(&straight, features: problem.features, targets: problem.targets)
            var first = MultiLinearModel<S>()
            try trainer(3).fit(&first, features: problem.features, targets: problem.targets)
            let path = directory.appendingPathComponent("m.json").path
            try first.save(to: path)
            var resumed = try MultiLinearModel<S>(contentsOf: path)
            try trainer(3).fit(&resumed, features: problem.features, targets: problem.targets)
            #expect(identical(resumed.weights.elements, straight.weights.elements) && identical(resumed.biases, straight.biases),
                    "\(S.self) \(mode) \(optimizer)")
            #expect(resumed.trainingState == straight.trainingState)
        }
    }

    @Test("shapes, NaN, a model of the wrong shape and divergence are typed errors")
    func errors() throws {
        let problem = RandomMultiProblem<Double>(rows: 12, columns: 3, targets: 2)
        let x = problem.features, y = problem.targets
        let gd = GradientDescent<Double>(learningRate: 0.01, epochs: 2)
        var model = MultiLinearModel<Double>()
        expectDescentError(.targetCountMismatch(rows: 12, targets: 11)) { try gd.fit(&model, features: x, targets: y.rows(0..<11)) }
        expectDescentError(.invalidOption(name: "targets", value: "a 12 × 0 matrix", expected: "at least one target column")) {
            try gd.fit(&model, features: x, targets: try Matrix<Double>(rows: 12, columns: 0, elements: []))
        }
        var nan = y
        nan[7, 1] = .nan
        expectDescentError(.nonFiniteValue(at: .targetMatrix(row: 7, column: 1))) { try gd.fit(&model, features: x, targets: nan) }
        #expect(model.targetCount == 0, "a failed fit leaves an empty model empty")
        var narrow = try MultiLinearModel<Double>(weights: try Matrix(rows: 2, columns: 2, elements: [0, 0, 0, 0]), biases: [0, 0])
        expectDescentError(.weightCountMismatch(weights: 2, features: 3)) { try gd.fit(&narrow, features: x, targets: y) }
        var wide = try MultiLinearModel<Double>(weights: try Matrix(rows: 3, columns: 3, elements: [Double](repeating: 0, count: 9)),
                                                biases: [0, 0, 0])
        expectDescentError(.invalidOption(name: "model", value: "a model of 3 targets",
                                          expected: "one target per column of the targets (2); start from MultiLinearModel() to take the data's shape")) {
            try gd.fit(&wide, features: x, targets: y)
        }
        var infinite = try MultiLinearModel<Double>(weights: try Matrix(rows: 3, columns: 2, elements: [0, 0, 0, .infinity, 0, 0]),
                                                    biases: [0, 0])
        expectDescentError(.nonFiniteValue(at: .multiModel(feature: 1, target: 1))) { try gd.fit(&infinite, features: x, targets: y) }
        expectDescentError(.invalidLearningRate(-1)) {
            try GradientDescent<Double>(learningRate: -1).fit(&model, features: x, targets: y)
        }
        // Divergence: the model is left at its last finite state, whatever the mode.
        for mode in Sweep.modes {
            var diverging = MultiLinearModel<Double>()
            let big = try Matrix<Double>(rows: 12, columns: 3) { i, j in x[i, j] * 1e3 }
            do {
                try GradientDescent<Double>(mode: mode, learningRate: 10, epochs: 500).fit(&diverging, features: big, targets: y)
                Issue.record("\(mode) did not diverge")
            } catch {
                guard case .diverged = error else { Issue.record("\(mode): \(error)"); continue }
                #expect(diverging.weights.elements.allSatisfy(\.isFinite) && diverging.biases.allSatisfy(\.isFinite), "\(mode)")
            }
        }
    }
}
