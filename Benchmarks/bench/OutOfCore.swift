import ArgumentParser
import Descent
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `bench --out-of-core DIR`: the synthetic data written as `X.npy` and `y.npy` in `DIR`, then
/// read back as a ``StreamingDataset``: a plain sequential read of the files (the reference: what
/// the disk or page cache gives), a visit of every chunk with no arithmetic, a streamed epoch of
/// each mode and the streamed exact solvers; in turn with them, round by round, the same epochs and
/// solvers in memory (when X takes at most a third of the machine's memory). Each phase reports its peak resident
/// memory and its growth. The files are removed at the end (unless `--keep-files`). `--only`
/// picks epochs and solvers by the in-memory bench's names (`batch-epoch`, `normal-equations`…).
struct OutOfCoreBenchmark<S: BLASScalar> {
    let settings: Settings
    let folder: String
    /// Whether to leave the files in `folder`.
    var keepFiles = false
    /// One chunk buffer's size.
    var chunkBytes = StreamingDataset<S>.defaultChunkBytes
    /// Whether the stream maps its files (``StreamingDataset/isMapped``) or reads them with `pread`.
    var mapped = true
    var xPath: String { folder + "/X-\(S.precisionName).npy" }
    var yPath: String { folder + "/y-\(S.precisionName).npy" }
    var precision: String { S.precisionName }
    /// Bytes of X.
    var bytes: Double { Double(settings.rows * settings.features * MemoryLayout<S>.size) }

    /// Writes the files, runs every phase, removes the files.
    func run() throws -> [OutOfCoreMeasurement] {
        let written = try Progress.phase("\(precision) writing \(settings.rows) × \(settings.features) to \(folder)") {
            try measureSeconds { try write() }
        }
        defer {
            if !keepFiles {
                unlink(xPath)
                unlink(yPath)
            }
        }
        var results = [measurement("ooc-write", source: "file", written)]
        let read = try Progress.phase("\(precision) sequential read") {
            try time(repetitions: Swift.max(1, settings.epochs - 1)) { try sequentialRead() }
        }
        results.append(measurement("ooc-sequential-read", source: "file", read))
        if S.self == Float.self {
            // The float32 file widened into a Matrix<Double>: a conversion, not a mapping.
            let widened = try Progress.phase("float32 file into Matrix<Double>") {
                try measureSeconds {
                    let widened = try Matrix<Double>(npyFile: xPath)
                    precondition(widened.rows == settings.rows)
                }
            }
            results.append(measurement("ooc-npy-f32-into-f64", source: "file", widened))
        }
        let stream = try StreamingDataset<S>(npyFeatures: xPath, targets: yPath, chunkBytes: chunkBytes, mapped: mapped)
        let visit = try Progress.phase("\(precision) streamed visit") {
            try time(repetitions: Swift.max(1, settings.epochs - 1)) {
                var sum = S.zero
                try stream.forEachChunk { sum += $0.targets[0] }
                precondition(sum.isFinite)
            }
        }
        results.append(measurement("ooc-stream-visit", source: "stream", visit))
        // In memory too, where X fits comfortably: each streamed figure in turn with its twin.
        let memoryBytes = Double(sysconf(Int32(_SC_PHYS_PAGES))) * Double(sysconf(Int32(_SC_PAGESIZE)))
        let data = bytes <= memoryBytes / 3 ? try Progress.phase("\(precision) loading into memory") {
            let x = try Matrix<S>(npyFile: xPath)
            return (x: Matrix<S>(copying: x), y: try Matrix<S>(npyFile: yPath).elements)
        } : nil
        var streamed = [OutOfCoreMeasurement](), twins = [OutOfCoreMeasurement]()
        for (name, mode) in modes where chosen(name + "-epoch") {
            let rows = try inTurn("ooc-\(name)-epoch", rounds: data == nil ? 1 : Self.rounds, warmUp: false, streamed: {
                try epochSeconds(mode) { gd, model in try gd.fit(&model, from: stream) }
            }, inMemory: data.map { data in {
                try epochSeconds(mode) { gd, model in try gd.fit(&model, features: data.x, targets: data.y) }
            } })
            streamed.append(rows[0])
            twins += rows.dropFirst()
        }
        if !settings.skipSolvers {
            for (name, method) in methods where chosen(name) {
                var used = ""
                var rows = try inTurn("ooc-\(name)", rounds: Self.solverRepetitions, warmUp: true, streamed: {
                    try measureSeconds { used = try LeastSquares.solve(from: stream, method: method).method.description }
                }, inMemory: data.map { data in {
                    try measureSeconds { _ = try LeastSquares.solve(data.x, data.y, method: method) }
                } })
                rows[0].methodUsed = used
                streamed.append(rows[0])
                twins += rows.dropFirst()
            }
        }
        results += streamed + twins
        // Ratios to the sequential read.
        for k in results.indices {
            results[k].sequentialReadSeconds = read
            if results[k].source == "stream" { results[k].mapped = stream.isMapped }
        }
        return results
    }

    /// Whether `--only` (epochs and solvers by their names, e.g. `batch-epoch,normal-equations`)
    /// leaves the benchmark `name` in; without `--only`, all run.
    func chosen(_ name: String) -> Bool {
        guard let only = settings.only, let benchmark = BenchmarkName(rawValue: name) else { return true }
        return only.contains(benchmark)
    }

    var modes: [(String, BatchMode)] {
        [("batch", .batch), ("minibatch", .miniBatch(size: settings.batchSize)), ("stochastic", .stochastic)]
    }

    /// Each exact solver, streamed and in memory: the median of this many solves after a warm-up
    /// (one solve is 0.1–0.2 s at the default shape, and a single one moved by 30 % with the host).
    static var solverRepetitions: Int { 3 }

    var methods: [(String, LeastSquares.Method)] {
        [("normal-equations", .normalEquations), ("qr", .qr), ("svd", .svd), ("automatic", .automatic)]
    }

    /// The median epoch time a fit of `settings.epochs` epochs records, after its first epoch.
    func epochSeconds(_ mode: BatchMode,
                      _ fit: (GradientDescent<S>, inout LinearModel<S>) throws -> FitHistory<S>) throws -> Double {
        let rate: S = switch mode {
        case .batch: 0.1
        case .miniBatch: 0.01
        case .stochastic: S(0.1 / Double(settings.features))
        }
        var model = LinearModel<S>()
        let gd = GradientDescent<S>(mode: mode, learningRate: rate, epochs: settings.epochs, seed: settings.seed)
        let history = try fit(gd, &model)
        let times = history.elapsedSeconds
        guard times.count >= 2 else { return times.first ?? 0 }
        return median(zip(times.dropFirst(), times).map { $0 - $1 })
    }

    /// A row for the phase just run, with its memory.
    func measurement(_ name: String, source: String, _ seconds: Double) -> OutOfCoreMeasurement {
        var row = OutOfCoreMeasurement(benchmark: name, source: source, precision: precision, rows: settings.rows,
                                       features: settings.features, seconds: seconds, bytes: bytes)
        if let peak = Progress.lastPeakMegabytes, let growth = Progress.lastGrowthMegabytes {
            row.memory = (Int(peak.rounded()), Int(growth.rounded()))
        }
        return row
    }

    /// Wall time of one call.
    func measureSeconds(_ body: () throws -> Void) rethrows -> Double {
        let start = ContinuousClock.now
        try body()
        return (ContinuousClock.now - start).seconds
    }

    /// Writes the synthetic data (the same values as the in-memory bench's, generated 4096 rows
    /// at a time, 64 blocks in parallel) as `.npy` files of `S`.
    func write() throws {
        let rows = settings.rows, columns = settings.features, seed = settings.seed
        var random = RandomSource(seed: seed)
        let weights = (0..<columns).map { _ in random.nextNormal() }
        let bias = random.nextNormal()
        let x = try NPYStreamWriter<S>(path: xPath, columns: columns)
        let y = try NPYStreamWriter<S>(path: yPath, columns: nil)
        let chunk = 4096, group = 64
        let chunks = (rows + chunk - 1) / chunk
        var xs = [S](repeating: 0, count: chunk * group * columns), ys = [S](repeating: 0, count: chunk * group)
        for first in stride(from: 0, to: chunks, by: group) {
            let count = Swift.min(group, chunks - first)
            xs.withUnsafeMutableBufferPointer { xb in
                ys.withUnsafeMutableBufferPointer { yb in
                    nonisolated(unsafe) let xb = xb, yb = yb
                    DispatchQueue.concurrentPerform(iterations: count) { k in
                        let c = first + k
                        var random = RandomSource(seed: seed &+ 0x9E37_79B9 &* UInt64(c + 1))
                        for i in (c * chunk)..<Swift.min(rows, (c + 1) * chunk) {
                            let local = i - first * chunk
                            var target = bias
                            var j = 0
                            while j < columns {
                                let (a, b) = random.nextNormalPair()
                                xb[local * columns + j] = S(a)
                                target += weights[j] * a
                                j += 1
                                if j < columns {
                                    xb[local * columns + j] = S(b)
                                    target += weights[j] * b
                                    j += 1
                                }
                            }
                            yb[local] = S(target + 0.1 * random.nextNormal())
                        }
                    }
                }
            }
            let n = Swift.min(rows, (first + count) * chunk) - first * chunk
            try xs.withUnsafeBufferPointer { try x.append(rows: UnsafeBufferPointer(rebasing: $0[..<(n * columns)])) }
            try ys.withUnsafeBufferPointer { try y.append(rows: UnsafeBufferPointer(rebasing: $0[..<n])) }
        }
        try x.finish()
        try y.finish()
        try x.commit()
        try y.commit()
    }

    /// Reads both files from start to end in 16 MiB blocks with `pread`, nothing else.
    func sequentialRead() throws {
        let block = 16 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: block, alignment: 64)
        defer { buffer.deallocate() }
        for path in [xPath, yPath] {
            let fd = open(path, O_RDONLY)
            guard fd >= 0 else { throw DescentError.fileNotReadable(path: path, reason: String(cString: strerror(errno))) }
            defer { close(fd) }
            var offset = 0
            while true {
                let got = pread(fd, buffer, block, off_t(offset))
                if got < 0 { throw DescentError.fileNotReadable(path: path, reason: String(cString: strerror(errno))) }
                if got == 0 { break }
                offset += got
            }
        }
    }
}

extension Matrix {
    /// A copy in ordinary memory of a (possibly memory-mapped) matrix.
    init(copying other: Matrix) {
        self = try! Matrix(rows: other.rows, columns: other.columns, elements: other.elements)
    }
}

/// One figure of `bench --out-of-core`.
struct OutOfCoreMeasurement {
    var benchmark: String
    /// `file` (plain reads and writes), `stream` (a StreamingDataset) or `memory`.
    var source: String
    var precision: String
    var rows: Int
    var features: Int
    var seconds: Double
    /// Bytes of X.
    var bytes: Double
    var methodUsed: String? = nil
    /// A streamed row: whether the files were mapped (else read with `pread`).
    var mapped: Bool? = nil
    var sequentialReadSeconds: Double? = nil
    /// The same benchmark in memory, on a streamed row, and the median of the ratios of the
    /// rounds taken in turn with it (``OutOfCoreBenchmark/inTurn(_:rounds:warmUp:streamed:inMemory:)``).
    var inMemorySeconds: Double? = nil
    var pairedRatio: Double? = nil
    /// The phase's peak resident memory and its growth, in MB.
    var memory: (peak: Int, growth: Int)? = nil

    var gigabytesPerSecond: Double { bytes / seconds / 1e9 }
    var ratioToSequentialRead: Double? { sequentialReadSeconds.map { seconds / $0 } }
    var ratioToInMemory: Double? { pairedRatio ?? inMemorySeconds.map { seconds / $0 } }
}

extension OutOfCoreMeasurement: JSONRow {
    enum CodingKeys: String, CodingKey {
        case benchmark, source, precision, rows, features, seconds
        case gbPerSecond = "gb_per_second", ratioToSequentialRead = "ratio_to_sequential_read"
        case ratioToInMemory = "ratio_to_in_memory", methodUsed = "method_used"
        case peakRSSMB = "peak_rss_mb", phaseGrowthMB = "phase_growth_mb", xMB = "x_mb", mapped
    }

    var members: [(key: CodingKeys, value: JSONValue)] {
        let optional: [(CodingKeys, JSONValue?)] = [
            (.ratioToSequentialRead, ratioToSequentialRead.map(JSONValue.number)),
            (.ratioToInMemory, ratioToInMemory.map(JSONValue.number)), (.methodUsed, methodUsed.map(JSONValue.string)),
            (.peakRSSMB, memory.map { .int($0.peak) }), (.phaseGrowthMB, memory.map { .int($0.growth) }),
            (.mapped, mapped.map(JSONValue.bool)),
        ]
        return [(.benchmark, .string(benchmark)), (.source, .string(source)), (.precision, .string(precision)),
                (.rows, .int(rows)), (.features, .int(features)), (.seconds, .number(seconds)),
                (.gbPerSecond, .number(gigabytesPerSecond)), (.xMB, .int(Int(bytes / 1_048_576)))]
            + optional.compactMap { key, value in value.map { (key, $0) } }
    }
}

/// The out-of-core rows as a table.
func outOfCoreTable(_ rows: [OutOfCoreMeasurement]) -> String {
    func cell(_ value: Double?, _ format: String) -> String { value.map { String(format: format, $0) } ?? "–" }
    var lines = ["benchmark                 source  precision   seconds    GB/s  ×read  ×memory  peak MB  growth MB",
                 String(repeating: "-", count: 98)]
    for r in rows {
        lines.append(r.benchmark.padding(toLength: 26, withPad: " ", startingAt: 0)
            + (r.mapped.map { $0 ? "mapped" : "pread" } ?? r.source).padding(toLength: 8, withPad: " ", startingAt: 0)
            + r.precision.padding(toLength: 10, withPad: " ", startingAt: 0)
            + String(format: "%9.4f %7.2f ", r.seconds, r.gigabytesPerSecond)
            + cell(r.ratioToSequentialRead, "%6.2f").padding(toLength: 7, withPad: " ", startingAt: 0)
            + cell(r.ratioToInMemory, "%7.2f").padding(toLength: 9, withPad: " ", startingAt: 0)
            + (r.memory.map { String(format: "%7d  %9d", $0.peak, $0.growth) } ?? "      –          –"))
    }
    return lines.joined(separator: "\n")
}

extension Bench {
    /// `--out-of-core DIR`: the out-of-core rows of each selected precision, as a table or JSON.
    func runOutOfCore(folder: String, settings: Settings) throws {
        if let chunkMb, chunkMb < 1 { throw ValidationError("--chunk-mb must be a whole number ≥ 1, not \(chunkMb)") }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw ValidationError("--out-of-core: cannot create the folder '\(folder)' (\(error.localizedDescription))")
        }
        var rows = [OutOfCoreMeasurement]()
        if precision != .float32 { rows += try OutOfCoreBenchmark<Double>(settings: settings, folder: folder, keepFiles: keepFiles,
                                                                  chunkBytes: chunkMb.map { $0 << 20 } ?? StreamingDataset<Double>.defaultChunkBytes,
                                                                  mapped: !noMap).run() }
        if precision != .float64 { rows += try OutOfCoreBenchmark<Float>(settings: settings, folder: folder, keepFiles: keepFiles,
                                                                 chunkBytes: chunkMb.map { $0 << 20 } ?? StreamingDataset<Float>.defaultChunkBytes,
                                                                 mapped: !noMap).run() }
        if json {
            for row in rows { print(try row.jsonLine()) }
        } else {
            print(outOfCoreTable(rows))
        }
    }
}
