#if canImport(Glibc)
import Glibc
#endif

/// A visit of a ``SparseStreamingDataset``: its chunks read and parsed on a read-ahead thread while the caller works.
extension SparseStreamingDataset {
    /// Reads and parses the chunks `order` from the file, in that order, and calls `body` with
    /// each; the next chunk is read and parsed on a read-ahead thread while `body` works.
    ///
    /// - Parameters:
    ///   - order: Chunk indices in `0..<chunkCount`, in the order to visit them (repeats allowed).
    ///   - body: Called with each chunk.
    /// - Throws: ``DescentError/fileChanged(path:reason:)`` when the file was truncated, rewritten
    ///   or replaced since it was opened or while it is read; ``DescentError/fileNotReadable(path:reason:)``
    ///   when it can no longer be opened or a read fails; whatever `body` throws. Either ends the visit.
    /// - Complexity: O(the chunks' bytes + non-zeros); memory two chunks.
    public func forEachChunk(_ order: [Int], _ body: (SparseRowChunk<Scalar>) throws(DescentError) -> Void) throws(DescentError) {
        guard !order.isEmpty else { return }
        for index in order { precondition(index >= 0 && index < chunkCount, "chunk \(index) is not in 0..<\(chunkCount)") }
        let fd = try identity.reopen(path)
        defer { close(fd) }
        let parsed = ParsedChunks<Scalar>()
        let me = self
        let readAhead = try ReadAhead(steps: order.count, bufferBytes: bufferBytes) { (step, buffer) throws(DescentError) in
            let chunk = me.chunks[order[step]]
            let got = try FileIO.read(fd, into: buffer, count: chunk.bytes.count, offset: chunk.bytes.lowerBound, path: me.path)
            guard got == chunk.bytes.count else {
                throw .fileChanged(path: me.path, reason: "it ended at byte \(chunk.bytes.lowerBound + got), before the "
                                   + "\(me.identity.size) bytes it had when opened (it was truncated while being read)")
            }
            try me.identity.check(fd, path: me.path)
            let text = UnsafeBufferPointer(start: buffer.assumingMemoryBound(to: UInt8.self), count: chunk.bytes.count)
            parsed[step] = try me.parse(text, chunk, index: order[step])
        }
        defer { readAhead.finish() }
        for step in order.indices {
            _ = try readAhead.take(step)
            guard let chunk = parsed[step] else { preconditionFailure("a read-ahead step without its chunk") }
            parsed[step] = nil
            try body(chunk)
            readAhead.release(step)
        }
    }

    /// One chunk's lines, parsed.
    func parse(_ text: UnsafeBufferPointer<UInt8>, _ chunk: Chunk, index: Int) throws(DescentError) -> SparseRowChunk<Scalar> {
        let features: SparseMatrix<Scalar>, labels: [Double], lines: [Int], weights: [Double]?
        let formatName: String
        switch format {
        case .libsvm(let layout):
            let parsed = try LIBSVMParser.parse(text, path: path, firstLine: chunk.firstLine)
            (features, labels, lines, weights, formatName) = (try parsed.features(layout, path: path), parsed.labels, parsed.lines, nil, "LIBSVM")
        case .vowpalWabbit(let hasher):
            let parsed = try VWParser.parse(text, hasher: hasher, path: path, firstLine: chunk.firstLine)
            (features, labels, lines, formatName) = (try parsed.features(columns: columns, path: path), parsed.labels, parsed.lines,
                                                     "Vowpal Wabbit")
            weights = hasWeights ? parsed.weights : nil
        }
        guard labels.count == chunk.rows.count else {
            throw .fileChanged(path: path, reason: "lines \(chunk.firstLine)… hold \(labels.count) rows where they held "
                               + "\(chunk.rows.count) when the file was opened (it was rewritten)")
        }
        let targets = labels.map { Scalar($0) }
        if let k = targets.firstIndex(where: { !$0.isFinite }) {
            throw .invalidFile(path: path, format: formatName, reason: "line \(lines[k]): the label \(labels[k]) does not fit "
                               + "in \(Scalar.precisionName)")
        }
        return SparseRowChunk(index: index, rows: chunk.rows, features: features, targets: targets,
                              weights: weights.map { $0.map { Scalar($0) } })
    }
}

/// The two chunks a visit's read-ahead thread parses into, one per buffer; each is handed between
/// the thread and the caller by ``ReadAhead``'s lock, as the buffers are.
/// (Two properties, not an array: the thread fills one while the caller empties the other.)
private final class ParsedChunks<Scalar: BLASScalar>: @unchecked Sendable {
    private var even: SparseRowChunk<Scalar>?
    private var odd: SparseRowChunk<Scalar>?

    /// Step `step`'s chunk.
    subscript(step: Int) -> SparseRowChunk<Scalar>? {
        get { step % 2 == 0 ? even : odd }
        set { if step % 2 == 0 { even = newValue } else { odd = newValue } }
    }
}
