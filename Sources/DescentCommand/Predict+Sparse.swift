import ArgumentParser
import Descent

extension Predict {
    /// `descent predict model.json data.svm|data.vw|X.npz`: a LIBSVM or Vowpal Wabbit file is
    /// streamed chunk by chunk (memory: one chunk, whatever the file's size), an `.npz` file read
    /// whole; the predictions are written as they are made.
    func predictSparse(_ format: SparseFormat) throws(DescentError) {
        guard !isMultiTargetModel(model) else {
            throw .invalidOption(name: "MODEL", value: "a multi-target model with a \(format) file",
                                 expected: "a single-target model (sparse files are predicted one target at a time)")
        }
        guard intervals == nil else {
            throw .invalidOption(name: "--intervals", value: "with a \(format) file", expected: "a CSV or .npy file")
        }
        let saved = try LinearModel<Double>(contentsOf: model)
        let width = saved.weights.count
        try emitting(to: output) { (emit) throws(DescentError) in
            try emit("prediction\n")
            func lines(_ values: [Double]) -> String { values.map { "\($0)\n" }.joined() }
            switch format {
            case .npz:
                try emit(lines(try saved.predict(SparseMatrix<Double>(npzFile: input.data))))
            case .libsvm, .vw:
                var bits: Int? = nil
                if format == .vw {
                    bits = sparse.hashBits ?? (width.nonzeroBitCount == 1 ? width.trailingZeroBitCount : nil)
                    guard bits != nil else {
                        throw .invalidOption(name: "--hash-bits", value: "missing", expected: "the bits the model was "
                                             + "trained with (its \(width) weights are not a power of two)")
                    }
                }
                let stream = try sparse.stream(input.data, format, columns: format == .libsvm ? width : nil, bits: bits)
                try stream.forEachChunk { (chunk) throws(DescentError) in try emit(lines(try saved.predict(chunk.features))) }
            }
        }
    }
}

/// Calls `body` with a function that writes text: to stdout as it comes, or to the file `output`,
/// which appears under its name only when complete.
func emitting(to output: String?,
              _ body: (_ emit: (String) throws(DescentError) -> Void) throws(DescentError) -> Void) throws(DescentError) {
    guard let output else { return try body { print($0, terminator: "") } }
    try FileIO.writeAtomically(output) { (append) throws(DescentError) in
        try withoutActuallyEscaping(append) { (append) throws(DescentError) in
            try body { (text) throws(DescentError) in
                try Array(text.utf8).withUnsafeBytes { raw in Result { () throws(DescentError) in try append(raw) } }.get()
            }
        }
    }
}
