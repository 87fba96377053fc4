#if canImport(Glibc)
import Glibc
#endif
import Descent

extension Predict {
    /// `predict --stream`: reads the features `.npy` file a chunk of rows at a time (`--chunk-mb`,
    /// default 4 MiB) and writes each chunk's lines before reading the next, so memory stays one
    /// chunk and its text whatever the file's size. With `--output` the lines go to a temporary
    /// file beside it, renamed to the output's name only once every row is written (nothing is
    /// left under that name on an error); otherwise to stdout as they come.
    ///
    /// The lines are the ones the in-memory `predict` writes (the same formatting functions).
    func predictStreamed() throws(DescentError) {
        let file = try NPYRowFile(path: input.data, as: Double.self, allowPrecisionLoss: false)
        let header: String
        let chunkLines: (Matrix<Double>) throws(DescentError) -> String
        if isMultiTargetModel(model) {
            guard intervals == nil else {
                throw .invalidOption(name: "--intervals", value: "with a multi-target model",
                                     expected: "a single-target model saved by `descent solve --output`")
            }
            let saved = try MultiLinearModel<Double>(contentsOf: model)
            guard saved.featureCount == file.columns else {
                throw .weightCountMismatch(weights: saved.featureCount, features: file.columns)
            }
            header = (saved.targetNames ?? (0..<saved.targetCount).map { "prediction\($0)" }).joined(separator: ",") + "\n"
            chunkLines = { (features) throws(DescentError) in Self.lines(try saved.predict(features)) }
        } else {
            let saved = try LinearModel<Double>(contentsOf: model)
            try Self.checkIntervals(saved, intervals)
            guard saved.weights.count == file.columns else {
                throw .weightCountMismatch(weights: saved.weights.count, features: file.columns)
            }
            header = Self.header(intervals: intervals)
            let level = intervals
            chunkLines = { (features) throws(DescentError) in try Self.lines(saved, features, intervals: level) }
        }
        let columns = file.columns
        let rowBytes = Swift.max(1, columns * file.bufferBytesPerElement(Double.self))
        let rowsPerChunk = Swift.max(1, ((input.chunkMb ?? 4) << 20) / rowBytes)
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: rowsPerChunk * rowBytes, alignment: 64)
        defer { buffer.deallocate() }
        let fd = try file.open()
        defer { close(fd) }
        func emit(_ write: (UnsafeRawBufferPointer) throws(DescentError) -> Void) throws(DescentError) {
            try Self.write(header, write)
            var start = 0
            while start < file.rows {
                let rows = start..<Swift.min(file.rows, start + rowsPerChunk)
                try file.read(rows: rows, from: fd, into: buffer, as: Double.self)
                let values = buffer.assumingMemoryBound(to: Double.self)
                let features = try Matrix<Double>(rows: rows.count, columns: columns,
                                                  elements: Array(UnsafeBufferPointer(start: values, count: rows.count * columns)))
                try Self.write(try chunkLines(features), write)
                start = rows.upperBound
            }
        }
        if let output {
            try FileIO.writeAtomically(output, emit)
        } else {
            try emit { (bytes) throws(DescentError) in
                var done = 0
                while done < bytes.count {
                    let wrote = Glibc.write(STDOUT_FILENO, bytes.baseAddress! + done, bytes.count - done)
                    if wrote < 0 {
                        if errno == EINTR { continue }
                        throw .fileNotWritable(path: "standard output", reason: FileIO.systemError())
                    }
                    done += wrote
                }
            }
        }
    }

    /// Hands `text`'s UTF-8 bytes to `write`.
    static func write(_ text: String, _ write: (UnsafeRawBufferPointer) throws(DescentError) -> Void) throws(DescentError) {
        var text = text
        let result = text.withUTF8 { bytes -> Result<Void, DescentError> in
            do throws(DescentError) { return .success(try write(UnsafeRawBufferPointer(bytes))) } catch { return .failure(error) }
        }
        try result.get()
    }
}
