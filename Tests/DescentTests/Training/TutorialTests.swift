import Testing
import Descent

@Suite("Seed tutorial: reviewing the steps of gradient descent")
struct TutorialTests {
    /// After 1000 epochs the slowest direction is still converging: a convergence gap, not rounding.
    static let gapAfter1000 = 1e-4
    /// The relative excess MSE it leaves (quadratic in the gap above).
    static let mseGapAfter1000 = 1e-6
    /// After 5000 epochs the gap is below the rounding floor: the answer is the closed form in ulps.
    static let convergedUlps = 80.0

    /// `y = 1 + 2x + ε`, `x ~ U[0, 1)`, `ε ~ N(0, 0.1²)`, `N = 100`, 80 shuffled rows for training.
    func recovers<S: BLASScalar>(_: S.Type) throws {
        var random = RandomSource(seed: 42)
        let x = (0..<100).map { _ in random.nextUniform(Double.self) }
        let y = x.map { 1 + 2 * $0 + 0.1 * random.nextNormal() }
        var indices = Array(0..<100)
        random.shuffle(&indices)
        let train = indices.prefix(80), validation = indices.suffix(20)
        let features = try Matrix<S>(rows: 80, columns: 1, elements: train.map { S(x[$0]) })
        let targets = train.map { S(y[$0]) }

        var model = LinearModel<S>(weights: [S(random.nextNormal())], bias: S(random.nextNormal()))
        try GradientDescent<S>(mode: .batch, learningRate: 0.1, epochs: 1000).fit(&model, features: features, targets: targets)
        #expect(Swift.abs(Double(model.bias) - 1) < 0.1)
        #expect(Swift.abs(Double(model.weights[0]) - 2) < 0.2)

        // After 1000 epochs the slowest direction (eigenvalue ≈ 0.03 of the loss Hessian) is
        // within 1e-4 of the closed form; continuing to 5000 epochs closes the gap.
        let check = try LeastSquares.verify(model, features: features, targets: targets)
        #expect(check.maxWeightDifference < Self.gapAfter1000 && check.biasDifference < Self.gapAfter1000, "\(check)")
        #expect(check.relativeMSEGap < Self.mseGapAfter1000, "\(check)")
        try GradientDescent<S>(mode: .batch, learningRate: 0.1, epochs: 4000).fit(&model, features: features, targets: targets)
        let later = try LeastSquares.verify(model, features: features, targets: targets)
        let tolerance = S.ulps(Self.convergedUlps)
        #expect(later.maxWeightDifference < tolerance && later.biasDifference < tolerance, "\(later)")

        // Validation loss is near the noise variance (0.01).
        let held = try Matrix<S>(rows: 20, columns: 1, elements: validation.map { S(x[$0]) })
        let validationMSE = try model.meanSquaredError(features: held, targets: validation.map { S(y[$0]) })
        #expect(validationMSE < 0.03)
    }

    @Test("batch descent at η = 0.1 for 1000 epochs recovers b ≈ 1, w ≈ 2 and the closed form",
          arguments: Precision.allCases)
    func tutorial(_ precision: Precision) throws {
        try recovers(precision.scalar)
    }
}
