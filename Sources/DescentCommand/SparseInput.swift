import ArgumentParser
import Descent

/// A sparse data file's format.
enum SparseFormatArgument: String, ExpressibleByArgument, CaseIterable {
    /// LIBSVM/svmlight text, `label index:value …` (the targets on each line).
    case libsvm
    /// scipy's `save_npz` CSR file (the targets in `--targets y.npy`).
    case npz
}

/// How sparse data is read: the format from `--format` or the file's extension.
struct SparseOptions: ParsableArguments {
    @Option(help: "A sparse data file's format: libsvm (svmlight text, .svm/.libsvm/.svmlight) or npz (scipy's save_npz CSR, with --targets y.npy). Default: from the extension.")
    var format: SparseFormatArgument?

    /// The sparse format of `path`, or `nil` for dense data.
    func format(of path: String) -> SparseFormatArgument? {
        if let format { return format }
        let lower = path.lowercased()
        if [".svm", ".libsvm", ".svmlight"].contains(where: { lower.hasSuffix($0) }) { return .libsvm }
        if lower.hasSuffix(".npz") { return .npz }
        return nil
    }

    /// The features and targets of sparse data: a LIBSVM file (`columns` when the width must match a
    /// model's), or an `.npz` matrix with its `targets` `.npy` file; `weights`, a `.npy` file of one
    /// weight per row, when given.
    func dataset(_ path: String, targets: String?, weights: String?, columns: Int? = nil,
                 command: String) throws(DescentError) -> (data: SparseDataset<Double>, weights: [Double]?) {
        let data: SparseDataset<Double>
        switch format(of: path) {
        case .npz?:
            guard let targets else {
                throw .invalidOption(name: "--targets", value: "missing", expected: "the targets .npy file of the .npz features for `descent \(command)`")
            }
            data = try SparseDataset(features: try SparseMatrix(npzFile: path), targets: try Self.column(targets, what: "targets"))
        default:
            data = try SparseDataset(libsvmFile: path, columns: columns)
        }
        return (data, try weights.map { (file) throws(DescentError) in try Self.column(file, what: "weights") })
    }

    /// A `.npy` file of one column.
    static func column(_ path: String, what: String) throws(DescentError) -> [Double] {
        let values = try Matrix<Double>(npyFile: path)
        guard values.columns == 1 || values.rows == 0 else {
            throw .invalidFile(path: path, format: ".npy", reason: "\(what) must be one column, but it has \(values.columns)")
        }
        return values.elements
    }

    /// The options that sparse data cannot take, as a validation message.
    func check(_ input: DataOptions) throws {
        guard let format = format(of: input.data) else { return }
        if input.target != nil { throw ValidationError("--target names a CSV column; sparse data holds its targets (libsvm) or takes --targets y.npy (npz)") }
        if format == .libsvm, input.targets != nil { throw ValidationError("a LIBSVM file holds its targets; drop --targets") }
        if input.stream { throw ValidationError("--stream reads dense .npy files; sparse data is read in memory") }
        if let weights = input.weights, !weights.lowercased().hasSuffix(".npy") {
            throw ValidationError("with sparse data, --weights takes a .npy file of one weight per row")
        }
    }
}

extension Solve {
    /// `descent solve data.svm` (or `.npz --targets y.npy`): the sparse exact solve (the sparse Gram
    /// for few columns, LSMR for many), its coefficients, and with `--summary` the Gram path's summary.
    func solveSparse() throws(DescentError) {
        guard method == .automatic else {
            throw .invalidOption(name: "--method", value: "\(method.method)", expected: "automatic with sparse data (the sparse Gram matrix for few columns, LSMR for many)")
        }
        guard quantile == nil, !robustOptions.isRequested, tableOptions.formula == nil else {
            throw .invalidOption(name: "data", value: input.data, expected: "dense data (CSV or .npy) for formulas, quantile and robust fits")
        }
        let (data, weights) = try input.sparse.dataset(input.data, targets: input.targets, weights: input.weights, command: "solve")
        let x = data.features, y = data.targets
        let solution = if let weights {
            try LeastSquares.solve(x, y, weights: weights, intercept: !noIntercept, ridge: ridge)
        } else {
            try LeastSquares.solve(x, y, intercept: !noIntercept, ridge: ridge)
        }
        let names = (0..<x.columns).map { "x\($0)" }
        print(Self.table(solution, names: names))
        if let run = solution.iterative {
            print("LSMR: \(run.stopReason) in \(run.iterations) iterations")
        }
        if summary {
            let covariance: LeastSquares.Covariance
            switch covType {
            case nil: covariance = .nonrobust
            case let .fixed(fixed)?: covariance = fixed
            case .cluster?: throw .invalidOption(name: "--cov-type", value: "cluster with sparse data", expected: "nonrobust or hc0–hc3")
            }
            let table = if let weights {
                try solution.summary(features: x, targets: y, weights: weights, featureNames: names, covariance: covariance)
            } else {
                try solution.summary(features: x, targets: y, featureNames: names, covariance: covariance)
            }
            print(table)
        }
        if let output { try solution.model.save(to: output) }
    }
}

extension Verify {
    /// `descent verify model.json data.svm`: the saved model against the sparse exact solution.
    func verifySparse(_ saved: LinearModel<Double>) throws(DescentError) {
        let (data, weights) = try input.sparse.dataset(input.data, targets: input.targets, weights: input.weights,
                                                       columns: saved.weights.count, command: "verify")
        Self.report(try LeastSquares.verify(saved, features: data.features, targets: data.targets, weights: weights))
    }
}
