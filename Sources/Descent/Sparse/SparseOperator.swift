/// `A = W^½(X − 1μᵀ)` (or `W^½X` without an intercept; `W = I` unweighted) as products in
/// `Double`, never formed: `Av = W^½(Xv − 1·(μᵀv))`, `Aᵀu = Xᵀ(W^½u) − μ·(1ᵀW^½u)`, with `μ` the
/// (weighted) column means.
struct SparseOperator<S: BLASScalar> {
    let matrix: SparseMatrix<S>
    let means: [Double]
    let centred: Bool
    /// `√wᵢ` per row, or `nil` unweighted.
    let roots: [Double]?
    /// `Σwᵢ` (`n` unweighted).
    let totalWeight: Double

    init(_ matrix: SparseMatrix<S>, intercept: Bool, weights: [S]? = nil) {
        self.matrix = matrix
        centred = intercept
        roots = weights?.map { Double($0).squareRoot() }
        let total = weights.map { $0.reduce(0.0) { $0 + Double($1) } } ?? Double(matrix.rows)
        totalWeight = total
        var sums = [Double](repeating: 0, count: matrix.columns)
        if intercept {
            for i in 0..<matrix.rows {
                let w = weights.map { Double($0[i]) } ?? 1
                for k in matrix.rowOffsets[i]..<matrix.rowOffsets[i + 1] { sums[matrix.columnIndices[k]] += w * Double(matrix.values[k]) }
            }
        }
        means = sums.map { $0 / total }
    }

    var rows: Int { matrix.rows }
    var columns: Int { matrix.columns }

    /// `out ← A·v`.
    func apply(_ v: [Double], into out: inout [Double]) {
        let shift = centred ? zip(means, v).reduce(0.0) { $0 + $1.0 * $1.1 } : 0
        matrix.rowOffsets.withUnsafeBufferPointer { offsets in
            matrix.columnIndices.withUnsafeBufferPointer { indices in
                matrix.values.withUnsafeBufferPointer { values in
                    for i in 0..<matrix.rows {
                        var sum = 0.0
                        for k in offsets[i]..<offsets[i + 1] { sum += Double(values[k]) * v[indices[k]] }
                        out[i] = (sum - shift) * (roots?[i] ?? 1)
                    }
                }
            }
        }
    }

    /// `out ← Aᵀ·u`.
    func applyTransposed(_ u: [Double], into out: inout [Double]) {
        for j in 0..<out.count { out[j] = 0 }
        var total = 0.0
        matrix.rowOffsets.withUnsafeBufferPointer { offsets in
            matrix.columnIndices.withUnsafeBufferPointer { indices in
                matrix.values.withUnsafeBufferPointer { values in
                    for i in 0..<matrix.rows {
                        let ui = u[i] * (roots?[i] ?? 1)
                        total += ui
                        for k in offsets[i]..<offsets[i + 1] { out[indices[k]] += Double(values[k]) * ui }
                    }
                }
            }
        }
        if centred { for j in 0..<out.count { out[j] -= means[j] * total } }
    }
}
