import ArgumentParser
import Descent

extension Convert {
    /// `descent convert data.svm|data.vw|X.npz OUT.npz [y.npy]` or `… OUT.svm`: a sparse file into
    /// scipy's CSR `.npz` (and its targets as a `.npy` file) or LIBSVM text. A LIBSVM or Vowpal
    /// Wabbit file is streamed: into LIBSVM in O(one chunk) memory, into `.npz` in O(nnz) (a zip
    /// member is written whole).
    func convertSparse(_ format: SparseFormat) throws(DescentError) {
        guard let out = SparseFormat(extensionOf: features), out != .vw else {
            throw .invalidOption(name: "FEATURES", value: features,
                                 expected: "a .npz file (scipy's CSR, with the targets in a .npy file) or a .svm file (LIBSVM)")
        }
        if out == .libsvm, targets != nil {
            throw .invalidOption(name: "TARGETS", value: targets!, expected: "nothing: a LIBSVM file holds its labels")
        }
        let source: SparseStreamingDataset<Double>?
        var data: SparseDataset<Double>? = nil
        if format == .npz {
            source = nil
            let x = try SparseMatrix<Double>(npzFile: csv)
            let y: [Double]
            if let labels { y = try Matrix<Double>(npyFile: labels).elements } else if out == .npz {
                y = [Double](repeating: 0, count: x.rows)
            } else {
                throw .invalidOption(name: "--labels", value: "missing", expected: "the targets .npy file of \(csv) (LIBSVM needs a label a row)")
            }
            data = try SparseDataset(features: x, targets: y)
        } else {
            guard labels == nil else {
                throw .invalidOption(name: "--labels", value: labels!, expected: "used with an .npz input only (\(csv) holds its labels)")
            }
            source = try sparse.stream(csv, format)
        }
        if out == .libsvm {
            if let source { try source.writeLIBSVM(to: features) } else { try data!.writeLIBSVM(to: features) }
            let rows = source?.rowCount ?? data!.targets.count, columns = source?.columns ?? data!.features.columns
            print("wrote \(rows) rows × \(columns) columns to \(features) (LIBSVM, zero-based indices)")
        } else {
            let whole: SparseDataset<Double>
            if let data { whole = data } else { whole = try SparseDataset(source!) }
            if float32 {
                let x = whole.features
                try SparseMatrix<Float>(rows: x.rows, columns: x.columns, rowOffsets: x.rowOffsets, columnIndices: x.columnIndices,
                                        values: x.values.map { Float($0) }).writeNPZ(to: features)
            } else {
                try whole.features.writeNPZ(to: features)
            }
            if let targets, format != .npz || labels != nil { try whole.targets.writeNPY(to: targets) }
            print("wrote \(whole.features.rows) rows × \(whole.features.columns) columns, \(whole.features.nonzeros) non-zeros "
                  + "to \(features)" + (targets.map { " and the targets to \($0)" } ?? ""))
        }
        if source?.hasWeights == true || data?.weights != nil {
            note("the importance weights of \(csv) are not written: \(features) has no place for them")
        }
    }
}
