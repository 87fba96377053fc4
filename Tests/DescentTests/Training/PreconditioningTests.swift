import Foundation
import Testing
@testable import Descent

/// Whitening (``Preconditioning``): the map it trains through is exact, the features it hands the
/// loop are white, the model comes back in the original units, it reads a source in chunks or
/// across parts as it reads a matrix, and it takes gradient descent to the exact solution on data
/// whose correlations defeat a first-order method.
@Suite("Preconditioning")
struct PreconditioningTests {
    static let sanitized = ProcessInfo.processInfo.environment["DESCENT_SANITIZER"] != nil

    /// Correlated raw columns with offsets and scales far apart: `x₁ = u`, `x₂ = u + 0.01v`, ….
    static func correlated(rows n: Int = 300, columns d: Int = 5, seed: UInt64 = 11) throws
        -> (x: Matrix<Double>, y: [Double]) {
        var random = RandomSource(seed: seed)
        let base = (0..<n).map { _ in random.nextNormal() }
        let x = try Matrix<Double>(rows: n, columns: d) { i, j in
            1000 * Double(j) + Double(j + 1) * (base[i] + 0.01 * Double(j) * random.nextNormal())
        }
        let y = (0..<n).map { i in (0..<d).reduce(3.0) { $0 + x[i, $1] * Double($1 % 2 == 0 ? 1 : -1) } + 0.1 * random.nextNormal() }
        return (x, y)
    }

    static func gap(_ a: LinearModel<Double>, _ b: LinearModel<Double>) -> Double {
        let scale = Swift.max(1, (b.weights + [b.bias]).map(Swift.abs).max()!)
        return zip(a.weights + [a.bias], b.weights + [b.bias]).map { Swift.abs($0 - $1) }.max()! / scale
    }

    @Test("the whitened features have the identity as covariance, and the model maps there and back exactly")
    func mapIsExact() throws {
        let (x, _) = try Self.correlated()
        let n = x.rows, d = x.columns
        let scaling = try Standardizer<Double>(fitting: x)
        var measurement = CorrelationMeasurement(columns: d)
        x.withUnsafeBufferPointer { measurement.add(RowBlock(features: $0.baseAddress!, count: n, columns: x.columns), scaling: scaling) }
        let (made, condition) = measurement.map(.automatic, scaling: scaling, standardize: true)
        let map = try #require(made)
        #expect(map.whitened && condition > 1e3, "condition \(condition)")
        var z = [Double](repeating: 0, count: n * d)
        x.withUnsafeBufferPointer { xs in z.withUnsafeMutableBufferPointer { map.apply($0.baseAddress!, from: xs.baseAddress!, rows: n) } }
        // Naive covariance of z: the identity up to δ/λ_min(C) (δ = √ε = 1.5·10⁻⁸, λ_min ≈ 5·10⁻⁵ here),
        // the part of the smallest eigenvalues the jitter leaves unwhitened.
        for a in 0..<d {
            for b in 0..<d {
                var c = 0.0
                for i in 0..<n { c += z[i * d + a] * z[i * d + b] }
                c /= Double(n)
                #expect(Swift.abs(c - (a == b ? 1 : 0)) <= 1e-3, "C[\(a),\(b)] = \(c)")
            }
        }
        // A model, mapped in and back, is itself; and its predictions agree on both sides.
        let model = LinearModel<Double>(weights: [0.5, -2, 3, 0.25, -1], bias: 7)
        let inner = try map.inner(model)
        #expect(Self.gap(try map.original(inner), model) <= 1e-12)
        for i in [0, 17, 299] {
            let outer = (0..<d).reduce(model.bias) { $0 + model.weights[$1] * x[i, $1] }
            let mapped = (0..<d).reduce(inner.bias) { $0 + inner.weights[$1] * z[i * d + $1] }
            #expect(Swift.abs(outer - mapped) <= 1e-9 * Swift.abs(outer), "row \(i): \(outer) vs \(mapped)")
        }
    }

    @Test("whitened full batch reaches the exact solution, raw columns with offsets included",
          arguments: Precision.allCases)
    func exactCoefficients(precision: Precision) throws {
        let (x, y) = try Self.correlated()
        func check<S: BLASScalar>(_: S.Type) throws {
            let xs = try Matrix<S>(rows: x.rows, columns: x.columns) { i, j in S(x[i, j]) }
            let ys = y.map { S($0) }
            // The oracle solves the data as this precision holds it.
            let rounded = try Matrix<Double>(rows: x.rows, columns: x.columns) { i, j in Double(xs[i, j]) }
            let exact = try LeastSquares.solve(rounded, ys.map { Double($0) }).model
            var gd = GradientDescent<S>(mode: .batch, epochs: 3000)
            gd.convergenceTolerance = S.self == Double.self ? 1e-10 : 1e-4
            var model = LinearModel<S>()
            let history = try gd.fit(&model, features: xs, targets: ys)
            #expect(history.whitened && history.converged, "\(precision): \(history.advice ?? "")")
            let fitted = LinearModel<Double>(weights: model.weights.map { Double($0) }, bias: Double(model.bias))
            if S.self == Double.self {
                #expect(Self.gap(fitted, exact) <= 1e-6, "\(fitted) vs \(exact)")
            } else {
                let mse = try fitted.meanSquaredError(features: rounded, targets: ys.map { Double($0) })
                let best = try exact.meanSquaredError(features: rounded, targets: ys.map { Double($0) })
                #expect(mse <= 1.01 * best, "MSE \(mse) vs \(best)")
            }
        }
        switch precision {
        case .float64: try check(Double.self)
        case .float32: try check(Float.self)
        }
    }

    @Test("a well-conditioned problem is not whitened, and trains bit for bit as without preconditioning")
    func wellConditionedUnchanged() throws {
        let problem = RandomProblem<Double>(rows: 300, columns: 4, noise: 0.1)
        var automatic = GradientDescent<Double>(mode: .miniBatch(size: 16))
        automatic.standardize = true
        var none = automatic
        none.preconditioning = .none
        var a = LinearModel<Double>(), b = LinearModel<Double>()
        let ha = try automatic.fit(&a, features: problem.features, targets: problem.targets)
        let hb = try none.fit(&b, features: problem.features, targets: problem.targets)
        #expect(!ha.whitened && (ha.conditionEstimate ?? .infinity) <= Preconditioning.automaticThreshold)
        #expect(a.weights == b.weights && a.bias == b.bias && ha.losses == hb.losses)
    }

    @Test("penalties keep their objective: automatic whitening skips penalised fits, and .whitened refuses a penalty")
    func penalties() throws {
        let (x, y) = try Self.correlated()
        var ridge = GradientDescent<Double>(mode: .batch, epochs: 3000, penalty: .l2(0.05))
        ridge.standardize = true
        ridge.convergenceTolerance = 1e-9
        var model = LinearModel<Double>()
        let history = try ridge.fit(&model, features: x, targets: y)
        #expect(!history.whitened)
        // The oracle: ridge on the standardised columns, MSE + λ‖w‖², from the normal equations.
        let scaling = try Standardizer<Double>(fitting: x)
        let exact = try scaling.original(try LeastSquares.solve(try scaling.transform(x), y, ridge: 0.05).model)
        let trained = model.weights + [model.bias], expected = exact.weights + [exact.bias]
        let gap = zip(trained, expected).map { Swift.abs($0 - $1) }.max()! / expected.map(Swift.abs).max()!
        #expect(gap <= 1e-3, "\(model) vs \(exact)")
        var whitened = ridge
        whitened.preconditioning = .whitened
        var other = LinearModel<Double>()
        #expect(throws: DescentError.self) { try whitened.fit(&other, features: x, targets: y) }
    }

    @Test("a named learning rate keeps the classic behaviour: no preconditioning unless asked")
    func explicitConfiguration() {
        #expect(GradientDescent<Double>(learningRate: 0.01).preconditioning == .none)
        #expect(GradientDescent<Double>().preconditioning == .automatic)
        var later = GradientDescent<Double>()
        later.learningRate = 0.05
        #expect(later.preconditioning == .none)
        later.preconditioning = .whitened
        #expect(later.preconditioning == .whitened)
    }

    @Test("whitening reads a source in chunks and across parts as it reads a matrix")
    func chunksAndParts() throws {
        // The correlation matrix is summed in another order over chunks and parts; its rounding,
        // amplified by the whitening factor's condition (κ(C) ≈ 10⁸ for these columns), moves the
        // model by a few 10⁻¹² where unwhitened training agrees to 10⁻¹².
        let tolerance = 1e-10
        let (x, y) = try Self.correlated(rows: 240)
        var configuration = GradientDescent<Double>(mode: .batch, epochs: 150)
        configuration.preconditioning = .whitened
        let gd = configuration
        var single = LinearModel<Double>()
        let reference = try gd.fit(&single, features: x, targets: y)
        #expect(reference.whitened)
        var chunked = LinearModel<Double>()
        let history = try gd.fit(&chunked, from: SplitRows(x, y, starts: [0, 50, 51, 180]))
        #expect(history.whitened && Self.gap(chunked, single) <= tolerance, "chunks: \(chunked) vs \(single)")
        let parts = [0..<0, 0..<90, 90..<240]
        let world = ThreadsWorld(size: parts.count)
        let results = world.run { collective in
            let source = SplitRows(x, y, rows: parts[collective.rank], starts: parts[collective.rank].isEmpty ? [] : [0])
            var model = LinearModel<Double>()
            let history = try? gd.fit(&model, from: source, collective: collective)
            return (model, history?.whitened ?? false)
        }
        for (rank, (model, whitened)) in results.enumerated() {
            #expect(whitened && Self.gap(model, single) <= tolerance, "part \(rank): \(model) vs \(single)")
            #expect(model.weights == results[0].0.weights && model.bias == results[0].0.bias, "part \(rank)")
        }
    }

    @Test("weighted whitening: integer weights train as duplicated rows, and reach weighted least squares")
    func weighted() throws {
        let (x, y) = try Self.correlated(rows: 120)
        let weights = (0..<x.rows).map { Double($0 % 3) }   // 0, 1, 2
        var gd = GradientDescent<Double>(mode: .batch, epochs: 300)
        gd.preconditioning = .whitened
        gd.stopWhenConverged = false
        var weighted = LinearModel<Double>()
        let history = try gd.fit(&weighted, features: x, targets: y, weights: weights)
        #expect(history.whitened)
        var rows = [[Double]](), targets = [Double]()
        for i in 0..<x.rows { for _ in 0..<Int(weights[i]) { rows.append((0..<x.columns).map { x[i, $0] }); targets.append(y[i]) } }
        let duplicated = try Matrix<Double>(rows: rows.count, columns: x.columns, elements: rows.flatMap { $0 })
        var repeated = LinearModel<Double>()
        try gd.fit(&repeated, features: duplicated, targets: targets)
        #expect(Self.gap(weighted, repeated) <= 1e-9, "\(weighted) vs \(repeated)")
        let wls = try LeastSquares.solve(x, y, weights: weights).model
        #expect(Self.gap(weighted, wls) <= 1e-4, "\(weighted) vs \(wls)")
    }

    @Test("several targets whiten once and train as each target alone; whitened rows (several targets) and preconditioned gradients (one target) take the same steps",
          arguments: [BatchMode.batch, .miniBatch(size: 20)])
    func multiTarget(mode: BatchMode) throws {
        let (x, y) = try Self.correlated(rows: 200)
        let second = y.enumerated().map { 2 * $1 - Double($0 % 7) }
        let targets = try Matrix<Double>(rows: x.rows, columns: 2) { i, t in t == 0 ? y[i] : second[i] }
        var gd = GradientDescent<Double>(mode: mode, epochs: 40)
        gd.preconditioning = .whitened
        gd.stopWhenConverged = false
        gd.varianceReduction = .none   // several targets do not reduce variance yet
        var multi = MultiLinearModel<Double>()
        let history = try gd.fit(&multi, features: x, targets: targets)
        #expect(history.whitened)
        for (t, column) in [y, second].enumerated() {
            var alone = LinearModel<Double>()
            try gd.fit(&alone, features: x, targets: column)
            // Several targets multiply each block by U⁻¹; one target steps along U⁻¹U⁻ᵀg on the
            // standardised rows: the same steps, so they agree to the rounding of the two paths.
            #expect(Self.gap(multi.column(t), alone) <= 1e-9, "\(mode) target \(t): \(multi.column(t)) vs \(alone)")
        }
    }

    @Test("collinear and constant columns: the whitened fit predicts as the exact minimum-norm solution")
    func collinear() throws {
        let problem = RandomProblem<Double>(rows: 150, columns: 3, noise: 0.1)
        let x = try Matrix<Double>(rows: 150, columns: 5) { i, j in
            j < 3 ? problem.features[i, j] : j == 3 ? 2 * problem.features[i, 0] : 4.5
        }
        let exact = try LeastSquares.solve(x, problem.targets, method: .svd).model
        for mode in ConvergenceTests.modes {
            var model = LinearModel<Double>()
            let history = try GradientDescent<Double>(mode: mode).fit(&model, features: x, targets: problem.targets)
            #expect(history.whitened && model.weights.allSatisfy(\.isFinite))
            let mse = try model.meanSquaredError(features: x, targets: problem.targets)
            let best = try exact.meanSquaredError(features: x, targets: problem.targets)
            #expect(mse <= best * 1.01, "\(mode): MSE \(mse) vs \(best)")
        }
    }
}
