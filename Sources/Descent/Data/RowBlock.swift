/// A block of consecutive training rows: `count` rows of features (row-major, `columns` wide)
/// and their targets. Kernels compute on blocks; they never see where the rows came from.
@usableFromInline
struct RowBlock<Scalar: BLASScalar>: @unchecked Sendable {  // a read-only view; the loop keeps the memory alive
    @usableFromInline let features: UnsafePointer<Scalar>
    @usableFromInline let targets: UnsafePointer<Scalar>
    @usableFromInline let count: Int
    @usableFromInline let columns: Int

    @inlinable
    init(features: UnsafePointer<Scalar>, targets: UnsafePointer<Scalar>, count: Int, columns: Int) {
        self.features = features
        self.targets = targets
        self.count = count
        self.columns = columns
    }
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
    /// The rows `range`, in place when they are stored contiguously.
    func block(_ range: Range<Int>) -> RowBlock<Scalar>
    /// Copies the rows `indices`, in that order, into `features` (row-major) and `targets`.
    func gather(_ indices: UnsafeBufferPointer<Int>, features: UnsafeMutablePointer<Scalar>,
                targets: UnsafeMutablePointer<Scalar>)
}

/// A ``RowBlockSource`` over a matrix and target array in memory, valid while they are pinned.
@usableFromInline
struct InMemoryRows<Scalar: BLASScalar>: RowBlockSource {
    @usableFromInline let features: UnsafeBufferPointer<Scalar>
    @usableFromInline let targets: UnsafeBufferPointer<Scalar>
    @usableFromInline let columns: Int

    @inlinable
    init(features: UnsafeBufferPointer<Scalar>, targets: UnsafeBufferPointer<Scalar>, columns: Int) {
        self.features = features
        self.targets = targets
        self.columns = columns
    }

    @inlinable var rowCount: Int { targets.count }

    @inlinable
    func block(_ range: Range<Int>) -> RowBlock<Scalar> {
        RowBlock(features: features.baseAddress! + range.lowerBound * columns,
                 targets: targets.baseAddress! + range.lowerBound, count: range.count, columns: columns)
    }

    @inlinable
    func gather(_ indices: UnsafeBufferPointer<Int>, features out: UnsafeMutablePointer<Scalar>,
                targets outTargets: UnsafeMutablePointer<Scalar>) {
        let base = features.baseAddress!
        for (k, i) in indices.enumerated() {
            (out + k * columns).update(from: base + i * columns, count: columns)
            outTargets[k] = targets[i]
        }
    }
}

