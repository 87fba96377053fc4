/// The sparse rows an exact solver reads: this part's chunks of CSR rows (a ``SparseMatrix`` in
/// memory is one chunk; a ``SparseRowSource`` hands out its own), `k ≥ 1` targets per row, optional
/// sample weights, and the ``Collective`` that adds what every part computed — the sparse
/// counterpart of ``SolverRows``. Every pass visits the chunks and ends with a `collective.sum`.
struct SparseSolverRows<S: BLASScalar> {
    /// Consecutive rows: their features, `count × targetColumns` targets (row-major) and the first
    /// row's global index.
    struct Chunk {
        let features: SparseMatrix<S>
        let targets: [S]
        let firstRow: Int
    }

    /// This part's rows.
    let localRows: Int
    /// `d`.
    let columns: Int
    /// `k`, the number of target columns.
    let targets: Int
    /// One weight per row of this part (in memory only), or `nil`.
    let weights: [S]?
    let collective: any Collective
    /// Visits this part's chunks in order.
    let visitChunks: ((Chunk) throws(DescentError) -> Void) throws(DescentError) -> Void

    /// Rows in memory on one part: `targets` holds `k` values per row, row-major.
    init(_ features: SparseMatrix<S>, _ targets: [S], targets k: Int = 1, weights: [S]? = nil) {
        localRows = features.rows
        columns = features.columns
        self.targets = k
        self.weights = weights
        collective = LocalCollective()
        let chunk = Chunk(features: features, targets: targets, firstRow: 0)
        let empty = features.rows == 0
        visitChunks = { (body) throws(DescentError) in if !empty { try body(chunk) } }
    }

    /// The rows of `source` on this part (one target per row, no weights).
    init<Source: SparseRowSource>(_ source: Source, collective: some Collective) where Source.Scalar == S {
        localRows = source.rowCount
        columns = source.columns
        targets = 1
        weights = nil
        self.collective = collective
        visitChunks = { (body) throws(DescentError) in
            try source.forEachChunk { (chunk) throws(DescentError) in
                guard chunk.rows.count > 0 else { return }
                try body(Chunk(features: chunk.features, targets: chunk.targets, firstRow: chunk.rows.lowerBound))
            }
        }
    }

    /// The weight of row `i` of `chunk` (1 unweighted).
    @inline(__always)
    func weight(_ chunk: Chunk, _ i: Int) -> Double {
        weights.map { Double($0[chunk.firstRow + i]) } ?? 1
    }

    /// Replaces `values` by their sum over every part (rank order).
    func sum(_ values: inout [Double]) throws(DescentError) {
        try collective.sum(&values)
    }

    /// Visits every row: its global index, weight, features (columns and values of its non-zeros)
    /// and the chunk's targets with the row's offset into them.
    func forEachRow(_ body: (_ row: Int, _ weight: Double, _ columns: ArraySlice<Int>, _ values: ArraySlice<S>,
                             _ targets: [S], _ offset: Int) throws(DescentError) -> Void) throws(DescentError) {
        let k = targets
        try visitChunks { (chunk) throws(DescentError) in
            let x = chunk.features
            for i in 0..<x.rows {
                let range = x.rowOffsets[i]..<x.rowOffsets[i + 1]
                try body(chunk.firstRow + i, weight(chunk, i), x.columnIndices[range], x.values[range], chunk.targets, i * k)
            }
        }
    }

    /// `n` over every part, after checking that every part has the same columns and targets, that
    /// there are rows and columns, and that the targets are finite (the first NaN or ±∞ named by
    /// its global row); every part throws the same error.
    func checkedRows() throws(DescentError) -> Int {
        let d = columns, k = targets, c = collective, rows = self
        var shape = [Double(d), Double(rows.localRows), Double(k)]
        try rows.sum(&shape)
        try c.agree(shape[0] == Double(c.size * d) && shape[2] == Double(c.size * k) ? nil
            : .invalidOption(name: "columns", value: "\(d) feature and \(k) target columns on part \(c.rank)",
                             expected: "the same number of columns on every part"))
        guard shape[1] > 0 else { throw .noRows }
        guard d > 0 else { throw .noFeatures }
        var bad: DescentError?
        try rows.visitChunks { (chunk) throws(DescentError) in
            guard bad == nil, let index = chunk.targets.withUnsafeBufferPointer({ Validation.firstNonFinite($0) }) else { return }
            let row = chunk.firstRow + index / k
            bad = .nonFiniteValue(at: k == 1 ? .targets(index: row) : .targetMatrix(row: row, column: index % k))
        }
        try c.agree(bad)
        return Int(shape[1])
    }
}
