import Descent
import Foundation

/// Synthetic data `X ~ N(0, 1)`, `y = Xw + b + 0.1·noise`, in one precision.
struct Workload<S: BLASScalar> {
    let options: Options
    let features: Matrix<S>
    let targets: [S]
    let rows: Int
    let columns: Int
    var bytes: Double { Double(rows * columns * MemoryLayout<S>.size) }
    var precision: String { S.precisionName }

    init(options: Options, data: SyntheticData) throws {
        self.options = options
        rows = data.rows
        columns = data.columns
        features = try Matrix(rows: rows, columns: columns, elements: data.x.map { S($0) })
        targets = data.y.map { S($0) }
    }

    func selected(_ name: String) -> Bool { options.only?.contains(name) ?? true }

    func measurement(_ name: String, _ seconds: Double, readOnce: Double?,
                     extra: [(String, String)] = []) -> Measurement {
        // Peak memory of the phase just run, next to the size of X, so a copy of X would show.
        var memory: [(String, String)] = []
        if let peak = Progress.lastPeakMegabytes, let growth = Progress.lastGrowthMegabytes {
            memory = [("peak_rss_mb", String(format: "%.0f", peak)), ("phase_growth_mb", String(format: "%.0f", growth)),
                      ("x_mb", String(format: "%.0f", bytes / 1_048_576))]
        }
        return Measurement(benchmark: name, precision: precision, rows: rows, features: columns, seconds: seconds,
                           bytes: bytes, readOnceSeconds: readOnce, extra: extra + memory)
    }

    /// The learning rate each mode trains with: stable on standard-normal features.
    func learningRate(_ mode: BatchMode) -> S {
        switch mode {
        case .batch: 0.1
        case .miniBatch: 0.01
        case .stochastic: S(0.1 / Double(columns))
        }
    }

    func run() throws -> [Measurement] {
        var results = [Measurement]()
        let epochs = options.epochs

        // 1. The machine's own reference: one streaming pass over X (gemv, no transpose).
        let readOnce = try Progress.phase("\(precision) read-once") {
            var out = [S](repeating: 0, count: rows)
            let w = [S](repeating: 1, count: columns)
            return try time(repetitions: epochs) { try features.multiply(w, into: &out) }
        }
        results.append(measurement("read-once", readOnce, readOnce: readOnce))

        // 2. One epoch of each mode: the median epoch time the training loop itself records,
        //    after a warm-up epoch (input validation, done once per fit, is not part of an epoch).
        let modes: [(String, BatchMode)] = [("batch-epoch", .batch), ("minibatch-epoch", .miniBatch(size: options.batchSize)),
                                            ("stochastic-epoch", .stochastic)]
        // The default shuffling (blocks), then the exact uniform permutation for comparison.
        let epochRuns = modes.map { ($0.0, $0.1, Shuffling.blocks) }
            + modes.dropFirst().map { ($0.0 + "-uniform", $0.1, Shuffling.uniform) }
        for (name, mode, shuffling) in epochRuns where selected(name) {
            let seconds = try Progress.phase("\(precision) \(name) ×\(epochs)") {
                var model = LinearModel<S>()
                var gd = GradientDescent<S>(mode: mode, learningRate: learningRate(mode), epochs: epochs,
                                            seed: options.seed)
                gd.shuffling = shuffling
                let history = try gd.fit(&model, features: features, targets: targets)
                let times = zip(history.elapsedSeconds.dropFirst(), history.elapsedSeconds).map { $0 - $1 }
                return median(times)
            }
            results.append(measurement(name, seconds, readOnce: readOnce,
                                       extra: mode == .batch ? [] : [("shuffling", quote(shuffling.description))]))
        }

        // 3. The same epochs as naive scalar loops.
        for (name, mode) in modes where selected("naive-" + name) {
            let batch = switch mode {
            case .batch: rows
            case let .miniBatch(size): size
            case .stochastic: 1
            }
            let seconds = Progress.phase("\(precision) naive-\(name)") {
                var random = RandomSource(seed: options.seed)
                var order = Array(0..<rows)
                var w = [S](repeating: 0, count: columns), b = S.zero
                return features.withUnsafeBufferPointer { x in
                    targets.withUnsafeBufferPointer { y in
                        time(repetitions: 2) {
                            if batch < rows { random.shuffle(&order) }
                            Naive.epoch(x, y, columns: columns, order: order, batchSize: batch,
                                        learningRate: learningRate(mode), weights: &w, bias: &b)
                        }
                    }
                }
            }
            results.append(measurement("naive-\(name)", seconds, readOnce: readOnce))
        }

        // 4. The exact solvers.
        var exact: LeastSquaresSolution<S>? = nil
        if !options.skipSolvers {
            let methods: [(String, LeastSquares.Method)] = [("normal-equations", .normalEquations), ("qr", .qr),
                                                            ("svd", .svd), ("automatic", .automatic)]
            for (name, method) in methods where selected(name) {
                var solution: LeastSquaresSolution<S>? = nil
                let seconds = try Progress.phase("\(precision) \(name)") {
                    try time(repetitions: method == .qr || method == .svd ? 1 : 3) {
                        solution = try LeastSquares.solve(features, targets, method: method)
                    }
                }
                if method == .automatic { exact = solution }
                results.append(measurement(name, seconds, readOnce: readOnce, extra: [
                    ("method_used", quote(solution!.method.description)),
                    ("condition", number(solution!.conditionEstimate)),
                ]))
            }
        }

        // 5. Agreement: each mode trained to convergence against the exact solution.
        if !options.skipAgreement && selected("agreement") {
            let reference = try exact ?? LeastSquares.solve(features, targets)
            for (name, mode) in modes {
                let label = name.replacingOccurrences(of: "-epoch", with: "")
                var seconds = 0.0
                let check = try Progress.phase("\(precision) agreement \(label)") {
                    var model = LinearModel<S>()
                    // A constant step leaves stochastic iterates in a noise ball of radius ~ η·σ;
                    // stepping η down by 10× per stage shrinks it, as a schedule would.
                    let stages: [(S, Int)] = switch mode {
                    case .batch: [(0.5, 200)]
                    case .miniBatch: [(0.05, 2), (0.005, 2), (0.0005, 2)]
                    case .stochastic: [(learningRate(mode), 1), (learningRate(mode) / 10, 1), (learningRate(mode) / 100, 1)]
                    }
                    for (rate, epochs) in stages {
                        let history = try GradientDescent<S>(mode: mode, learningRate: rate, epochs: epochs,
                                                             seed: options.seed,
                                                             lossThreshold: mode == .batch ? reference.model.meanSquaredError(features: features, targets: targets) * (1 + 1e-9) : nil)
                            .fit(&model, features: features, targets: targets)
                        seconds += history.elapsedSeconds.last ?? 0
                    }
                    return try LeastSquares.verify(model, against: reference, features: features, targets: targets)
                }
                results.append(measurement("agreement", seconds, readOnce: readOnce, extra: [
                    ("mode", quote(label)),
                    ("max_weight_error", number(Swift.max(check.maxWeightDifference, check.biasDifference))),
                    ("relative_mse_gap", number(check.relativeMSEGap)),
                ]))
            }
        }
        return results
    }
}

/// The data, generated once in `Double` (and rounded for `Float`): seeded, and the same with any
/// number of threads because every chunk of rows has its own stream.
struct SyntheticData: @unchecked Sendable {
    let rows: Int
    let columns: Int
    let x: [Double]
    let y: [Double]
    let weights: [Double]
    let bias: Double

    init(rows: Int, columns: Int, seed: UInt64) {
        self.rows = rows
        self.columns = columns
        var random = RandomSource(seed: seed)
        weights = (0..<columns).map { _ in random.nextNormal() }
        bias = random.nextNormal()
        let chunk = 4096
        let chunks = (rows + chunk - 1) / chunk
        var x = [Double](repeating: 0, count: rows * columns)
        var y = [Double](repeating: 0, count: rows)
        let w = weights, b = bias
        x.withUnsafeMutableBufferPointer { xs in
            y.withUnsafeMutableBufferPointer { ys in
                let out = UnsafeSendable(xs: xs, ys: ys)
                DispatchQueue.concurrentPerform(iterations: chunks) { c in
                    var random = RandomSource(seed: seed &+ 0x9E37_79B9 &* UInt64(c + 1))
                    for i in (c * chunk)..<Swift.min(rows, (c + 1) * chunk) {
                        var target = b
                        var j = 0
                        while j < columns {
                            let (first, second) = random.nextNormalPair()
                            for v in [first, second] where j < columns {
                                out.xs[i * columns + j] = v
                                target += w[j] * v
                                j += 1
                            }
                        }
                        let noise = random.nextNormal()
                        out.ys[i] = target + 0.1 * noise
                    }
                }
            }
        }
        self.x = x
        self.y = y
    }
}

struct UnsafeSendable: @unchecked Sendable {
    let xs: UnsafeMutableBufferPointer<Double>
    let ys: UnsafeMutableBufferPointer<Double>
}
