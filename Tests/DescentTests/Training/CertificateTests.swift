import Foundation
import Testing
@testable import Descent

/// "Converged" is a promise: over a sweep of modes, optimisers, rates, budgets and penalties, the
/// certified objective gap of every fit bounds its true gap to the optimum (the exact ridge or
/// least-squares solution, or scikit-learn's polished lasso and elastic net), and every fit reported
/// converged is within the tolerance; divergence is caught even while the numbers stay finite.
@Suite("The convergence certificate")
struct CertificateTests {
    /// `(1/n)‖Xw + b − y‖² + λ₂‖w‖² + λ₁‖w‖₁`, naively in `Double`.
    static func objective<S: BLASScalar>(_ model: LinearModel<S>, _ x: Matrix<Double>, _ y: [Double], _ penalty: Penalty) -> Double {
        PenalisedOptimumTests.objective(LinearModel(weights: model.weights.map { Double($0) }, bias: Double(model.bias)),
                                        try! Dataset(features: x, targets: y), penalty)
    }

    static let optimizers: [Optimizer?] = [nil, .sgd, .momentum(0.9), .nesterov(0.9), .adam(), .averaged()]

    /// Fits every configuration of the sweep with `penalty` and checks the verdict against the
    /// optimum's objective `optimum`.
    func sweep(_ data: Dataset<Double>, penalty: Penalty, optimum: Double, mode: BatchMode) throws {
        for optimizer in Self.optimizers {
            for rate in [nil, 0.002] as [Double?] {
                for epochs in [3, 40, nil] as [Int?] {
                    var gd = GradientDescent<Double>(mode: mode, learningRate: rate, epochs: epochs, optimizer: optimizer)
                    gd.penalty = penalty
                    var model = LinearModel<Double>()
                    let result = Result { () throws(DescentError) in try gd.fit(&model, from: data) }
                    // A rate too large for this penalty is a typed error: no verdict to check.
                    if case let .failure(error) = result, error.isDivergence { continue }
                    let history = try result.get()
                    let truth = (Self.objective(model, data.features, data.targets, penalty) - optimum) / optimum
                    let certified = try #require(history.objectiveGap)
                    let label = "\(mode) \(penalty) \(optimizer.map { "\($0)" } ?? "default") rate \(rate ?? .nan) "
                        + "epochs \(epochs ?? 0): true \(truth), certified \(certified)"
                    #expect(truth <= certified * (1 + 1e-6) + 1e-13, "\(label)")
                    if history.converged { #expect(truth <= gd.convergenceTolerance, "\(label)") }
                }
            }
        }
    }

    /// The exact reference's Gram pass reads the rows in two halves, at the same time on two
    /// threads (``EpochDriver/forEachTrainingBlockInHalves(_:)``): the same sums either way.
    @Test("the certificate is the same with one thread and two", arguments: [BatchMode.batch, .miniBatch(size: 64)])
    func certificateThreads(mode: BatchMode) throws {
        let problem = RandomProblem<Double>(rows: 20_001, columns: 30)
        var gaps = [Double]()
        for threads in [1, 2] {
            var gd = GradientDescent<Double>(mode: mode, learningRate: 0.01, epochs: 5)
            gd.threadsOverride = threads
            var model = LinearModel<Double>()
            let history = try gd.fit(&model, features: problem.features, targets: problem.targets)
            gaps.append(try #require(history.objectiveGap))
        }
        #expect(gaps[0] == gaps[1] && gaps[0] > 0)
    }

    @Test("ridge and least squares: the certified gap bounds the true gap to the exact solution",
          .disabled(if: ConvergenceTests.sanitized, "a numerical sweep: it runs in the plain test run"),
          arguments: ConvergenceTests.modes)
    func quadratic(mode: BatchMode) throws {
        let data = try ConvergenceTests.data("diabetes")
        for penalty in [Penalty.none, .l2(0.01), .l2(1000)] {
            let ridge = penalty.strengths.l2
            let exact = try LeastSquares.solve(data.features, data.targets, ridge: ridge)
            let optimum = Self.objective(exact.model, data.features, data.targets, penalty)
            try sweep(data, penalty: penalty, optimum: optimum, mode: mode)
        }
    }

    @Test("lasso and elastic net: the certified gap bounds the true gap to scikit-learn's optimum",
          .disabled(if: ConvergenceTests.sanitized, "a numerical sweep: it runs in the plain test run"),
          arguments: ConvergenceTests.modes)
    func nonSmooth(mode: BatchMode) throws {
        let data = try ConvergenceTests.data("diabetes")
        let set = try #require(PenalisedOptimumTests.reference.datasets["diabetes"])
        for c in set.cases where c.penalty != "l2" {
            try sweep(data, penalty: PenalisedOptimumTests.penalty(c), optimum: c.objective, mode: mode)
        }
    }

    @Test("a ridge far steeper than the data trains at the automatic rate (the penalty's curvature is in it)")
    func steepRidge() throws {
        let data = try ConvergenceTests.data("diabetes")
        for mode in ConvergenceTests.modes {
            var gd = GradientDescent<Double>(mode: mode)
            gd.penalty = .elasticNet(4000, l1Ratio: 0.5)
            var model = LinearModel<Double>()
            let history = try gd.fit(&model, from: data)
            #expect(history.converged, "\(mode): \(history.advice ?? "")")
        }
    }

    @Test("Float fits are certified honestly too", arguments: ConvergenceTests.modes)
    func single(mode: BatchMode) throws {
        let data = try ConvergenceTests.data("diabetes")
        let x = try Matrix<Float>(rows: data.features.rows, columns: data.features.columns) { i, j in
            Float(data.features[i, j])
        }
        let y = data.targets.map { Float($0) }
        let set = try #require(PenalisedOptimumTests.reference.datasets["diabetes"])
        for c in set.cases {
            var gd = GradientDescent<Float>(mode: mode)
            gd.penalty = PenalisedOptimumTests.penalty(c)
            var model = LinearModel<Float>()
            let history = try gd.fit(&model, features: x, targets: y)
            let truth = (Self.objective(model, data.features, data.targets, gd.penalty) - c.objective) / c.objective
            let certified = try #require(history.objectiveGap)
            // The certificate is computed from Float residuals: it bounds the gap up to their rounding.
            #expect(truth <= certified * (1 + 1e-3) + Double(Float.ulpOfOne), "\(mode) \(gd.penalty): \(truth) vs \(certified)")
            if history.converged { #expect(truth <= gd.convergenceTolerance + Double(Float.ulpOfOne)) }
        }
    }

    @Test("an unpenalised fit whose Gram matrix would cost more than its budget is not certified, and says why")
    func unaffordableReference() throws {
        let problem = RandomProblem<Double>(rows: 500, columns: 400, noise: 0.3)
        var model = LinearModel<Double>()
        let history = try GradientDescent<Double>(mode: .batch, learningRate: 0.001, epochs: 3)
            .fit(&model, features: problem.features, targets: problem.targets)
        #expect(history.certificate == .unavailable && history.objectiveGap == nil && !history.converged)
        #expect(history.advice?.contains("would cost about") == true && history.advice?.contains("ridge") == true)
        _ = try JSONEncoder().encode(history)   // nothing infinite to refuse
        // The defaults' budget (1000 epochs) affords it: certified.
        var defaults = LinearModel<Double>()
        let certified = try GradientDescent<Double>(mode: .batch).fit(&defaults, features: problem.features,
                                                                       targets: problem.targets)
        #expect(certified.certificate == .quadratic && certified.objectiveGap != nil)
    }

    @Test("SVRG at 8× its automatic rate: epochs that go uphill are undone and the rate halved, and the fit converges")
    func svrgSafeguard() throws {
        let data = try ConvergenceTests.data("diabetes")
        var automatic = GradientDescent<Double>(mode: .stochastic)
        automatic.penalty = .l1(0.5)
        var model = LinearModel<Double>()
        let base = try automatic.fit(&model, from: data).learningRate
        var gd = GradientDescent<Double>(mode: .stochastic, learningRate: 8 * base, epochs: 400)
        gd.varianceReduction = .svrg
        gd.stopWhenConverged = true
        gd.penalty = .l1(0.5)
        model = LinearModel<Double>()
        let history = try gd.fit(&model, from: data)
        #expect(history.converged, "\(history.advice ?? "")")
        #expect(history.learningRates.last! < history.learningRates.first!, "\(history.learningRates)")
    }

    @Test("a fit whose loss grows geometrically is stopped as diverged while every number is still finite")
    func finiteDivergence() throws {
        let (x, y) = try TestData.seedExample(Double.self)
        // Full batch on the seed example is stable only below η = 0.0326: at 0.05 the loss grows
        // by a constant factor per epoch, far from overflowing in 100 epochs.
        var model = LinearModel<Double>()
        let gd = GradientDescent<Double>(mode: .batch, learningRate: 0.05, epochs: 100, penalty: .elasticNet(0.1, l1Ratio: 0.5))
        #expect {
            try gd.fit(&model, features: x, targets: y)
        } throws: { error in
            guard let error = error as? DescentError, case let .diverged(epoch, _, _, hint) = error else { return false }
            return epoch < 100 && hint.contains("grew") && hint.contains("largest stable")
        }
        #expect(model.weights.allSatisfy { $0.isFinite })
    }
}

extension DescentError {
    /// Whether this is ``diverged(epoch:update:learningRate:hint:)``.
    var isDivergence: Bool { if case .diverged = self { true } else { false } }
}
