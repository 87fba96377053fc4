import ArgumentParser
import Descent

extension SparseFormatOptions {
    /// The features, targets and weights of a sparse file for an exact solve, in memory: a LIBSVM
    /// file (`columns` when the width must match a model's), or an `.npz` matrix with its targets
    /// in `--targets y.npy`; `--weights`, a `.npy` file of one weight per row. Vowpal Wabbit files
    /// and the options the exact solve cannot take are refused, naming the option.
    func exactDataset(_ input: DataOptions, _ format: SparseFormat, columns: Int? = nil,
                      command: String) throws(DescentError) -> (data: SparseDataset<Double>, weights: [Double]?) {
        if input.target != nil {
            throw .invalidOption(name: "--target", value: input.target!, expected: "absent: a sparse file holds its targets (libsvm) or takes --targets y.npy (npz)")
        }
        if input.stream {
            throw .invalidOption(name: "--stream", value: "with `descent \(command)` on sparse data", expected: "absent: the exact sparse solve reads the file in memory")
        }
        let data: SparseDataset<Double>
        switch format {
        case .npz:
            guard let targets = input.targets else {
                throw .invalidOption(name: "--targets", value: "missing", expected: "the targets .npy file of the .npz features for `descent \(command)`")
            }
            data = try SparseDataset(features: try SparseMatrix(npzFile: input.data), targets: try Self.column(targets, what: "targets"))
        case .libsvm:
            if let targets = input.targets {
                throw .invalidOption(name: "--targets", value: targets, expected: "absent: a LIBSVM file holds its targets")
            }
            data = try SparseDataset(libsvmFile: input.data, columns: columns, zeroBased: indexBase.map { $0 == 0 })
        case .vw:
            throw .invalidOption(name: "--format", value: "vw with `descent \(command)`",
                                 expected: "libsvm or npz (convert first: descent convert data.vw X.npz y.npy)")
        }
        return (data, try input.weights.map { (file) throws(DescentError) in try Self.column(file, what: "weights") })
    }

    /// A `.npy` file of one column.
    static func column(_ path: String, what: String) throws(DescentError) -> [Double] {
        let values = try Matrix<Double>(npyFile: path)
        guard values.columns == 1 || values.rows == 0 else {
            throw .invalidFile(path: path, format: ".npy", reason: "\(what) must be one column, but it has \(values.columns)")
        }
        return values.elements
    }
}

extension Solve {
    /// `descent solve data.svm` (or `.npz --targets y.npy`): the sparse exact solve (the sparse Gram
    /// for few columns, LSMR for many), its coefficients, and with `--summary` the Gram path's summary.
    func solveSparse(_ format: SparseFormat) throws(DescentError) {
        guard method == .automatic else {
            throw .invalidOption(name: "--method", value: "\(method.method)", expected: "automatic with sparse data (the sparse Gram matrix for few columns, LSMR for many)")
        }
        guard quantile == nil, !robustOptions.isRequested, tableOptions.formula == nil else {
            throw .invalidOption(name: "data", value: input.data, expected: "dense data (CSV or .npy) for formulas, quantile and robust fits")
        }
        if format == .vw || (format == .libsvm && input.weights == nil && input.targets == nil && input.target == nil) {
            return try solveSparseStream(format)
        }
        if format == .npz, let several = try severalSparseTargets() { return try solveSparseTargets(several) }
        let (data, weights) = try sparse.exactDataset(input, format, command: "solve")
        let x = data.features, y = data.targets
        let solution = if let weights {
            try LeastSquares.solve(x, y, weights: weights, intercept: !noIntercept, ridge: ridge)
        } else {
            try LeastSquares.solve(x, y, intercept: !noIntercept, ridge: ridge)
        }
        try reportSparse(solution) { (names, covariance) throws(DescentError) in
            if let weights {
                try solution.summary(features: x, targets: y, weights: weights, featureNames: names, covariance: covariance)
            } else {
                try solution.summary(features: x, targets: y, featureNames: names, covariance: covariance)
            }
        }
    }

    /// Prints a sparse solution's coefficients (features named `x0`, `x1`, …) and LSMR's stop, with
    /// `--summary` the table `summarise` makes (nonrobust or HC0–HC3), and saves the model when asked.
    func reportSparse(_ solution: LeastSquaresSolution<Double>,
                      summarise: ([String], LeastSquares.Covariance) throws(DescentError) -> RegressionSummary) throws(DescentError) {
        let names = (0..<solution.model.weights.count).map { "x\($0)" }
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
            print(try summarise(names, covariance))
        }
        if let output { try solution.model.save(to: output) }
    }
}

extension Verify {
    /// `descent verify model.json data.svm`: the saved model against the sparse exact solution.
    func verifySparse(_ saved: LinearModel<Double>, _ format: SparseFormat) throws(DescentError) {
        let (data, weights) = try sparse.exactDataset(input, format, columns: saved.weights.count, command: "verify")
        Self.report(try LeastSquares.verify(saved, features: data.features, targets: data.targets, weights: weights))
    }
}
