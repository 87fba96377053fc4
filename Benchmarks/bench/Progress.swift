import Foundation

/// Progress for phases that take a while, on stderr so `--json` output stays clean; and each
/// phase's peak resident memory (Linux: the high-water mark is reset before the phase).
enum Progress {
    nonisolated(unsafe) static var quiet = false
    nonisolated(unsafe) static var lastPeakMegabytes: Double? = nil
    nonisolated(unsafe) static var lastGrowthMegabytes: Double? = nil
    /// Runs `body` as the phase `name`: its name and wall time on stderr, its peak and growth of
    /// resident memory in `lastPeakMegabytes` and `lastGrowthMegabytes`.
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
