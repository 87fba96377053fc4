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

    static let sanitized = ProcessInfo.processInfo.environment["DESCENT_SANITIZER"] != nil

    /// Every loss's exact optimum on nine real sets (fair's 6,366 rows are left to the bench: in a
    /// debug build its 1,000-epoch quantile fits take seconds each), in every mode with the defaults.
    /// Measured (this commit): 98 of 99 fits per mode within 10⁻³ of the exact optimum (80–85
    /// certified within 10⁻⁶); the miss is Huber with δ = 1.35 on longley, whose residuals are in the
    /// hundreds (nearly least absolute deviations on 16 rows, too few inside δ for a Newton step).
    /// No fit is reported converged beyond its gap.
    @Test("the defaults come within 1e-3 of the exact optimum on nearly every case, and converged is never claimed beyond the gap",
          arguments: [BatchMode.batch, .miniBatch(size: 32), .stochastic])
    func defaultsReachTheOptimum(mode: BatchMode) throws {
        guard !Self.sanitized else { return }
        var within = 0, total = 0, certified = 0
        for name in Self.names where name != "fair" {
            let data = try Self.data(name)
            for c in Self.reference.datasets[name]!.cases {
                guard let loss = Self.loss(c) else { continue }
                var gd = GradientDescent<Double>(mode: mode)
                gd.loss = loss
                var model = LinearModel<Double>()
                let history = try gd.fit(&model, features: data.features, targets: data.targets)
                let objective = Self.objective(model, data, loss)
                // Relative to the optimum (absolute where the optimum is 0: longley's ε-insensitive).
                let gap = c.objective > 0 ? (objective - c.objective) / c.objective : objective
                total += 1
                if gap <= 1e-3 { within += 1 } else { print("beyond 1e-3: \(mode) \(name) \(loss): \(gap)") }
                #expect(gap >= -1e-12, "\(name) \(loss): below the exact optimum by \(gap)")
                if history.converged {
                    certified += 1
                    // Certified within 1e-6 of a lower bound: the true gap is too (with rounding).
                    #expect(gap <= 1e-6 + 1e-12, "\(name) \(loss) \(mode) claims converged at \(gap)")
                    #expect(history.objectiveGap != nil && history.certificate != .unavailable)
                }
            }
        }
        print("\(mode): \(within) of \(total) within 1e-3, \(certified) certified")
        #expect(Double(within) >= 0.97 * Double(total), "\(mode): \(within) of \(total) within 1e-3")
        #expect(Double(certified) >= 0.75 * Double(total), "\(mode): \(certified) of \(total) certified")
    }

    @Test("bad loss parameters are typed errors naming the loss")
    func badParameters() throws {
        let data = try Self.data("stackloss")
        for loss in [Loss.huber(delta: 0), .huber(delta: -1), .huber(delta: .nan), .huber(delta: .infinity),
                     .quantile(0), .quantile(1), .quantile(1.5), .quantile(.nan), .epsilonInsensitive(-0.1),
                     .epsilonInsensitive(.nan), .squaredEpsilonInsensitive(-1)] {
            var gd = GradientDescent<Double>()
            gd.loss = loss
            var model = LinearModel<Double>()
            #expect {
                try gd.fit(&model, features: data.features, targets: data.targets)
            } throws: { error in
                guard case .invalidOption(let name, _, _)? = error as? DescentError else { return false }
                return name == "loss"
            }
        }
        #expect(Loss("huber:1.35") == .huber(delta: 1.35) && Loss("quantile:0.9") == .quantile(0.9)
                && Loss("absolute") == .absolute && Loss("epsilon:0.5") == .epsilonInsensitive(0.5)
                && Loss("squared-epsilon:0.5") == .squaredEpsilonInsensitive(0.5) && Loss("squared") == .squared)
        #expect(Loss("huber:x") == nil && Loss("pinball") == nil && Loss("absolute:2") == nil)
        for loss in [Loss.huber(delta: 2.5), .quantile(0.25), .epsilonInsensitive(0.5), .squaredEpsilonInsensitive(0.5), .absolute] {
            #expect(Loss("\(loss)") == loss)
        }
    }

    @Test("values and subgradients: ρ_τ, |r| = 2ρ_½, Huber → squared inside δ, the ε-insensitive pair; the Moreau envelope lies within μ/2 below")
    func pointwise() {
        for r in [-3.0, -0.5, 0, 0.25, 2] {
            #expect(Loss.quantile(0.3).value(r) == max(-0.3 * r, 0.7 * r))
            #expect(abs(Loss.absolute.value(r) - 2 * Loss.quantile(0.5).value(r)) <= 1e-15)
            #expect(Loss.huber(delta: 1).value(r) == (abs(r) <= 1 ? r * r : 2 * abs(r) - 1))
            #expect(Loss.epsilonInsensitive(0.5).value(r) == max(0, abs(r) - 0.5))
            #expect(Loss.squaredEpsilonInsensitive(0.5).value(r) == pow(max(0, abs(r) - 0.5), 2))
            for loss in [Loss.quantile(0.3), .absolute, .epsilonInsensitive(0.5)] {
                let smooth = loss.value(r, smoothing: 0.2)
                #expect(smooth <= loss.value(r) + 1e-15 && smooth >= loss.value(r) - 0.1 - 1e-15, "\(loss) at \(r)")
            }
        }
    }

    /// The same fit through a row source, with sample weights, and as several targets: each
    /// is the same engine, so each reaches its own exact objective.
    @Test("streamed, weighted and several-target fits reach the same optimum", arguments: [BatchMode.batch, .miniBatch(size: 16)])
    func everyPath(mode: BatchMode) throws {
        let data = try Self.data("stackloss")
        let c = Self.reference.datasets["stackloss"]!.cases.first { $0.loss == "quantile" && $0.tau == 0.5 }!
        let loss = Self.loss(c)!
        var gd = GradientDescent<Double>(mode: mode)
        gd.loss = loss
        // Integer weights are repeated rows: weight 2 on every row is the same objective.
        var weighted = LinearModel<Double>()
        let history = try gd.fit(&weighted, features: data.features, targets: data.targets,
                                 weights: [Double](repeating: 2, count: data.targets.count))
        let gap = (Self.objective(weighted, data, loss) - c.objective) / c.objective
        #expect(gap <= 1e-3 && (!history.converged || gap <= 1e-6), "weighted: \(gap)")
        // A source of rows in chunks.
        var streamed = LinearModel<Double>()
        let source = SplitRows(data.features, data.targets, starts: [0, 7, 14])
        _ = try gd.fit(&streamed, from: source)
        let streamedGap = (Self.objective(streamed, data, loss) - c.objective) / c.objective
        #expect(streamedGap <= 1e-3, "streamed: \(streamedGap)")
        // Two targets: the targets and the targets doubled (whose optimum's objective is twice).
        let y2 = try Matrix<Double>(rows: data.targets.count, columns: 2,
                                     elements: data.targets.flatMap { [$0, 2 * $0] })
        var multi = MultiLinearModel<Double>()
        _ = try gd.fit(&multi, features: data.features, targets: y2)
        for t in 0..<2 {
            let model = LinearModel(weights: (0..<data.features.columns).map { multi.weights[$0, t] }, bias: multi.biases[t])
            let scaled = try Dataset(features: data.features, targets: data.targets.map { Double(t + 1) * $0 })
            let gapT = (Self.objective(model, scaled, loss) - Double(t + 1) * c.objective) / (Double(t + 1) * c.objective)
            #expect(gapT <= 1e-3, "target \(t): \(gapT)")
        }
    }

    @Test("a learning rate you set steps on the subgradient as written, and reports what it reached honestly")
    func explicitRate() throws {
        let data = try Self.data("stackloss")
        let c = Self.reference.datasets["stackloss"]!.cases.first { $0.loss == "absolute" }!
        var gd = GradientDescent<Double>(mode: .stochastic, learningRate: 1, epochs: 50)
        gd.loss = .absolute
        gd.schedule = .inverseScaling(power: 0.5)
        var model = LinearModel<Double>()
        let history = try gd.fit(&model, features: data.features, targets: data.targets)
        let gap = (Self.objective(model, data, .absolute) - c.objective) / c.objective
        let start = (Self.objective(LinearModel(weights: [0, 0, 0]), data, .absolute) - c.objective) / c.objective
        #expect(history.epochs == 50 && gap < start / 2 && (!history.converged || gap <= 1e-6), "\(gap) from \(start)")
    }

    @Test("Float: within 1e-3 of the exact optimum, and honest", arguments: ["quantile", "huber", "epsilonInsensitive"])
    func float(kind: String) throws {
        let data = try Self.data("diabetes_outliers")
        let c = Self.reference.datasets["diabetes_outliers"]!.cases.first { $0.loss == kind }!
        let loss = Self.loss(c)!
        var gd = GradientDescent<Float>()
        gd.loss = loss
        let x = try Matrix<Float>(rows: data.features.rows, columns: data.features.columns,
                                  elements: (0..<data.features.rows).flatMap { i in (0..<data.features.columns).map { Float(data.features[i, $0]) } })
        var model = LinearModel<Float>()
        let history = try gd.fit(&model, features: x, targets: data.targets.map(Float.init))
        let double = LinearModel<Double>(weights: model.weights.map(Double.init), bias: Double(model.bias))
        let gap = (Self.objective(double, data, loss) - c.objective) / c.objective
        #expect(gap <= 1e-3, "\(gap)")
        if history.converged { #expect(gap <= 1e-5, "certified at \(history.objectiveGap ?? .nan), true gap \(gap)") }
    }

    @Test("a penalised robust fit trains but is never certified (its checks measure the loss alone)")
    func penalised() throws {
        let data = try Self.data("stackloss")
        for loss in [Loss.huber(delta: 3), .quantile(0.5)] {
            var gd = GradientDescent<Double>()
            gd.loss = loss
            gd.penalty = .l2(0.01)
            var model = LinearModel<Double>()
            let history = try gd.fit(&model, features: data.features, targets: data.targets)
            #expect(!history.converged && history.certificate == .unavailable && history.epochs == 1000)
            #expect(history.advice?.contains("penalised") == true, "\(history.advice ?? "")")
        }
    }

    /// `RobustRegression.verify`: its exact optimum is the stored one (HiGHS and Newton, polished in
    /// 60 digits), and its gap is the fit's true gap.
    @Test("RobustRegression.verify reaches the stored exact optimum for every loss and measures the fit's gap",
          arguments: ["stackloss", "diabetes_outliers", "longley"])
    func verify(name: String) throws {
        let data = try Self.data(name)
        for c in Self.reference.datasets[name]!.cases {
            guard let loss = Self.loss(c) else { continue }
            var gd = GradientDescent<Double>(mode: .batch, learningRate: 1e-3, epochs: 3)
            gd.loss = loss
            var model = LinearModel<Double>()
            try gd.fit(&model, features: data.features, targets: data.targets)
            let v = try RobustRegression.verify(model, features: data.features, targets: data.targets, loss: loss)
            // The exact objective to 10 digits of the model's (an optimum of 0, longley's
            // ε-insensitive ones, to as many digits of the scale).
            let objective = Self.objective(model, data, loss)
            #expect(Swift.abs(v.exactObjective - c.objective) <= 1e-10 * Swift.max(c.objective, 1e-6 * objective),
                    "\(name) \(loss): exact objective \(v.exactObjective) vs \(c.objective)")
            #expect(Swift.abs(v.objective - objective) <= 1e-12 * objective)
            if c.objective > 1e-6 * objective {
                let gap = (objective - c.objective) / c.objective
                #expect(Swift.abs(v.objectiveGap - gap) <= 1e-8 * Swift.max(1, gap), "\(name) \(loss): \(v.objectiveGap) vs \(gap)")
            }
            if c.unique == true {
                let difference = zip(v.exact.weights, c.weights).map { Swift.abs($0 - $1) }.max()!
                #expect(difference <= 1e-7 * Swift.max(1, c.weights.map(Swift.abs).max()!), "\(name) \(loss): \(difference)")
            }
        }
        // The squared loss is least squares; a bad loss parameter names the loss.
        let model = LinearModel<Double>(weights: [Double](repeating: 0, count: data.features.columns), bias: 0)
        let squared = try RobustRegression.verify(model, features: data.features, targets: data.targets, loss: .squared)
        let exact = try LeastSquares.solve(data.features, data.targets)
        #expect(squared.exact.weights == exact.model.weights && squared.exactIsUnique == true)
        #expect(throws: DescentError.self) {
            try RobustRegression.verify(model, features: data.features, targets: data.targets, loss: .quantile(2))
        }
    }
}
