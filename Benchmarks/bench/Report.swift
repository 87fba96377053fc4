import Foundation

/// One measured figure, with what only some benchmarks report.
struct Measurement {
    var benchmark: BenchmarkName
    var precision: String
    var rows: Int
    var features: Int
    var seconds: Double
    /// Bytes of X one pass reads.
    var bytes: Double
    var readOnceSeconds: Double?
    /// The median streaming read timed right before each repetition (`StreamPairing`), and the
    /// median of the per-pair ratios repetition ÷ read.
    var streamSeconds: Double? = nil
    var ratioToStream: Double? = nil
    /// The streaming-read row: its fastest and slowest read over the whole run, in seconds.
    var streamRange: (fastest: Double, slowest: Double)? = nil
    /// The row order of an epoch that shuffles.
    var shuffling: String? = nil
    /// The method an exact solver used, and its condition estimate.
    var methodUsed: String? = nil
    var condition: Double? = nil
    /// An exact solver's refinement passes over the rows (after the passes that factor).
    var refinementSteps: Int? = nil
    /// The training mode an agreement row checks, and how far it ended from the exact solution.
    var mode: String? = nil
    var maxWeightError: Double? = nil
    var relativeMSEGap: Double? = nil
    /// A robust-loss row: its loss, the squared-loss epoch paired with it (median seconds) and the
    /// median of the per-repetition ratios loss ÷ squared.
    var loss: String? = nil
    var squaredSeconds: Double? = nil
    var ratioToSquared: Double? = nil
    /// `fit-call`: the median seconds its epochs recorded (`FitHistory.elapsedSeconds`), the rest of
    /// the call being validation, setup and the certificate.
    var epochsSeconds: Double? = nil
    /// `stochastic-epoch`: the median of the per-repetition ratios to a one-thread streaming read
    /// timed just before each repetition.
    var ratioToOneThreadRead: Double? = nil
    /// A mini-batch epoch on two threads: the median hand-over round trip between two threads
    /// (``HandOverProbe``), in nanoseconds, timed right before each repetition.
    var handOverRoundTrip: Double? = nil
    /// An exact robust solver's iterations, whether it converged, its scale (IRLS) and its
    /// certified relative duality gap (quantile regression).
    var iterations: Int? = nil
    var converged: Bool? = nil
    var scale: Double? = nil
    var dualityGap: Double? = nil
    /// The phase's peak resident memory, its growth, and the size of X, in MB.
    var memory: (peak: Int, growth: Int, x: Int)? = nil

    var samplesPerSecond: Double { Double(rows) / seconds }
    var gigabytesPerSecond: Double { bytes / seconds / 1e9 }
    var ratio: Double? { readOnceSeconds.map { seconds / $0 } }

    /// Takes the median repetition and the ratio to the streaming read from interleaved timings.
    mutating func pair(_ times: PairedTimes) {
        seconds = times.seconds
        streamSeconds = times.streamSeconds
        ratioToStream = times.ratioToStream
    }
}

extension Measurement: JSONRow {
    enum CodingKeys: String, CodingKey {
        case benchmark, precision, rows, features, seconds
        case samplesPerSecond = "samples_per_second", gbPerSecond = "gb_per_second"
        case ratioToReadOnce = "ratio_to_read_once", ratioToStream = "ratio_to_stream"
        case streamSeconds = "stream_seconds"
        case streamFastestSeconds = "stream_fastest_seconds", streamSlowestSeconds = "stream_slowest_seconds"
        case shuffling, methodUsed = "method_used", condition, refinementSteps = "refinement_steps", mode
        case maxWeightError = "max_weight_error", relativeMSEGap = "relative_mse_gap"
        case loss, squaredSeconds = "squared_seconds", ratioToSquared = "ratio_to_squared"
        case ratioToOneThreadRead = "ratio_to_one_thread_read", epochsSeconds = "epochs_seconds"
        case handOverRoundTrip = "handover_round_trip_ns"
        case iterations, converged, scale, dualityGap = "duality_gap"
        case peakRSSMB = "peak_rss_mb", phaseGrowthMB = "phase_growth_mb", xMB = "x_mb"
    }

    /// The figures every row has (`ratio_to_stream`, `stream_seconds` and `ratio_to_read_once` are
    /// `null` where there is none), then `extras`.
    var members: [(key: CodingKeys, value: JSONValue)] {
        [(.benchmark, .string(benchmark.rawValue)), (.precision, .string(precision)), (.rows, .int(rows)),
         (.features, .int(features)), (.seconds, .number(seconds)), (.samplesPerSecond, .number(samplesPerSecond)),
         (.gbPerSecond, .number(gigabytesPerSecond)), (.ratioToStream, ratioToStream.map(JSONValue.number) ?? .null),
         (.streamSeconds, streamSeconds.map(JSONValue.number) ?? .null),
         (.ratioToReadOnce, ratio.map(JSONValue.number) ?? .null)]
            + extras
    }

    /// The members only some rows have, present where set.
    var extras: [(key: CodingKeys, value: JSONValue)] {
        let optional: [(CodingKeys, JSONValue?)] = [
            (.streamFastestSeconds, streamRange.map { .number($0.fastest) }),
            (.streamSlowestSeconds, streamRange.map { .number($0.slowest) }),
            (.shuffling, shuffling.map(JSONValue.string)), (.methodUsed, methodUsed.map(JSONValue.string)),
            (.condition, condition.map(JSONValue.number)), (.refinementSteps, refinementSteps.map(JSONValue.int)),
            (.mode, mode.map(JSONValue.string)),
            (.maxWeightError, maxWeightError.map(JSONValue.number)),
            (.relativeMSEGap, relativeMSEGap.map(JSONValue.number)),
            (.loss, loss.map(JSONValue.string)), (.squaredSeconds, squaredSeconds.map(JSONValue.number)),
            (.ratioToSquared, ratioToSquared.map(JSONValue.number)),
            (.ratioToOneThreadRead, ratioToOneThreadRead.map(JSONValue.number)),
            (.epochsSeconds, epochsSeconds.map(JSONValue.number)),
            (.handOverRoundTrip, handOverRoundTrip.map { .number(($0 * 10).rounded() / 10) }),
            (.iterations, iterations.map(JSONValue.int)), (.converged, converged.map(JSONValue.bool)),
            (.scale, scale.map(JSONValue.number)), (.dualityGap, dualityGap.map(JSONValue.number)),
            (.peakRSSMB, memory.map { .int($0.peak) }), (.phaseGrowthMB, memory.map { .int($0.growth) }),
            (.xMB, memory.map { .int($0.x) }),
        ]
        return optional.compactMap { key, value in value.map { (key, $0) } }
    }
}

/// The readable table; a row of another shape than `settings`' has its shape after its name.
func table(_ measurements: [Measurement], settings: Settings) throws -> String {
    func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let padding = String(repeating: " ", count: Swift.max(0, width - text.count))
        return right ? padding + text : text + padding
    }
    var lines = [pad("benchmark", 35) + pad("precision", 10) + pad("time", 11, right: true) + pad("samples/s", 12, right: true)
                 + pad("GB/s", 8, right: true) + pad("÷ stream", 10, right: true) + pad("÷ read-once", 13, right: true)
                 + "  notes"]
    for m in measurements {
        let time = m.seconds < 1 ? String(format: "%.2f ms", m.seconds * 1e3) : String(format: "%.3f s", m.seconds)
        let ratio = m.ratio.map { String(format: "%.2f×", $0) } ?? "—"
        let toStream = m.ratioToStream.map { String(format: "%.2f×", $0) } ?? "—"
        var name = m.benchmark == .agreement ? "agreement (\(m.mode ?? ""))" : m.benchmark.rawValue
        if (m.rows, m.features) != (settings.rows, settings.features) { name += " @\(m.rows)×\(m.features)" }
        // The extras as JSON writes them (strings quoted), the mode being in the name.
        let notes = try m.extras.filter { $0.key != .mode }.map { "\($0.key.stringValue)=\(try $0.value.text)" }
        lines.append(pad(name, 35) + pad(m.precision, 10) + pad(time, 11, right: true)
                     + pad(engineering(m.samplesPerSecond), 12, right: true)
                     + pad(String(format: "%.1f", m.gigabytesPerSecond), 8, right: true) + pad(toStream, 10, right: true)
                     + pad(ratio, 13, right: true)
                     + "  " + notes.joined(separator: " "))
    }
    return lines.joined(separator: "\n")
}

/// `value` with a k, M or G suffix.
func engineering(_ value: Double) -> String {
    switch value {
    case 1e9...: String(format: "%.2f G", value / 1e9)
    case 1e6...: String(format: "%.1f M", value / 1e6)
    case 1e3...: String(format: "%.1f k", value / 1e3)
    default: String(format: "%.0f", value)
    }
}
