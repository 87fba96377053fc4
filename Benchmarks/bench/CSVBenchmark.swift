import Descent
import Dispatch
import Foundation

/// The csv benchmark: writes numeric CSV files of standard-normal values (and one with a text
/// column) into a temporary folder, or takes the user's files (`--csv-file`), then, in each round,
/// times the public entry points a user calls — `Matrix<Double>(csvFile:)`,
/// `Dataset<Double>(csvFile:target:)` and `Table(csvFile:)` — and `pandas.read_csv` (the C
/// engine, timed inside Python with `time.perf_counter`) on the same file, each as the median of 3
/// reads after a warm-up read; the file is in the page cache for all. Descent's values are checked
/// bit for bit against the numbers the text holds (each written number parsed by Swift's own
/// `Double(_:)`).
struct CSVBenchmark {
    let settings: Settings

    /// Runs every selected style and round, then every `--csv-file`; rows in the order they ran.
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
            let file = CSVFile(path: path, label: style.rawValue, rows: settings.csvRows,
                               columns: settings.csvColumns + (style == .text ? 1 : 0), written: written,
                               numeric: style != .text)
            for round in 1...settings.csvRounds { results += try measure(file, round: round) }
            try? FileManager.default.removeItem(atPath: path)
        }
        for path in settings.csvFiles {
            let table = try Table(csvFile: path)
            let numeric = (try? Matrix<Double>(csvFile: path)) != nil
            let file = CSVFile(path: path, label: URL(fileURLWithPath: path).lastPathComponent, rows: table.rowCount,
                               columns: table.columnNames.count, written: nil, numeric: numeric)
            for round in 1...settings.csvRounds { results += try measure(file, round: round) }
        }
        return results
    }

    /// A file to time: where it is, its label in the table, its shape, the numbers written into it
    /// (generated files), and whether every cell is a number (then Matrix and Dataset read it too).
    struct CSVFile {
        var path: String
        var label: String
        var rows: Int
        var columns: Int
        var written: [Double]?
        var numeric: Bool
    }

    /// One round on `file`: Matrix and Dataset (numeric files), Table, then pandas; each row with
    /// pandas' time of the same round.
    func measure(_ file: CSVFile, round: Int) throws -> [CSVMeasurement] {
        let bytes = try (FileManager.default.attributesOfItem(atPath: file.path)[.size] as? NSNumber)?.intValue ?? 0
        func row(_ benchmark: String, _ seconds: Double) -> CSVMeasurement {
            CSVMeasurement(benchmark: benchmark, style: file.label, round: round, rows: file.rows, columns: file.columns,
                           bytes: bytes, seconds: seconds)
        }
        var rows = [CSVMeasurement]()
        if file.numeric {
            var matrix: Matrix<Double>? = nil
            var read = row("csv-read", try Progress.phase("csv: Descent Matrix(csvFile:), \(file.label), round \(round)") {
                // The last matrix is freed before the next read, so the phase's peak memory is one read's.
                try Self.timed { () throws in
                    matrix = nil
                    matrix = try Matrix<Double>(csvFile: file.path)
                }
            })
            if let peak = Progress.lastPeakMegabytes, let growth = Progress.lastGrowthMegabytes {
                read.memory = (Int(peak.rounded()), Int(growth.rounded()), (file.rows * file.columns * 8) >> 20)
            }
            read.exact = matrix.map { m in
                m.rows == file.rows && m.columns == file.columns
                    && file.written.map { m.elements.elementsEqual($0, by: { $0.bitPattern == $1.bitPattern }) } ?? true
            }
            read.threads = BLASConfiguration.threads
            matrix = nil
            rows.append(read)
            let target = try Table(csvFile: file.path).columnNames[0]
            rows.append(row("csv-dataset-read", try Progress.phase("csv: Descent Dataset(csvFile:target:), \(file.label), round \(round)") {
                try Self.timed { () throws in
                    let data = try Dataset<Double>(csvFile: file.path, target: target)
                    guard data.rowCount == file.rows else { throw CSVBenchmarkError(message: "Dataset read \(data.rowCount) rows") }
                }
            }))
        }
        var table: Table? = nil
        var tableRow = row("csv-table-read", try Progress.phase("csv: Descent Table(csvFile:), \(file.label), round \(round)") {
            try Self.timed { () throws in
                table = nil
                table = try Table(csvFile: file.path)
                guard table?.rowCount == file.rows else { throw CSVBenchmarkError(message: "Table read \(table?.rowCount ?? 0) rows") }
            }
        })
        if let written = file.written, let table {
            // The numbers' columns (after the text column of the text style), bit for bit.
            let numbers = table.columns.suffix(file.columns - (file.numeric ? 0 : 1))
            tableRow.exact = numbers.enumerated().allSatisfy { j, column in
                guard case let .numeric(cells, _) = column else { return false }
                let width = numbers.count
                return cells.indices.allSatisfy { cells[$0].bitPattern == written[$0 * width + j].bitPattern }
            }
        }
        table = nil
        rows.append(tableRow)
        switch Progress.phase("csv: pandas.read_csv, \(file.label), round \(round)", {
            Self.timePandas(path: file.path, rows: file.rows, columns: file.columns)
        }) {
        case let .success(timing):
            for k in rows.indices { rows[k].pandasSeconds = timing.seconds }
            var pandasRow = row("csv-read-pandas", timing.seconds)
            pandasRow.pandasSeconds = timing.seconds
            pandasRow.descentSeconds = rows.first?.seconds
            pandasRow.pandasVersion = timing.version
            rows.append(pandasRow)
        case let .failure(reason):
            FileHandle.standardError.write(Data("[bench] csv: no pandas figures: \(reason.message)\n".utf8))
            for k in rows.indices { rows[k].pandasMissing = reason.message }
        }
        return rows
    }

    /// The median of 3 runs of `body` after a warm-up run, in seconds.
    static func timed(_ body: () throws -> Void) throws -> Double {
        var times = [Double]()
        for repetition in 0...3 {
            let start = ContinuousClock.now
            try body()
            if repetition > 0 { times.append((ContinuousClock.now - start).seconds) }
        }
        return median(times)
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
        let names = (style == .text ? ["name"] : []) + (1...columns).map { "x\($0)" }
        try file.write(contentsOf: Data((names.joined(separator: ",") + "\n").utf8))
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
        let words = ["alpha", "beta", "gamma", "delta", "epsilon"]
        for i in rows {
            if style == .text {
                // A word chosen by the row's first value, so the column is text with a few levels.
                text.append(contentsOf: words[Int(values[i * columns].bitPattern % 5)].utf8)
                text.append(UInt8(ascii: ","))
            }
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
