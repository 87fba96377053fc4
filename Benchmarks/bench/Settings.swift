import ArgumentParser
import Foundation

/// Every benchmark the bench can run, by the name `--only` takes and the JSON rows report, in the
/// order they run.
enum BenchmarkName: String, CaseIterable, Sendable {
    case readOnce = "read-once"
    case batchEpoch = "batch-epoch"
    case minibatchEpoch = "minibatch-epoch"
    case stochasticEpoch = "stochastic-epoch"
    case minibatchEpochUniform = "minibatch-epoch-uniform"
    case stochasticEpochUniform = "stochastic-epoch-uniform"
    case naiveBatchEpoch = "naive-batch-epoch"
    case naiveMinibatchEpoch = "naive-minibatch-epoch"
    case naiveStochasticEpoch = "naive-stochastic-epoch"
    case normalEquations = "normal-equations"
    case qr
    case svd
    case automatic
    case agreement

    /// All names, comma-separated, for help and error messages.
    static let list = allCases.map(\.rawValue).joined(separator: ", ")

    /// Parses `--only`'s value, a comma-separated list of names; an unknown name is an error that
    /// lists the valid ones.
    static func parseList(_ text: String) throws -> Set<BenchmarkName> {
        let names = text.split(separator: ",", omittingEmptySubsequences: true)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard !names.isEmpty else { throw ValidationError("--only needs at least one name; valid names: \(list)") }
        return try Set(names.map { name in
            guard let benchmark = BenchmarkName(rawValue: name) else {
                throw ValidationError("unknown benchmark '\(name)'; valid names: \(list)")
            }
            return benchmark
        })
    }
}

/// Which precisions to run.
enum PrecisionChoice: String, CaseIterable, ExpressibleByArgument, Sendable {
    case float32, float64, both
}

/// The bench's settings once the command line is parsed and `--quick` applied: what a workload reads.
struct Settings: Sendable {
    var rows: Int
    var features: Int
    var batchSize: Int
    var epochs: Int
    var seed: UInt64
    var skipSolvers: Bool
    var skipAgreement: Bool
    /// The benchmarks to run besides read-once, which always runs (nil: all of them).
    var only: Set<BenchmarkName>?

    /// Whether `name` was asked for.
    func selected(_ name: BenchmarkName) -> Bool { only?.contains(name) ?? true }
}
