/// A block of consecutive training rows: `count` rows of features (row-major, `columns` wide),
/// their targets (one per row, or `count × k` row-major when the source has `k` target columns)
/// and, for weighted training, their sample weights normalised to mean 1 over the training rows
/// (so that every formula stays the unweighted one with `rᵢ` weighted by `ŵᵢ`).
/// Kernels compute on blocks; they never see where the rows came from.
@usableFromInline
struct RowBlock<Scalar: BLASScalar>: @unchecked Sendable {  // a read-only view; the loop keeps the memory alive
    @usableFromInline let features: UnsafePointer<Scalar>
    @usableFromInline let targets: UnsafePointer<Scalar>
    /// `ŵᵢ = wᵢ / mean(w)`, or `nil` when unweighted (every `ŵᵢ = 1`).
    @usableFromInline let sampleWeights: UnsafePointer<Scalar>?
    @usableFromInline let count: Int
    @usableFromInline let columns: Int

    @inlinable
    init(features: UnsafePointer<Scalar>, targets: UnsafePointer<Scalar>, sampleWeights: UnsafePointer<Scalar>? = nil,
         count: Int, columns: Int) {
        self.features = features
        self.targets = targets
        self.sampleWeights = sampleWeights
        self.count = count
        self.columns = columns
    }

    /// A block of features alone, for passes that read no targets (column statistics, the
    /// correlation matrix): its ``targets`` must not be read.
    @inlinable
    init(features: UnsafePointer<Scalar>, sampleWeights: UnsafePointer<Scalar>? = nil, count: Int, columns: Int) {
        self.init(features: features, targets: features, sampleWeights: sampleWeights, count: count, columns: columns)
    }

    /// Row `i`'s `columns` features: the dense row-major layout's one piece of row arithmetic
    /// (the layout seam; every pass reads rows through it or through a block product).
    @inlinable
    func row(_ i: Int) -> UnsafePointer<Scalar> { features + i * columns }
}

/// Where the training loop gets its rows from. The loop asks for blocks of rows in its epoch
/// order and never indexes a global array, so a source may as well stream from a file or hold
/// only this machine's share of a distributed data set.
@usableFromInline
protocol RowBlockSource: SendableMetatype {
    associatedtype Scalar: BLASScalar
    /// The number of rows in one epoch.
    var rowCount: Int { get }
    /// The number of feature columns.
    var columns: Int { get }
    /// The number of targets per row (1 unless the source serves several targets).
    var targetColumns: Int { get }
    /// The rows `range`, in place when they are stored contiguously.
    func block(_ range: Range<Int>) -> RowBlock<Scalar>
    /// Whether rows carry sample weights.
    var isWeighted: Bool { get }
    /// Copies the rows `indices`, in that order, into `features` (row-major) and `targets`
    /// (``targetColumns`` per row), and their normalised sample weights into `sampleWeights` when
    /// the rows are weighted.
    func gather(_ indices: UnsafeBufferPointer<Int>, features: UnsafeMutablePointer<Scalar>,
                targets: UnsafeMutablePointer<Scalar>, sampleWeights: UnsafeMutablePointer<Scalar>)
}

extension RowBlockSource {
    /// One target per row.
    @inlinable var targetColumns: Int { 1 }
}

/// A ``RowBlockSource`` over a feature matrix and its targets in memory, valid while they are
/// pinned: one target per row, or `k` (``targetColumns``) per row, `n × k` row-major, a block's
/// targets its rows of them, in place. Rows may carry normalised sample weights.
@usableFromInline
struct InMemoryRows<Scalar: BLASScalar>: RowBlockSource {
    @usableFromInline let features: UnsafeBufferPointer<Scalar>
    @usableFromInline let targets: UnsafeBufferPointer<Scalar>
    @usableFromInline let columns: Int
    @usableFromInline let targetColumns: Int
    /// Normalised sample weights (mean 1 over the training rows), or `nil`.
    @usableFromInline let sampleWeights: UnsafeBufferPointer<Scalar>?

    @inlinable
    init(features: UnsafeBufferPointer<Scalar>, targets: UnsafeBufferPointer<Scalar>, columns: Int,
         targetColumns: Int = 1, sampleWeights: UnsafeBufferPointer<Scalar>? = nil) {
        self.features = features
        self.targets = targets
        self.columns = columns
        self.targetColumns = targetColumns
        self.sampleWeights = sampleWeights
    }

    @inlinable var rowCount: Int { targets.count / targetColumns }

    @inlinable var isWeighted: Bool { sampleWeights != nil }

    @inlinable
    func block(_ range: Range<Int>) -> RowBlock<Scalar> {
        RowBlock(features: features.baseAddress! + range.lowerBound * columns,
                 targets: targets.baseAddress! + range.lowerBound * targetColumns,
                 sampleWeights: sampleWeights.map { $0.baseAddress! + range.lowerBound },
                 count: range.count, columns: columns)
    }

    @inlinable
    func gather(_ indices: UnsafeBufferPointer<Int>, features out: UnsafeMutablePointer<Scalar>,
                targets outTargets: UnsafeMutablePointer<Scalar>, sampleWeights outWeights: UnsafeMutablePointer<Scalar>) {
        let base = features.baseAddress!, k = targetColumns
        for (position, i) in indices.enumerated() {
            (out + position * columns).update(from: base + i * columns, count: columns)
            if k == 1 {
                outTargets[position] = targets[i]
            } else {
                (outTargets + position * k).update(from: targets.baseAddress! + i * k, count: k)
            }
            if let sampleWeights { outWeights[position] = sampleWeights[i] }
        }
    }
}
