/// The targets an exact solver fits, as a row-major `n × k` block with one column per target
/// (pinned for the solve): one target is the `k = 1` case, a contiguous array.
struct TargetColumns<S: BLASScalar> {
    /// `n × k` values, row by row.
    let values: UnsafeBufferPointer<S>
    /// The number of targets `k`, ≥ 1.
    let count: Int

    init(_ values: UnsafeBufferPointer<S>, count: Int = 1) {
        precondition(count >= 1 && values.count % count == 0, "targets must fill whole rows")
        self.values = values
        self.count = count
    }

    /// The number of rows `n`.
    var rows: Int { values.count / count }

    /// Target `column` of row `row`.
    @inline(__always)
    subscript(row: Int, column: Int) -> S { values[row * count + column] }

    /// The mean of every target (`ColumnStatistics`, so each equals the mean of its column alone),
    /// or zeros without an intercept.
    func means(intercept: Bool) -> [Double] {
        guard intercept else { return [Double](repeating: 0, count: count) }
        return count == 1 ? [ColumnStatistics.mean(values)] : ColumnStatistics.means(values, columns: count)
    }
}
