/// A ``RowBlockSource`` over a feature matrix and a matrix of `k` targets per row in memory, valid
/// while both are pinned: a block's targets are its rows of the target matrix, `count × k`
/// row-major, in place. Unweighted.
struct MultiTargetRows<Scalar: BLASScalar>: RowBlockSource {
    let features: UnsafeBufferPointer<Scalar>
    /// `n × k`, row-major.
    let targets: UnsafeBufferPointer<Scalar>
    let columns: Int
    let targetColumns: Int

    init(features: UnsafeBufferPointer<Scalar>, targets: UnsafeBufferPointer<Scalar>, columns: Int, targetColumns: Int) {
        self.features = features
        self.targets = targets
        self.columns = columns
        self.targetColumns = targetColumns
    }

    var rowCount: Int { targets.count / targetColumns }

    var isWeighted: Bool { false }

    func block(_ range: Range<Int>) -> RowBlock<Scalar> {
        RowBlock(features: features.baseAddress! + range.lowerBound * columns,
                 targets: targets.baseAddress! + range.lowerBound * targetColumns,
                 count: range.count, columns: columns)
    }

    func gather(_ indices: UnsafeBufferPointer<Int>, features out: UnsafeMutablePointer<Scalar>,
                targets outTargets: UnsafeMutablePointer<Scalar>, sampleWeights _: UnsafeMutablePointer<Scalar>) {
        let base = features.baseAddress!, targetBase = targets.baseAddress!, k = targetColumns
        for (position, i) in indices.enumerated() {
            (out + position * columns).update(from: base + i * columns, count: columns)
            (outTargets + position * k).update(from: targetBase + i * k, count: k)
        }
    }
}
