extension LeastSquares {
    /// Whether the SVD factors the centred design itself rather than the `R` of a streaming QR:
    /// fewer rows (after centring) than columns, on one part. Its `n × d` copy is then smaller
    /// than the `d × d` triangle, and a data set of a few rows and many columns gets its
    /// minimum-norm solution in `O(n·d)` memory.
    static func factorsDesign(rows n: Int, columns d: Int, intercept: Bool, parts: Int) -> Bool {
        parts == 1 && !hasRowsForQR(rows: n, columns: d, intercept: intercept)
    }

    /// The minimum-norm solutions of a wide problem (``factorsDesign(rows:columns:intercept:parts:)``)
    /// for every target (each centred on its mean in `p`), by `gelsd` on a copy of the centred `n × d` design: once column-scaled,
    /// for the numerical rank and the singular values (judged as the streaming SVD judges them),
    /// and once in the caller's units, for the solution that is minimal in them. Returns `V`
    /// (column-major `d × k`), the rank and the singular values (padded with zeros to `d`, those
    /// of `R`), or `nil` when the SVD did not converge.
    ///
    /// - Throws: ``DescentError/insufficientMemory(needed:available:what:remedies:)`` when the
    ///   copy or `gelsd`'s workspace cannot be allocated.
    static func wideMinimumNorm<S: BLASScalar>(_ p: CenteredProblem, _ rows: SolverRows<S>)
        throws(DescentError) -> (v: [Double], rank: Int, singularValues: [Double])? {
        let n = p.rows, d = p.columns, k = rows.targets, ldb = Swift.max(n, d), targetMeans = p.targetMeans
        try MemoryBudget.reserve(MemoryBudget.bytes(MemoryBudget.total(MemoryBudget.count(n, d), MemoryBudget.count(ldb, k))),
                                 for: "the SVD's copy of the centred features (\(n) × \(d) Double values)",
                                 remedies: [.fewerColumns(atMost: d - 1), .gradientDescent])
        var a = [Double](repeating: 0, count: n * d)
        var b = [Double](repeating: 0, count: ldb * k)
        func fill(scaled: Bool) throws(DescentError) {
            for c in 0..<k { for i in 0..<ldb { b[i + c * ldb] = 0 } }
            try rows.forEachBlock(rows: 4096) { (block) throws(DescentError) in
                for i in 0..<block.count {
                    let row = block.firstRow + i, x = block.row(i)
                    for j in 0..<d {
                        let centred = Double(x[j]) - p.means[j]
                        a[row + j * n] = scaled ? centred * p.scales[j] : centred
                    }
                    for c in 0..<k { b[row + c * ldb] = Double(block.target(i, c)) - targetMeans[c] }
                }
            }
        }
        let rcond = Double(Swift.max(n, d)) * p.dataEpsilon
        func run() throws(DescentError) -> (rank: Int, singularValues: [Double])? {
            try a.withUnsafeMutableBufferPointer { (a) throws(DescentError) in
                try b.withUnsafeMutableBufferPointer { (b) throws(DescentError) in
                    try LAPACK.minimumNormSolve(a, m: n, n: d, b, rcond: rcond, nrhs: k)
                }
            }
        }
        try fill(scaled: true)
        guard let scaled = try run() else { return nil }
        try fill(scaled: false)
        guard try run() != nil else { return nil }
        let v = (0..<k).flatMap { c in b[(c * ldb)..<(c * ldb + d)] }
        let values = scaled.singularValues + [Double](repeating: 0, count: d - scaled.singularValues.count)
        return (v, scaled.rank, values)
    }
}
