/// What the first pass over the rows learns, on every part alike: the global row count, the
/// column sums of the features (the shift that centres them), the targets' means; and that every
/// feature and target is finite, with the first bad value's place in global row numbers.
struct RowTotals {
    /// `n`, over every part.
    let rows: Int
    /// The column means of `X` (from `gemv` column sums), zero without an intercept.
    let shift: [Double]
    /// The mean of each target column (one pass), zero without an intercept.
    let targetMeans: [Double]
    /// The features are finite but their column sums overflow: the normal equations cannot be
    /// formed; the shift is then from sums of `xᵢ/n`.
    let sumsOverflow: Bool

    /// Checks shapes across parts, then one pass: column sums (`gemv` against ones, in the data's
    /// precision, per block of 65,536 rows, added up in `Double`) and target sums, with every part's
    /// first non-finite value reported through `collective.agree`.
    @specialized(where S == Float)
    @specialized(where S == Double)
    static func gather<S: BLASScalar>(_ rows: SolverRows<S>, intercept: Bool) throws(DescentError) -> RowTotals {
        let d = rows.columns, k = rows.targets, c = rows.collective
        var shape = [Double(d), Double(rows.localRows), Double(k)]
        try rows.sum(&shape)
        let parts = Double(c.size)
        var shapeError: DescentError?
        if shape[0] != parts * Double(d) || shape[2] != parts * Double(k) {
            shapeError = .invalidOption(name: "columns", value: "\(d) feature and \(k) target columns on part \(c.rank)",
                                        expected: "the same number of columns on every part")
        } else if d >= Int(Int32.max) / 2 || k >= Int(Int32.max) / 2 || shape[1] >= Double(Int32.max) {
            shapeError = .invalidOption(name: "features", value: "\(Int(shape[1])) × \(d)" + (k > 1 ? " with \(k) targets" : ""),
                                        expected: "at most 2³¹ − 1 rows and 2³⁰ columns (LAPACK's 32-bit indices)")
        }
        try c.agree(shapeError)
        let n = Int(shape[1])
        guard n > 0 else { throw .noRows }
        guard d > 0 else { throw .noFeatures }

        // Targets first (their error is reported before the features'), then the column sums.
        var targetError: DescentError?
        var sums = [Double](repeating: 0, count: d + k)
        let chunk = 1 << 16
        let ones = [S](repeating: 1, count: Swift.min(chunk, Swift.max(1, rows.localRows)))
        var partial = [S](repeating: 0, count: d)
        try rows.forEachBlock(rows: chunk) { (block) throws(DescentError) in
            guard targetError == nil else { return }
            let m = block.count
            if let index = Validation.firstNonFinite(UnsafeBufferPointer(start: block.targets, count: m * k)) {
                let row = block.firstRow + index / k
                targetError = .nonFiniteValue(at: k == 1 ? .targets(index: row) : .targetMatrix(row: row, column: index % k))
                return
            }
            // Double rows where the AVX-512 kernels run: no OpenBLAS call, whose threads would
            // then spin beside the Gram pass that follows (``GramProduct``).
            let summed = S.doubles(block.features).map { x in
                partial.withUnsafeMutableBytes { p in
                    GramProduct.columnSums(x, rows: m, columns: d, into: p.baseAddress!.assumingMemoryBound(to: Double.self))
                }
            } ?? false
            if !summed { BLAS.gemvTransposed(block.features, rows: m, columns: d, ones, beta: 0, &partial) }
            for j in 0..<d { sums[j] += Double(partial[j]) }
            for i in 0..<m { for t in 0..<k { sums[d + t] += Double(block.target(i, t)) } }
        }
        try c.agree(targetError)
        try rows.sum(&sums)
        let overflow = !sums[0..<d].allSatisfy(\.isFinite)
        if overflow { try c.agree(try firstNonFiniteFeature(rows)) }
        var scale = intercept ? 1 / Double(n) : 0
        if !sums.allSatisfy(\.isFinite) {
            // Finite values whose sums overflow: the mean as a sum of xᵢ/n cannot.
            sums = [Double](repeating: 0, count: d + k)
            try rows.forEachBlock(rows: chunk) { (block) throws(DescentError) in
                for i in 0..<block.count {
                    let x = block.row(i)
                    for j in 0..<d { sums[j] += Double(x[j]) / Double(n) }
                }
                for i in 0..<block.count { for t in 0..<k { sums[d + t] += Double(block.target(i, t)) / Double(n) } }
            }
            try rows.sum(&sums)
            scale = intercept ? 1 : 0
        }
        return RowTotals(rows: n, shift: (0..<d).map { sums[$0] * scale },
                         targetMeans: (0..<k).map { sums[d + $0] * scale }, sumsOverflow: overflow)
    }

    /// This part's first NaN or ±∞ among the features, in global row numbers.
    static func firstNonFiniteFeature<S: BLASScalar>(_ rows: SolverRows<S>) throws(DescentError) -> DescentError? {
        let d = rows.columns
        var found: DescentError?
        try rows.visitChunks { (chunk) throws(DescentError) in
            guard found == nil,
                  let index = Validation.firstNonFinite(UnsafeBufferPointer(start: chunk.features, count: chunk.count * d))
            else { return }
            found = .nonFiniteValue(at: .features(row: chunk.firstRow + index / d, column: index % d))
        }
        return found
    }
}
