/// Rows sampled for the automatic learning rate (``LearningRateEstimate``), in their source's
/// layout: dense `count × d` row-major, or CSR, so that a sample of sparse rows costs their
/// nonzeros and not `count × d`.
struct SampledRows<S: BLASScalar> {
    let columns: Int
    let sparse: Bool
    private(set) var count = 0
    /// Dense rows (`count × columns`).
    private(set) var dense: [S] = []
    /// Sparse rows: offsets (`count + 1`), column indices and values.
    private(set) var offsets = [0]
    private(set) var indices: [Int] = []
    private(set) var values: [S] = []

    init(columns: Int, sparse: Bool) {
        self.columns = columns
        self.sparse = sparse
    }

    /// Dense rows `x` (`x.count / columns` of them).
    init(dense x: [S], columns: Int) {
        self.init(columns: columns, sparse: false)
        dense = x
        count = x.count / Swift.max(1, columns)
    }

    /// The elements a row of `source` stores on average: the sample takes up to
    /// ``LearningRateEstimate/sampleElements`` of them.
    static func width<Source: RowBlockSource>(of source: Source) -> Int {
        source.isSparse ? Swift.max(1, source.rowBytes / (MemoryLayout<S>.stride + MemoryLayout<Int>.stride))
            : Swift.max(1, source.columns)
    }

    /// Appends row `i` of `block`.
    mutating func append(_ block: RowBlock<S>, row i: Int) {
        if sparse {
            block.forEachEntry(i) { j, v in
                indices.append(j)
                values.append(v)
            }
            offsets.append(values.count)
        } else {
            dense.append(contentsOf: UnsafeBufferPointer(start: block.row(i), count: columns))
        }
        count += 1
    }

    /// Standardises the rows as training reads them: dense rows through the map (whitened too when
    /// it whitens), sparse rows scaled by the deviations (never centred).
    mutating func scale(_ map: FeatureMap<S>) {
        if sparse {
            let deviations = map.scaling.deviations
            for p in values.indices { values[p] = S(Double(values[p]) / deviations[indices[p]]) }
        } else if count > 0 {
            let rows = count
            dense.withUnsafeMutableBufferPointer { xs in
                map.whiten(xs.baseAddress!, from: xs.baseAddress!, rows: rows)
            }
        }
    }

    /// `maxᵢ ŵᵢ(‖xᵢ‖² + 1)` (`ŵᵢ = 1` without weights): one row's curvature, bias included, over
    /// the loss's `ℓ''`.
    func largestRow(weights: [S]?) -> Double {
        var largest = 0.0
        for i in 0..<count {
            var norm = 1.0
            if sparse {
                for p in offsets[i]..<offsets[i + 1] { let v = Double(values[p]); norm += v * v }
            } else {
                for value in dense[(i * columns)..<((i + 1) * columns)] { let v = Double(value); norm += v * v }
            }
            largest = Swift.max(largest, norm * Double(weights?[i] ?? 1))
        }
        return largest
    }

    /// `u ← u + X·v` (the first `columns` entries of `v`).
    func multiply(_ v: [S], into u: inout [S]) {
        guard sparse else {
            BLAS.gemv(dense, rows: count, columns: columns, v, beta: 1, &u)
            return
        }
        for i in 0..<count {
            var s = S.zero
            for p in offsets[i]..<offsets[i + 1] { s += values[p] * v[indices[p]] }
            u[i] += s
        }
    }

    /// `w ← Xᵀu`.
    func transposeMultiply(_ u: [S], into w: inout [S]) {
        guard sparse else {
            BLAS.gemvTransposed(dense, rows: count, columns: columns, u, beta: 0, &w)
            return
        }
        for j in 0..<columns { w[j] = 0 }
        for i in 0..<count {
            for p in offsets[i]..<offsets[i + 1] { w[indices[p]] += values[p] * u[i] }
        }
    }
}
