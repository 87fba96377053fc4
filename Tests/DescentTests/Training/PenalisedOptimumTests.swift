import Foundation
import Testing
@testable import Descent

/// The defaults reach the penalised optimum: on nine standardised real data sets, every mode with
/// no learning rate, optimiser or epoch budget given, and a lasso, elastic-net or ridge penalty,
/// returns a model whose objective is within 10⁻⁶ of scikit-learn's optimum (polished to the exact
/// KKT point, Resources/penalised/generate.py), with the same exact zeros, reports converged, and
/// its certificate bounds the true gap. star98's lasso at 0.005·λ_max (κ ≈ 1.3·10⁵ on 18 active
/// columns, where scikit-learn's coordinate descent ran its 10⁷ iterations without meeting its own
/// tolerance, and accelerated proximal steps alone needed about 8,900 epochs) converges too: once
/// the steps find the support and signs, one certified Newton step on the support finishes it.
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
            let sklearn_alpha: Double
            let sklearn_l1_ratio: Double?
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
                #expect(converged, "\(label) \(history.advice ?? "")")
                #expect(gap <= 1e-6, "\(label)")
                let zeros = model.weights.indices.filter { model.weights[$0] == 0 }
                #expect(zeros == c.zeros, "\(label): zeros \(zeros) vs \(c.zeros)")
            }
        }
    }

    @Test("scikit-learn's and glmnet's parameters give the same penalties (the reference's alphas, the verified glmnet map)")
    func spellings() throws {
        func close(_ a: Penalty, _ b: Penalty) -> Bool {
            let (x, y) = (a.strengths, b.strengths)
            return Swift.abs(x.l1 - y.l1) <= 1e-12 * Swift.max(1, y.l1) && Swift.abs(x.l2 - y.l2) <= 1e-12 * Swift.max(1, y.l2)
        }
        for (name, set) in Self.reference.datasets {
            let rows = try ConvergenceTests.data(name).features.rows
            for c in set.cases {
                let penalty = Self.penalty(c)
                let spelled: Penalty = switch c.penalty {
                case "l1": .lasso(scikitLearnAlpha: c.sklearn_alpha)
                case "l2": .ridge(scikitLearnAlpha: c.sklearn_alpha, rows: rows)
                default: .elasticNet(scikitLearnAlpha: c.sklearn_alpha, l1Ratio: c.sklearn_l1_ratio!)
                }
                #expect(close(spelled, penalty), "\(name): \(spelled) vs \(penalty)")
            }
        }
        // glmnet (verified with R 4.2.2, glmnet 4.1.6 on diabetes and stackloss): .l1(λ) is
        // alpha = 1, lambda = λ/2; .l2(λ) is alpha = 0, lambda = λ·s_y; the elastic net as written.
        let sy = 77.006, lambda = 3.0, rho = 0.5
        #expect(close(.glmnet(lambda: lambda / 2, alpha: 1, targetDeviation: sy), .l1(lambda)))
        #expect(close(.glmnet(lambda: lambda * sy, alpha: 0, targetDeviation: sy), .l2(lambda)))
        let g = lambda * (rho / 2 + (1 - rho) * sy), a = (rho / 2) / (rho / 2 + (1 - rho) * sy)
        #expect(close(.glmnet(lambda: g, alpha: a, targetDeviation: sy), .elasticNet(lambda, l1Ratio: rho)))
    }
}
