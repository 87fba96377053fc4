/// The Gram matrix of sparse rows in one pass over their non-zeros, and the refinement passes of
/// the normal equations on them: what lets ``LeastSquares/solve(_:_:weights:intercept:ridge:)->LeastSquaresSolution<Scalar>``
/// solve a sparse design with few enough columns by the dense path's Cholesky factor
/// (``LeastSquares/normalEquations(_:rows:columns:targets:shift:targetMeans:intercept:ridge:gradient:)``).
///
/// The pass adds, for every row `i` with weight `wᵢ` (1 unweighted), `wᵢxᵢxᵢᵀ` over the pairs of its
/// non-zeros (`O(nnzᵢ²)`), `wᵢxᵢyᵢᵀ`, `wᵢxᵢ`, `wᵢyᵢ`, `wᵢyᵢ²` and `wᵢ`; the centring comes after the
/// product, `G = XᵀWX − W·μμᵀ` with the weighted means `μ` (the rows cannot be centred first
/// without filling them in). That subtraction loses the factor `max diag(XᵀWX)/diag(G)` of
/// accuracy (``LeastSquares/GramPass/cancellation``); the refinement passes, whose residuals are
/// computed in extended precision from the rows themselves, win it back (they are forced whenever
/// the factor exceeds 4).
struct SparseGram {
    /// The centred Gram matrix and right-hand sides; no deviation (the means are the pass's own).
    var pass: LeastSquares.GramPass
    /// `n`, over every part.
    let rows: Int
    /// `W = Σwᵢ` (`n` unweighted).
    let totalWeight: Double
    /// `μ`, the (weighted) column means; zero without an intercept.
    let means: [Double]
    /// `ȳₜ`, the (weighted) target means; zero without an intercept.
    let targetMeans: [Double]

    /// The pass over rows already checked (``SparseSolverRows/checkedRows()``: `n` over every part).
    /// The features of a ``SparseMatrix`` are finite by construction.
    static func gather<S: BLASScalar>(_ rows: SparseSolverRows<S>, rows n: Int, intercept: Bool) throws(DescentError) -> SparseGram {
        let d = rows.columns, k = rows.targets
        // One buffer for every sum: the Gram matrix's upper triangle (d²), XᵀWY (d·k), XᵀW1 (d),
        // 1ᵀWY (k), Σwy² (k), W.
        var sums = [Double](repeating: 0, count: d * d + d * k + d + 2 * k + 1)
        try rows.visitChunks { (chunk) throws(DescentError) in
            let x = chunk.features
            sums.withUnsafeMutableBufferPointer { s in
                let gram = s.baseAddress!, cross = gram + d * d, columnSums = cross + d * k
                let targetSums = columnSums + d, targetSquares = targetSums + k, total = targetSquares + k
                x.rowOffsets.withUnsafeBufferPointer { offsets in
                    x.columnIndices.withUnsafeBufferPointer { columns in
                        x.values.withUnsafeBufferPointer { values in
                            chunk.targets.withUnsafeBufferPointer { y in
                                for i in 0..<x.rows {
                                    let w = rows.weight(chunk, i)
                                    total.pointee += w
                                    for t in 0..<k {
                                        let target = Double(y[i * k + t])
                                        targetSums[t] += w * target
                                        targetSquares[t] += w * target * target
                                    }
                                    let end = offsets[i + 1]
                                    for p in offsets[i]..<end {
                                        let a = columns[p], value = w * Double(values[p])
                                        columnSums[a] += value
                                        for t in 0..<k { cross[a * k + t] += value * Double(y[i * k + t]) }
                                        let row = gram + a * d
                                        for q in p..<end { row[columns[q]] += value * Double(values[q]) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        try rows.sum(&sums)
        let offset = d * d
        let columnSums = Array(sums[(offset + d * k)..<(offset + d * k + d)])
        let targetSums = Array(sums[(offset + d * k + d)..<(offset + d * k + d + k)])
        let targetSquares = Array(sums[(offset + d * k + d + k)..<(offset + d * k + d + 2 * k)])
        let weight = sums[offset + d * k + d + 2 * k]
        let means = intercept ? columnSums.map { $0 / weight } : [Double](repeating: 0, count: d)
        let targetMeans = intercept ? targetSums.map { $0 / weight } : [Double](repeating: 0, count: k)
        var rhs = Array(sums[offset..<(offset + d * k)])
        for j in 0..<d { for t in 0..<k { rhs[j * k + t] -= columnSums[j] * targetMeans[t] } }
        // The Gram matrix keeps the sums' storage; centred, mirrored, and its cancellation measured.
        sums.removeSubrange(offset...)
        var gram = sums
        sums = []
        var cancellation = 1.0
        for a in 0..<d {
            let before = gram[a * d + a]
            for b in a..<d {
                let value = gram[a * d + b] - columnSums[a] * means[b]
                gram[a * d + b] = value
                gram[b * d + a] = value
            }
            if before > 0 { cancellation = Swift.max(cancellation, gram[a * d + a] > 0 ? before / gram[a * d + a] : .infinity) }
        }
        let squares = (0..<k).map { targetSquares[$0] - targetSums[$0] * targetMeans[$0] }
        let pass = LeastSquares.GramPass(gram: gram, rhs: rhs, deviation: [Double](repeating: 0, count: d),
                                         targetDeviation: [Double](repeating: 0, count: k), targetSquares: squares,
                                         cancellation: cancellation, inPlace: false)
        return SparseGram(pass: pass, rows: n, totalWeight: weight, means: means, targetMeans: targetMeans)
    }

    /// ``ResidualPass``'s `G = Zᵀ(T − Z·U)` for the weighted, centred rows (`zᵢ = √wᵢ(xᵢ − μ)`,
    /// `tᵢ = √wᵢ(yᵢ − ȳ)`), row-major `d × k`, in one pass over the non-zeros: each residual
    /// `yᵢₜ − ȳₜ − xᵢᵀuₜ + μᵀuₜ` in extended precision, then `Σwᵢxᵢfᵢ − μ·Σwᵢfᵢ`.
    func gradient<S: BLASScalar>(_ rows: SparseSolverRows<S>, u: [Double]) throws(DescentError) -> [Double] {
        typealias E = Double.Accumulator
        let d = rows.columns, k = rows.targets
        let shifts = (0..<k).map { t in (0..<d).reduce(E(0)) { $0 + E(means[$1]) * E(u[$1 * k + t]) } - E(targetMeans[t]) }
        var sums = [Double](repeating: 0, count: d * k + k)
        var f = [Double](repeating: 0, count: k)
        try rows.forEachRow { (_, w, columns, values, y, offset) throws(DescentError) in
            for t in 0..<k {
                var r = E(y[offset + t]) + shifts[t]
                for (j, value) in zip(columns, values) { r -= E(value) * E(u[j * k + t]) }
                f[t] = w * Double(r)
                sums[d * k + t] += f[t]
            }
            for (j, value) in zip(columns, values) { for t in 0..<k { sums[j * k + t] += Double(value) * f[t] } }
        }
        try rows.sum(&sums)
        for j in 0..<d { for t in 0..<k { sums[j * k + t] -= means[j] * sums[d * k + t] } }
        sums.removeSubrange((d * k)...)
        return sums
    }
}
