/// Means of columns and vectors, accurate in `Double` whatever the input precision: the one place
/// Descent computes them (standardising, centring for the exact solvers).
enum ColumnStatistics {
    /// The mean of each column of a row-major buffer with `columns` columns.
    ///
    /// Two passes: the mean, then the mean of the deviations from it, which removes the first
    /// pass's rounding error. Sums that overflow (values near `Double`'s limit) are redone as sums
    /// of `xᵢ/n`, which cannot.
    static func means<S: BLASScalar>(_ x: UnsafeBufferPointer<S>, columns d: Int) -> [Double] {
        let n = d == 0 ? 0 : x.count / d
        var means = [Double](repeating: 0, count: d)
        guard n > 0 else { return means }
        for i in 0..<n { for j in 0..<d { means[j] += Double(x[i * d + j]) } }
        for j in 0..<d { means[j] /= Double(n) }
        if !means.allSatisfy(\.isFinite) {
            means = [Double](repeating: 0, count: d)
            for i in 0..<n { for j in 0..<d { means[j] += Double(x[i * d + j]) / Double(n) } }
        }
        var correction = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { correction[j] += Double(x[i * d + j]) - means[j] } }
        // Deviations near Double's limit can overflow: such a column keeps its first-pass mean.
        for j in 0..<d where correction[j].isFinite { means[j] += correction[j] / Double(n) }
        return means
    }

    /// The mean of `values` in two passes: the mean, then the mean of the deviations from it.
    /// Sums that overflow are redone as sums of `xᵢ/n`, and a correction that overflows is skipped.
    static func mean<S: BLASScalar>(_ values: UnsafeBufferPointer<S>) -> Double {
        let n = Double(values.count)
        var first = values.reduce(0.0) { $0 + Double($1) } / n
        if !first.isFinite { first = values.reduce(0.0) { $0 + Double($1) / n } }
        let correction = values.reduce(0.0) { $0 + (Double($1) - first) } / n
        return correction.isFinite ? first + correction : first
    }

    /// The mean of an array; see ``mean(_:)-(UnsafeBufferPointer<S>)``.
    static func mean<S: BLASScalar>(_ values: [S]) -> Double {
        values.withUnsafeBufferPointer { mean($0) }
    }
}
