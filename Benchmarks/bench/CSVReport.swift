import Foundation

/// One figure of the csv benchmark: a median read time of one of Descent's entry points
/// (`csv-read`: Matrix, `csv-dataset-read`, `csv-table-read`) or of pandas (`csv-read-pandas`) on one file.
struct CSVMeasurement {
    var benchmark: String
    /// The generated file's number style, or a given file's name.
    var style: String
    var round: Int
    var rows: Int
    var columns: Int
    /// The file's size.
    var bytes: Int
    var seconds: Double
    /// pandas' median on the same file in the same round (nil where pandas could not run).
    var pandasSeconds: Double? = nil
    /// Descent's median, on pandas' row.
    var descentSeconds: Double? = nil
    var pandasVersion: String? = nil
    /// Why there is no pandas figure.
    var pandasMissing: String? = nil
    /// Whether Descent read back every value bit for bit.
    var exact: Bool? = nil
    var threads: Int? = nil
    /// The read phase's peak resident memory, its growth, and the size of the values, in MB.
    var memory: (peak: Int, growth: Int, values: Int)? = nil

    var megabytes: Double { Double(bytes) / 1e6 }
    var megabytesPerSecond: Double { megabytes / seconds }
    /// Descent's time over pandas' (below 1: Descent is faster).
    var ratioToPandas: Double? {
        guard benchmark != "csv-read-pandas" else { return nil }
        return pandasSeconds.map { seconds / $0 }
    }
}

extension CSVMeasurement: JSONRow {
    enum CodingKeys: String, CodingKey {
        case benchmark, style, round, rows, columns, bytes, mb, seconds
        case mbPerSecond = "mb_per_second", ratioToPandas = "ratio_to_pandas"
        case pandasSeconds = "pandas_seconds", descentSeconds = "descent_seconds"
        case pandasVersion = "pandas_version", pandasMissing = "pandas_missing", exact, threads
        case peakRSSMB = "peak_rss_mb", phaseGrowthMB = "phase_growth_mb", valuesMB = "values_mb"
    }

    var members: [(key: CodingKeys, value: JSONValue)] {
        [(.benchmark, .string(benchmark)), (.style, .string(style)), (.round, .int(round)),
         (.rows, .int(rows)), (.columns, .int(columns)), (.bytes, .int(bytes)), (.mb, .number(megabytes)),
         (.seconds, .number(seconds)), (.mbPerSecond, .number(megabytesPerSecond))] + extras
    }

    /// The members only some rows have, present where set.
    var extras: [(key: CodingKeys, value: JSONValue)] {
        let optional: [(CodingKeys, JSONValue?)] = [
            (.ratioToPandas, ratioToPandas.map(JSONValue.number)),
            (.pandasSeconds, benchmark != "csv-read-pandas" ? pandasSeconds.map(JSONValue.number) : nil),
            (.descentSeconds, descentSeconds.map(JSONValue.number)),
            (.pandasVersion, pandasVersion.map(JSONValue.string)), (.pandasMissing, pandasMissing.map(JSONValue.string)),
            (.exact, exact.map(JSONValue.bool)), (.threads, threads.map(JSONValue.int)),
            (.peakRSSMB, memory.map { .int($0.peak) }), (.phaseGrowthMB, memory.map { .int($0.growth) }),
            (.valuesMB, memory.map { .int($0.values) }),
        ]
        return optional.compactMap { key, value in value.map { (key, $0) } }
    }
}

/// The csv benchmark's table.
func csvTable(_ measurements: [CSVMeasurement]) throws -> String {
    func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let padding = String(repeating: " ", count: Swift.max(0, width - text.count))
        return right ? padding + text : text + padding
    }
    var lines = [pad("benchmark", 19) + pad("style", 12) + pad("round", 6) + pad("file MB", 9, right: true)
                 + pad("time", 11, right: true) + pad("MB/s", 9, right: true) + pad("÷ pandas", 10, right: true)
                 + "  notes"]
    for m in measurements {
        let time = m.seconds < 1 ? String(format: "%.1f ms", m.seconds * 1e3) : String(format: "%.3f s", m.seconds)
        let ratio = m.ratioToPandas.map { String(format: "%.2f×", $0) } ?? "—"
        let notes = try m.extras.filter { $0.key != .ratioToPandas }.map { "\($0.key.stringValue)=\(try $0.value.text)" }
        lines.append(pad(m.benchmark, 19) + pad(m.style, 12) + pad("\(m.round)", 6)
                     + pad(String(format: "%.1f", m.megabytes), 9, right: true) + pad(time, 11, right: true)
                     + pad(String(format: "%.0f", m.megabytesPerSecond), 9, right: true) + pad(ratio, 10, right: true)
                     + "  " + notes.joined(separator: " "))
    }
    return lines.joined(separator: "\n")
}
