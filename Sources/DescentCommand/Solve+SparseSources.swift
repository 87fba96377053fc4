import Descent

extension Solve {
    /// `descent solve data.svm` (no `--weights`) or `data.vw`: the sparse exact solve read from the
    /// file in chunks (`LeastSquares.solve(from:)`, the same bits as the file read whole), and with
    /// `--summary` its summary in two more passes. A Vowpal Wabbit file is hashed into
    /// `2^--hash-bits` columns (18 by default).
    func solveSparseStream(_ format: SparseFormat) throws(DescentError) {
        if let target = input.target {
            throw .invalidOption(name: "--target", value: target, expected: "absent: a sparse file holds its targets")
        }
        if let targets = input.targets {
            throw .invalidOption(name: "--targets", value: targets, expected: "absent: a \(format) file holds its targets")
        }
        if let weights = input.weights {
            throw .invalidOption(name: "--weights", value: weights, expected: "absent with a \(format) file (its own importance weights weigh the rows)")
        }
        let stream = try sparse.stream(input.data, format)
        let solution = try LeastSquares.solve(from: stream, intercept: !noIntercept, ridge: ridge)
        try reportSparse(solution) { (names, covariance) throws(DescentError) in
            try solution.summary(from: stream, featureNames: names, covariance: covariance)
        }
    }

    /// The `--targets` file of an `.npz` solve when it holds several columns (`n × k`, `k > 1`), else `nil`.
    func severalSparseTargets() throws(DescentError) -> Matrix<Double>? {
        guard let file = input.targets else { return nil }
        let targets = try Matrix<Double>(npyFile: file)
        return targets.columns > 1 && targets.rows > 1 ? targets : nil
    }

    /// `descent solve X.npz --targets Y.npy` with `Y` of `k > 1` columns: one sparse solve for every
    /// target (one Gram matrix and factor, or LSMR per target), a column of coefficients per
    /// target and a multi-target model file.
    func solveSparseTargets(_ targets: Matrix<Double>) throws(DescentError) {
        guard !summary else {
            throw .invalidOption(name: "--summary", value: "with \(targets.columns) sparse targets",
                                 expected: "one target column (solve each column on its own for its summary)")
        }
        let features = try SparseMatrix<Double>(npzFile: input.data)
        let solution = if let file = input.weights {
            try LeastSquares.solve(features, targets, weights: try SparseFormatOptions.column(file, what: "weights"),
                                   intercept: !noIntercept, ridge: ridge)
        } else {
            try LeastSquares.solve(features, targets, intercept: !noIntercept, ridge: ridge)
        }
        try report(solution, featureNames: (0..<features.columns).map { "x\($0)" },
                   targetNames: (0..<targets.columns).map { "y\($0)" })
        if let runs = solution.iterative {
            print("LSMR: " + runs.enumerated().map { "y\($0): \($1.stopReason) in \($1.iterations) iterations" }.joined(separator: "; "))
        }
    }
}
