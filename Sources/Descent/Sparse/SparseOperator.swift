import Glibc

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
    /// The second sum of `Aᵀu` (``SparseProducts/multiplyTransposed(_:firstRow:into:odd:threads:)``),
    /// all zeros between products.
    private let odd: SparseScratch
    /// Threads for the products (``BLASConfiguration/threads`` when the operator is made).
    let threads: Int
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
        threads = BLASConfiguration.threads
        odd = SparseScratch(count: d)
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
            let roots = self.roots(chunk), first = row
            withProducts(chunk.features) { x in
                v.withUnsafeBufferPointer { v in
                    out.withUnsafeMutableBufferPointer { out in
                        roots.withUnsafeBufferPointer { roots in
                            x.multiply(v.baseAddress!, shift: shift, scales: roots.isEmpty ? nil : roots.baseAddress!,
                                       into: out.baseAddress! + first, threads: threads)
                        }
                    }
                }
            }
            row += chunk.features.rows
        }
    }

    /// `out ← Aᵀ·u` (`u`: this part's rows), summed over every part.
    func applyTransposed(_ u: [Double], into out: inout [Double]) throws(DescentError) {
        let d = columns
        for j in 0..<out.count { out[j] = 0 }
        out.append(0)   // 1ᵀW^½u travels with the sums
        var row = 0
        try source.visitChunks { (chunk) throws(DescentError) in
            let m = chunk.features.rows, first = row
            // This chunk's `W^½u`: its stretch of `u` itself when the rows weigh the same (no copy).
            let roots = self.roots(chunk)
            let weighted = roots.isEmpty ? [] : (0..<m).map { u[first + $0] * roots[$0] }
            var total = out[d]
            u.withUnsafeBufferPointer { u in
                weighted.withUnsafeBufferPointer { weighted in
                    let scaled = weighted.isEmpty ? u.baseAddress! + first : weighted.baseAddress!
                    for i in 0..<m { total += scaled[i] }
                    withProducts(chunk.features) { x in
                        out.withUnsafeMutableBufferPointer { out in
                            x.multiplyTransposed(scaled, firstRow: chunk.firstRow, into: out.baseAddress!,
                                                 odd: odd.values.baseAddress!, threads: threads)
                        }
                    }
                }
            }
            out[d] = total
            row += chunk.features.rows
        }
        for j in 0..<d {
            out[j] += odd.values[j]
            odd.values[j] = 0
        }
        try source.sum(&out)
        let total = out.removeLast()
        if centred { for j in 0..<d { out[j] -= means[j] * total } }
    }

    /// `√wᵢ` of every row of `chunk`, or none unweighted.
    private func roots(_ chunk: SparseSolverRows<S>.Chunk) -> [Double] {
        chunk.weights == nil ? [] : (0..<chunk.features.rows).map { root(chunk, $0) }
    }

    /// Calls `body` with `matrix`'s rows as ``SparseProducts``.
    private func withProducts(_ matrix: SparseMatrix<S>, _ body: (SparseProducts<S>) -> Void) {
        matrix.withSparseRows { rows in
            body(SparseProducts(offsets: rows.offsets, indices: rows.indices, values: rows.values, rows: matrix.rows))
        }
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


/// A `d`-long buffer an operator keeps between products: zeros from `calloc`, so a part that never
/// uses it costs no memory.
final class SparseScratch: @unchecked Sendable {  // one product at a time writes it
    let values: UnsafeMutableBufferPointer<Double>

    init(count: Int) { values = Workspace<Double>.zeroed(count) }

    deinit { free(values.baseAddress) }
}
