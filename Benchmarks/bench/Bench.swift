import ArgumentParser
import Descent
import Foundation

/// The bench's command line: Descent's epochs and solvers timed against one streaming read of the
/// data, on synthetic data generated from a seed.
@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Times Descent's training epochs and exact solvers against one streaming read of X.",
        discussion: """
            Prints a table, or with --json one JSON object per line (a configuration line first). \
            Progress goes to stderr. Benchmarks: \(BenchmarkName.list).
            """
    )

    @Option(help: ArgumentHelp("Rows of synthetic data, ≥ 1 (default: 1000000; 20000 with --quick).", valueName: "n"))
    var rows: Int?

    @Option(help: ArgumentHelp("Feature columns, ≥ 1 (default: 100; 50 with --quick).", valueName: "n"))
    var features: Int?

    @Option(help: "Precisions to run.")
    var precision: PrecisionChoice = .both

    @Option(help: ArgumentHelp("Mini-batch size, ≥ 1.", valueName: "n"))
    var batchSize = 256

    @Option(help: ArgumentHelp(
        "Epochs per mode, ≥ 2: the first is a warm-up, the median of the others is reported (default: 5; 3 with --quick).",
        valueName: "n"))
    var epochs: Int?

    @Option(help: ArgumentHelp("OpenBLAS and Descent threads, ≥ 1 (default: OPENBLAS_NUM_THREADS or all cores).", valueName: "n"))
    var threads: Int?

    @Option(help: ArgumentHelp("Seed for the data and the shuffling.", valueName: "n"))
    var seed: UInt64 = 2026

    @Flag(help: "One JSON object per line instead of a table.")
    var json = false

    @Flag(help: "Small sizes (20000 × 50, 3 epochs; explicit --rows, --features, --epochs win): a few seconds.")
    var quick = false

    @Flag(help: "Run Descent's portable Swift gradient kernels instead of its AVX-512 ones (to compare them).")
    var portableKernels = false

    @Flag(help: "Leave out the exact solvers.")
    var skipSolvers = false

    @Flag(help: "Leave out training to convergence (agreement).")
    var skipAgreement = false

    @Option(
        help: ArgumentHelp(
            "Run only these benchmarks, comma-separated (stream-read and read-once always run with the training ones; csv runs "
                + "only when named), e.g. --only normal-equations,qr or --only csv.",
            valueName: "names"),
        transform: BenchmarkName.parseList)
    var only: Set<BenchmarkName>?

    @Option(help: ArgumentHelp("csv: rows of the CSV file, ≥ 1 (default: 1000000; 100000 with --quick).", valueName: "n"))
    var csvRows: Int?

    @Option(help: ArgumentHelp("csv: columns of the CSV file, ≥ 1.", valueName: "n"))
    var csvColumns = 10

    @Option(help: "csv: how the numbers are written (shortest: like pandas' to_csv; scientific: %.18e like numpy.savetxt).")
    var csvStyle = CSVStyle.all

    @Option(help: ArgumentHelp(
        "csv: rounds per style, ≥ 1; each times Descent, then pandas (warm-up, then the median of 3).",
        valueName: "n"))
    var csvRounds = 2

    @Option(name: .customLong("csv-file"), help: ArgumentHelp(
        "csv: a CSV file to time as it is (repeatable): Matrix and Dataset (when every cell is a number), Table and pandas; "
            + "with --csv-style none, only these files.", valueName: "path"))
    var csvFiles: [String] = []

    @Option(help: ArgumentHelp(
        "Rows of the second, smaller shape the robust benchmarks also run on, ≥ 1 (default: 100000; 10000 with --quick).",
        valueName: "n"))
    var smallRows: Int?

    @Option(help: ArgumentHelp("Feature columns of the smaller shape, ≥ 1.", valueName: "n"))
    var smallFeatures = 20

    @Flag(help: "Run huber-irls and quantile-exact on the smaller shape only (one fit each takes ~20 s at 1000000 × 100).")
    var exactSmallOnly = false

    @Option(help: ArgumentHelp("Write the data as .npy files into DIR and time streamed epochs and solvers against a "
                               + "sequential read of the files and the same in memory (runs only this).", valueName: "DIR"))
    var outOfCore: String?

    @Flag(help: "With --out-of-core: leave the .npy files in DIR instead of removing them.")
    var keepFiles = false

    @Option(help: ArgumentHelp("With --out-of-core: one chunk buffer's size in MiB (default 4).", valueName: "MiB"))
    var chunkMb: Int?

    @Flag(help: "With --out-of-core: read the files with pread into chunk buffers (StreamingDataset's mapped: false) instead of mapping them.")
    var noMap = false

    @OptionGroup var sparseOptions: SparseOptions

    /// The settings with `--quick`'s sizes filled in where no size was given.
    var settings: Settings {
        Settings(rows: rows ?? (quick ? 20_000 : 1_000_000), features: features ?? (quick ? 50 : 100),
                 batchSize: batchSize, epochs: epochs ?? (quick ? 3 : 5), seed: seed,
                 skipSolvers: skipSolvers, skipAgreement: skipAgreement, only: only,
                 csvRows: csvRows ?? (quick ? 100_000 : 1_000_000), csvColumns: csvColumns, csvStyle: csvStyle,
                 csvRounds: csvRounds, csvFiles: csvFiles, smallRows: smallRows ?? (quick ? 10_000 : 100_000), smallFeatures: smallFeatures,
                 exactOnMain: !exactSmallOnly)
    }

    /// Rejects sizes and counts out of range, naming the option.
    func validate() throws {
        let settings = settings
        for (option, value) in [("--rows", settings.rows), ("--features", settings.features),
                                ("--batch-size", settings.batchSize), ("--csv-rows", settings.csvRows),
                                ("--csv-columns", settings.csvColumns), ("--csv-rounds", settings.csvRounds),
                                ("--small-rows", settings.smallRows), ("--small-features", settings.smallFeatures)]
            where value < 1 {
            throw ValidationError("\(option) must be a whole number ≥ 1, not \(value)")
        }
        _ = try sparseOptions.check(quick: quick)
        if let threads, threads < 1 { throw ValidationError("--threads must be a whole number ≥ 1, not \(threads)") }
        guard settings.epochs >= 2 else {
            throw ValidationError("--epochs must be at least 2: the first epoch is a warm-up, not \(settings.epochs)")
        }
    }

    /// Prints the header (or the JSON configuration line), generates the data, runs each selected
    /// precision's workload, then prints the table or the JSON rows.
    func run() throws {
        if let threads { BLASConfiguration.threads = threads }
        if portableKernels { CompiledKernels.enabled = false }
        Progress.quiet = false
        let settings = settings
        if sparseOptions.sparse || settings.onlySparse {
            return try runSparse(try sparseOptions.check(quick: quick), settings: settings)
        }
        if json {
            print(try ConfigurationRow(settings).jsonLine())
        } else {
            print(header(settings))
        }
        if let outOfCore { return try runOutOfCore(folder: outOfCore, settings: settings) }

        if settings.runsTraining {
            let data = Progress.phase("generating \(settings.rows) × \(settings.features) data") {
                SyntheticData(rows: settings.rows, columns: settings.features, seed: settings.seed)
            }
            // The robust benchmarks' second shape, from the same seed.
            let small = settings.runsSmallShape
                ? Progress.phase("generating \(settings.smallRows) × \(settings.smallFeatures) data") {
                    SyntheticData(rows: settings.smallRows, columns: settings.smallFeatures, seed: settings.seed)
                } : nil
            var measurements = [Measurement]()
            if precision != .float32 {
                measurements += try Workload<Double>(settings: settings, data: data).run()
                if let small { measurements += try Workload<Double>(settings: settings, data: small).runRobust() }
            }
            if precision != .float64 {
                measurements += try Workload<Float>(settings: settings, data: data).run()
                if let small { measurements += try Workload<Float>(settings: settings, data: small).runRobust() }
            }
            if json {
                for m in measurements { print(try m.jsonLine()) }
            } else {
                print(try table(measurements, settings: settings))
            }
        }
        if settings.selected(.csv) {
            let rows = try CSVBenchmark(settings: settings).run()
            if json {
                for row in rows { print(try row.jsonLine()) }
            } else {
                print(try csvTable(rows))
            }
        }
    }

    /// The table's two header lines: sizes, then the OpenBLAS build and threads in use.
    func header(_ settings: Settings) -> String {
        let sizes = settings.runsTraining
            ? "\(settings.rows) rows × \(settings.features) features, batch size \(settings.batchSize), "
                + "\(settings.epochs) epochs per mode (median after a warm-up)"
            : "csv only, \(settings.csvRows) rows × \(settings.csvColumns) columns, \(settings.csvRounds) round(s) "
                + "per style (median of 3 after a warm-up)"
        return """
        Descent bench: \(sizes), seed \(settings.seed)
        OpenBLAS core: \(BLASConfiguration.coreName) (OPENBLAS_CORETYPE=\(ConfigurationRow.coreTypeEnvironment ?? "unset")), \
        threads: \(BLASConfiguration.threads), config: \(BLASConfiguration.configuration)
        Gradient kernels: \(ConfigurationRow.kernels)
        """
    }
}
