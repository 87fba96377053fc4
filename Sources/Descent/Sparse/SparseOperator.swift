/// `A = X − 1μᵀ` (or `X`) as products in `Double`, never formed: `Av = Xv − 1·(μᵀv)`,
/// `Aᵀu = Xᵀu − μ·(1ᵀu)`.
struct SparseOperator<S: BLASScalar> {
    let matrix: SparseMatrix<S>
    let means: [Double]
    let centred: Bool

    init(_ matrix: SparseMatrix<S>, intercept: Bool) {
        self.matrix = matrix
        centred = intercept
        var sums = [Double](repeating: 0, count: matrix.columns)
        if intercept {
            for k in 0..<matrix.nonzeros { sums[matrix.columnIndices[k]] += Double(matrix.values[k]) }
        }
        let n = Double(matrix.rows)
        means = sums.map { $0 / n }
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
                        out[i] = sum - shift
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
                        let ui = u[i]
                        total += ui
                        for k in offsets[i]..<offsets[i + 1] { out[indices[k]] += Double(values[k]) * ui }
                    }
                }
            }
        }
        if centred { for j in 0..<out.count { out[j] -= means[j] * total } }
    }
}
