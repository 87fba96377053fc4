/// `A = W^½(X − 1μᵀ)` (or `W^½X` without an intercept; `W = I` unweighted) over sparse rows in
/// chunks, as products in `Double`, never formed: `Av = W^½(Xv − 1·(μᵀv))` row by row into this
/// part's rows, `Aᵀu = Xᵀ(W^½u) − μ·(1ᵀW^½u)` summed over the chunks and then over the parts by
/// the rows' ``Collective`` (the same bits on every part). `μ` are the (weighted) column means.
///
/// Rows in memory are one chunk on one part, a streamed source visits its chunks once per
/// product, MPI ranks hold their own rows: one code path.
struct SparseOperator<S: BLASScalar> {
    let source: SparseSolverRows<S>
    let means: [Double]
    let centred: Bool
    /// `Σwᵢ` over every part (`n` unweighted).
    let totalWeight: Double
    /// The (weighted) target mean over every part; 0 without an intercept.
    let targetMean: Double
    /// Which of the rows' `k` target columns `b` is made of.
    let target: Int

    /// One pass for the (weighted) column sums, the total weight and the sum of target column
    /// `target`, added over the parts.
    init(_ source: SparseSolverRows<S>, intercept: Bool, target: Int = 0) throws(DescentError) {
        self.source = source
        centred = intercept
        self.target = target
        let d = source.columns, k = source.targets
        var sums = [Double](repeating: 0, count: d + 2)
        try source.visitChunks { (chunk) throws(DescentError) in
            let x = chunk.features
            for i in 0..<x.rows {
                let w = source.weight(chunk, i)
                sums[d] += w
                sums[d + 1] += w * Double(chunk.targets[i * k + target])
                if intercept {
                    for k in x.rowOffsets[i]..<x.rowOffsets[i + 1] { sums[x.columnIndices[k]] += w * Double(x.values[k]) }
                }
            }
        }
        try source.sum(&sums)
        let total = sums[d]
        totalWeight = total
        means = intercept ? sums[0..<d].map { $0 / total } : [Double](repeating: 0, count: d)
        targetMean = intercept ? sums[d + 1] / total : 0
    }

    /// This part's rows.
    var rows: Int { source.localRows }
    var columns: Int { source.columns }

    /// This part's `b = W^½(y − ȳ)` (`y`: target column ``target``).
    func targets() throws(DescentError) -> [Double] {
        var b = [Double](repeating: 0, count: rows)
        var row = 0
        let k = source.targets
        try source.visitChunks { (chunk) throws(DescentError) in
            for i in 0..<chunk.features.rows {
                b[row] = (Double(chunk.targets[i * k + target]) - targetMean) * root(chunk, i)
                row += 1
            }
        }
        return b
    }

    /// `√wᵢ` of row `i` of `chunk` (1 unweighted, with no square root taken).
    @inline(__always)
    func root(_ chunk: SparseSolverRows<S>.Chunk, _ i: Int) -> Double {
        chunk.weights == nil ? 1 : source.weight(chunk, i).squareRoot()
    }

    /// `out ← A·v` for this part's rows.
    func apply(_ v: [Double], into out: inout [Double]) throws(DescentError) {
        let shift = centred ? zip(means, v).reduce(0.0) { $0 + $1.0 * $1.1 } : 0
        var row = 0
        try source.visitChunks { (chunk) throws(DescentError) in
            let matrix = chunk.features
            let weighted = chunk.weights != nil
            matrix.rowOffsets.withUnsafeBufferPointer { offsets in
                matrix.columnIndices.withUnsafeBufferPointer { indices in
                    matrix.values.withUnsafeBufferPointer { values in
                        v.withUnsafeBufferPointer { v in
                            out.withUnsafeMutableBufferPointer { out in
                                for i in 0..<matrix.rows {
                                    var sum = 0.0
                                    for k in offsets[i]..<offsets[i + 1] { sum += Double(values[k]) * v[indices[k]] }
                                    out[row + i] = weighted ? (sum - shift) * root(chunk, i) : sum - shift
                                }
                            }
                        }
                    }
                }
            }
            row += matrix.rows
        }
    }

    /// `out ← Aᵀ·u` (`u`: this part's rows), summed over every part.
    func applyTransposed(_ u: [Double], into out: inout [Double]) throws(DescentError) {
        let d = columns
        for j in 0..<out.count { out[j] = 0 }
        out.append(0)   // 1ᵀW^½u travels with the sums
        var row = 0
        try source.visitChunks { (chunk) throws(DescentError) in
            let matrix = chunk.features
            let weighted = chunk.weights != nil
            var total = out[d]
            matrix.rowOffsets.withUnsafeBufferPointer { offsets in
                matrix.columnIndices.withUnsafeBufferPointer { indices in
                    matrix.values.withUnsafeBufferPointer { values in
                        u.withUnsafeBufferPointer { u in
                            out.withUnsafeMutableBufferPointer { out in
                                for i in 0..<matrix.rows {
                                    let ui = weighted ? u[row + i] * root(chunk, i) : u[row + i]
                                    total += ui
                                    for k in offsets[i]..<offsets[i + 1] { out[indices[k]] += Double(values[k]) * ui }
                                }
                            }
                        }
                    }
                }
            }
            out[d] = total
            row += matrix.rows
        }
        try source.sum(&out)
        let total = out.removeLast()
        if centred { for j in 0..<d { out[j] -= means[j] * total } }
    }

    /// `‖u‖` over every part: each part's norm (scaled, so no over- or underflow), then the root
    /// of the sum of their squares (one part: its own norm).
    func norm(_ u: [Double]) throws(DescentError) -> Double {
        let local = LSMRIteration<S>.norm(u)
        guard source.collective.size > 1 else { return local }
        var squares = [local * local]
        try source.sum(&squares)
        return squares[0].squareRoot()
    }
}
