import ArgumentParser
import Foundation

/// Every benchmark the bench can run, by the name `--only` takes and the JSON rows report, in the
/// order they run.
enum BenchmarkName: String, CaseIterable, Sendable {
    /// The in-process streaming read of X by all threads (no BLAS): the reference every other row
    /// is paired with (`ratio_to_stream`).
    case streamRead = "stream-read"
    /// One `gemv` over X: the older reference (`ratio_to_read_once`).
    case readOnce = "read-once"
    case batchEpoch = "batch-epoch"
    case minibatchEpoch = "minibatch-epoch"
    case stochasticEpoch = "stochastic-epoch"
    /// The streaming read of X by one thread, timed before each `stochastic-epoch` repetition: a
    /// stochastic epoch is one thread by definition, so this is its limit
    /// (`ratio_to_one_thread_read` on that row). Runs with `stochastic-epoch`.
    case streamReadOneThread = "stream-read-one-thread"
    case minibatchEpochUniform = "minibatch-epoch-uniform"
    case stochasticEpochUniform = "stochastic-epoch-uniform"
    /// A full-batch and a mini-batch epoch on whitened features (`preconditioning = .whitened`):
    /// the per-block triangular solve's cost over the plain epoch (WhitenedEpochs.swift).
    case batchEpochWhitened = "batch-epoch-whitened"
    case minibatchEpochWhitened = "minibatch-epoch-whitened"
    /// Whitening's preparation: the pass that measures the correlation matrix, and its Cholesky factor.
    case whiteningSetup = "whitening-setup"
    case naiveBatchEpoch = "naive-batch-epoch"
    case naiveMinibatchEpoch = "naive-minibatch-epoch"
    case naiveStochasticEpoch = "naive-stochastic-epoch"
    case normalEquations = "normal-equations"
    case qr
    case svd
    case automatic
    /// The OLS summary with HC3 standard errors, fit included (InferenceSummary.swift): against
    /// statsmodels' `OLS(y, X).fit(cov_type="HC3")`.
    case summaryHC3 = "summary-hc3"
    /// The normal equations and QR on nearly collinear columns, κ(X) ≈ 10⁶ (IllConditioned.swift).
    case normalEquationsIllConditioned = "normal-equations-illconditioned"
    case qrIllConditioned = "qr-illconditioned"
    case agreement
    /// The user's entry point: the wall time of one `GradientDescent.fit` call (full batch, the
    /// run's epochs), input validation and the convergence certificate included (FitCall.swift),
    /// with the seconds its epochs recorded (`epochs_seconds`).
    case fitCall = "fit-call"
    /// Robust losses (RobustEpochs.swift): a full-batch epoch of Huber's loss and of the pinball
    /// loss, each paired repetition by repetition with a squared-loss epoch on the same data
    /// (`ratio_to_squared`); then a stochastic Huber epoch against a stochastic squared one. On the
    /// main shape and on the small one (`--small-rows` × `--small-features`), with outlying targets.
    case huberEpoch = "huber-epoch"
    case quantileEpoch = "quantile-epoch"
    case huberStochasticEpoch = "huber-stochastic-epoch"
    /// The exact robust solvers on the same data (RobustExact.swift): IRLS for Huber's T with the
    /// MAD scale (statsmodels' `RLM` default), and the Frisch–Newton median regression. On both
    /// shapes (the main one left out with `--exact-small-only`); not with `--skip-solvers`.
    case huberIRLS = "huber-irls"
    case quantileExact = "quantile-exact"
    /// Penalty paths (PenaltyPaths.swift), float64 only: a 100-λ lasso path in covariance (Gram)
    /// mode on the main shape, one in naive mode on 1,000 × 10,000, 10-fold cross-validation of
    /// the lasso path, ridge scored by GCV over 13 λ, and 10-fold cross-validation of ridge over 5 λ.
    case lassoPathGram = "lasso-path-gram"
    case lassoPathNaive = "lasso-path-naive"
    case lassoCVTenFold = "lasso-cv-10fold"
    case ridgeGCV = "ridge-gcv"
    case ridgeTenFold = "ridge-cv-10fold"
    /// Reading a numeric CSV file, timed against pandas.read_csv; only when asked for (`--only csv`):
    /// it writes a file of a few hundred MB and runs python3.
    case csv
    /// The sparse benchmarks (SparseBenchmark.swift): only with `--sparse` (or when `--only` names
    /// nothing else). `sparse-stochastic-epoch` also runs its L2-penalised twin.
    case sparseBatchEpoch = "sparse-batch-epoch"
    case sparseMinibatchEpoch = "sparse-minibatch-epoch"
    case sparseStochasticEpoch = "sparse-stochastic-epoch"
    case sparseLSMR = "sparse-lsmr"
    case sparseGram = "sparse-gram"
    case libsvmRead = "libsvm-read"

    /// The robust-loss benchmarks, which also run on the small shape.
    static let robust: Set<BenchmarkName> = [.huberEpoch, .quantileEpoch, .huberStochasticEpoch, .huberIRLS,
                                              .quantileExact]

    /// The sparse benchmarks.
    static let sparse: Set<BenchmarkName> = [.sparseBatchEpoch, .sparseMinibatchEpoch, .sparseStochasticEpoch,
                                              .sparseLSMR, .sparseGram, .libsvmRead]

    /// Whether the benchmark runs when `--only` is not given.
    var runsByDefault: Bool { self != .csv && !Self.sparse.contains(self) }

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

/// How the csv benchmark writes its numbers.
enum CSVStyle: String, CaseIterable, ExpressibleByArgument, Sendable {
    /// The shortest text that reads back exactly (Swift's `description`, as pandas' `to_csv` writes
    /// float64 with Python's `repr`): up to 17 significant digits, e.g. `-0.7364540870016669`.
    case shortest
    /// `%.18e`, as `numpy.savetxt(..., fmt="%.18e")` writes: 19 significant digits, e.g.
    /// `-7.364540870016669238e-01`.
    case scientific
    /// `%.10g`, as `numpy.savetxt(..., fmt="%.10g")` or a spreadsheet writes: 10 significant
    /// digits, e.g. `-0.736454087`.
    case general
    /// Integers (the values × 1000, rounded), as counts and ids are written: e.g. `-736`.
    case integers
    /// A text column (`name`: one of five words) before the numbers (`shortest`), read by
    /// `Table(csvFile:)` (the numeric readers refuse text) and pandas.
    case text
    /// `shortest` and `scientific`, one after the other.
    case both
    /// Every style, one after the other.
    case all
    /// No generated file (with `--csv-file`).
    case none

    /// The styles to run.
    var styles: [CSVStyle] {
        switch self {
        case .both: [.shortest, .scientific]
        case .all: [.shortest, .scientific, .general, .integers, .text]
        case .none: []
        default: [self]
        }
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
    /// The benchmarks to run besides stream-read and read-once, which always run with the training benchmarks
    /// (nil: all of those that run by default).
    var only: Set<BenchmarkName>?
    /// The csv benchmark's file: rows, columns, number style, and rounds of (Descent, pandas).
    var csvRows = 1_000_000
    var csvColumns = 10
    var csvStyle = CSVStyle.all
    var csvRounds = 2
    /// CSV files to time as they are (`--csv-file`), besides or instead of the generated ones.
    var csvFiles: [String] = []
    /// The second, smaller shape the robust benchmarks also run on.
    var smallRows = 100_000
    var smallFeatures = 20
    /// Whether the exact robust solvers also run on the main shape.
    var exactOnMain = true

    /// Whether `name` was asked for.
    func selected(_ name: BenchmarkName) -> Bool { only?.contains(name) ?? name.runsByDefault }

    /// Whether any training or solver benchmark (anything but csv) was asked for.
    var runsTraining: Bool { only.map { !$0.subtracting([.csv]).subtracting(BenchmarkName.sparse).isEmpty } ?? true }

    /// Whether `--only` names sparse benchmarks and nothing else.
    var onlySparse: Bool { only.map { !$0.isEmpty && $0.isSubset(of: BenchmarkName.sparse) } ?? false }

    /// Whether any robust benchmark was asked for.
    var runsRobust: Bool { BenchmarkName.robust.contains(where: selected) }

    /// Whether the main shape is the small one.
    var mainIsSmall: Bool { (smallRows, smallFeatures) == (rows, features) }

    /// Whether the small shape is a shape of its own (not the main one) with robust benchmarks to run.
    var runsSmallShape: Bool { runsRobust && !mainIsSmall }
}
