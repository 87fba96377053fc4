import Descent

extension Fit {
    /// `descent fit data.svm|data.vw|X.npz --targets y.npy`: gradient descent on CSR rows. A LIBSVM
    /// or Vowpal Wabbit file is streamed in chunks (its importance weights train), an `.npz` file
    /// read whole with its targets from `--targets`.
    func fitSparse(_ gd: GradientDescent<Double>, _ format: SparseFormat) throws(DescentError) {
        var model = LinearModel<Double>()
        let trained: FitHistory<Double>
        switch format {
        case .npz:
            guard let targets = input.targets else {
                throw .invalidOption(name: "--targets", value: "missing", expected: "a .npy file of the targets of \(input.data)")
            }
            let features = try SparseMatrix<Double>(npzFile: input.data)
            let y = try Matrix<Double>(npyFile: targets)
            guard y.columns == 1 || y.rows == 1 else {
                throw .invalidOption(name: "--targets", value: "\(y.rows) × \(y.columns)",
                                     expected: "one target per row (sparse files train one target)")
            }
            if let initial { model = try LinearModel(contentsOf: initial, features: features.columns) }
            let progress = ProgressReporter(epochs: gd.epochs, rows: features.rows, quiet: quiet)
            trained = try gd.fit(&model, features: features, targets: y.withUnsafeBufferPointer { Array($0) }) {
                progress.epochDone($0)
            }
            progress.finish(trained)
        case .libsvm, .vw:
            var columns: Int? = nil
            if let initial { columns = try LinearModel<Double>(contentsOf: initial).weights.count }
            let stream = try sparse.stream(input.data, format, columns: format == .libsvm ? columns : nil,
                                           bits: format == .vw ? columns.map { $0.trailingZeroBitCount } : nil)
            if let initial { model = try LinearModel(contentsOf: initial, features: stream.columns) }
            let progress = ProgressReporter(epochs: gd.epochs, rows: stream.rowCount, quiet: quiet)
            trained = try gd.fit(&model, from: stream) { progress.epochDone($0) }
            progress.finish(trained)
        }
        try conclude(trained) { () throws(DescentError) in try model.save(to: output) }
    }
}
