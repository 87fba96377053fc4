import Descent
import Foundation

/// The bench's benchmarks in one precision, on the synthetic data rounded to `S`.
struct Workload<S: BLASScalar> {
    let settings: Settings
    let data: SyntheticData
    let features: Matrix<S>
    let targets: [S]
    let rows: Int
    let columns: Int
    var bytes: Double { Double(rows * columns * MemoryLayout<S>.size) }
    var precision: String { S.precisionName }

    init(settings: Settings, data: SyntheticData) throws {
        self.settings = settings
        self.data = data
        rows = data.rows
        columns = data.columns
        // Built in place, as a user building a large matrix would: on huge pages (`HugePages`).
        let x = data.x
        features = try Matrix(rows: rows, columns: columns, initializingWith: { out in
            for i in out.indices { out[i] = S(x[i]) }
        })
        targets = data.y.map { S($0) }
    }

    /// A measurement of the phase just run from its interleaved timings, with its peak memory next
    /// to the size of X, so that a copy of X would show.
    func measurement(_ name: BenchmarkName, _ times: PairedTimes, readOnce: Double?) -> Measurement {
        var result = Measurement(benchmark: name, precision: precision, rows: rows, features: columns,
                                 seconds: times.seconds, bytes: bytes, readOnceSeconds: readOnce)
        result.pair(times)
        if let peak = Progress.lastPeakMegabytes, let growth = Progress.lastGrowthMegabytes {
            func whole(_ megabytes: Double) -> Int { Int(megabytes.rounded(.toNearestOrEven)) }
            result.memory = (whole(peak), whole(growth), whole(bytes / 1_048_576))
        }
        return result
    }

    /// The learning rate each mode trains with: stable on standard-normal features.
    func learningRate(_ mode: BatchMode) -> S {
        switch mode {
        case .batch: 0.1
        case .miniBatch: 0.01
        case .stochastic: S(0.1 / Double(columns))
        }
    }

    /// A training mode and the names of its benchmarks.
    struct Mode {
        let mode: BatchMode
        /// Its name in agreement rows.
        let label: String
        let epoch: BenchmarkName
        /// The epoch with a uniform row permutation (nil for full batch, which does not shuffle).
        let uniformEpoch: BenchmarkName?
        let naiveEpoch: BenchmarkName
    }

    var modes: [Mode] {
        [Mode(mode: .batch, label: "batch", epoch: .batchEpoch, uniformEpoch: nil, naiveEpoch: .naiveBatchEpoch),
         Mode(mode: .miniBatch(size: settings.batchSize), label: "minibatch", epoch: .minibatchEpoch,
              uniformEpoch: .minibatchEpochUniform, naiveEpoch: .naiveMinibatchEpoch),
         Mode(mode: .stochastic, label: "stochastic", epoch: .stochasticEpoch,
              uniformEpoch: .stochasticEpochUniform, naiveEpoch: .naiveStochasticEpoch)]
    }

    /// Runs every selected benchmark, in `BenchmarkName` order, each repetition right after a
    /// streaming read of X (`StreamPairing`); the stream-read row comes first and summarises every
    /// read the run made.
    func run() throws -> [Measurement] {
        try paired { pairing, readOnce in
            var results = try measureEpochs(pairing, readOnce: readOnce)
            results += try measureWhitenedEpochs(pairing, readOnce: readOnce)
            results += measureNaiveEpochs(pairing, readOnce: readOnce)
            results += try measureFitCall(pairing, readOnce: readOnce)
            var exact: LeastSquaresSolution<S>? = nil
            if !settings.skipSolvers {
                results += try measureSolvers(pairing, readOnce: readOnce, automatic: &exact)
                results += try measureSummary(pairing, readOnce: readOnce)
                results += try Self.measureIllConditioned(settings: settings, data: data, pairing: pairing,
                                                            readOnce: readOnce)
            }
            if !settings.skipAgreement && settings.selected(.agreement) {
                results += try measureAgreement(pairing, readOnce: readOnce,
                                                reference: exact ?? LeastSquares.solve(features, targets))
            }
            results += try measureRobustEpochs(pairing, readOnce: readOnce)
            if settings.exactOnMain || settings.mainIsSmall {
                results += try measureRobustExact(pairing, readOnce: readOnce, repetitions: settings.mainIsSmall ? 3 : 1)
            }
            results += try measurePenaltyPaths(pairing, readOnce: readOnce)
            return results
        }
    }

    /// The robust benchmarks alone, on the small shape, with its own streaming read and read-once.
    func runRobust() throws -> [Measurement] {
        try paired { pairing, readOnce in
            try measureRobustEpochs(pairing, readOnce: readOnce)
                + measureRobustExact(pairing, readOnce: readOnce, repetitions: 3)
        }
    }

    /// The streaming-read reference around `body`: the pairing of X's streaming read, the
    /// read-once row, then `body`'s rows (given the pairing and the read-once seconds), and the
    /// stream-read row first, summarising every read the run made.
    func paired(_ body: (StreamPairing, Double) throws -> [Measurement]) throws -> [Measurement] {
        try features.withUnsafeBufferPointer { x in
            let pairing = StreamPairing(read: StreamRead(bytes: UnsafeRawBufferPointer(x),
                                                         threads: BLASConfiguration.threads))
            let alone = Progress.phase("\(precision) stream-read ×\(settings.epochs)") {
                pairing.alone(repetitions: settings.epochs)
            }
            let readOnce = try measureReadOnce(pairing)
            var results = [measurement(.readOnce, readOnce, readOnce: readOnce.seconds)]
            results += try body(pairing, readOnce.seconds)
            var stream = Measurement(benchmark: .streamRead, precision: precision, rows: rows, features: columns,
                                     seconds: median(pairing.allReads), bytes: bytes,
                                     readOnceSeconds: readOnce.seconds)
            stream.pair(PairedTimes(stream: alone, workload: alone))
            stream.seconds = median(pairing.allReads)
            stream.streamRange = (pairing.allReads.min() ?? 0, pairing.allReads.max() ?? 0)
            return [stream] + results
        }
    }

    /// The older reference: one pass over X as a `gemv` (no transpose).
    func measureReadOnce(_ pairing: StreamPairing) throws -> PairedTimes {
        try Progress.phase("\(precision) read-once") {
            var out = [S](repeating: 0, count: rows)
            let w = [S](repeating: 1, count: columns)
            return try pairing.interleave(repetitions: settings.epochs) {
                try features.multiply(w, into: &out)
                return nil
            }
        }
    }

    /// One epoch of each mode, each repetition a `partialFit` of one epoch on the same model (so
    /// no training thread is alive while the streaming read runs), timed as the training loop
    /// itself records the epoch (input validation, done once per call, is not part of it), after
    /// a warm-up epoch. The default shuffling (blocks) first, then the exact uniform permutation
    /// for comparison.
    func measureEpochs(_ pairing: StreamPairing, readOnce: Double) throws -> [Measurement] {
        let runs = modes.map { ($0.epoch, $0.mode, Shuffling.blocks) }
            + modes.compactMap { mode in mode.uniformEpoch.map { ($0, mode.mode, Shuffling.uniform) } }
        var results = [Measurement]()
        let oneThread = StreamRead(bytes: pairing.read.bytes, threads: 1)
        for (name, mode, shuffling) in runs where settings.selected(name) {
            // `stochastic-epoch` also reads X on one thread before each repetition (untimed in it).
            let againstOneThread = name == .stochasticEpoch
            // A mini-batch on two threads: the hand-over's round trip right before each repetition.
            let pairs = if case .miniBatch = mode { BLASConfiguration.threads > 1 } else { false }
            var oneThreadReads = [Double](), roundTrips = [Double]()
            let times = try Progress.phase("\(precision) \(name.rawValue) ×\(settings.epochs)") {
                var model = LinearModel<S>()
                var gd = GradientDescent<S>(mode: mode, learningRate: learningRate(mode), epochs: 1,
                                            seed: settings.seed)
                gd.shuffling = shuffling
                return try pairing.interleave(repetitions: settings.epochs - 1) {
                    if againstOneThread { oneThreadReads.append(oneThread.time()) }
                    if pairs, let trip = HandOverProbe.roundTripNanoseconds() { roundTrips.append(trip) }
                    return try gd.partialFit(&model, features: features, targets: targets).elapsedSeconds.last
                }
            }
            var result = measurement(name, times, readOnce: readOnce)
            if mode != .batch { result.shuffling = shuffling.description }
            if !roundTrips.isEmpty { result.handOverRoundTrip = median(roundTrips) }
            if againstOneThread {
                let reads = Array(oneThreadReads.suffix(times.workload.count))   // the warm-up's read dropped
                result.ratioToOneThreadRead = median(zip(times.workload, reads).map { $0 / $1 })
                var row = Measurement(benchmark: .streamReadOneThread, precision: precision, rows: rows,
                                      features: columns, seconds: median(reads), bytes: bytes, readOnceSeconds: readOnce)
                row.streamRange = (reads.min() ?? 0, reads.max() ?? 0)
                results.append(row)
            }
            results.append(result)
        }
        return results
    }

    /// The same epochs as naive scalar loops (`Naive`), two timed after a warm-up.
    func measureNaiveEpochs(_ pairing: StreamPairing, readOnce: Double) -> [Measurement] {
        var results = [Measurement]()
        for mode in modes where settings.selected(mode.naiveEpoch) {
            let batch = switch mode.mode {
            case .batch: rows
            case let .miniBatch(size): size
            case .stochastic: 1
            }
            let times = Progress.phase("\(precision) \(mode.naiveEpoch.rawValue)") {
                var random = RandomSource(seed: settings.seed)
                var order = Array(0..<rows)
                var w = [S](repeating: 0, count: columns), b = S.zero
                return features.withUnsafeBufferPointer { x in
                    targets.withUnsafeBufferPointer { y in
                        pairing.interleave(repetitions: 2) {
                            if batch < rows { random.shuffle(&order) }
                            Naive.epoch(x, y, columns: columns, order: order, batchSize: batch,
                                        learningRate: learningRate(mode.mode), weights: &w, bias: &b)
                            return nil
                        }
                    }
                }
            }
            results.append(measurement(mode.naiveEpoch, times, readOnce: readOnce))
        }
        return results
    }

    /// The exact solvers; `automatic` receives the automatic method's solution where it ran.
    func measureSolvers(_ pairing: StreamPairing, readOnce: Double,
                        automatic: inout LeastSquaresSolution<S>?) throws -> [Measurement] {
        let methods: [(BenchmarkName, LeastSquares.Method)] = [(.normalEquations, .normalEquations), (.qr, .qr),
                                                               (.svd, .svd), (.automatic, .automatic)]
        var results = [Measurement]()
        for (name, method) in methods where settings.selected(name) {
            var solution: LeastSquaresSolution<S>? = nil
            let times = try Progress.phase("\(precision) \(name.rawValue)") {
                try pairing.interleave(repetitions: 3) {
                    solution = try LeastSquares.solve(features, targets, method: method)
                    return nil
                }
            }
            guard let solution else { continue }  // time() runs its body at least once
            if method == .automatic { automatic = solution }
            var result = measurement(name, times, readOnce: readOnce)
            result.methodUsed = solution.method.description
            result.condition = solution.conditionEstimate
            result.refinementSteps = solution.refinementSteps
            results.append(result)
        }
        return results
    }

    /// Agreement: each mode trained to convergence against the exact solution `reference`.
    /// Each is one run, paired with the streaming read just before it.
    func measureAgreement(_ pairing: StreamPairing, readOnce: Double,
                          reference: LeastSquaresSolution<S>) throws -> [Measurement] {
        var results = [Measurement]()
        for mode in modes {
            var check: Verification<S>? = nil
            let times = try Progress.phase("\(precision) agreement \(mode.label)") {
                try pairing.interleave(repetitions: 1, warmUp: false) {
                    var model = LinearModel<S>()
                    let rate = learningRate(mode.mode)
                    // A constant step leaves stochastic iterates in a noise ball of radius ~ η·σ;
                    // stepping η down by 10× per stage shrinks it, as a schedule would.
                    let stages: [(S, Int)] = switch mode.mode {
                    case .batch: [(0.5, 200)]
                    case .miniBatch: [(0.05, 2), (0.005, 2), (0.0005, 2)]
                    case .stochastic: [(rate, 1), (rate / 10, 1), (rate / 100, 1)]
                    }
                    // Full batch stops once it is as good as the exact solution (to 1e-9 relative, or
                    // to 8 ulps in Float, where 1 + 1e-9 rounds to 1).
                    let slack = S(Swift.max(1e-9, 8 * Double(S.ulpOfOne)))
                    let threshold: S? = try mode.mode == .batch
                        ? reference.model.meanSquaredError(features: features, targets: targets) * (1 + slack) : nil
                    var seconds = 0.0
                    for (rate, epochs) in stages {
                        let history = try GradientDescent<S>(mode: mode.mode, learningRate: rate, epochs: epochs,
                                                             seed: settings.seed, lossThreshold: threshold)
                            .fit(&model, features: features, targets: targets)
                        seconds += history.elapsedSeconds.last ?? 0
                    }
                    check = try LeastSquares.verify(model, against: reference, features: features, targets: targets)
                    return seconds
                }
            }
            guard let check else { continue }
            var result = measurement(.agreement, times, readOnce: readOnce)
            result.mode = mode.label
            result.maxWeightError = Swift.max(check.maxWeightDifference, check.biasDifference)
            result.relativeMSEGap = check.relativeMSEGap
            results.append(result)
        }
        return results
    }
}
