import Testing
@testable import Descent

/// Weighted least squares against statsmodels' WLS, the duplicated-rows property, zero weights, and
/// weighted gradient descent against the weighted closed form, in every mode.
@Suite("Sample weights")
struct WeightedLeastSquaresTests {
    static let weighted = StatsmodelsCase.all.filter { $0.weights != nil }

    @Test("WLS coefficients match statsmodels to 11 digits, every method", arguments: weighted)
    func matchesStatsmodels(reference: StatsmodelsCase) throws {
        for method in [LeastSquares.Method.automatic, .normalEquations, .qr, .svd] {
            let fit = try LeastSquares.solve(reference.features, reference.y, weights: reference.weights!, method: method)
            let ours = [fit.model.bias] + fit.model.weights
            for (k, value) in ours.enumerated() {
                #expect(digits(value, reference.params[k]) >= 11, "\(reference) \(method) parameter \(k): \(value) vs \(reference.params[k])")
            }
        }
    }

    @Test("integer weights equal duplicated rows; zero weights equal dropped rows", arguments: Precision.allCases)
    func duplicatedRows(_ precision: Precision) throws {
        try duplicates(precision.scalar)
    }

    func duplicates<S: BLASScalar>(_: S.Type) throws {
        let problem = RandomProblem<S>(rows: 40, columns: 3, noise: 0.2, seed: 5)
        let counts = (0..<40).map { S(($0 * 7) % 4) }   // 0, 3, 2, 1, 0, …
        var rows = [[S]](), targets = [S]()
        for i in 0..<40 { for _ in 0..<Int(counts[i]) { rows.append(problem.features.row(i)); targets.append(problem.targets[i]) } }
        let repeated = try Matrix(rows)
        for method in [LeastSquares.Method.normalEquations, .qr, .svd] {
            let weighted = try LeastSquares.solve(problem.features, problem.targets, weights: counts, method: method)
            let copies = try LeastSquares.solve(repeated, targets, method: method)
            for (a, b) in zip([weighted.model.bias] + weighted.model.weights, [copies.model.bias] + copies.model.weights) {
                #expect(Swift.abs(Double(a) - Double(b)) <= S.ulps(64) * Swift.max(1, Swift.abs(Double(b))), "\(S.self) \(method)")
            }
        }
        // Full-batch descent: the weighted objective is the duplicated rows' MSE.
        var a = LinearModel<S>(), b = LinearModel<S>()
        try GradientDescent<S>(mode: .batch, learningRate: 0.1, epochs: 50).fit(&a, features: problem.features,
                                                                                targets: problem.targets, weights: counts)
        try GradientDescent<S>(mode: .batch, learningRate: 0.1, epochs: 50).fit(&b, features: repeated, targets: targets)
        for (u, v) in zip(a.weights + [a.bias], b.weights + [b.bias]) {
            #expect(Swift.abs(Double(u) - Double(v)) <= S.ulps(256) * Swift.max(1, Swift.abs(Double(v))), "\(S.self) descent")
        }
        let weightedMetrics = try a.metrics(features: problem.features, targets: problem.targets, weights: counts)
        let repeatedMetrics = try a.metrics(features: repeated, targets: targets)
        #expect(Swift.abs(weightedMetrics.r2 - repeatedMetrics.r2) <= Double.ulps(64))
        #expect(Swift.abs(weightedMetrics.meanSquaredError - repeatedMetrics.meanSquaredError)
                <= Double.ulps(64) * repeatedMetrics.meanSquaredError)
    }

    /// Stochastic modes end in a noise ball around the weighted optimum: this close, relatively.
    static let stochasticGap = 2e-3

    @Test("weighted descent reaches the weighted closed form in every mode",
          arguments: [BatchMode.batch, .miniBatch(size: 16), .stochastic])
    func descentReachesWLS(mode: BatchMode) throws {
        let problem = RandomProblem<Double>(rows: 300, columns: 4, noise: 0.5, seed: 9)
        let weights = (0..<300).map { 0.25 + Double($0 % 5) }
        let exact = try LeastSquares.solve(problem.features, problem.targets, weights: weights)
        let unweighted = try LeastSquares.solve(problem.features, problem.targets)
        var model = LinearModel<Double>()
        let history = try GradientDescent<Double>(mode: mode, epochs: 2000).fit(&model, features: problem.features,
                                                                               targets: problem.targets, weights: weights)
        let exactMSE = try exact.model.metrics(features: problem.features, targets: problem.targets, weights: weights)
        let ours = try model.metrics(features: problem.features, targets: problem.targets, weights: weights)
        #expect((ours.meanSquaredError - exactMSE.meanSquaredError) / exactMSE.meanSquaredError <= Self.stochasticGap,
                "\(mode): \(history.epochs) epochs")
        // And it is the weighted optimum, not the unweighted one.
        let gapToWeighted = zip(model.weights, exact.model.weights).map { Swift.abs($0 - $1) }.max()!
        let gapToUnweighted = zip(model.weights, unweighted.model.weights).map { Swift.abs($0 - $1) }.max()!
        #expect(gapToWeighted < gapToUnweighted / 4, "\(mode)")
    }

    @Test("negative, non-finite, all-zero or miscounted weights are typed errors")
    func badWeights() throws {
        let problem = RandomProblem<Double>(rows: 10, columns: 2)
        let x = problem.features, y = problem.targets
        for weights in [[Double](repeating: 1, count: 9), [-1] + [Double](repeating: 1, count: 9),
                        [.nan] + [Double](repeating: 1, count: 9), [.infinity] + [Double](repeating: 1, count: 9),
                        [Double](repeating: 0, count: 10)] {
            #expect(throws: DescentError.self) { try LeastSquares.solve(x, y, weights: weights) }
            var model = LinearModel<Double>()
            #expect(throws: DescentError.self) { try GradientDescent<Double>().fit(&model, features: x, targets: y, weights: weights) }
            #expect(throws: DescentError.self) { try model.metrics(features: x, targets: y, weights: weights) }
        }
    }
}
