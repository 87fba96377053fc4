import ArgumentParser
import Descent

/// `bench --sparse` and its sizes: the sparse benchmarks (SparseBenchmark.swift), which run only
/// when asked for.
struct SparseOptions: ParsableArguments {
    @Flag(help: ArgumentHelp("Run only the sparse benchmarks (sparse-batch-epoch, sparse-minibatch-epoch, "
                             + "sparse-stochastic-epoch, sparse-lsmr, sparse-gram, libsvm-read) on synthetic Zipf-distributed CSR data."))
    var sparse = false

    @Option(help: ArgumentHelp("--sparse: rows, ≥ 1 (default: 1000000; 50000 with --quick).", valueName: "n"))
    var sparseRows: Int?

    @Option(help: ArgumentHelp("--sparse: columns, ≥ 1 (default: 1048576 = 2^20; 65536 with --quick).", valueName: "d"))
    var sparseColumns: Int?

    @Option(help: ArgumentHelp("--sparse: column draws per row, ≥ 1 (repeats merged, so a row holds a few fewer "
                               + "distinct columns).", valueName: "k"))
    var sparseNnz = 50

    @Option(help: ArgumentHelp("--sparse: the Zipf exponent s, ≥ 0: column j is drawn with probability ∝ 1/(j+1)^s.",
                               valueName: "s"))
    var sparseExponent = 1.0

    @Option(help: ArgumentHelp("--sparse: LSMR's damp, ≥ 0 (ridge: damp² = n·λ; default √(n·10⁻⁴), the L2 row's λ = 10⁻⁴).",
                               valueName: "x"))
    var sparseDamp: Double?

    @Option(help: ArgumentHelp("--sparse: LSMR's atol and btol, in (0, 1).", valueName: "x"))
    var sparseTolerance = 1e-8

    @Option(help: ArgumentHelp("--sparse: LSMR's iteration limit, ≥ 1.", valueName: "n"))
    var sparseIterations = 10_000

    @Option(help: ArgumentHelp("--sparse: sparse-gram keeps the non-zeros of the first c columns (the most frequent), "
                               + "1 ≤ c ≤ 10000.", valueName: "c"))
    var sparseGramColumns = 1024

    @Option(help: ArgumentHelp("--sparse: seconds a mini-batch or stochastic row may take; beyond, its epochs are timed on "
                               + "the first rows that fit (rows_timed).", valueName: "s"))
    var sparseEpochBudget = 60.0

    @Option(help: ArgumentHelp("--sparse: keep the data in DIR for the peers (data.svm, X.npz, y.npy, truth.npy: w* "
                               + "then b*) instead of a temporary folder removed at the end.", valueName: "DIR"))
    var sparseFiles: String?

    /// Rejects sizes out of range, naming the option.
    func check(quick: Bool) throws -> SparseSettings {
        let rows = sparseRows ?? (quick ? 50_000 : 1_000_000)
        let damp = sparseDamp ?? (Double(rows) * SparseBenchmark<Double>.l2).squareRoot()
        let settings = SparseSettings(rows: rows,
                                      columns: sparseColumns ?? (quick ? 1 << 16 : 1 << 20), draws: sparseNnz,
                                      exponent: sparseExponent, damp: damp, tolerance: sparseTolerance,
                                      iterations: sparseIterations, epochBudget: sparseEpochBudget,
                                      gramColumns: sparseGramColumns, folder: sparseFiles)
        for (option, value) in [("--sparse-rows", settings.rows), ("--sparse-columns", settings.columns),
                                ("--sparse-nnz", settings.draws), ("--sparse-iterations", settings.iterations)]
            where value < 1 {
            throw ValidationError("\(option) must be a whole number ≥ 1, not \(value)")
        }
        guard (1...LeastSquares.sparseGramColumnLimit).contains(sparseGramColumns) else {
            throw ValidationError("--sparse-gram-columns must be in 1...\(LeastSquares.sparseGramColumnLimit), not \(sparseGramColumns)")
        }
        guard settings.columns <= Int(Int32.max) else {
            throw ValidationError("--sparse-columns must be at most \(Int32.max), not \(settings.columns)")
        }
        guard sparseExponent.isFinite, sparseExponent >= 0 else {
            throw ValidationError("--sparse-exponent must be a finite number ≥ 0, not \(sparseExponent)")
        }
        guard damp.isFinite, damp >= 0 else {
            throw ValidationError("--sparse-damp must be a finite number ≥ 0, not \(damp)")
        }
        guard sparseEpochBudget.isFinite, sparseEpochBudget > 0 else {
            throw ValidationError("--sparse-epoch-budget must be a number of seconds > 0, not \(sparseEpochBudget)")
        }
        guard sparseTolerance > 0, sparseTolerance < 1 else {
            throw ValidationError("--sparse-tolerance must be in (0, 1), e.g. 1e-8, not \(sparseTolerance)")
        }
        return settings
    }
}

/// The sparse bench's sizes and LSMR's settings, checked.
struct SparseSettings: Sendable {
    var rows: Int
    var columns: Int
    /// Column draws per row.
    var draws: Int
    var exponent: Double
    var damp: Double
    var tolerance: Double
    var iterations: Int
    /// Seconds a mini-batch or stochastic row may take before it is timed on fewer rows.
    var epochBudget: Double
    /// The columns `sparse-gram` keeps.
    var gramColumns: Int
    /// Where to keep the files for the peers (nil: a temporary folder).
    var folder: String?
}
