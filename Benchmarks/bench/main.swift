import Descent
import Foundation

let options: Options
do {
    options = try Options.parse(Array(CommandLine.arguments.dropFirst()))
} catch {
    FileHandle.standardError.write(Data("bench: \(error)\n".utf8))
    exit("\(error)".hasPrefix("Usage") ? 0 : 2)
}
if let threads = options.threads { BLASConfiguration.threads = threads }
Progress.quiet = false

let environment = ProcessInfo.processInfo.environment
let header = """
    Descent bench: \(options.rows) rows × \(options.features) features, batch size \(options.batchSize), \
    \(options.epochs) epochs per mode (median after a warm-up), seed \(options.seed)
    OpenBLAS core: \(BLASConfiguration.coreName) (OPENBLAS_CORETYPE=\(environment["OPENBLAS_CORETYPE"] ?? "unset")), \
    threads: \(BLASConfiguration.threads), config: \(BLASConfiguration.configuration)
    """
if options.json {
    let config: [(String, String)] = [
        ("benchmark", quote("configuration")), ("openblas_core", quote(BLASConfiguration.coreName)),
        ("openblas_coretype_env", environment["OPENBLAS_CORETYPE"].map(quote) ?? "null"),
        ("threads", "\(BLASConfiguration.threads)"), ("openblas_config", quote(BLASConfiguration.configuration)),
        ("rows", "\(options.rows)"), ("features", "\(options.features)"), ("batch_size", "\(options.batchSize)"),
        ("epochs", "\(options.epochs)"), ("seed", "\(options.seed)"),
    ]
    print("{" + config.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}")
} else {
    print(header)
}

let data = Progress.phase("generating \(options.rows) × \(options.features) data") {
    SyntheticData(rows: options.rows, columns: options.features, seed: options.seed)
}

do {
    var measurements = [Measurement]()
    if options.precision != .float32 {
        measurements += try Workload<Double>(options: options, data: data).run()
    }
    if options.precision != .float64 {
        measurements += try Workload<Float>(options: options, data: data).run()
    }
    if options.json {
        for m in measurements { print(m.json) }
    } else {
        print(table(measurements))
    }
} catch {
    FileHandle.standardError.write(Data("bench: \(error)\n".utf8))
    exit(1)
}
