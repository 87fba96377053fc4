/// A ``RowBlockSource`` over a feature matrix and a matrix of `k` targets per row in memory, valid
/// while both are pinned: a block's targets are its rows of the target matrix, `count × k`
/// row-major, in place. Rows may carry normalised sample weights, as ``InMemoryRows``' do.
struct MultiTargetRows<Scalar: BLASScalar>: RowBlockSource {
    let features: UnsafeBufferPointer<Scalar>
    /// `n × k`, row-major.
    let targets: UnsafeBufferPointer<Scalar>
    let columns: Int
    let targetColumns: Int
    /// Normalised sample weights (mean 1 over the training rows), or `nil`.
    let sampleWeights: UnsafeBufferPointer<Scalar>?

    init(features: UnsafeBufferPointer<Scalar>, targets: UnsafeBufferPointer<Scalar>, columns: Int, targetColumns: Int,
         sampleWeights: UnsafeBufferPointer<Scalar>? = nil) {
        self.features = features
        self.targets = targets
        self.columns = columns
        self.targetColumns = targetColumns
        self.sampleWeights = sampleWeights
    }

    var rowCount: Int { targets.count / targetColumns }

    var isWeighted: Bool { sampleWeights != nil }

    func block(_ range: Range<Int>) -> RowBlock<Scalar> {
        RowBlock(features: features.baseAddress! + range.lowerBound * columns,
                 targets: targets.baseAddress! + range.lowerBound * targetColumns,
                 sampleWeights: sampleWeights.map { $0.baseAddress! + range.lowerBound },
                 count: range.count, columns: columns)
    }

    func gather(_ indices: UnsafeBufferPointer<Int>, features out: UnsafeMutablePointer<Scalar>,
                targets outTargets: UnsafeMutablePointer<Scalar>, sampleWeights outWeights: UnsafeMutablePointer<Scalar>) {
        let base = features.baseAddress!, targetBase = targets.baseAddress!, k = targetColumns
        for (position, i) in indices.enumerated() {
            (out + position * columns).update(from: base + i * columns, count: columns)
            (outTargets + position * k).update(from: targetBase + i * k, count: k)
            if let sampleWeights { outWeights[position] = sampleWeights[i] }
        }
    }
}
