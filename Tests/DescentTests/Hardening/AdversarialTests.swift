import Synchronization
import Testing
import Descent

/// Counts what the adversarial suites tried, so the figure can be quoted.
final class Tally: Sendable {
    static let shared = Tally()
    private let counts = Mutex((tried: 0, errors: 0, verified: 0))
    func tried() { counts.withLock { $0.tried += 1 } }
    func error() { counts.withLock { $0.errors += 1 } }
    func verified() { counts.withLock { $0.verified += 1 } }
    var line: String {
        counts.withLock { "adversarial inputs tried: \($0.tried), typed errors raised: \($0.errors), results verified: \($0.verified)" }
    }
}

/// Runs one adversarial input: it must either throw a `DescentError` (checked by `expectError`
/// when given) or return a result that `verify` accepts. Anything else is a failure.
func attempt<R>(_ name: String, expectError: ((DescentError) -> Bool)? = nil,
                sourceLocation: SourceLocation = #_sourceLocation,
                _ body: () throws -> R, verify: (R) throws -> Bool = { _ in true }) {
    Tally.shared.tried()
    do {
        let result = try body()
        if expectError != nil {
            Issue.record("\(name): expected a typed error, got a result", sourceLocation: sourceLocation)
            return
        }
        do {
            if try verify(result) { Tally.shared.verified() } else {
                Issue.record("\(name): the result failed verification", sourceLocation: sourceLocation)
            }
        } catch {
            Issue.record("\(name): verification threw \(error)", sourceLocation: sourceLocation)
        }
    } catch let error as DescentError {
        Tally.shared.error()
        if let expectError, !expectError(error) {
            Issue.record("\(name): unexpected error \(error)", sourceLocation: sourceLocation)
        } else if expectError == nil, case .unsolvable = error {
            // An exact method may refuse a degenerate system; that is a typed answer too.
        } else if expectError == nil {
            Issue.record("\(name): unexpected error \(error)", sourceLocation: sourceLocation)
        }
    } catch {
        Issue.record("\(name): untyped error \(error)", sourceLocation: sourceLocation)
    }
}

extension LinearModel {
    var isFinite: Bool { weights.allSatisfy(\.isFinite) && bias.isFinite }
}

/// Least-squares optimality: the residual is orthogonal to every centred column (and sums to 0
/// with an intercept), to a tolerance scaled by the data.
func isLeastSquares<S: BLASScalar>(_ model: LinearModel<S>, _ x: Matrix<S>, _ y: [S], tolerance: Double) -> Bool {
    guard model.isFinite else { return false }
    let n = x.rows, d = x.columns
    var r = [Double](repeating: 0, count: n)
    var scale = 0.0
    for i in 0..<n {
        var p = Double(model.bias)
        for j in 0..<d { p += Double(x[i, j]) * Double(model.weights[j]); scale = Swift.max(scale, Swift.abs(Double(x[i, j]))) }
        r[i] = p - Double(y[i])
    }
    let rNorm = r.reduce(0) { $0 + $1 * $1 }.squareRoot()
    let yNorm = y.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
    let mean = r.reduce(0, +) / Double(n)
    guard Swift.abs(mean) <= tolerance * (yNorm + rNorm + 1) else { return false }
    for j in 0..<d {
        var g = 0.0
        for i in 0..<n { g += Double(x[i, j]) * r[i] }
        if Swift.abs(g) > tolerance * Double(n) * (scale + 1) * (rNorm + yNorm + 1) { return false }
    }
    return true
}

@Suite("Adversarial inputs", .serialized)
struct AdversarialTests {
    static let methods: [LeastSquares.Method] = [.automatic, .qr, .svd, .normalEquations]
    static let modes: [BatchMode] = [.batch, .miniBatch(size: 3), .stochastic]

    func everything<S: BLASScalar>(_ name: String, _ x: Matrix<S>, _ y: [S], expectError: ((DescentError) -> Bool)? = nil,
                                   predictError: ((DescentError) -> Bool)? = nil, solverUlps: Double = 8) {
        for method in Self.methods {
            attempt("\(name) \(S.self) \(method)", expectError: expectError,
                    { try LeastSquares.solve(x, y, method: method) },
                    verify: { isLeastSquares($0.model, x, y, tolerance: S.ulps(solverUlps)) })
        }
        for mode in Self.modes {
            attempt("\(name) \(S.self) \(mode)", expectError: expectError.map { check in { check($0) || isDivergence($0) } },
                    { try GradientDescent<S>(mode: mode, learningRate: 1e-3, epochs: 3).fit(features: x, targets: y) },
                    verify: { $0.model.isFinite && $0.history.losses.allSatisfy(\.isFinite) })
        }
        attempt("\(name) \(S.self) predict", expectError: predictError,
                { try LinearModel<S>(weights: [S](repeating: 1, count: x.columns)).predict(x) },
                verify: { $0.allSatisfy(\.isFinite) })
    }

    func isDivergence(_ error: DescentError) -> Bool { if case .diverged = error { true } else { false } }

    func shapes<S: BLASScalar>(_: S.Type) throws {
        everything("empty 0×0", try Matrix<S>(rows: 0, columns: 0, elements: []), [], expectError: { $0 == .noRows })
        everything("no rows 0×3", try Matrix<S>(rows: 0, columns: 3, elements: []), [], expectError: { $0 == .noRows })
        everything("no features 3×0", try Matrix<S>(rows: 3, columns: 0, elements: []), [1, 2, 3], expectError: { $0 == .noFeatures })
        everything("length mismatch", try Matrix<S>(rows: 3, columns: 1, elements: [1, 2, 3]), [1, 2],
                   expectError: { $0 == .targetCountMismatch(rows: 3, targets: 2) })
        // One row: only the minimum-norm answer exists; exact methods may refuse.
        everything("one row", try Matrix<S>(rows: 1, columns: 2, elements: [1, 2]), [3])
        // More features than rows.
        var random = RandomSource(seed: 5)
        let wide = try Matrix<S>(rows: 4, columns: 9) { _, _ in S(random.nextNormal()) }
        everything("4 × 9", wide, (0..<4).map { S($0) })
    }

    func nonFinite<S: BLASScalar>(_: S.Type) throws {
        for bad in [S.nan, .infinity, -.infinity] {
            for position in [0, 7, 11] {
                var elements = (0..<12).map { S($0 % 5) + S($0) / 7 }
                elements[position] = bad
                let x = try Matrix<S>(rows: 6, columns: 2, elements: elements)
                let located: (DescentError) -> Bool = { $0 == .nonFiniteValue(at: .features(row: position / 2, column: position % 2)) }
                everything("X[\(position)] = \(bad)", x, [1, 2, 3, 4, 5, 6], expectError: located, predictError: located)
                var y: [S] = [1, 2, 3, 4, 5, 6]
                y[position / 2] = bad
                everything("y[\(position / 2)] = \(bad)", try Matrix<S>(rows: 6, columns: 2, elements: (0..<12).map { S($0 * $0 % 7) }), y,
                           expectError: { $0 == .nonFiniteValue(at: .targets(index: position / 2)) })
            }
        }
    }

    func degenerate<S: BLASScalar>(_: S.Type) throws {
        var random = RandomSource(seed: 9)
        let base = (0..<20).map { _ in (S(random.nextNormal()), S(random.nextNormal())) }
        let y = base.map { 1 + 2 * $0.0 - $0.1 }
        // Constant column, duplicated column, exactly collinear column.
        let constant = try Matrix<S>(rows: 20, columns: 3) { i, j in j == 2 ? 5 : (j == 0 ? base[i].0 : base[i].1) }
        let duplicated = try Matrix<S>(rows: 20, columns: 3) { i, j in j == 1 ? base[i].1 : base[i].0 }
        let collinear = try Matrix<S>(rows: 20, columns: 3) { i, j in j == 0 ? base[i].0 : j == 1 ? base[i].1 : 2 * base[i].0 - base[i].1 }
        for (name, x) in [("constant column", constant), ("duplicated column", duplicated), ("collinear column", collinear)] {
            everything(name, x, y, solverUlps: 16)
            // .automatic never throws for rank deficiency and reports it.
            attempt("\(name) \(S.self) automatic rank", { try LeastSquares.solve(x, y) },
                    verify: { $0.rank == 2 && $0.method == .svd && $0.conditionEstimate == .infinity })
        }
    }

    /// Feature scales near each precision's limits (the last `Double` one is subnormal).
    static let extremeScales: [Precision: [Double]] = [
        .float32: [1e-30, 1e30, 1e37, 1e-38],
        .float64: [1e-150, 1e150, 1e300, 1e-300, Double.leastNormalMagnitude / 100],
    ]

    func extremeScales<S: BLASScalar>(_: S.Type, scales: [Double]) throws {
        var random = RandomSource(seed: 13)
        let raw = (0..<30).map { _ in (random.nextNormal(), random.nextNormal()) }
        for scale in scales {
            // y = 3 + 2·(x₀/scale) − (x₁/scale): the exact weights are (2/scale, −1/scale).
            let x = try Matrix<S>(rows: 30, columns: 2) { i, j in S((j == 0 ? raw[i].0 : raw[i].1) * scale) }
            let y = raw.map { S(3 + 2 * $0.0 - $0.1) }
            attempt("scale \(scale) \(S.self) automatic", { try LeastSquares.solve(x, y) }, verify: { solution in
                let w = solution.model.weights.map { Double($0) * scale }
                let tolerance = S.ulps(32)
                return Swift.abs(w[0] - 2) < tolerance && Swift.abs(w[1] + 1) < tolerance
                    && Swift.abs(Double(solution.model.bias) - 3) < tolerance
            })
            for method in [LeastSquares.Method.qr, .svd, .normalEquations] {
                attempt("scale \(scale) \(S.self) \(method)", { try LeastSquares.solve(x, y, method: method) },
                        verify: { $0.model.isFinite })
            }
            for mode in Self.modes {
                // Huge features diverge at this learning rate: a typed error with a finite model.
                attempt("scale \(scale) \(S.self) \(mode)",
                        { Result<(model: LinearModel<S>, history: FitHistory<S>), any Error> { try GradientDescent<S>(mode: mode, learningRate: 0.01, epochs: 5).fit(features: x, targets: y) }
                            .mapError { $0 as! DescentError } },
                        verify: { result in
                            switch result {
                            case let .success(fit): return fit.model.isFinite
                            case let .failure(error): return isDivergence(error)
                            }
                        })
            }
        }
    }

    /// 500 full-batch epochs at η = 0.05 on y = 2x: a convergence gap, not rounding.
    static let fullBatchGap = 1e-2

    func configurations<S: BLASScalar>(_: S.Type) throws {
        let x = try Matrix<S>(rows: 4, columns: 1, elements: [1, 2, 3, 4])
        let y: [S] = [2, 4, 6, 8]
        for rate in [0, -1, S.nan, .infinity, -.infinity, -.nan] {
            attempt("learning rate \(rate) \(S.self)", expectError: { if case .invalidLearningRate = $0 { true } else { false } },
                    { try GradientDescent<S>(learningRate: rate).fit(features: x, targets: y) })
        }
        for epochs in [0, -1, Int.min] {
            attempt("epochs \(epochs) \(S.self)", expectError: { $0 == .invalidEpochs(epochs) },
                    { try GradientDescent<S>(epochs: epochs).fit(features: x, targets: y) })
        }
        for size in [0, -3, Int.min] {
            attempt("batch size \(size) \(S.self)", expectError: { $0 == .invalidBatchSize(size) },
                    { try GradientDescent<S>(mode: .miniBatch(size: size)).fit(features: x, targets: y) })
        }
        attempt("batch size > n \(S.self)", { try GradientDescent<S>(mode: .miniBatch(size: Int.max), learningRate: 0.05, epochs: 500).fit(features: x, targets: y) },
                verify: { Swift.abs(Double($0.model.weights[0]) - 2) < Self.fullBatchGap })
        for mode in Self.modes {
            attempt("huge learning rate \(S.self) \(mode)", expectError: isDivergence,
                    { try GradientDescent<S>(mode: mode, learningRate: 1e6, epochs: 1000).fit(features: x, targets: y) })
        }
        attempt("negative loss threshold \(S.self)", expectError: { if case .invalidOption = $0 { true } else { false } },
                { try GradientDescent<S>(lossThreshold: -1).fit(features: x, targets: y) })
    }

    @Test("shapes, non-finite values, degenerate columns, extreme scales, bad configuration",
          arguments: Precision.allCases)
    func adversarial(_ precision: Precision) throws {
        try shapes(precision.scalar)
        try nonFinite(precision.scalar)
        try degenerate(precision.scalar)
        try extremeScales(precision.scalar, scales: try #require(Self.extremeScales[precision]))
        try configurations(precision.scalar)
    }

    /// Random shapes (degenerate ones included) through every mode and method, from a seed.
    func property<S: BLASScalar>(_: S.Type, cases: Int) throws {
        var random = RandomSource(seed: 2026)
        for k in 0..<cases {
            let n = Int(random.next(upperBound: UInt64(25))), d = Int(random.next(upperBound: UInt64(7)))
            let kind = random.next(upperBound: UInt64(4))
            let x = try Matrix<S>(rows: n, columns: d) { _, j in
                switch kind {
                case 0: S(random.nextNormal())
                case 1: j == 0 ? 1 : S(random.nextNormal())                 // a constant column
                case 2: S(Int(random.next(upperBound: UInt64(3))))           // few distinct values: rank deficient often
                default: S(random.nextNormal() * 1e3 + 1e4)                  // large offset
                }
            }
            let y = (0..<n).map { _ in S(random.nextNormal()) }
            let degenerate: (DescentError) -> Bool = { error in
                switch error {
                case .noRows, .noFeatures, .unsolvable, .diverged: true
                default: false
                }
            }
            for method in Self.methods {
                attempt("property \(k) \(n)×\(d) \(S.self) \(method)", expectError: nil,
                        { Result<LeastSquaresSolution<S>, any Error> { try LeastSquares.solve(x, y, method: method) }.mapError { $0 as! DescentError } },
                        verify: { result in
                            switch result {
                            case let .success(solution):
                                let tolerance = S.ulps(256)
                                return solution.rank < d || isLeastSquares(solution.model, x, y, tolerance: tolerance)
                            case let .failure(error): return degenerate(error)
                            }
                        })
            }
            for mode in Self.modes {
                attempt("property \(k) \(n)×\(d) \(S.self) \(mode)", expectError: nil,
                        { Result<(model: LinearModel<S>, history: FitHistory<S>), any Error> { try GradientDescent<S>(mode: mode, learningRate: 1e-3, epochs: 2, seed: UInt64(k)).fit(features: x, targets: y) }
                            .mapError { $0 as! DescentError } },
                        verify: { result in
                            switch result {
                            case let .success(fit): return fit.model.isFinite
                            case let .failure(error): return degenerate(error)
                            }
                        })
            }
        }
    }

    @Test("a seeded property test over random and degenerate shapes", arguments: Precision.allCases)
    func randomShapes(_ precision: Precision) throws {
        try property(precision.scalar, cases: 150)
        print(Tally.shared.line)
    }
}
