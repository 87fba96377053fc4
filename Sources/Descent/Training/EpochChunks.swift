/// How the epoch driver reaches its rows: the chunks of a ``RowSource``, each handed to it in turn
/// as in-memory rows that are valid only during the visit (one chunk for a matrix in memory).
///
/// Early stopping on a source of several chunks holds out whole chunks (``validation``); on one
/// chunk it holds out rows inside it (the driver's row lists), as for a matrix.
struct EpochChunks<Source: RowBlockSource> {
    /// The rows of every chunk of the source, by chunk index.
    let rowCounts: [Int]
    /// The chunks trained on, in increasing order.
    let training: [Int]
    /// The chunks held out for early stopping, in increasing order.
    let validation: [Int]
    /// Rows without any data, to create the driver's buffers before the first visit.
    let placeholder: Source
    /// Calls `body` with the chunks `order`, in that order, each as in-memory rows.
    let visit: ([Int], (Int, Source) throws(DescentError) -> Void) throws(DescentError) -> Void

    /// The rows of the training chunks.
    var trainingRows: Int { training.reduce(0) { $0 + rowCounts[$1] } }
}

/// Epoch chunks over in-memory rows.
enum InMemoryChunks {
    /// The chunks of `source`: `training` and `validation` chunk indices.
    static func of<Rows: RowSource>(_ source: Rows, training: [Int], validation: [Int])
        -> EpochChunks<InMemoryRows<Rows.Scalar>> {
        let columns = source.columns, k = source.targetColumns
        let empty = UnsafeBufferPointer<Rows.Scalar>(start: nil, count: 0)
        return EpochChunks(
            rowCounts: (0..<source.chunkCount).map { source.chunkRows($0).count },
            training: training, validation: validation,
            placeholder: InMemoryRows(features: empty, targets: empty, columns: columns, targetColumns: k),
            visit: { (order: [Int], body: (Int, InMemoryRows<Rows.Scalar>) throws(DescentError) -> Void)
                throws(DescentError) in
                try source.forEachChunk(order) { (chunk: RowChunk<Rows.Scalar>) throws(DescentError) in
                    guard !chunk.rows.isEmpty else { return }
                    try body(chunk.index, InMemoryRows(features: chunk.features, targets: chunk.targets, columns: columns,
                                                       targetColumns: k))
                }
            })
    }

    /// One chunk: rows pinned in memory for the whole fit (a matrix, possibly weighted).
    static func pinned<S: BLASScalar>(_ rows: InMemoryRows<S>) -> EpochChunks<InMemoryRows<S>> {
        EpochChunks(rowCounts: [rows.rowCount], training: [0], validation: [], placeholder: rows,
                    visit: { (order: [Int], body: (Int, InMemoryRows<S>) throws(DescentError) -> Void)
                        throws(DescentError) in
                        for index in order { try body(index, rows) }
                    })
    }
}

extension Collective {
    /// Every part's `value`, by rank (each part adds its value at its own rank's place, which is
    /// exact: the other places hold zeros).
    func gather(_ value: Double) throws(DescentError) -> [Double] {
        guard size > 1 else { return [value] }
        var values = [Double](repeating: 0, count: size)
        values[rank] = value
        try sum(&values)
        return values
    }

    /// The largest of every part's `value`.
    func maximum(_ value: Double) throws(DescentError) -> Double {
        try gather(value).max() ?? value
    }
}
