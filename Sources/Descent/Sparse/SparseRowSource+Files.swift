extension SparseRowSource {
    /// Writes the rows as a LIBSVM/svmlight text file (`label index:value …`, explicit zeros left
    /// out), every number in its shortest form that reads back to the same bits, one chunk at a
    /// time (a streamed source is written in O(one chunk) memory). The file appears under its name
    /// only when completely written. Sample weights, if any, have no place in the format and are
    /// not written.
    ///
    /// - Parameters:
    ///   - path: The file; an existing file is replaced.
    ///   - zeroBased: Write zero-based indices (scikit-learn's `dump_svmlight_file(zero_based=True)`,
    ///     its default) or one-based ones (LIBSVM's own convention).
    /// - Throws: ``DescentError/fileNotWritable(path:reason:)``; what the source throws.
    /// - Complexity: O(nnz) time.
    public func writeLIBSVM(to path: String, zeroBased: Bool = true) throws(DescentError) {
        let shift = zeroBased ? 0 : 1
        try FileIO.writeAtomically(path) { (append) throws(DescentError) in
            var text = [UInt8]()
            try forEachChunk { (chunk) throws(DescentError) in
                let features = chunk.features
                text.removeAll(keepingCapacity: true)
                for i in 0..<features.rows {
                    text.append(contentsOf: "\(chunk.targets[i])".utf8)
                    for k in features.rowOffsets[i]..<features.rowOffsets[i + 1] where features.values[k] != 0 {
                        text.append(UInt8(ascii: " "))
                        text.append(contentsOf: "\(features.columnIndices[k] + shift):\(features.values[k])".utf8)
                    }
                    text.append(UInt8(ascii: "\n"))
                }
                try text.withUnsafeBytes { raw in Result { () throws(DescentError) in try append(raw) } }.get()
            }
        }
    }
}

extension SparseDataset {
    /// Every row of a sparse source, in memory: a streamed file read whole (to write it as a
    /// scipy `.npz` file, or to solve on it in memory).
    ///
    /// - Parameter source: The rows; its chunks' sample weights become ``weights`` (when every
    ///   chunk has them).
    /// - Throws: what the source throws; as ``init(features:targets:weights:)``.
    /// - Complexity: O(nnz) time and memory.
    public init<Source: SparseRowSource>(_ source: Source) throws(DescentError) where Source.Scalar == Scalar {
        var offsets = [0], indices = [Int](), values = [Scalar](), targets = [Scalar](), weights: [Scalar]? = []
        try source.forEachChunk { chunk in
            let features = chunk.features
            let base = indices.count
            offsets.append(contentsOf: features.rowOffsets.dropFirst().map { $0 + base })
            indices.append(contentsOf: features.columnIndices)
            values.append(contentsOf: features.values)
            targets.append(contentsOf: chunk.targets)
            if let w = chunk.weights { weights?.append(contentsOf: w) } else { weights = nil }
        }
        let matrix = try SparseMatrix(rows: targets.count, columns: source.columns, rowOffsets: offsets,
                                      columnIndices: indices, values: values)
        try self.init(features: matrix, targets: targets, weights: targets.isEmpty ? nil : weights)
    }
}
