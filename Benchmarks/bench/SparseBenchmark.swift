import ArgumentParser
import Descent
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `bench --sparse`: Descent on sparse rows, on `SparseSyntheticData` (Zipf-distributed columns,
/// a known true model) in one precision.
///
/// - `sparse-batch-epoch`, `sparse-minibatch-epoch`, `sparse-stochastic-epoch` (and
///   `sparse-stochastic-epoch-l2`, the same with an L2 penalty): one epoch of plain SGD at a
///   constant rate, rows in a uniform random order (as scikit-learn's `shuffle=True`), each
///   repetition a `partialFit` of one epoch on the same model; the first epoch (from zeros) is the
///   warm-up and its model's mean squared error is reported (`mse_after_first_epoch`), so a peer's
///   one epoch can be checked to have done the same work.
/// - `sparse-lsmr`: `LeastSquares.lsmr` with an intercept to `--sparse-tolerance`, its iterations,
///   stop reason and norms, and its distance to the true model.
/// - `sparse-gram`: `LeastSquares.solve` on the non-zeros of the first `--sparse-gram-columns`
///   columns (the Gram path: one pass, a Cholesky factor, refinement passes), and
///   `sparse-gram-summary`: the solve and its HC1 summary, the sparse design's full statistics.
/// - `libsvm-write` and `libsvm-read`: the data written by `SparseDataset.writeLIBSVM` into a
///   folder, and read back by `SparseDataset(libsvmFile:)` from the page cache.
struct SparseBenchmark<S: BLASScalar> {
    let settings: Settings
    let sparse: SparseSettings
    let data: SparseSyntheticData
    /// The LIBSVM file written from `data`.
    let libsvmPath: String
    let features: SparseMatrix<S>
    let targets: [S]
    var precision: String { S.precisionName }
    /// Bytes of the CSR arrays (values, column indices and row offsets as Descent holds them).
    var csrBytes: Double {
        Double(features.nonzeros * (MemoryLayout<S>.size + MemoryLayout<Int>.size) + (features.rows + 1) * MemoryLayout<Int>.size)
    }

    init(settings: Settings, sparse: SparseSettings, data: SparseSyntheticData, libsvmPath: String) throws {
        self.settings = settings
        self.sparse = sparse
        self.data = data
        self.libsvmPath = libsvmPath
        let x = data.features
        features = S.self == Double.self
            ? x as! SparseMatrix<S>
            : try SparseMatrix(rows: x.rows, columns: x.columns, rowOffsets: x.rowOffsets, columnIndices: x.columnIndices,
                               values: x.values.map { S($0) })
        targets = data.targets.map { S($0) }
    }

    /// The epochs: name, mode, constant learning rate, penalty.
    static func epochs(_ settings: Settings, _ sparse: SparseSettings)
        -> [(name: String, mode: BatchMode, rate: Double, penalty: Penalty)] {
        [("sparse-batch-epoch", .batch, 0.1, .none),
         ("sparse-minibatch-epoch", .miniBatch(size: settings.batchSize), 0.01, .none),
         ("sparse-stochastic-epoch", .stochastic, stochasticRate(sparse), .none),
         ("sparse-stochastic-epoch-l2", .stochastic, stochasticRate(sparse), .l2(l2))]
    }

    /// The stochastic rate: `0.1 / k` for rows of about `k` unit-variance values (`‖x‖² ≈ k`), as
    /// the dense bench's `0.1 / d`; a step is stable below `1 / ‖x‖²`.
    static func stochasticRate(_ sparse: SparseSettings) -> Double { 0.1 / Double(sparse.draws) }

    /// The L2 penalty of `sparse-stochastic-epoch-l2`: `MSE + λ‖w‖²`, which is scikit-learn's
    /// `SGDRegressor(penalty="l2", alpha=λ)` objective doubled (its default alpha).
    static var l2: Double { 1e-4 }

    /// Runs every sparse benchmark `--only` leaves in (all without it).
    func run() throws -> [SparseMeasurement] {
        var results = [SparseMeasurement]()
        for (name, mode, rate, penalty) in Self.epochs(settings, sparse) where chosen(name) {
            results.append(try measureEpoch(name, mode: mode, rate: rate, penalty: penalty))
        }
        if chosen("sparse-lsmr") && !settings.skipSolvers { results.append(try measureLSMR()) }
        if chosen("sparse-gram") && !settings.skipSolvers { results += try measureGram() }
        if chosen("libsvm-read") { results.append(try measureRead()) }
        return results
    }

    /// Whether `--only` leaves `name` in; `sparse-stochastic-epoch` also selects its L2 twin.
    func chosen(_ name: String) -> Bool {
        guard let only = settings.only else { return true }
        let base = name == "sparse-stochastic-epoch-l2" ? "sparse-stochastic-epoch" : name
        return BenchmarkName(rawValue: base).map(only.contains) ?? false
    }

    /// A row of this precision and shape.
    func row(_ name: String, seconds: Double) -> SparseMeasurement {
        var row = SparseMeasurement(benchmark: name, precision: precision, rows: features.rows,
                                    columns: features.columns, nonzeros: features.nonzeros, seconds: seconds)
        row.memory(csrBytes: csrBytes)
        return row
    }

    /// A warm-up epoch from zeros (its model's MSE reported), then the median of `epochs − 1` more.
    ///
    /// Mini-batch and stochastic epochs whose cost per update grows with the columns (a step that
    /// touches every weight) would take hours at 2²⁰ columns; so two probe epochs on the first rows
    /// (1 % and 2 % of them, at least 1,000 rows or 8 batches) measure the cost per row, and when
    /// `epochs` epochs of all rows would pass `--sparse-epoch-budget`, the epochs are timed on the
    /// first rows that fit in it (`rows_timed`): rows/s and nonzeros/s are then those rows' rates, and the MSE after the
    /// first epoch is on them.
    func measureEpoch(_ name: String, mode: BatchMode, rate: Double, penalty: Penalty) throws -> SparseMeasurement {
        var gd = GradientDescent<S>(mode: mode, learningRate: S(rate), epochs: 1, seed: settings.seed, penalty: penalty)
        gd.shuffling = .uniform
        var timed = features.rows
        if mode != .batch && features.rows >= 2 {
            let batch = if case let .miniBatch(size) = mode { size } else { 1 }
            let probe = Swift.min(features.rows / 2, Swift.max(1000, 8 * batch, features.rows / 100))
            // Two probe epochs, on `probe` and `2·probe` rows: their difference is the cost of
            // `probe` rows without what a call costs once (buffers of d, validation).
            let (once, perRow) = try Progress.phase("\(precision) \(name) probes on \(probe) and \(2 * probe) rows") {
                let seconds = try [probe, 2 * probe].map { count in
                    let x = try features.rows(0..<count), y = Array(targets[0..<count])
                    var model = LinearModel<S>()
                    let start = ContinuousClock.now
                    try gd.partialFit(&model, features: x, targets: y)
                    return (ContinuousClock.now - start).seconds
                }
                let perRow = Swift.max(seconds[1] - seconds[0], 1e-3 * seconds[1]) / Double(probe)
                return (Swift.max(0, seconds[0] - perRow * Double(probe)), perRow)
            }
            let affordable = Int((sparse.epochBudget / Double(settings.epochs) - once) / perRow)
            timed = Swift.min(features.rows, Swift.max(probe, affordable))
        }
        let x = timed == features.rows ? features : try features.rows(0..<timed)
        let y = timed == features.rows ? targets : Array(targets[0..<timed])
        var firstMSE = 0.0
        let seconds = try Progress.phase("\(precision) \(name) ×\(settings.epochs) on \(timed) rows") {
            var model = LinearModel<S>()
            try gd.partialFit(&model, features: x, targets: y)
            firstMSE = try meanSquaredError(model, x, y)
            var times = [Double]()
            for _ in 1..<settings.epochs {
                let history = try gd.partialFit(&model, features: x, targets: y)
                times.append(history.elapsedSeconds.last ?? .nan)
            }
            return median(times)
        }
        var result = SparseMeasurement(benchmark: name, precision: precision, rows: timed, columns: x.columns,
                                       nonzeros: x.nonzeros, seconds: seconds)
        result.memory(csrBytes: csrBytes)
        result.extras += [("rows_timed", .int(timed)), ("rows_total", .int(features.rows)),
                          ("learning_rate", .number(rate)), ("penalty", .string(penalty.benchDescription)),
                          ("shuffling", .string("uniform")), ("mse_after_first_epoch", .number(firstMSE))]
        if case let .miniBatch(size) = mode { result.extras.append(("batch_size", .int(size))) }
        return result
    }

    /// The model's mean squared error on the whole data, in Double.
    func meanSquaredError(_ model: LinearModel<S>, _ features: SparseMatrix<S>, _ targets: [S]) throws -> Double {
        let predictions = try model.predict(features)
        var sum = 0.0
        for (p, y) in zip(predictions, targets) { sum += (Double(p) - Double(y)) * (Double(p) - Double(y)) }
        return sum / Double(targets.count)
    }

    /// One LSMR fit with an intercept (its first run timed: a fit is long enough), and how far it
    /// lands from the true model: the root mean square over all columns (the tail's columns, seen
    /// in a few rows, are damped towards 0), and the largest error on the 1,000 most frequent.
    func measureLSMR() throws -> SparseMeasurement {
        var fit: LSMRSolution<S>? = nil
        let seconds = try Progress.phase("\(precision) sparse-lsmr") {
            let start = ContinuousClock.now
            fit = try LeastSquares.lsmr(features, targets, intercept: true, damp: sparse.damp,
                                        tolerance: sparse.tolerance, maximumIterations: sparse.iterations)
            return (ContinuousClock.now - start).seconds
        }
        guard let fit else { throw ValidationError("sparse-lsmr did not run") }
        var result = row("sparse-lsmr", seconds: seconds)
        var squares = 0.0, head = 0.0
        for (j, w) in fit.model.weights.enumerated() {
            let error = Double(w) - data.weights[j]
            squares += error * error
            if j < 1000 { head = Swift.max(head, abs(error)) }
        }
        result.extras += [("damp", .number(sparse.damp)), ("tolerance", .number(sparse.tolerance)),
                          ("iterations", .int(fit.iterations)), ("stop_reason", .string("\(fit.stopReason)")),
                          ("istop", .int(fit.stopReason.rawValue)),
                          ("residual_norm", .number(fit.residualNorm)),
                          ("normal_residual_norm", .number(fit.normalResidualNorm)),
                          ("condition_estimate", .number(fit.conditionEstimate)),
                          ("weight_error_rms", .number((squares / Double(features.columns)).squareRoot())),
                          ("head_weight_error_max", .number(head)),
                          ("bias_error", .number(abs(Double(fit.model.bias) - data.bias)))]
        return result
    }

    /// The sparse Gram solve on the first `gramColumns` columns (its first run timed), with the
    /// method and refinement steps taken; and its HC1 summary.
    func measureGram() throws -> [SparseMeasurement] {
        let c = sparse.gramColumns
        var offsets = [0], columns = [Int](), values = [S]()
        for i in 0..<features.rows {
            for k in features.rowOffsets[i]..<features.rowOffsets[i + 1] where features.columnIndices[k] < c {
                columns.append(features.columnIndices[k])
                values.append(features.values[k])
            }
            offsets.append(columns.count)
        }
        let x = try SparseMatrix(rows: features.rows, columns: c, rowOffsets: offsets, columnIndices: columns, values: values)
        var fit: LeastSquaresSolution<S>? = nil
        let seconds = try Progress.phase("\(precision) sparse-gram on \(c) columns") {
            let start = ContinuousClock.now
            fit = try LeastSquares.solve(x, targets)
            return (ContinuousClock.now - start).seconds
        }
        guard let fit else { throw ValidationError("sparse-gram did not run") }
        var solve = SparseMeasurement(benchmark: "sparse-gram", precision: precision, rows: x.rows, columns: c,
                                      nonzeros: x.nonzeros, seconds: seconds)
        solve.memory(csrBytes: csrBytes)
        solve.extras += [("method", .string("\(fit.method)")), ("refinement_steps", .int(fit.refinementSteps)),
                         ("condition_estimate", .number(fit.conditionEstimate))]
        var r2 = 0.0
        let summarySeconds = try Progress.phase("\(precision) sparse-gram-summary (HC1)") {
            let start = ContinuousClock.now
            r2 = try fit.summary(features: x, targets: targets, covariance: .hc1).rSquared
            return (ContinuousClock.now - start).seconds
        }
        // A summary needs its fit: the row is what a user waits for, the solve and the summary.
        var summary = SparseMeasurement(benchmark: "sparse-gram-summary", precision: precision, rows: x.rows, columns: c,
                                        nonzeros: x.nonzeros, seconds: seconds + summarySeconds)
        summary.memory(csrBytes: csrBytes)
        summary.extras += [("covariance", .string("HC1")), ("summary_seconds", .number(summarySeconds)),
                           ("r_squared", .number(r2))]
        return [solve, summary]
    }

    /// `SparseDataset(libsvmFile:)` on the file (from the page cache): a warm-up, then the median of
    /// `epochs − 1` reads (at most 3); MB/s of the file.
    func measureRead() throws -> SparseMeasurement {
        let fileBytes = Double(try FileManager.default.attributesOfItem(atPath: libsvmPath)[.size] as? Int ?? 0)
        let seconds = try Progress.phase("\(precision) libsvm-read") {
            try time(repetitions: Swift.min(3, settings.epochs - 1)) {
                let read = try SparseDataset<S>(libsvmFile: libsvmPath)
                precondition(read.features.nonzeros == features.nonzeros)
            }
        }
        var result = row("libsvm-read", seconds: seconds)
        result.extras += [("file_mb", .number(fileBytes / 1e6)), ("mb_per_second", .number(fileBytes / 1e6 / seconds))]
        return result
    }
}

extension Penalty {
    /// `none` or `l2(λ)`, for the bench's rows.
    var benchDescription: String {
        switch self {
        case .none: "none"
        case let .l2(lambda): "l2(\(lambda))"
        case let .l1(lambda): "l1(\(lambda))"
        case let .elasticNet(lambda, ratio): "elasticNet(\(lambda), l1Ratio: \(ratio))"
        }
    }
}

/// A row of `bench --sparse`: the shape, the time, and what the benchmark adds.
struct SparseMeasurement {
    var benchmark: String
    var precision: String
    var rows: Int
    var columns: Int
    var nonzeros: Int
    var seconds: Double
    /// The members only some rows have, in print order.
    var extras: [(String, JSONValue)] = []

    var rowsPerSecond: Double { Double(rows) / seconds }
    var nonzerosPerSecond: Double { Double(nonzeros) / seconds }

    /// Adds the phase's peak resident memory and growth next to the CSR arrays' size, in MB.
    mutating func memory(csrBytes: Double) {
        guard let peak = Progress.lastPeakMegabytes, let growth = Progress.lastGrowthMegabytes else { return }
        extras += [("peak_rss_mb", .int(Int(peak.rounded()))), ("phase_growth_mb", .int(Int(growth.rounded()))),
                   ("csr_mb", .int(Int((csrBytes / 1_048_576).rounded())))]
    }
}

/// A member name of a row whose members vary (`SparseMeasurement`, `SparseConfigurationRow`).
struct RowKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension SparseMeasurement: JSONRow {
    var members: [(key: RowKey, value: JSONValue)] {
        ([("benchmark", .string(benchmark)), ("precision", .string(precision)), ("rows", .int(rows)),
          ("features", .int(columns)), ("nonzeros", .int(nonzeros)), ("seconds", .number(seconds)),
          ("samples_per_second", .number(rowsPerSecond)), ("nonzeros_per_second", .number(nonzerosPerSecond))]
            + extras).map { (RowKey(stringValue: $0.0), $0.1) }
    }
}

/// The first `--sparse --json` line: the data's shape and generation, the settings every row used
/// (what a peer needs to do the same work), the OpenBLAS build and threads.
struct SparseConfigurationRow: JSONRow {
    let settings: Settings
    let sparse: SparseSettings
    let data: SparseSyntheticData
    let generationSeconds: Double
    let folder: String

    var members: [(key: RowKey, value: JSONValue)] {
        let x = data.features
        let list: [(String, JSONValue)] = [
            ("benchmark", .string("sparse-configuration")), ("openblas_core", .string(BLASConfiguration.coreName)),
            ("threads", .int(BLASConfiguration.threads)), ("rows", .int(x.rows)), ("features", .int(x.columns)),
            ("nonzeros", .int(x.nonzeros)), ("draws_per_row", .int(sparse.draws)), ("zipf_exponent", .number(sparse.exponent)),
            ("seed", .unsigned(settings.seed)), ("epochs", .int(settings.epochs)), ("batch_size", .int(settings.batchSize)),
            ("batch_rate", .number(0.1)), ("minibatch_rate", .number(0.01)),
            ("stochastic_rate", .number(SparseBenchmark<Double>.stochasticRate(sparse))),
            ("l2", .number(SparseBenchmark<Double>.l2)), ("lsmr_damp", .number(sparse.damp)),
            ("lsmr_tolerance", .number(sparse.tolerance)), ("lsmr_iterations", .int(sparse.iterations)),
            ("gram_columns", .int(sparse.gramColumns)), ("generation_seconds", .number(generationSeconds)), ("files", .string(folder)),
        ]
        return list.map { (RowKey(stringValue: $0.0), $0.1) }
    }
}

/// The sparse rows as a table.
func sparseTable(_ rows: [SparseMeasurement]) throws -> String {
    func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let padding = String(repeating: " ", count: Swift.max(0, width - text.count))
        return right ? padding + text : text + padding
    }
    var lines = [pad("benchmark", 28) + pad("precision", 10) + pad("time", 11, right: true) + pad("rows/s", 11, right: true)
                 + pad("nonzeros/s", 12, right: true) + "  notes"]
    for r in rows {
        let time = r.seconds < 1 ? String(format: "%.2f ms", r.seconds * 1e3) : String(format: "%.3f s", r.seconds)
        let notes = try r.extras.map { "\($0.0)=\(try $0.1.text)" }.joined(separator: " ")
        lines.append(pad(r.benchmark, 28) + pad(r.precision, 10) + pad(time, 11, right: true)
                     + pad(engineering(r.rowsPerSecond), 11, right: true)
                     + pad(engineering(r.nonzerosPerSecond), 12, right: true) + "  " + notes)
    }
    return lines.joined(separator: "\n")
}

extension Bench {
    /// `--sparse`: generates the data, writes it as LIBSVM (and, for the peers, as npz and npy) into
    /// `--sparse-files` or a temporary folder, then runs each selected precision.
    func runSparse(_ sparse: SparseSettings, settings: Settings) throws {
        let start = ContinuousClock.now
        let data = try Progress.phase("generating \(sparse.rows) × \(sparse.columns) sparse data, \(sparse.draws) draws a row") {
            try SparseSyntheticData(rows: sparse.rows, columns: sparse.columns, nonzeros: sparse.draws,
                                    exponent: sparse.exponent, seed: settings.seed)
        }
        let generation = (ContinuousClock.now - start).seconds
        let folder = sparse.folder ?? NSTemporaryDirectory() + "descent-sparse-\(getpid())"
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw ValidationError("--sparse-files: cannot create the folder '\(folder)' (\(error.localizedDescription))")
        }
        defer { if sparse.folder == nil { try? FileManager.default.removeItem(atPath: folder) } }
        let path = folder + "/data.svm"
        let dataset = try SparseDataset(features: data.features, targets: data.targets)
        let writeStart = ContinuousClock.now
        try Progress.phase("writing \(path)") { try dataset.writeLIBSVM(to: path) }
        var write = SparseMeasurement(benchmark: "libsvm-write", precision: "float64", rows: sparse.rows,
                                      columns: sparse.columns, nonzeros: data.features.nonzeros,
                                      seconds: (ContinuousClock.now - writeStart).seconds)
        let fileBytes = Double(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0)
        write.extras = [("file_mb", .number(fileBytes / 1e6)), ("mb_per_second", .number(fileBytes / 1e6 / write.seconds))]
        if sparse.folder != nil {
            try Progress.phase("writing X.npz, y.npy, truth.npy for the peers") {
                try data.features.writeNPZ(to: folder + "/X.npz")
                try data.targets.writeNPY(to: folder + "/y.npy")
                try (data.weights + [data.bias]).writeNPY(to: folder + "/truth.npy")
            }
        }
        var generate = SparseMeasurement(benchmark: "sparse-generate", precision: "float64", rows: sparse.rows,
                                         columns: sparse.columns, nonzeros: data.features.nonzeros, seconds: generation)
        generate.extras = [("zipf_exponent", .number(sparse.exponent)), ("draws_per_row", .int(sparse.draws))]
        var rows = [generate, write] + measureSparseStreamRead(data.features, settings: settings)
        if precision != .float32 {
            rows += try SparseBenchmark<Double>(settings: settings, sparse: sparse, data: data, libsvmPath: path).run()
        }
        if precision != .float64 {
            rows += try SparseBenchmark<Float>(settings: settings, sparse: sparse, data: data, libsvmPath: path).run()
        }
        if json {
            print(try SparseConfigurationRow(settings: settings, sparse: sparse, data: data, generationSeconds: generation,
                                             folder: folder).jsonLine())
            for row in rows { print(try row.jsonLine()) }
        } else {
            let x = data.features
            print("""
                Descent bench --sparse: \(x.rows) rows × \(x.columns) columns, \(x.nonzeros) nonzeros \
                (\(String(format: "%.1f", Double(x.nonzeros) / Double(x.rows))) a row; Zipf s = \(sparse.exponent)), \
                seed \(settings.seed), \(settings.epochs) epochs per mode (median after a warm-up)
                OpenBLAS core: \(BLASConfiguration.coreName), threads: \(BLASConfiguration.threads)
                """)
            print(try sparseTable(rows))
        }
    }
}

extension Bench {
    /// `stream-read` and `stream-read-one-thread`: the median of `--epochs` streaming reads of the
    /// CSR values and column indices (what every epoch and product reads at least once), on all
    /// threads and on one — the host's read speed at the time of the run, so that a reader can tell
    /// a slow hour from a fast one.
    func measureSparseStreamRead(_ x: SparseMatrix<Double>, settings: Settings) -> [SparseMeasurement] {
        x.values.withUnsafeBytes { values in
            x.columnIndices.withUnsafeBytes { indices in
                [(SparseBenchmarkNames.streamRead, BLASConfiguration.threads), (SparseBenchmarkNames.streamReadOneThread, 1)]
                    .map { name, threads in
                        let reads = [StreamRead(bytes: values, threads: threads), StreamRead(bytes: indices, threads: threads)]
                        let seconds = Progress.phase("sparse \(name) ×\(settings.epochs)") {
                            median((0..<Swift.max(2, settings.epochs)).map { _ in reads.map { $0.time() }.reduce(0, +) })
                        }
                        let bytes = Double(values.count + indices.count)
                        var row = SparseMeasurement(benchmark: name, precision: "float64", rows: x.rows, columns: x.columns,
                                                    nonzeros: x.nonzeros, seconds: seconds)
                        row.extras = [("gb_per_second", .number(bytes / seconds / 1e9)), ("threads", .int(threads))]
                        return row
                    }
            }
        }
    }
}

/// The sparse bench's reference rows.
enum SparseBenchmarkNames {
    static let streamRead = "stream-read"
    static let streamReadOneThread = "stream-read-one-thread"
}
