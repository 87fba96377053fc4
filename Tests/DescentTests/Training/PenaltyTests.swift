import Testing
import Descent

/// L2, L1 and elastic-net penalties, each checked against an exact optimality condition.
@Suite("Penalties")
struct PenaltyTests {
    /// Full-batch descent with a constant step reaches the ridge optimum to within rounding.
    static let batchAgreement = Double.ulps(4096)
    /// The ridge solution moves the weights of this problem by more than this from least squares
    /// (λ = 0.05): ten times the widest agreement asked of a run above.
    static let shrinkage = 10 * Sweep.decayingAgreement

    @Test("L2 in every mode and optimiser converges to the closed-form ridge solution",
          arguments: Sweep.modes, Sweep.optimizers)
    func ridge(mode: BatchMode, optimizer: Optimizer) throws {
        // 384 rows: whole batches of 32. A short last batch would weigh its rows more in each
        // epoch, which moves the fixed point off the ridge optimum (the residuals there are not 0).
        let problem = RandomProblem<Double>(rows: 384, columns: 8, noise: 1e-3)
        let lambda = 0.05
        let model = try Sweep.trainToOptimum(problem, mode: mode, optimizer: optimizer, penalty: .l2(lambda))
        let exact = try LeastSquares.solve(problem.features, problem.targets, ridge: lambda)
        let difference = zip(model.weights, exact.model.weights).map { Swift.abs($0 - $1) }.max()!
        let tolerance = mode == .batch ? Self.batchAgreement : Sweep.decayingAgreement
        #expect(difference < tolerance, "\(mode) \(optimizer): max |Δw| = \(difference)")
        #expect(Swift.abs(model.bias - exact.model.bias) < tolerance)
        // The ridge solution shrinks: it differs from least squares.
        let plain = try LeastSquares.solve(problem.features, problem.targets)
        #expect(zip(plain.model.weights, exact.model.weights).map { Swift.abs($0 - $1) }.max()! > Self.shrinkage)
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

    /// Full-batch proximal descent (3000 epochs) meets the KKT conditions to within rounding.
    static let batchKKT = Double.ulps(64)
    /// Mini-batch proximal descent (two short runs) lands this close to the batch solution: a convergence gap.
    static let miniBatchKKT = 2e-3

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
        kkt(model, problem, lambda: lambda, rho: rho, tolerance: Self.batchKKT)
        #expect(model.weights.contains(0), "\(model.weights)")
        #expect(model.weights.contains { $0 != 0 })
        // Mini-batch proximal steps also make exact zeros and land near the batch solution. Which
        // coordinates the last iterate of a constant-rate run leaves exactly at zero is a matter of
        // the shuffle draw (over 20 seeds, 5 missed the batch zero pattern by a weight of ~1e-5), so
        // the claim is checked for every one of 20 seeds: some weights are exactly zero, and every
        // weight is within the convergence gap of the batch solution.
        for seed in 0..<20 as Range<UInt64> {
            var mini = LinearModel<Double>()
            for rate in [0.02, 0.002] {
                try GradientDescent<Double>(mode: .miniBatch(size: 50), learningRate: rate, epochs: 200, seed: seed,
                                            penalty: penalty)
                    .fit(&mini, features: problem.features, targets: problem.targets)
            }
            #expect(mini.weights.contains(0), "seed \(seed): \(mini.weights)")
            for j in 0..<mini.weights.count {
                #expect(Swift.abs(mini.weights[j] - model.weights[j]) < Self.miniBatchKKT, "seed \(seed): w\(j)")
            }
        }
    }

    @Test("a large enough λ gives exactly zero weights, in every mode", arguments: Sweep.modes)
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
}
