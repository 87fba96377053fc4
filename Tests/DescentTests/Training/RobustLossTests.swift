import Foundation
import Testing
@testable import Descent

/// Robust and quantile losses in gradient descent, against the exact optima of
/// Resources/robust/reference.json (HiGHS and Newton, polished in 60 digits; generate.py).
@Suite("Robust and quantile losses")
struct RobustLossTests {
    struct Reference: Decodable {
        struct Case: Decodable {
            let loss: String
            let objective: Double
            let intercept: Double
            let weights: [Double]
            let unique: Bool?
            let tau: Double?
            let delta: Double?
            let epsilon: Double?
            let label: String?
        }
        struct DataSet: Decodable {
            let cases: [Case]
            let n: Int
            let d: Int
        }
        let datasets: [String: DataSet]
    }

    static let reference: Reference = {
        let url = try! TestData.url("robust/reference.json")
        return try! JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }()

    static let names = ["ccard", "copper", "cpunish", "diabetes", "diabetes_outliers", "fair", "linnerud", "longley",
                        "stackloss", "star98"]

    static func data(_ name: String) throws -> Dataset<Double> {
        let base = name == "diabetes_outliers" ? "diabetes" : name
        var data = try Dataset<Double>(npyFeatures: TestData.url("realdata/\(base)_X.npy").path,
                                       targets: TestData.url("realdata/\(base)_y.npy").path)
        if name == "diabetes_outliers" {
            var y = data.targets
            for i in y.indices where i % 20 == 7 { y[i] += 1540 }
            data = try Dataset(features: data.features, targets: y)
        }
        return data
    }

    static func loss(_ c: Reference.Case) -> Loss? {
        switch c.loss {
        case "quantile": .quantile(c.tau!)
        case "absolute": .absolute
        case "huber": .huber(delta: c.delta!)
        case "epsilonInsensitive": .epsilonInsensitive(c.epsilon!)
        case "squaredEpsilonInsensitive": .squaredEpsilonInsensitive(c.epsilon!)
        default: nil
        }
    }

    /// `(1/n)Σℓ(xᵢᵀw + b − yᵢ)` in `Double`, naively.
    static func objective(_ model: LinearModel<Double>, _ data: Dataset<Double>, _ loss: Loss) -> Double {
        let n = data.features.rows, d = data.features.columns
        var total = 0.0
        for i in 0..<n {
            var r = Double(model.bias) - data.targets[i]
            for j in 0..<d { r += data.features[i, j] * model.weights[j] }
            total += loss.value(r)
        }
        return total / Double(n)
    }

    @Test("the defaults reach the exact optimum within 1e-3 in every mode, and converged is never claimed beyond the gap",
          arguments: [BatchMode.batch, .miniBatch(size: 32), .stochastic])
    func defaultsReachTheOptimum(mode: BatchMode) throws {
        var worst = 0.0, certified = 0, total = 0
        for name in Self.names {
            let data = try Self.data(name)
            for c in Self.reference.datasets[name]!.cases {
                guard let loss = Self.loss(c) else { continue }
                var gd = GradientDescent<Double>(mode: mode)
                gd.loss = loss
                var model = LinearModel<Double>()
                let clock = ContinuousClock(), start = clock.now
                let history = try gd.fit(&model, features: data.features, targets: data.targets)
                let objective = Self.objective(model, data, loss)
                let gap = c.objective > 0 ? (objective - c.objective) / c.objective : objective
                worst = max(worst, gap)
                total += 1
                if history.converged { certified += 1 }
                print("\(mode) \(name) \(loss): gap \(gap) epochs \(history.epochs) converged \(history.converged) certGap \(history.objectiveGap ?? .nan) \(history.certificate) \(clock.now - start)")
                #expect(gap <= 1e-3, "\(name) \(loss) \(mode): gap \(gap)")
                if history.converged { #expect(gap <= max(1e-5, 2 * gd.convergenceTolerance), "\(name) \(loss) \(mode) claims converged at \(gap)") }
            }
        }
        print("\(mode): worst \(worst), certified \(certified)/\(total)")
    }
}
