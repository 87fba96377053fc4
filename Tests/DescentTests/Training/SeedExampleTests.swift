import Testing
import Descent

/// The worked example of the seed tutorial "Linear Regression with Stochastic Gradient Descent"
/// (numbers in SEEDS.md, recomputed independently).
@Suite("Seed tutorial: the worked SGD example")
struct SeedExampleTests {
    /// The tutorial prints its weights after one epoch to 7 or 8 decimals; agreement with a printed
    /// figure, not a rounding bound of the computation.
    static let printedFigures = 1e-6
    /// The exact solution (zero residual, small integer answer) to within rounding.
    static let exactAgreement = Double.ulps(4096)

    func firstStep<S: BLASScalar>(_: S.Type) throws {
        let (x, y) = try TestData.seedExample(S.self)
        let oneRow = try Matrix<S>(rows: 1, columns: 2, elements: [x[0, 0], x[0, 1]])
        var model = LinearModel<S>(weights: [-0.017, -0.048], bias: 0)
        let gd = GradientDescent<S>(mode: .stochastic, learningRate: 0.05, epochs: 1, shuffle: false)
        let history = try gd.fit(&model, features: oneRow, targets: [y[0]])
        // ŷ = −0.116, ∂L/∂ŷ = 2(ŷ − y) = −4.232.
        let tolerance = S.ulps(16)
        #expect(Swift.abs(Double(model.bias) - 0.2116) <= tolerance)
        #expect(Swift.abs(Double(model.weights[0]) - 0.8294) <= tolerance)
        #expect(Swift.abs(Double(model.weights[1]) - 0.1636) <= tolerance)
        #expect(Swift.abs(Double(history.losses[0]) - 2.116 * 2.116) <= S.ulps(64))
        #expect(history.updates == 1)
    }

    @Test("one stochastic step from (−0.017, −0.048, 0) at η = 0.05", arguments: Precision.allCases)
    func firstStepBoth(_ precision: Precision) throws {
        try firstStep(precision.scalar)
    }

    @Test("one epoch at η = 0.05 reaches w ≈ (−18.46, −34.78)")
    func firstEpoch() throws {
        let (x, y) = try TestData.seedExample(Double.self)
        var model = LinearModel<Double>(weights: [-0.017, -0.048], bias: 0)
        try GradientDescent<Double>(mode: .stochastic, learningRate: 0.05, epochs: 1, shuffle: false)
            .fit(&model, features: x, targets: y)
        #expect(Swift.abs(model.weights[0] - -18.46221088) < Self.printedFigures)
        #expect(Swift.abs(model.weights[1] - -34.7776552) < Self.printedFigures)
    }

    func diverges<S: BLASScalar>(_: S.Type, near expected: ClosedRange<Int>) throws {
        let (x, y) = try TestData.seedExample(S.self)
        var model = LinearModel<S>(weights: [-0.017, -0.048], bias: 0)
        let gd = GradientDescent<S>(mode: .stochastic, learningRate: 0.05, epochs: 500, shuffle: false)
        let error = #expect(throws: DescentError.self) { try gd.fit(&model, features: x, targets: y) }
        guard case let .diverged(epoch, _, _, hint)? = error else {
            Issue.record("expected divergence, got \(String(describing: error))")
            return
        }
        #expect(expected.contains(epoch), "diverged in epoch \(epoch)")
        #expect(hint.contains("try a learning rate of about"))
        #expect(model.weights.allSatisfy(\.isFinite) && model.bias.isFinite)
        #expect(String(describing: error!).contains("epoch \(epoch)"))
    }

    /// The loss would overflow near epoch 214 in Double (Float's range ends much sooner); it is
    /// stopped once it exceeds 10⁶ times its first epoch's (``DivergenceDiagnosis/growthLimit``),
    /// in epoch 6 in both precisions, long before.
    static let divergenceEpochs: [Precision: ClosedRange<Int>] = [.float64: 5...7, .float32: 5...7]

    @Test("η = 0.05 for 500 epochs diverges, leaving the model finite", arguments: Precision.allCases)
    func divergence(_ precision: Precision) throws {
        try diverges(precision.scalar, near: try #require(Self.divergenceEpochs[precision]))
    }

    func converges<S: BLASScalar>(_: S.Type, rate: Double) throws {
        let (x, y) = try TestData.seedExample(S.self)
        var model = LinearModel<S>(weights: [-0.017, -0.048], bias: 0)
        try GradientDescent<S>(mode: .stochastic, learningRate: S(rate), epochs: 2000, shuffle: false)
            .fit(&model, features: x, targets: y)
        // Zero residual at the optimum: stochastic steps converge to it with no noise ball, and
        // stop at the rounding floor of the precision.
        let tolerance = S.ulps(Self.convergedUlps)
        #expect(Swift.abs(Double(model.weights[0]) - 1) < tolerance)
        #expect(Swift.abs(Double(model.weights[1]) + 2) < tolerance)
        #expect(Swift.abs(Double(model.bias)) < tolerance)
    }

    static let convergedUlps = 64.0

    @Test("η = 0.01 and 0.005 converge to (1, −2, 0)", arguments: Precision.allCases)
    func convergence(_ precision: Precision) throws {
        for rate in [0.01, 0.005] {
            try converges(precision.scalar, rate: rate)
        }
    }

    @Test("the exact solution is (1, −2, 0) with zero loss")
    func exact() throws {
        let (x, y) = try TestData.seedExample(Double.self)
        for method in [LeastSquares.Method.automatic, .qr, .svd, .normalEquations] {
            let solution = try LeastSquares.solve(x, y, intercept: true, method: method)
            #expect(Swift.abs(solution.model.weights[0] - 1) < Self.exactAgreement, "\(method)")
            #expect(Swift.abs(solution.model.weights[1] + 2) < Self.exactAgreement, "\(method)")
            #expect(Swift.abs(solution.model.bias) < Self.exactAgreement, "\(method)")
            // The MSE of residuals within that agreement: its square.
            #expect(try solution.model.meanSquaredError(features: x, targets: y) < Self.exactAgreement * Self.exactAgreement)
        }
    }

    @Test("full-batch descent is stable below η = 0.0326 and diverges above it")
    func batchStabilityBound() throws {
        let (x, y) = try TestData.seedExample(Double.self)
        var stable = LinearModel<Double>()
        try GradientDescent<Double>(mode: .batch, learningRate: 0.03, epochs: 20_000)
            .fit(&stable, features: x, targets: y)
        let gap = try LeastSquares.verify(stable, features: x, targets: y).maxWeightDifference
        #expect(gap < Double.ulps(64))
        var unstable = LinearModel<Double>()
        #expect(throws: DescentError.self) {
            try GradientDescent<Double>(mode: .batch, learningRate: 0.034, epochs: 20_000)
                .fit(&unstable, features: x, targets: y)
        }
    }
}
