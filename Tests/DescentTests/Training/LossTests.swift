import Testing
@testable import Descent

/// The loss seam: the squared loss through it is the mean squared error, bit for bit what the
/// engine computed before the seam existed (its residuals pass to the backward product as they are,
/// its batch scale is `2/m` exactly).
@Suite("The loss seam")
struct LossTests {
    @Test("squared: ℓ(r) = r², ℓ'(r) = 2r, the batch scale is 2/m to the bit, curvature 2", arguments: Precision.allCases)
    func squared(precision: Precision) {
        func check<S: BLASScalar>(_: S.Type) {
            let loss = Loss.squared
            for r in [S(-3.25), 0, S(0.1), S(7)] {
                #expect(loss.value(Double(r)) == Double(r) * Double(r) && loss.derivative(Double(r), smoothing: 0) == 2 * Double(r)
                        && loss.weightedValue(r, weighted: 3 * r, weight: 3, smoothing: 0) == 3 * r * r)
                #expect(loss.slope(weighted: 3 * r, previous: r, r: r, snapshot: nil, weight: 3, smoothing: 0) == 2 * (3 * r - r))
            }
            for m in [1, 3, 32, 1000, 12345] { #expect(loss.batchScale(rows: m) == 2 / S(m)) }
            #expect(loss.curvature == 2 && loss.derivativeFactor == 2 && loss.usesSquaredKernels && loss.isCertifiable)
        }
        precision == .float32 ? check(Float.self) : check(Double.self)
    }

    @Test("gd.loss = .squared is the default, and the same bits in every mode, optimiser and target count",
          arguments: Sweep.modes)
    func explicitSquared(mode: BatchMode) throws {
        let problem = RandomMultiProblem<Double>(rows: 90, columns: 4, targets: 2, noise: 0.3, seed: 21)
        for optimizer in Sweep.optimizers {
            let implicit = GradientDescent<Double>(mode: mode, learningRate: 0.01, epochs: 5, optimizer: optimizer,
                                                   penalty: .elasticNet(0.01, l1Ratio: 0.5))
            var explicit = implicit
            explicit.loss = .squared
            #expect(implicit.loss == .squared && "\(explicit.loss)" == "squared")
            var a = LinearModel<Double>(), b = LinearModel<Double>()
            try implicit.fit(&a, features: problem.features, targets: problem.targets.column(0))
            try explicit.fit(&b, features: problem.features, targets: problem.targets.column(0))
            #expect(a == b, "\(mode) \(optimizer)")
            var c = MultiLinearModel<Double>(), e = MultiLinearModel<Double>()
            try implicit.fit(&c, features: problem.features, targets: problem.targets)
            try explicit.fit(&e, features: problem.features, targets: problem.targets)
            #expect(c == e, "\(mode) \(optimizer)")
        }
    }
}
