import Descent
import Dispatch
import Foundation

/// The csv benchmark: writes a numeric CSV file of standard-normal values into a temporary
/// folder, then, in each round, times the public entry point a user calls, `Matrix<Double>(csvFile:)`,
/// and `pandas.read_csv` (the C engine, timed inside Python with `time.perf_counter`) on it, each
/// as the median of 3 reads after a warm-up read; the file is in the page cache for both.
/// Descent's values are checked bit for bit against the numbers the text holds (each written
/// number parsed by Swift's own `Double(_:)`).
struct CSVBenchmark {
    let settings: Settings

    /// Runs every selected style and round; rows in the order they ran.
    func run() throws -> [CSVMeasurement] {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("descent-bench-csv-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var results = [CSVMeasurement]()
        for style in settings.csvStyle.styles {
            let path = folder.appendingPathComponent("\(style.rawValue).csv").path
            let written = try Progress.phase("csv: writing \(settings.csvRows) × \(settings.csvColumns) \(style.rawValue)") {
                try Self.write(path: path, rows: settings.csvRows, columns: settings.csvColumns, style: style,
                               seed: settings.seed)
            }
            let bytes = try (FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
            for round in 1...settings.csvRounds {
                var row = CSVMeasurement(benchmark: "csv-read", style: style, round: round, rows: settings.csvRows,
                                         columns: settings.csvColumns, bytes: bytes, seconds: 0)
                var matrix: Matrix<Double>? = nil
                row.seconds = try Progress.phase("csv: Descent Matrix(csvFile:), \(style.rawValue), round \(round)") {
                    // A warm-up read, then the median of 3; the last matrix is freed before the next
                    // read, so the phase's peak memory is one read's.
                    var times = [Double]()
                    for repetition in 0...3 {
                        matrix = nil
                        let start = ContinuousClock.now
                        let read = try Matrix<Double>(csvFile: path)
                        if repetition > 0 { times.append((ContinuousClock.now - start).seconds) }
                        matrix = read
                    }
                    return median(times)
                }
                if let peak = Progress.lastPeakMegabytes, let growth = Progress.lastGrowthMegabytes {
                    row.memory = (Int(peak.rounded()), Int(growth.rounded()),
                                  (settings.csvRows * settings.csvColumns * 8) >> 20)
                }
                row.exact = matrix.map { $0.rows == settings.csvRows && $0.columns == settings.csvColumns
                    && $0.elements.elementsEqual(written, by: { $0.bitPattern == $1.bitPattern }) }
                row.threads = BLASConfiguration.threads
                // The typed table reader on the same numeric file (it hands numbers-only files to
                // CSVReader and types the columns afterwards).
                let tableSeconds = try Progress.phase("csv: Descent Table(csvFile:), \(style.rawValue), round \(round)") {
                    var times = [Double]()
                    for repetition in 0...3 {
                        let start = ContinuousClock.now
                        let read = try Table(csvFile: path)
                        if repetition > 0 { times.append((ContinuousClock.now - start).seconds) }
                        guard read.rowCount == settings.csvRows else { throw CSVBenchmarkError(message: "Table read \(read.rowCount) rows") }
                    }
                    return median(times)
                }
                results.append(CSVMeasurement(benchmark: "csv-table-read", style: style, round: round, rows: settings.csvRows,
                                              columns: settings.csvColumns, bytes: bytes, seconds: tableSeconds))
                let pandas = Progress.phase("csv: pandas.read_csv, \(style.rawValue), round \(round)") {
                    Self.timePandas(path: path, rows: settings.csvRows, columns: settings.csvColumns)
                }
                switch pandas {
                case let .success(timing):
                    row.pandasSeconds = timing.seconds
                    results.append(row)
                    var pandasRow = CSVMeasurement(benchmark: "csv-read-pandas", style: style, round: round,
                                                   rows: settings.csvRows, columns: settings.csvColumns, bytes: bytes,
                                                   seconds: timing.seconds)
                    pandasRow.pandasSeconds = timing.seconds
                    pandasRow.descentSeconds = row.seconds
                    pandasRow.pandasVersion = timing.version
                    results.append(pandasRow)
                case let .failure(reason):
                    FileHandle.standardError.write(Data("[bench] csv: no pandas figures: \(reason.message)\n".utf8))
                    row.pandasMissing = reason.message
                    results.append(row)
                }
            }
            try? FileManager.default.removeItem(atPath: path)
        }
        return results
    }

    /// Writes a header `x1,…,xC` and `rows × columns` standard-normal values (seeded) to `path` in
    /// `style`; returns the values, row-major. Blocks of rows are formatted in parallel.
    static func write(path: String, rows: Int, columns: Int, style: CSVStyle, seed: UInt64) throws -> [Double] {
        var random = RandomSource(seed: seed)
        let values = (0..<(rows * columns)).map { _ in style.canonical(random.nextNormal()) }
        guard FileManager.default.createFile(atPath: path, contents: nil), let file = FileHandle(forWritingAtPath: path) else {
            throw CSVBenchmarkError(message: "cannot create \(path)")
        }
        defer { try? file.close() }
        try file.write(contentsOf: Data(((1...columns).map { "x\($0)" }.joined(separator: ",") + "\n").utf8))
        let blockRows = 8192
        let blocksAtOnce = 16
        var firstBlock = 0
        let blocks = (rows + blockRows - 1) / blockRows
        while firstBlock < blocks {
            let count = Swift.min(blocksAtOnce, blocks - firstBlock)
            var texts = [[UInt8]](repeating: [], count: count)
            texts.withUnsafeMutableBufferPointer { texts in
                nonisolated(unsafe) let texts = texts
                let first = firstBlock
                DispatchQueue.concurrentPerform(iterations: count) { b in
                    let rowRange = ((first + b) * blockRows)..<Swift.min(rows, (first + b + 1) * blockRows)
                    texts[b] = format(values, rows: rowRange, columns: columns, style: style)
                }
            }
            for text in texts { try file.write(contentsOf: text) }
            firstBlock += count
        }
        return values
    }

    /// The CSV lines of `rows` of `values`.
    static func format(_ values: [Double], rows: Range<Int>, columns: Int, style: CSVStyle) -> [UInt8] {
        var text = [UInt8]()
        text.reserveCapacity(rows.count * columns * 26)
        var buffer = [CChar](repeating: 0, count: 64)
        for i in rows {
            for j in 0..<columns {
                if j > 0 { text.append(UInt8(ascii: ",")) }
                let value = values[i * columns + j]
                switch style {
                case .scientific, .general:
                    let length = withVaList([value]) {
                        vsnprintf(&buffer, buffer.count, style == .scientific ? "%.18e" : "%.10g", $0)
                    }
                    buffer.withUnsafeBytes { text.append(contentsOf: $0.prefix(Int(length))) }
                case .integers:
                    text.append(contentsOf: String(Int(value)).utf8)
                default:
                    text.append(contentsOf: value.description.utf8)
                }
            }
            text.append(UInt8(ascii: "\n"))
        }
        return text
    }

    /// pandas' timing: the median seconds and its version.
    struct PandasTiming {
        var seconds: Double
        var version: String
    }

    /// Times `pandas.read_csv(path)` in a python3 process: a warm-up read, then the median of 3.
    static func timePandas(path: String, rows: Int, columns: Int) -> Result<PandasTiming, CSVBenchmarkError> {
        let script = """
            import json, sys, time
            try:
                import pandas
            except Exception as error:
                print(json.dumps({"error": "cannot import pandas: %s" % error})); sys.exit(0)
            path = sys.argv[1]
            frame = pandas.read_csv(path)
            times = []
            for _ in range(3):
                start = time.perf_counter()
                frame = pandas.read_csv(path)
                times.append(time.perf_counter() - start)
            times.sort()
            print(json.dumps({"seconds": times[1], "rows": frame.shape[0], "columns": frame.shape[1],
                              "version": pandas.__version__}))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, path]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch { return .failure(CSVBenchmarkError(message: "cannot run python3: \(error)")) }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            return .failure(CSVBenchmarkError(message: "python3 failed (status \(process.terminationStatus)): "
                                              + errorText.suffix(300).trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            return .failure(CSVBenchmarkError(message: "python3 printed no result: "
                                              + errorText.suffix(300).trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        if let error = object["error"] as? String { return .failure(CSVBenchmarkError(message: error)) }
        guard let seconds = object["seconds"] as? Double, object["rows"] as? Int == rows,
              object["columns"] as? Int == columns else {
            return .failure(CSVBenchmarkError(message: "pandas read another shape: \(object)"))
        }
        return .success(PandasTiming(seconds: seconds, version: object["version"] as? String ?? "?"))
    }
}

extension CSVStyle {
    /// The number a written `value` reads back as: `%.10g`'s rounding parsed by Swift's
    /// correctly rounded `Double(_:)`, or the integer; the other styles write every bit.
    func canonical(_ value: Double) -> Double {
        switch self {
        case .general:
            var buffer = [CChar](repeating: 0, count: 64)
            _ = withVaList([value]) { vsnprintf(&buffer, buffer.count, "%.10g", $0) }
            return Double(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))!
        case .integers: return (value * 1000).rounded() + 0   // + 0: −0 is written "0", which reads +0

        default: return value
        }
    }
}

/// Why the csv benchmark could not do something.
struct CSVBenchmarkError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
