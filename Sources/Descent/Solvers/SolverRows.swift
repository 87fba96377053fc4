/// The rows an exact solver reads: this part's rows of a ``RowSource`` (or of matrices in memory),
/// visited chunk by chunk and split into cache-sized blocks, `k ≥ 1` targets per row, and the
/// ``Collective`` that combines what every part computed from its own rows.
///
/// Every solver is a sequence of passes over these blocks; each pass ends with a
/// `collective.sum` of its accumulators, so one process, a file streamed chunk by chunk and MPI
/// ranks all run the same code, for one target or several.
struct SolverRows<S: BLASScalar> {
    /// Consecutive rows in memory: a dense ``RowBlock`` (features read through its
    /// ``RowBlock/row(_:)``, or by block products from ``features``) with `targetColumns` targets
    /// per row (row-major); `firstRow` is the first row's global index.
    struct Block {
        let rows: RowBlock<S>
        let targetColumns: Int
        let firstRow: Int

        init(_ rows: RowBlock<S>, targetColumns: Int, firstRow: Int) {
            self.rows = rows
            self.targetColumns = targetColumns
            self.firstRow = firstRow
        }

        /// The number of rows.
        var count: Int { rows.count }
        /// The first row's features: the block's operand for block products (`syrk`, `gemv`, `gemm`).
        var features: UnsafePointer<S> { rows.features }
        /// `count × targetColumns` targets, row-major.
        var targets: UnsafePointer<S> { rows.targets }

        /// Row `i`'s features.
        @inline(__always)
        func row(_ i: Int) -> UnsafePointer<S> { rows.row(i) }

        /// Target `t` of row `i`.
        @inline(__always)
        func target(_ i: Int, _ t: Int) -> S { rows.targets[i * targetColumns + t] }

        /// Writes the block's rows as `Double`s, shifted by `shift` and, when given, multiplied by
        /// `scales` (`(xᵢⱼ − shiftⱼ)·scaleⱼ`), row-major into `out` (`count × d`). The loops run on
        /// pointers, so they vectorise: converting `Float` rows costs about what reading them does.
        ///
        /// Branches on the two concrete scalars itself: a solve from a ``RowSource`` called from
        /// another module ran this loop unspecialised (a generic conversion per element), and a
        /// streamed `Float` normal-equations solve took 11× the same solve in memory (`bench
        /// --out-of-core`; `perf` put the time in `BinaryFloatingPoint.init`).
        func centredFeatures(shift: [Double], scales: [Double]? = nil, into out: UnsafeMutablePointer<Double>) {
            Self.centre(rows.features, rows: count, columns: rows.columns, shift: shift, scales: scales, into: out)
        }

        /// ``centredFeatures(shift:scales:into:)`` for the block's rows `range` only, into the
        /// same rows of `out` (the passes centre each part of a block on its own thread).
        func centredFeatures(_ range: Range<Int>, shift: [Double], into out: UnsafeMutablePointer<Double>) {
            let d = rows.columns
            Self.centre(rows.features + range.lowerBound * d, rows: range.count, columns: d, shift: shift, scales: nil,
                        into: out + range.lowerBound * d)
        }

        /// Writes the block's targets less `means` as `Double`s, row-major into `out` (`count × k`).
        func centredTargets(means: [Double], into out: UnsafeMutablePointer<Double>) {
            Self.centre(rows.targets, rows: count, columns: targetColumns, shift: means, scales: nil, into: out)
        }

        /// ``centreRows(_:rows:columns:shift:scales:into:)`` on `x` seen as the concrete scalar `S` is.
        private static func centre(_ x: UnsafePointer<S>, rows m: Int, columns d: Int, shift: [Double],
                                   scales: [Double]?, into out: UnsafeMutablePointer<Double>) {
            let raw = UnsafeRawPointer(x)
            if S.self == Float.self {
                centreRows(raw.assumingMemoryBound(to: Float.self), rows: m, columns: d, shift: shift, scales: scales, into: out)
            } else if S.self == Double.self {
                centreRows(raw.assumingMemoryBound(to: Double.self), rows: m, columns: d, shift: shift, scales: scales, into: out)
            } else {
                centreRows(x, rows: m, columns: d, shift: shift, scales: scales, into: out)
            }
        }

        /// Rows `range` (counted within the block) as a block of their own.
        func rows(_ range: Range<Int>) -> Block {
            Block(RowBlock(features: row(range.lowerBound), targets: rows.targets + range.lowerBound * targetColumns,
                           count: range.count, columns: rows.columns),
                  targetColumns: targetColumns, firstRow: firstRow + range.lowerBound)
        }
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
    /// Every row as one block, when all rows are in this process's memory (one part): what
    /// pivoted QR factors a copy of.
    let inMemory: Block?

    /// The rows of `source` on this part.
    init<Source: RowSource>(_ source: Source, collective: some Collective) where Source.Scalar == S {
        localRows = source.rowCount
        columns = source.columns
        targets = source.targetColumns
        self.collective = collective
        inMemory = nil
        visitChunks = { (body) throws(DescentError) in
            try source.forEachChunk { (chunk) throws(DescentError) in
                guard chunk.rows.count > 0, chunk.features.baseAddress != nil, let y = chunk.targets.baseAddress else { return }
                try body(Block(RowBlock(features: chunk.row(0), targets: y, count: chunk.rows.count, columns: chunk.columns),
                               targetColumns: chunk.targetColumns, firstRow: chunk.rows.lowerBound))
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
        if n > 0, let xs = x.baseAddress, let ys = y.values.baseAddress {
            let all = Block(RowBlock(features: xs, targets: ys, count: n, columns: d), targetColumns: y.count, firstRow: 0)
            inMemory = all
            visitChunks = { (body) throws(DescentError) in try body(all) }
        } else {
            inMemory = nil
            visitChunks = { (_) throws(DescentError) in }
        }
    }

    /// Visits every block of at most `blockRows` rows, in row order.
    func forEachBlock(rows blockRows: Int, _ body: (Block) throws(DescentError) -> Void) throws(DescentError) {
        try visitChunks { (chunk) throws(DescentError) in
            var start = 0
            while start < chunk.count {
                let m = Swift.min(blockRows, chunk.count - start)
                try body(chunk.rows(start..<(start + m)))
                start += m
            }
        }
    }

    /// Replaces `values` by their sum over every part (rank order).
    func sum(_ values: inout [Double]) throws(DescentError) {
        try collective.sum(&values)
    }

    /// Sums of extended-precision values over every part, each as a `Double` pair.
    func sum(_ values: inout [Double.Accumulator]) throws(DescentError) {
        try collective.sum(&values)
    }
}

extension Matrix {
    /// Calls `body` with each row's index and features, read through the dense block's
    /// ``RowBlock/row(_:)`` (the layout seam), in order.
    func forEachRow(_ body: (Int, UnsafePointer<Scalar>) -> Void) {
        withUnsafeBufferPointer { x in
            guard rows > 0, let base = x.baseAddress else { return }
            let block = RowBlock(features: base, count: rows, columns: columns)
            for i in 0..<rows { body(i, block.row(i)) }
        }
    }
}

/// `out ← (x − shift)·scales` as `Double`s for `m × d` rows of `T`, row-major (``SolverRows/Block/centredFeatures(shift:scales:into:)``).
@specialized(where T == Float)
@specialized(where T == Double)
func centreRows<T: BLASScalar>(_ x: UnsafePointer<T>, rows m: Int, columns d: Int, shift: [Double],
                                  scales: [Double]?, into out: UnsafeMutablePointer<Double>) {
    shift.withUnsafeBufferPointer { shift in
        if let scales {
            scales.withUnsafeBufferPointer { scales in
                for i in 0..<m {
                    let source = x + i * d, target = out + i * d
                    for j in 0..<d { target[j] = (Double(source[j]) - shift[j]) * scales[j] }
                }
            }
        } else {
            for i in 0..<m {
                let source = x + i * d, target = out + i * d
                for j in 0..<d { target[j] = Double(source[j]) - shift[j] }
            }
        }
    }
}
