import Testing
import Descent

/// The training toolkit, each feature checked against an exact answer.
@Suite("Training toolkit")
struct ToolkitTests {
    static let optimizers: [Optimizer] = [.sgd, .momentum(0.9), .nesterov(0.9), .adam(), .averaged()]
    static let modes: [BatchMode] = [.batch, .miniBatch(size: 32), .stochastic]

    /// Trains with a decaying step (the library's exponential schedule), so that stochastic
    /// modes settle on the optimum rather than in a noise ball around it, and Adam (which hovers
    /// within ~η of the optimum at a constant step) closes in. Averaged SGD averages the second
    /// half of the iterates (averaging from the first update drags in the far-off start).
    func train<S: BLASScalar>(_ problem: RandomProblem<S>, mode: BatchMode, optimizer: Optimizer,
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

    @Test("L2 in every mode and optimiser converges to the closed-form ridge solution",
          arguments: modes, optimizers)
    func ridge(mode: BatchMode, optimizer: Optimizer) throws {
        // 384 rows: whole batches of 32. A short last batch would weigh its rows more in each
        // epoch, which moves the fixed point off the ridge optimum (the residuals there are not 0).
        let problem = RandomProblem<Double>(rows: 384, columns: 8, noise: 1e-3)
        let lambda = 0.05
        let model = try train(problem, mode: mode, optimizer: optimizer, penalty: .l2(lambda))
        let exact = try LeastSquares.solve(problem.features, problem.targets, ridge: lambda)
        let difference = zip(model.weights, exact.model.weights).map { Swift.abs($0 - $1) }.max()!
        let tolerance = mode == .batch ? 1e-8 : 2e-4
        #expect(difference < tolerance, "\(mode) \(optimizer): max |Δw| = \(difference)")
        #expect(Swift.abs(model.bias - exact.model.bias) < tolerance)
        // The ridge solution shrinks: it differs from least squares.
        let plain = try LeastSquares.solve(problem.features, problem.targets)
        #expect(zip(plain.model.weights, exact.model.weights).map { Swift.abs($0 - $1) }.max()! > 10 * tolerance)
    }

    @Test("the ridge closed form satisfies (XcᵀXc + nλI)w = Xcᵀyc, in every method")
    func ridgeClosedForm() throws {
        let problem = RandomProblem<Double>(rows: 50, columns: 4, noise: 0.3)
        let x = problem.features, y = problem.targets, n = 50, lambda = 0.7
        for method in [LeastSquares.Method.automatic, .qr, .svd, .normalEquations] {
            let solution = try LeastSquares.solve(x, y, method: method, ridge: lambda)
            let w = solution.model.weights, b = solution.model.bias
            // Gradient of MSE + λ‖w‖² at the solution: (2/n)Xᵀr + 2λw = 0 and (2/n)Σr = 0.
            var r = [Double](repeating: 0, count: n)
            for i in 0..<n { r[i] = b - y[i]; for j in 0..<4 { r[i] += x[i, j] * w[j] } }
            #expect(Swift.abs(r.reduce(0, +)) < 1e-12 * Double(n))
            for j in 0..<4 {
                let g = 2 / Double(n) * (0..<n).reduce(0.0) { $0 + x[$1, j] * r[$1] } + 2 * lambda * w[j]
                #expect(Swift.abs(g) < 1e-12, "\(method) ∂/∂w\(j) = \(g)")
            }
        }
        #expect(try LeastSquares.solve(x, y, ridge: 0).model == LeastSquares.solve(x, y).model)
        #expect(throws: DescentError.self) { try LeastSquares.solve(x, y, ridge: -1) }
        #expect(throws: DescentError.self) { try LeastSquares.solve(x, y, ridge: .nan) }
    }

    /// KKT conditions of `MSE + λ(ρ‖w‖₁ + (1−ρ)‖w‖²)`: with `gⱼ` the gradient of the smooth part,
    /// `gⱼ + λρ·sign(wⱼ) = 0` where `wⱼ ≠ 0` and `|gⱼ| ≤ λρ` where `wⱼ = 0`.
    func kkt(_ model: LinearModel<Double>, _ problem: RandomProblem<Double>, lambda: Double, rho: Double, tolerance: Double) {
        let x = problem.features, y = problem.targets, n = x.rows, d = x.columns
        var r = [Double](repeating: 0, count: n)
        for i in 0..<n { r[i] = model.bias - y[i]; for j in 0..<d { r[i] += x[i, j] * model.weights[j] } }
        #expect(Swift.abs(r.reduce(0, +) / Double(n)) < tolerance)
        for j in 0..<d {
            let g = 2 / Double(n) * (0..<n).reduce(0.0) { $0 + x[$1, j] * r[$1] } + 2 * lambda * (1 - rho) * model.weights[j]
            let w = model.weights[j]
            if w == 0 {
                #expect(Swift.abs(g) <= lambda * rho + tolerance, "w\(j) = 0 but |g| = \(Swift.abs(g)) > λρ")
            } else {
                #expect(Swift.abs(g + lambda * rho * (w > 0 ? 1 : -1)) < tolerance, "w\(j) = \(w): g = \(g)")
            }
        }
    }

    @Test("L1 and elastic net satisfy the KKT conditions, with exact zeros",
          arguments: [Penalty.l1(0.3), .elasticNet(0.3, l1Ratio: 0.5)])
    func sparse(penalty: Penalty) throws {
        // Half the true weights are zero; a moderate λ zeroes them exactly.
        let problem = RandomProblem<Double>(rows: 300, columns: 10, noise: 0.1, seed: 21, sparse: true)
        let (lambda, rho): (Double, Double) = switch penalty {
        case let .l1(l): (l, 1)
        case let .elasticNet(l, r): (l, r)
        default: (0, 0)
        }
        var model = LinearModel<Double>()
        try GradientDescent<Double>(mode: .batch, learningRate: 0.2, epochs: 3000, penalty: penalty)
            .fit(&model, features: problem.features, targets: problem.targets)
        kkt(model, problem, lambda: lambda, rho: rho, tolerance: 1e-9)
        #expect(model.weights.contains(0), "\(model.weights)")
        #expect(model.weights.contains { $0 != 0 })
        // Mini-batch proximal steps also make exact zeros and land near the batch solution. Which
        // coordinates the last iterate of a constant-rate run leaves exactly at zero is a matter of
        // the shuffle draw (over 20 seeds, 5 missed the batch zero pattern by a weight of ~1e-5), so
        // the claim is checked for every one of 20 seeds: some weights are exactly zero, and every
        // weight is within 2e-3 of the batch solution.
        for seed in 0..<20 as Range<UInt64> {
            var mini = LinearModel<Double>()
            for rate in [0.02, 0.002] {
                try GradientDescent<Double>(mode: .miniBatch(size: 50), learningRate: rate, epochs: 200, seed: seed,
                                            penalty: penalty)
                    .fit(&mini, features: problem.features, targets: problem.targets)
            }
            #expect(mini.weights.contains(0), "seed \(seed): \(mini.weights)")
            for j in 0..<mini.weights.count {
                #expect(Swift.abs(mini.weights[j] - model.weights[j]) < 2e-3, "seed \(seed): w\(j)")
            }
        }
    }

    @Test("a large enough λ gives exactly zero weights, in every mode", arguments: modes)
    func allZero(mode: BatchMode) throws {
        let problem = RandomProblem<Float>(rows: 200, columns: 6, noise: 0.1)
        for penalty in [Penalty.l1(100), .elasticNet(100, l1Ratio: 0.9)] {
            var model = LinearModel<Float>(weights: [Float](repeating: 0.5, count: 6))
            try GradientDescent<Float>(mode: mode, learningRate: 0.01, epochs: 30, penalty: penalty)
                .fit(&model, features: problem.features, targets: problem.targets)
            #expect(model.weights.allSatisfy { $0 == 0 }, "\(mode) \(penalty): \(model.weights)")
            #expect(model.bias != 0)
        }
    }

    @Test("momentum, Nesterov, Adam and averaged SGD reach the least-squares solution",
          arguments: modes, [Optimizer.momentum(0.9), .nesterov(0.9), .adam(), .averaged()])
    func optimizersConverge(mode: BatchMode, optimizer: Optimizer) throws {
        let problem = RandomProblem<Double>(rows: 400, columns: 8, noise: 1e-3)
        let model = try train(problem, mode: mode, optimizer: optimizer)
        let check = try LeastSquares.verify(model, features: problem.features, targets: problem.targets)
        let tolerance = mode == .batch ? 1e-8 : 2e-4
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

    @Test("warm start: two fits of one epoch equal one fit of two, bit for bit, for every optimiser",
          arguments: modes, optimizers)
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
          arguments: [BatchMode.miniBatch(size: 16), .stochastic], optimizers)
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

    @Test("standardised training maps back to the closed form on the raw data")
    func standardization() throws {
        // Columns on wildly different scales: raw descent would need a step ~1e-6 and crawl.
        let base = RandomProblem<Double>(rows: 300, columns: 3, noise: 0.01)
        let scales = [1000.0, 1.0, 0.01]
        let x = try Matrix<Double>(rows: 300, columns: 3) { i, j in base.features[i, j] * scales[j] + 50 }
        for mode in [BatchMode.batch, .miniBatch(size: 20)] {
            var gd = GradientDescent<Double>(mode: mode, learningRate: 0.1, epochs: 300)
            gd.standardize = true
            var model = LinearModel<Double>()
            try gd.fit(&model, features: x, targets: base.targets)
            if mode != .batch {
                gd.learningRate = 0.001
                try gd.fit(&model, features: x, targets: base.targets)
            }
            let exact = try LeastSquares.solve(x, base.targets).model
            for j in 0..<3 {
                #expect(Swift.abs(model.weights[j] - exact.weights[j]) <= 1e-3 * Swift.abs(exact.weights[j]) + 1e-9,
                        "\(mode) w\(j): \(model.weights[j]) vs \(exact.weights[j])")
            }
            #expect(Swift.abs(model.bias - exact.bias) < 1e-2 * (1 + Swift.abs(exact.bias)))
        }
        let standardizer = try Standardizer(fitting: x)
        let model = LinearModel<Double>(weights: [0.001, -2, 300], bias: 4)
        let back = try standardizer.original(try standardizer.standardized(model))
        #expect(zip(back.weights, model.weights).allSatisfy { Swift.abs($0 - $1) <= 1e-12 * Swift.abs($1) })
        #expect(Swift.abs(back.bias - model.bias) < 1e-9)
        // Same predictions on raw and standardised data.
        let z = try standardizer.transform(x)
        let p1 = try model.predict(x), p2 = try standardizer.standardized(model).predict(z)
        #expect(throws: DescentError.self) { try standardizer.transform(try Matrix<Double>(rows: 1, columns: 2, elements: [1, 2])) }
        #expect(throws: DescentError.self) { try standardizer.original(LinearModel<Double>(weights: [1])) }
        #expect(zip(p1, p2).allSatisfy { Swift.abs($0 - $1) < 1e-9 * (1 + Swift.abs($0)) })
    }

    @Test("the automatic learning rate trains the seed example to (1, −2, 0)")
    func automaticRate() throws {
        let (x, y) = try TestData.seedExample(Double.self)
        for (mode, epochs) in [(BatchMode.batch, 40_000), (.stochastic, 4000), (.miniBatch(size: 2), 20_000)] {
            var gd = GradientDescent<Double>(mode: mode, learningRate: 0.05, epochs: epochs, shuffle: false)
            gd.automaticLearningRate = true
            var model = LinearModel<Double>()
            let history = try gd.fit(&model, features: x, targets: y)
            #expect(history.learningRate > 0 && history.learningRate < 0.0326, "\(mode): η₀ = \(history.learningRate)")
            #expect(Swift.abs(model.weights[0] - 1) < 1e-6 && Swift.abs(model.weights[1] + 2) < 1e-6
                    && Swift.abs(model.bias) < 1e-6, "\(mode): \(model)")
        }
    }

    @Test("schedules: the rate of each epoch follows its formula")
    func schedules() throws {
        let problem = RandomProblem<Double>(rows: 64, columns: 3)
        func rates(_ schedule: LearningRateSchedule, mode: BatchMode = .batch) throws -> [Double] {
            try GradientDescent<Double>(mode: mode, learningRate: 0.1, epochs: 5, schedule: schedule)
                .fit(features: problem.features, targets: problem.targets).history.learningRates
        }
        #expect(try rates(.constant) == [0.1, 0.1, 0.1, 0.1, 0.1])
        #expect(try rates(.stepDecay(every: 2, factor: 0.5)) == [0.1, 0.1, 0.05, 0.05, 0.025])
        let exponential = try rates(.exponential(decay: 0.9))
        for (e, rate) in exponential.enumerated() { #expect(Swift.abs(rate - 0.1 * Foundation_pow(0.9, e)) < 1e-15) }
        // Inverse scaling counts updates: 8 per epoch with batches of 8; each epoch starts at t = 8e + 1.
        let inverse = try rates(.inverseScaling(power: 0.5), mode: .miniBatch(size: 8))
        for (e, rate) in inverse.enumerated() { #expect(Swift.abs(rate - 0.1 / Double(8 * e + 1).squareRoot()) < 1e-15) }
    }

    @Test("the adaptive schedule divides η by 5 on a plateau and stops when it is exhausted")
    func adaptive() throws {
        let problem = RandomProblem<Double>(rows: 100, columns: 3, noise: 0)
        let gd = GradientDescent<Double>(mode: .batch, learningRate: 0.3, epochs: 100_000,
                                         schedule: .adaptive(tolerance: 0, patience: 3, minimum: 1e-4))
        var model = LinearModel<Double>()
        let history = try gd.fit(&model, features: problem.features, targets: problem.targets)
        #expect(history.stopReason == .learningRateExhausted)
        let distinct = history.learningRates.reduce(into: [Double]()) { if $0.last != $1 { $0.append($1) } }
        for (a, b) in zip(distinct, distinct.dropFirst()) { #expect(Swift.abs(b - a / 5) < 1e-15) }
        #expect(distinct.last! >= 1e-4 && distinct.last! / 5 < 1e-4)
        #expect(try LeastSquares.verify(model, features: problem.features, targets: problem.targets).maxWeightDifference < 1e-6)
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

    @Test("metrics match naive formulas")
    func metrics() throws {
        let x = try Matrix<Double>(rows: 4, columns: 1, elements: [1, 2, 3, 4])
        let y: [Double] = [2, 3, 7, 9]
        let model = LinearModel<Double>(weights: [2], bias: 0)   // ŷ = 2, 4, 6, 8: r = 0, 1, −1, −1
        let m = try model.metrics(features: x, targets: y)
        #expect(m.meanSquaredError == 0.75 && m.rootMeanSquaredError == 0.75.squareRoot() && m.meanAbsoluteError == 0.75)
        // ȳ = 5.25; Σ(y − ȳ)² = 10.5625 + 5.0625 + 3.0625 + 14.0625 = 32.75.
        #expect(Swift.abs(m.r2 - (1 - 3 / 32.75)) < 1e-15)
        #expect(try LinearModel<Double>(weights: [0], bias: 5).metrics(features: x, targets: [5, 5, 5, 5]).r2 == 1)
    }

    @Test("the seeded split is disjoint, complete and reproducible")
    func split() throws {
        let x = try Matrix<Double>(rows: 100, columns: 2) { i, j in Double(i * 2 + j) }
        let y = (0..<100).map(Double.init)
        let a = try DataSplit(features: x, targets: y, validationFraction: 0.2, testFraction: 0.1, seed: 5)
        let b = try DataSplit(features: x, targets: y, validationFraction: 0.2, testFraction: 0.1, seed: 5)
        #expect(a.training.targets.count == 70 && a.validation.targets.count == 20 && a.test.targets.count == 10)
        #expect((a.training.targets + a.validation.targets + a.test.targets).sorted() == y)
        #expect(a.validation.targets == b.validation.targets && a.test.targets == b.test.targets)
        for (i, t) in a.training.targets.enumerated() { #expect(a.training.features[i, 1] == 2 * t + 1) }
        #expect(throws: DescentError.self) { try DataSplit(features: x, targets: y, validationFraction: 0.6, testFraction: 0.5) }
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

func Foundation_pow(_ x: Double, _ n: Int) -> Double { (0..<n).reduce(1.0) { a, _ in a * x } }
