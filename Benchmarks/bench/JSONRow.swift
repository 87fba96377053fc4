import Descent
import Foundation

/// One value of a `--json` row. Numbers are rounded to 6 significant digits (as the table shows
/// them); a non-finite number is written as `null`, which JSON can hold and JSONEncoder cannot
/// otherwise write.
enum JSONValue: Encodable {
    case string(String)
    case int(Int)
    case unsigned(UInt64)
    case number(Double)
    case bool(Bool)
    case null

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case let .string(text): try container.encode(text)
        case let .int(value): try container.encode(value)
        case let .unsigned(value): try container.encode(value)
        case let .bool(value): try container.encode(value)
        case let .number(value) where value.isFinite:
            try container.encode(Double(String(format: "%.6g", value)) ?? value)
        case .number, .null: try container.encodeNil()
        }
    }

    /// The value as JSON text, written by JSONEncoder (a top-level fragment).
    var text: String {
        get throws {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.withoutEscapingSlashes]
            return String(decoding: try encoder.encode(self), as: UTF8.self)
        }
    }
}

/// A row of `--json` output: its members, in the order they are printed.
///
/// `Encodable` through `members`, so JSONEncoder can encode a whole row; but `jsonLine()` is what
/// the bench prints: Foundation's JSONEncoder on Linux writes a keyed container's keys in hash
/// order, which changes from run to run, so the line is joined here, member by member, from
/// JSONEncoder's text for each key and value.
protocol JSONRow: Encodable {
    associatedtype CodingKeys: CodingKey
    /// The members in print order. A member left out is absent from the row; `.null` prints `null`.
    var members: [(key: CodingKeys, value: JSONValue)] { get }
}

extension JSONRow {
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        for (key, value) in members { try container.encode(value, forKey: key) }
    }

    /// The row as one line of JSON, members in `members` order.
    func jsonLine() throws -> String {
        let fields = try members.map { key, value in try JSONValue.string(key.stringValue).text + ": " + value.text }
        return "{" + fields.joined(separator: ", ") + "}"
    }
}

/// The first `--json` line: the sizes and the OpenBLAS build and threads the figures come from.
struct ConfigurationRow: JSONRow {
    enum CodingKeys: String, CodingKey {
        case benchmark, threads, rows, features, epochs, seed
        case openblasCore = "openblas_core", openblasCoretypeEnv = "openblas_coretype_env"
        case openblasConfig = "openblas_config", batchSize = "batch_size", kernels
        case smallRows = "small_rows", smallFeatures = "small_features"
    }

    let settings: Settings

    init(_ settings: Settings) { self.settings = settings }

    /// Which gradient kernels run: the AVX-512 ones of `CDescentKernels`, or the portable Swift loops.
    static var kernels: String {
        if !CompiledKernels.available { return "portable Swift (this CPU has no AVX-512)" }
        return CompiledKernels.enabled ? "AVX-512 (CDescentKernels)" : "portable Swift (--portable-kernels)"
    }

    /// `OPENBLAS_CORETYPE` as the environment has it, or nil where it is not set.
    static var coreTypeEnvironment: String? { ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] }

    var members: [(key: CodingKeys, value: JSONValue)] {
        [(.benchmark, .string("configuration")), (.openblasCore, .string(BLASConfiguration.coreName)),
         (.openblasCoretypeEnv, Self.coreTypeEnvironment.map(JSONValue.string) ?? .null),
         (.threads, .int(BLASConfiguration.threads)), (.openblasConfig, .string(BLASConfiguration.configuration)),
         (.kernels, .string(Self.kernels)),
         (.rows, .int(settings.rows)), (.features, .int(settings.features)), (.batchSize, .int(settings.batchSize)),
         (.epochs, .int(settings.epochs)), (.seed, .unsigned(settings.seed)),
         (.smallRows, .int(settings.smallRows)), (.smallFeatures, .int(settings.smallFeatures))]
    }
}
