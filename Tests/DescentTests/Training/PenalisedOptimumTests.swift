import Foundation
import Testing
@testable import Descent

/// The defaults reach the penalised optimum: on nine standardised real data sets, every mode with
/// no learning rate, optimiser or epoch budget given, and a lasso, elastic-net or ridge penalty,
/// returns a model whose objective is within 10⁻⁶ of scikit-learn's optimum (polished to the exact
/// KKT point, Resources/penalised/generate.py), with the same exact zeros, reports converged, and
/// its certificate bounds the true gap.
///
/// One case is beyond the default budget of every first-order method: star98's lasso at
/// 0.005·λ_max (κ ≈ 1.3·10⁵ on 18 active columns; scikit-learn's coordinate descent ran its 10⁷
/// iterations there without meeting its own tolerance). There the fit must say it did not
/// converge, with a certificate that still bounds the true gap.
@Suite("Penalised fits reach their optimum")
struct PenalisedOptimumTests {
    struct Reference: Decodable {
        struct Case: Decodable {
            let penalty: String
            let lambda: Double
            let l1Ratio: Double?
            let weights: [Double]
            let intercept: Double
            let objective: Double
            let zeros: [Int]
            let zero_margin: Double?
        }
        struct DataSet: Decodable {
            let cases: [Case]
            let lambda_max: Double
        }
        let datasets: [String: DataSet]
    }

    static let reference: Reference = {
        let url = try! TestData.url("penalised/reference.json")
        return try! JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }()

    static func penalty(_ c: Reference.Case) -> Penalty {
        switch c.penalty {
        case "l1": .l1(c.lambda)
        case "l2": .l2(c.lambda)
        default: .elasticNet(c.lambda, l1Ratio: c.l1Ratio!)
        }
    }

    /// `(1/n)‖Xw + b − y‖² + λ₂‖w‖² + λ₁‖w‖₁` in `Double`, naively.
    static func objective(_ model: LinearModel<Double>, _ data: Dataset<Double>, _ penalty: Penalty) -> Double {
        let n = data.features.rows, d = data.features.columns
        var squares = 0.0
        for i in 0..<n {
            var r = Double(model.bias) - data.targets[i]
            for j in 0..<d { r += data.features[i, j] * model.weights[j] }
            squares += r * r
        }
        let (l2, l1) = penalty.strengths
        return squares / Double(n) + model.weights.reduce(0.0) { $0 + l2 * $1 * $1 + l1 * Swift.abs($1) }
    }

    @Test("every mode's defaults reach scikit-learn's penalised optimum, with its zeros, and say so truthfully",
          .disabled(if: ConvergenceTests.sanitized, "a numerical sweep: it runs in the plain test run"),
          arguments: ConvergenceTests.wellPosed)
    func defaults(name: String) throws {
        let data = try ConvergenceTests.data(name)
        let set = try #require(Self.reference.datasets[name])
        for c in set.cases {
            let hard = name == "star98" && c.penalty == "l1" && c.lambda < 0.01 * set.lambda_max
            let penalty = Self.penalty(c)
            for mode in ConvergenceTests.modes {
                var gd = GradientDescent<Double>(mode: mode)
                gd.penalty = penalty
                var model = LinearModel<Double>()
                let history = try gd.fit(&model, from: data)
                let p = Self.objective(model, data, penalty)
                let gap = (p - c.objective) / c.objective
                let label = "\(name) \(penalty) \(mode): gap \(gap), certified \(history.objectiveGap ?? .nan), "
                    + "epochs \(history.epochs), \(history.stopReason)"
                let converged = history.converged, certified = history.objectiveGap ?? 0
                // The certificate is an upper bound (up to the rounding of the two objectives).
                #expect(gap <= certified + 1e-12, "\(label)")
                if hard {
                    #expect(!converged && gap > 1e-6 && history.advice?.contains("Not converged") == true, "\(label)")
                    continue
                }
                #expect(converged, "\(label) \(history.advice ?? "")")
                #expect(gap <= 1e-6, "\(label)")
                let zeros = model.weights.indices.filter { model.weights[$0] == 0 }
                #expect(zeros == c.zeros, "\(label): zeros \(zeros) vs \(c.zeros)")
            }
        }
    }
}
