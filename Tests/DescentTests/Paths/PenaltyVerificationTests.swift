import Foundation
import Testing
@testable import Descent

/// Gradient descent's penalties checked by coordinate descent: on the nine real data sets of
/// Resources/penalised (scikit-learn's optima polished to the exact KKT point, in Descent's
/// standardised objective), the exact optimum that `ElasticNet.verify` computes has the reference's
/// objective to 1e-10 and its zeros; a gradient-descent lasso fit is verified against it.
@Suite("Penalised gradient descent verified by the path")
struct PenaltyVerificationTests {
    @Test("the exact optimum of every penalised reference case", arguments: PathReference.names)
    func optimum(name: String) throws {
        let data = try ConvergenceTests.data(name)
        let set = try #require(PenalisedOptimumTests.reference.datasets[name])
        let n = Double(data.features.rows), d = data.features.columns
        let means = (0..<d).map { j in (0..<data.features.rows).reduce(0.0) { $0 + data.features[$1, j] } / n }
        let scales = (0..<d).map { j in
            ((0..<data.features.rows).reduce(0.0) { $0 + (data.features[$1, j] - means[j]) * (data.features[$1, j] - means[j]) } / n).squareRoot()
        }
        for c in set.cases {
            let penalty = PenalisedOptimumTests.penalty(c)
            // The reference optimum in raw units (its weights are on standardised columns).
            let raw = (0..<d).map { scales[$0] > 0 ? c.weights[$0] / scales[$0] : 0 }
            let bias = c.intercept - (0..<d).reduce(0.0) { $0 + means[$1] * raw[$1] }
            let check = try ElasticNet.verify(LinearModel(weights: raw, bias: bias), penalty: penalty, features: data.features,
                                              targets: data.targets, standardize: true)
            let label = "\(name) \(penalty)"
            #expect(Swift.abs(check.exactObjective - c.objective) <= 1e-10 * c.objective, "\(label): \(check.exactObjective) vs \(c.objective)")
            #expect(Swift.abs(check.relativeObjectiveGap) <= 1e-10, "\(label): \(check)")
            if c.penalty != "l2" { #expect(check.exactZeros == c.zeros, "\(label): zeros \(check.exactZeros) vs \(c.zeros)") }
            #expect(check.exactGap <= ElasticNet.defaultTolerance, "\(label)")
        }
    }

    @Test("a gradient-descent lasso fit is within 1e-6 of the optimum's objective, with its zeros")
    func gradientDescent() throws {
        let data = try ConvergenceTests.data("diabetes")
        let c = PenalisedOptimumTests.reference.datasets["diabetes"]!.cases.first { $0.penalty == "l1" }!
        var gd = GradientDescent<Double>(mode: .batch)
        gd.penalty = .l1(c.lambda)
        var model = LinearModel<Double>()
        _ = try gd.fit(&model, from: data)
        let check = try ElasticNet.verify(model, penalty: gd.penalty, features: data.features, targets: data.targets,
                                          standardize: gd.standardize)
        #expect(check.relativeObjectiveGap >= -1e-12 && check.relativeObjectiveGap <= 1e-6, "\(check)")
        #expect(check.sameZeros, "\(check)")
    }
}
