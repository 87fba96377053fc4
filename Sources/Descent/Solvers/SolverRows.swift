/// The rows an exact solver reads: this part's rows of a ``RowSource`` (or of a matrix in
/// memory), visited chunk by chunk and split into cache-sized blocks, and the ``Collective`` that
/// combines what every part computed from its own rows.
///
/// Every solver is a sequence of passes over these blocks; each pass ends with a
/// `collective.sum` of its accumulators, so one process, a file streamed chunk by chunk and MPI
/// ranks all run the same code.
struct SolverRows<S: BLASScalar> {
    /// Consecutive rows in memory: `count` rows of `columns` features (row-major) and
    /// `count × targets` targets (row-major); `firstRow` is the first row's global index.
    struct Block {
        let features: UnsafePointer<S>
        let targets: UnsafePointer<S>
        let count: Int
        let firstRow: Int
    }

    typealias Visitor = ((Block) throws(DescentError) -> Void) throws(DescentError) -> Void

    /// This part's rows.
    let localRows: Int
    /// `d`.
    let columns: Int
    /// `k`, the number of target columns.
    let targets: Int
    let collective: any Collective
    /// Visits this part's chunks, in order, each as one block.
    let visitChunks: Visitor

    /// The rows of `source` on this part.
    init<Source: RowSource>(_ source: Source, collective: some Collective) where Source.Scalar == S {
        localRows = source.rowCount
        columns = source.columns
        targets = 1
        self.collective = collective
        visitChunks = { (body) throws(DescentError) in
            try source.forEachChunk { (chunk) throws(DescentError) in
                guard chunk.rows.count > 0, let x = chunk.features.baseAddress, let y = chunk.targets.baseAddress else { return }
                try body(Block(features: x, targets: y, count: chunk.rows.count, firstRow: chunk.rows.lowerBound))
            }
        }
    }

    /// Rows in memory (pinned by the caller for as long as this value is used), on one part.
    init(_ x: UnsafeBufferPointer<S>, _ y: TargetColumns<S>, columns d: Int) {
        localRows = y.rows
        columns = d
        targets = y.count
        collective = LocalCollective()
        let n = y.rows
        visitChunks = { (body) throws(DescentError) in
            guard n > 0, let xs = x.baseAddress, let ys = y.values.baseAddress else { return }
            try body(Block(features: xs, targets: ys, count: n, firstRow: 0))
        }
    }

    /// Visits every block of at most `blockRows` rows, in row order.
    func forEachBlock(rows blockRows: Int, _ body: (Block) throws(DescentError) -> Void) throws(DescentError) {
        let d = columns, k = targets
        try visitChunks { (chunk) throws(DescentError) in
            var start = 0
            while start < chunk.count {
                let m = Swift.min(blockRows, chunk.count - start)
                try body(Block(features: chunk.features + start * d, targets: chunk.targets + start * k,
                               count: m, firstRow: chunk.firstRow + start))
                start += m
            }
        }
    }

    /// Replaces `values` by their sum over every part (rank order).
    func sum(_ values: inout [Double]) throws(DescentError) {
        try collective.sum(&values)
    }

    /// Sums of extended-precision values over every part: each value travels as a `Double`
    /// pair (head and tail), so one part's value keeps its extended digits.
    func sum(_ values: inout [Double.Accumulator]) throws(DescentError) {
        guard collective.size > 1 else { return }
        var pairs = [Double](repeating: 0, count: 2 * values.count)
        for (i, value) in values.enumerated() {
            let head = Double(value)
            pairs[2 * i] = head
            pairs[2 * i + 1] = Double(value - Double.Accumulator(head))
        }
        try collective.sum(&pairs)
        for i in values.indices { values[i] = Double.Accumulator(pairs[2 * i]) + Double.Accumulator(pairs[2 * i + 1]) }
    }
}
