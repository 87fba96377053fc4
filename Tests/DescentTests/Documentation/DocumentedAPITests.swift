import Testing
import Descent

/// The API as the core issue and the README spell it: if these stop compiling or behaving, the
/// documentation is wrong.
@Suite("Documented API")
struct DocumentedAPITests {
    /// The exact solution (zero residual, small integers) to within rounding.
    static let exactAgreement = Double.ulps(4096)
    /// The issue prints the weights after one epoch to 8 decimals: agreement with a printed figure.
    static let printedFigure = 1e-6
    /// 500 stochastic epochs at η = 0.01 (the README's run) are still converging: a convergence
    /// gap, not rounding.
    static let readmeGap = 1e-6

    @Test("the core issue's API block compiles and behaves as described")
    func issueBlock() throws {
        let X = try Matrix<Double>(rows: 6, columns: 2, elements: [4,1, 2,8, 1,0, 3,2, 1,4, 6,7]) // row-major
        #expect(X.rows == 6 && X.columns == 2)
        let y: [Double] = [2, -14, 1, -1, -7, -8]

        let exact = try LeastSquares.solve(X, y)                       // intercept: true, method: .automatic
        let viaQR = try LeastSquares.solve(X, y, intercept: true, method: .qr)   // .normalEquations .qr .svd .automatic
        #expect(Swift.abs(exact.model.weights[0] - 1) < Self.exactAgreement
                && Swift.abs(exact.model.weights[1] + 2) < Self.exactAgreement)
        #expect(Swift.abs(exact.model.bias) < Self.exactAgreement && exact.rank == 2)
        #expect(Swift.abs(viaQR.model.weights[0] - 1) < Self.exactAgreement)

        var model = LinearModel<Double>(weights: [-0.017, -0.048], bias: 0)
        let gd = GradientDescent<Double>(mode: .stochastic, learningRate: 0.05, epochs: 1, shuffle: false)
        let history = try gd.fit(&model, features: X, targets: y)   // mode: BatchMode = .batch, .miniBatch(size: 64), .stochastic
        #expect(history.losses.count == 1)                            // per-epoch training MSE
        #expect(Swift.abs(model.weights[0] - -18.46221088) < Self.printedFigure)
        let yHat = try model.predict(X)
        #expect(yHat.count == 6)
        let seeded = GradientDescent<Double>(mode: .miniBatch(size: 50), learningRate: 0.01, epochs: 3, shuffle: true, seed: 42)
        #expect(seeded.seed == 42 && seeded.shuffle)
        var gd2 = gd
        gd2.penalty = .l2(0.1)
        _ = try LeastSquares.solve(X, y, intercept: true, method: .automatic, ridge: 0.1)
    }

    @Test("the README's examples compile and run")
    func readme() throws {
        let X = try Matrix<Double>(rows: 6, columns: 2, elements: [4,1, 2,8, 1,0, 3,2, 1,4, 6,7])
        let y: [Double] = [2, -14, 1, -1, -7, -8]
        var model = LinearModel<Double>()
        let gd = GradientDescent<Double>(mode: .stochastic, learningRate: 0.01, epochs: 500, seed: 42)
        var lines = 0
        let history = try gd.fit(&model, features: X, targets: y) { report in
            if report.epoch % 100 == 0 { lines += 1 }
        }
        #expect(lines == 5 && history.stopReason == .epochBudget)
        let check = try LeastSquares.verify(model, features: X, targets: y)
        #expect(check.maxWeightDifference < Self.readmeGap)

        let problem = RandomProblem<Double>(rows: 500, columns: 4, noise: 0.1)
        var tuned = GradientDescent<Double>(mode: .miniBatch(size: 64), learningRate: 0.05, epochs: 200,
                                            optimizer: .adam(), schedule: .exponential(decay: 0.97),
                                            earlyStopping: .init(validationFraction: 0.1, patience: 5))
        tuned.penalty = .l2(0.01)
        tuned.standardize = true
        tuned.automaticLearningRate = true
        tuned.tolerance = 1e-6
        var trained = LinearModel<Double>()
        let result = try tuned.fit(&trained, features: problem.features, targets: problem.targets)
        #expect(!result.validationLosses.isEmpty && result.learningRates.count == result.epochs)
        try tuned.partialFit(&trained, features: problem.features, targets: problem.targets)
        let split = try DataSplit(features: problem.features, targets: problem.targets, validationFraction: 0.1,
                                  testFraction: 0.1, seed: 7)
        let scores = try trained.metrics(features: split.test.features, targets: split.test.targets)
        #expect(scores.r2 > 0.9, "\(scores)")
    }
}
