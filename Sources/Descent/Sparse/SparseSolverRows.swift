/// The sparse rows an exact solver reads: this part's chunks of CSR rows (a ``SparseMatrix`` in
/// memory is one chunk; a ``SparseRowSource`` hands out its own), `k ≥ 1` targets per row, optional
/// sample weights carried by each chunk, and the ``Collective`` that adds what every part computed —
/// the sparse counterpart of ``SolverRows``. Every pass visits the chunks and ends with a
/// `collective.sum`: rows in memory, a streamed source and MPI ranks run the same code.
struct SparseSolverRows<S: BLASScalar> {
    /// Consecutive rows: their features, `count × targetColumns` targets (row-major), their
    /// weights (or `nil`) and the first row's global index.
    struct Chunk {
        let features: SparseMatrix<S>
        let targets: [S]
        let weights: [S]?
        let firstRow: Int
    }

    /// This part's rows.
    let localRows: Int
    /// `d`.
    let columns: Int
    /// `k`, the number of target columns.
    let targets: Int
    /// Whether the rows carry sample weights.
    let isWeighted: Bool
    let collective: any Collective
    /// Visits this part's chunks in order.
    let visitChunks: ((Chunk) throws(DescentError) -> Void) throws(DescentError) -> Void

    /// Rows in memory on this part: `targets` holds `k` values per row, row-major; `weights`, when
    /// given, one per row (checked by the caller).
    init(_ features: SparseMatrix<S>, _ targets: [S], targets k: Int = 1, weights: [S]? = nil,
         collective: some Collective = LocalCollective()) {
        localRows = features.rows
        columns = features.columns
        self.targets = k
        isWeighted = weights != nil
        self.collective = collective
        let chunk = Chunk(features: features, targets: targets, weights: weights, firstRow: 0)
        let empty = features.rows == 0
        visitChunks = { (body) throws(DescentError) in if !empty { try body(chunk) } }
    }

    /// The rows of `source` on this part: one target per row, and the chunks' sample weights when
    /// the source is weighted (``SparseRowSource/isWeighted``).
    init<Source: SparseRowSource>(_ source: Source, collective: some Collective) where Source.Scalar == S {
        localRows = source.rowCount
        columns = source.columns
        targets = 1
        let weighted = source.isWeighted
        isWeighted = weighted
        self.collective = collective
        visitChunks = { (body) throws(DescentError) in
            try source.forEachChunk { (chunk) throws(DescentError) in
                guard chunk.rows.count > 0 else { return }
                try body(Chunk(features: chunk.features, targets: chunk.targets, weights: weighted ? chunk.weights : nil,
                               firstRow: chunk.rows.lowerBound))
            }
        }
    }

    /// The weight of row `i` of `chunk` (1 unweighted).
    @inline(__always)
    func weight(_ chunk: Chunk, _ i: Int) -> Double {
        chunk.weights.map { Double($0[i]) } ?? 1
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
    /// there are rows and columns, that the targets are finite (the first NaN or ±∞ named by its
    /// global row) and that a weighted source's weights are finite, ≥ 0 and not all zero; every
    /// part throws the same error.
    func checkedRows() throws(DescentError) -> Int {
        let d = columns, k = targets, c = collective, rows = self
        var bad: DescentError?
        var positive = 0.0
        try rows.visitChunks { (chunk) throws(DescentError) in
            guard bad == nil else { return }
            if let index = chunk.targets.withUnsafeBufferPointer({ Validation.firstNonFinite($0) }) {
                let row = chunk.firstRow + index / k
                bad = .nonFiniteValue(at: k == 1 ? .targets(index: row) : .targetMatrix(row: row, column: index % k))
            } else if let weights = chunk.weights {
                if let index = weights.firstIndex(where: { !$0.isFinite || $0 < 0 }) {
                    bad = .invalidOption(name: "weights", value: "weights[\(chunk.firstRow + index)] = \(weights[index]) (zero-based)",
                                         expected: "finite weights ≥ 0")
                } else if weights.contains(where: { $0 > 0 }) {
                    positive = 1
                }
            }
        }
        var shape = [Double(d), Double(rows.localRows), Double(k), positive]
        try rows.sum(&shape)
        try c.agree(shape[0] == Double(c.size * d) && shape[2] == Double(c.size * k) ? nil
            : .invalidOption(name: "columns", value: "\(d) feature and \(k) target columns on part \(c.rank)",
                             expected: "the same number of columns on every part"))
        guard shape[1] > 0 else { throw .noRows }
        guard d > 0 else { throw .noFeatures }
        try c.agree(bad)
        if isWeighted && shape[3] == 0 {
            throw .invalidOption(name: "weights", value: "all zero", expected: "at least one weight > 0")
        }
        return Int(shape[1])
    }
}
