import Foundation

/// One measured figure.
struct Measurement {
    var benchmark: String
    var precision: String
    var rows: Int
    var features: Int
    var seconds: Double
    /// Bytes of X one pass reads.
    var bytes: Double
    var readOnceSeconds: Double?
    var extra: [(String, String)] = []   // (key, already-JSON-encoded value)

    var samplesPerSecond: Double { Double(rows) / seconds }
    var gigabytesPerSecond: Double { bytes / seconds / 1e9 }
    var ratio: Double? { readOnceSeconds.map { seconds / $0 } }

    var json: String {
        var fields: [(String, String)] = [
            ("benchmark", quote(benchmark)), ("precision", quote(precision)), ("rows", "\(rows)"),
            ("features", "\(features)"), ("seconds", number(seconds)),
            ("samples_per_second", number(samplesPerSecond)), ("gb_per_second", number(gigabytesPerSecond)),
            ("ratio_to_read_once", ratio.map(number) ?? "null"),
        ]
        fields += extra
        return "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
    }
}

func quote(_ text: String) -> String {
    "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
}

func number(_ value: Double) -> String {
    value.isFinite ? String(format: "%.6g", value) : "null"
}

/// The readable table.
func table(_ measurements: [Measurement]) -> String {
    func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let padding = String(repeating: " ", count: Swift.max(0, width - text.count))
        return right ? padding + text : text + padding
    }
    var lines = [pad("benchmark", 26) + pad("precision", 10) + pad("time", 11, right: true) + pad("samples/s", 12, right: true)
                 + pad("GB/s", 8, right: true) + pad("÷ read-once", 13, right: true) + "  notes"]
    for m in measurements {
        let time = m.seconds < 1 ? String(format: "%.2f ms", m.seconds * 1e3) : String(format: "%.3f s", m.seconds)
        let ratio = m.ratio.map { String(format: "%.2f×", $0) } ?? "—"
        let name = m.benchmark == "agreement" ? "agreement (\(m.extra.first { $0.0 == "mode" }?.1.replacingOccurrences(of: "\"", with: "") ?? ""))" : m.benchmark
        let notes = m.extra.filter { $0.0 != "mode" }.map { "\($0.0)=\($0.1)" }.joined(separator: " ")
        lines.append(pad(name, 26) + pad(m.precision, 10) + pad(time, 11, right: true)
                     + pad(engineering(m.samplesPerSecond), 12, right: true)
                     + pad(String(format: "%.1f", m.gigabytesPerSecond), 8, right: true) + pad(ratio, 13, right: true)
                     + "  " + notes)
    }
    return lines.joined(separator: "\n")
}

func engineering(_ value: Double) -> String {
    switch value {
    case 1e9...: String(format: "%.2f G", value / 1e9)
    case 1e6...: String(format: "%.1f M", value / 1e6)
    case 1e3...: String(format: "%.1f k", value / 1e3)
    default: String(format: "%.0f", value)
    }
}

/// Progress for phases that take a while, on stderr so `--json` output stays clean; and each
/// phase's peak resident memory (Linux: the high-water mark is reset before the phase).
enum Progress {
    nonisolated(unsafe) static var quiet = false
    nonisolated(unsafe) static var lastPeakMegabytes: Double? = nil
    nonisolated(unsafe) static var lastGrowthMegabytes: Double? = nil
    static func phase<R>(_ name: String, _ body: () throws -> R) rethrows -> R {
        let start = ContinuousClock.now
        if !quiet { FileHandle.standardError.write(Data("[bench] \(name)…".utf8)) }
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
        let before = residentMegabytes("VmRSS:")
        let result = try body()
        lastPeakMegabytes = residentMegabytes("VmHWM:")
        lastGrowthMegabytes = lastPeakMegabytes.flatMap { peak in before.map { peak - $0 } }
        let seconds = (ContinuousClock.now - start).seconds
        if !quiet { FileHandle.standardError.write(Data(String(format: " %.2f s\n", seconds).utf8)) }
        return result
    }
}

extension Duration {
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) * 1e-18
    }
}

/// The median of a non-empty list.
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/// Runs `body` once to warm up, then `repetitions` times; the median wall time.
func time(repetitions: Int, _ body: () throws -> Void) rethrows -> Double {
    try body()
    var times = [Double]()
    for _ in 0..<repetitions {
        let start = ContinuousClock.now
        try body()
        times.append((ContinuousClock.now - start).seconds)
    }
    return median(times)
}

/// A line of /proc/self/status (`VmHWM:` peak, `VmRSS:` current), in MB; nil where it cannot be read.
func residentMegabytes(_ key: String) -> Double? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key) }),
          let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
    return kilobytes / 1024
}
