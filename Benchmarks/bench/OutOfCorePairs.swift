import Descent
import Foundation

/// Streamed figures and their in-memory twins taken in turn, so that both see the host in the
/// same state: the host's read swung by 2× within a minute on the project's VM, and one run that
/// timed every streamed epoch before every in-memory one put the streamed batch epoch at 1.68× in
/// memory (its twin timed in a fast minute, 12.2 ms) where rounds in turn gave 1.03–1.24×.
extension OutOfCoreBenchmark {
    /// Rounds of each streamed figure and its twin: each round a fit (an epoch row: the median
    /// epoch after its first) or one solve (after an untimed warm-up of each).
    static var rounds: Int { 3 }

    /// The streamed row `name` and, when `inMemory` is given, its in-memory twin: `rounds` rounds of
    /// `streamed` then `inMemory`, each a phase of its own. Each row's seconds are the median of
    /// its rounds; the streamed row's ratio to in memory is the median of the per-round ratios; its
    /// memory is the largest peak and growth of its rounds (the first visit maps the files' pages).
    func inTurn(_ name: String, rounds: Int, warmUp: Bool,
                streamed: () throws -> Double, inMemory: (() throws -> Double)?) throws -> [OutOfCoreMeasurement] {
        let label = name.replacingOccurrences(of: "ooc-", with: "")
        if warmUp {
            _ = try Progress.phase("\(precision) streamed \(label), warm-up") { try streamed() }
            if let inMemory { _ = try Progress.phase("\(precision) in-memory \(label), warm-up") { try inMemory() } }
        }
        var times: (stream: [Double], memory: [Double]) = ([], [])
        var memory: (stream: [(Int, Int)], memory: [(Int, Int)]) = ([], [])
        func lastMemory() -> (Int, Int)? {
            guard let peak = Progress.lastPeakMegabytes, let growth = Progress.lastGrowthMegabytes else { return nil }
            return (Int(peak.rounded()), Int(growth.rounded()))
        }
        for round in 1...Swift.max(1, rounds) {
            times.stream.append(try Progress.phase("\(precision) streamed \(label), round \(round)") { try streamed() })
            if let used = lastMemory() { memory.stream.append(used) }
            guard let inMemory else { continue }
            times.memory.append(try Progress.phase("\(precision) in-memory \(label), round \(round)") { try inMemory() })
            if let used = lastMemory() { memory.memory.append(used) }
        }
        func row(_ source: String, _ seconds: [Double], _ used: [(Int, Int)]) -> OutOfCoreMeasurement {
            var row = OutOfCoreMeasurement(benchmark: name, source: source, precision: precision, rows: settings.rows,
                                           features: settings.features, seconds: median(seconds), bytes: bytes)
            if !used.isEmpty { row.memory = (used.map(\.0).max()!, used.map(\.1).max()!) }
            return row
        }
        var stream = row("stream", times.stream, memory.stream)
        guard !times.memory.isEmpty else { return [stream] }
        stream.inMemorySeconds = median(times.memory)
        stream.pairedRatio = median(zip(times.stream, times.memory).map { $0 / $1 })
        return [stream, row("memory", times.memory, memory.memory)]
    }
}
