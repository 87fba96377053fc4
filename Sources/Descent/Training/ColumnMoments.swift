/// One pass over a ``RowSource`` before training: every value checked finite, the rows counted,
/// and when standardising the column means and sums of squared deviations, merged chunk by chunk
/// (and then part by part) with Chan, Golub and LeVeque's pairwise update.
struct ColumnMoments {
    /// The rows of this part.
    var rows = 0
    /// Per column: the mean, and `M₂ = Σ(x − mean)²` (empty unless statistics were asked for).
    var means: [Double] = []
    var squares: [Double] = []

    /// Reads `source` once.
    ///
    /// - Parameter statistics: Whether to measure the columns (for standardisation).
    /// - Throws: ``DescentError/nonFiniteValue(at:)`` (the row counted over the whole source), or
    ///   the source's own error.
    static func measure<Source: RowSource>(_ source: Source, statistics: Bool) throws(DescentError) -> ColumnMoments {
        var moments = ColumnMoments()
        let d = source.columns
        if statistics {
            moments.means = [Double](repeating: 0, count: d)
            moments.squares = [Double](repeating: 0, count: d)
        }
        try source.forEachChunk { (chunk) throws(DescentError) in
            try moments.add(chunk.features, chunk.targets, columns: d, targetColumns: chunk.targetColumns,
                            firstRow: chunk.rows.lowerBound, statistics: statistics)
        }
        return moments
    }

    /// Merges one chunk: its exact two-pass means and squared deviations (as ``Standardizer``
    /// measures a matrix), then the pairwise update.
    @specialized(where S == Float)
    @specialized(where S == Double)
    mutating func add<S: BLASScalar>(_ x: UnsafeBufferPointer<S>, _ y: UnsafeBufferPointer<S>, columns d: Int,
                                     targetColumns k: Int = 1, firstRow: Int, statistics: Bool) throws(DescentError) {
        let m = y.count / k
        guard m > 0 else { return }
        if let bad = Validation.firstNonFinite(x) {
            throw .nonFiniteValue(at: .features(row: firstRow + bad / d, column: bad % d))
        }
        if let bad = Validation.firstNonFinite(y) {
            throw .nonFiniteValue(at: k == 1 ? .targets(index: firstRow + bad)
                                             : .targetMatrix(row: firstRow + bad / k, column: bad % k))
        }
        defer { rows += m }
        guard statistics else { return }
        let chunkMeans = ColumnStatistics.means(x, columns: d)
        var chunkSquares = [Double](repeating: 0, count: d)
        let block = RowBlock(features: x.baseAddress!, count: m, columns: d)
        for i in 0..<m {
            let row = block.row(i)
            for j in 0..<d { let v = Double(row[j]) - chunkMeans[j]; chunkSquares[j] += v * v }
        }
        if rows == 0 {
            means = chunkMeans
            squares = chunkSquares
            return
        }
        let a = Double(rows), b = Double(m), n = a + b
        for j in 0..<d {
            let delta = chunkMeans[j] - means[j]
            means[j] += delta * (b / n)
            squares[j] += chunkSquares[j] + delta * delta * (a * b / n)
        }
    }

    /// The standardiser of every part's rows: means and population deviations (1 for a constant
    /// column), combined over the parts as `μ = Σnₚμₚ / n` and `M₂ = Σ(M₂ₚ + nₚ(μₚ − μ)²)`.
    func standardizer<S: BLASScalar>(_ collective: some Collective) throws(DescentError) -> Standardizer<S> {
        let d = means.count
        var mu = means, m2 = squares, n = Double(rows)
        if collective.size > 1 {
            var first = [n] + means.map { n * $0 }
            try collective.sum(&first)
            n = first[0]
            mu = (0..<d).map { n > 0 ? first[1 + $0] / n : 0 }
            var second = (0..<d).map { j in squares[j] + Double(rows) * (means[j] - mu[j]) * (means[j] - mu[j]) }
            try collective.sum(&second)
            m2 = second
        }
        let deviations = m2.map { s in
            let sd = (s / n).squareRoot()
            return sd > 0 && sd.isFinite ? sd : 1
        }
        return Standardizer(means: mu, deviations: deviations)
    }
}
