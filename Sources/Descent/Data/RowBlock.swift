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
    /// The rows in CSR (the sparse layout), or `nil` for dense row-major ``features``. A sparse
    /// block's ``features`` is its values and must not be read as rows: every kernel branches on
    /// the layout first (``SparseKernels``).
    @usableFromInline let sparse: SparseRows<Scalar>?
    /// Where the dense rows read after this block begin, when the reader knows and reads them in
    /// place (`features + count·columns` when they follow in memory): the compiled kernels
    /// prefetch on into them past the block's last row. `nil`: nothing is prefetched past it.
    @usableFromInline var followedBy: UnsafeRawPointer? = nil
    /// Whether no other thread of the fit streams rows while this block is read (a mini-batch
    /// computed on one thread, any gradient of a one-thread fit): the compiled kernels then
    /// prefetch as far ahead as a one-thread read needs, not the shorter distance two threads
    /// sharing the memory do.
    @usableFromInline var readAlone = false

    @inlinable
    init(features: UnsafePointer<Scalar>, targets: UnsafePointer<Scalar>, sampleWeights: UnsafePointer<Scalar>? = nil,
         count: Int, columns: Int) {
        self.features = features
        self.targets = targets
        self.sampleWeights = sampleWeights
        self.count = count
        self.columns = columns
        sparse = nil
    }

    /// A block of `count` sparse rows.
    @inlinable
    init(sparse: SparseRows<Scalar>, targets: UnsafePointer<Scalar>, sampleWeights: UnsafePointer<Scalar>? = nil,
         count: Int, columns: Int) {
        features = sparse.values
        self.targets = targets
        self.sampleWeights = sampleWeights
        self.count = count
        self.columns = columns
        self.sparse = sparse
    }

    /// The same rows and targets without sample weights (either layout).
    @inlinable
    var unweighted: RowBlock {
        if let sparse { return RowBlock(sparse: sparse, targets: targets, count: count, columns: columns) }
        return RowBlock(features: features, targets: targets, count: count, columns: columns)
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
    func row(_ i: Int) -> UnsafePointer<Scalar> {
        assert(sparse == nil, "a dense row read from a sparse block")
        return features + i * columns
    }

    /// Row `i` as `columns` dense values, in either layout: in place for dense rows, written into
    /// `scratch` (`columns` wide) for sparse ones. For the passes that need whole rows (the Gram
    /// reference, the general update rule); O(`columns`) for a sparse row.
    @inlinable
    func denseRow(_ i: Int, scratch: UnsafeMutablePointer<Scalar>) -> UnsafePointer<Scalar> {
        guard let sparse else { return features + i * columns }
        sparse.scatter(i, into: scratch, columns: columns)
        return UnsafePointer(scratch)
    }

    /// Calls `body` with the column and value of row `i`'s stored entries: every column of a
    /// dense row, the nonzeros of a sparse one (O(nnz)).
    @inlinable
    func forEachEntry(_ i: Int, _ body: (Int, Scalar) -> Void) {
        if let sparse {
            for p in sparse.span(i) { body(sparse.indices[p], sparse.values[p]) }
        } else {
            let row = features + i * columns
            for j in 0..<columns { body(j, row[j]) }
        }
    }
}

/// Rows in compressed sparse row form, as views: row `i`'s nonzeros are the positions
/// `offsets[i]..<offsets[i + 1]` of `indices` (increasing columns) and `values`. The offsets are
/// those of the whole matrix the rows come from, so a block of consecutive rows is a view with
/// no copy.
@usableFromInline
struct SparseRows<Scalar: BLASScalar>: @unchecked Sendable {  // a read-only view; the loop keeps the memory alive
    @usableFromInline let offsets: UnsafePointer<Int>
    @usableFromInline let indices: UnsafePointer<Int>
    @usableFromInline let values: UnsafePointer<Scalar>

    @inlinable
    init(offsets: UnsafePointer<Int>, indices: UnsafePointer<Int>, values: UnsafePointer<Scalar>) {
        self.offsets = offsets
        self.indices = indices
        self.values = values
    }

    /// The positions of row `i`'s nonzeros.
    @inlinable @inline(__always)
    func span(_ i: Int) -> Range<Int> { offsets[i]..<offsets[i + 1] }

    /// `xᵢᵀw`.
    @inlinable @inline(__always)
    func dot(_ i: Int, _ w: UnsafePointer<Scalar>) -> Scalar {
        // Four running sums, so the additions do not wait on each other.
        var s0 = Scalar.zero, s1 = Scalar.zero, s2 = Scalar.zero, s3 = Scalar.zero
        var p = offsets[i]
        let end = offsets[i + 1]
        while p + 4 <= end {
            s0 += values[p] * w[indices[p]]
            s1 += values[p + 1] * w[indices[p + 1]]
            s2 += values[p + 2] * w[indices[p + 2]]
            s3 += values[p + 3] * w[indices[p + 3]]
            p += 4
        }
        while p < end {
            s0 += values[p] * w[indices[p]]
            p += 1
        }
        return (s0 + s1) + (s2 + s3)
    }

    /// `w ← w + α·xᵢ`.
    @inlinable @inline(__always)
    func axpy(_ i: Int, _ alpha: Scalar, _ w: UnsafeMutablePointer<Scalar>) {
        for p in span(i) { w[indices[p]] += alpha * values[p] }
    }

    /// Writes row `i` densely into `out` (`columns` wide, zeros elsewhere): for the passes that
    /// need dense rows and run once per fit.
    @inlinable
    func scatter(_ i: Int, into out: UnsafeMutablePointer<Scalar>, columns: Int) {
        out.update(repeating: 0, count: columns)
        for p in span(i) { out[indices[p]] = values[p] }
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
    /// Whether its blocks are sparse (``RowBlock/sparse``): then it gathers with
    /// ``gatherSparse(_:into:targets:sampleWeights:)``.
    var isSparse: Bool { get }
    /// The bytes one row occupies on average (sizes the shuffle's blocks).
    var rowBytes: Int { get }
    /// Sparse sources: copies the rows `indices`, in that order, into `buffer` (their targets and
    /// weights as ``gather(_:features:targets:sampleWeights:)`` does) and returns them.
    func gatherSparse(_ indices: UnsafeBufferPointer<Int>, into buffer: SparseGather<Scalar>,
                      targets: UnsafeMutablePointer<Scalar>, sampleWeights: UnsafeMutablePointer<Scalar>) -> SparseRows<Scalar>
}

extension RowBlockSource {
    /// One target per row.
    @inlinable var targetColumns: Int { 1 }
    /// Dense rows.
    @inlinable var isSparse: Bool { false }
    /// A dense row's bytes.
    @inlinable var rowBytes: Int { columns * MemoryLayout<Scalar>.stride }
    /// Dense sources gather with ``gather(_:features:targets:sampleWeights:)``.
    @usableFromInline
    func gatherSparse(_ indices: UnsafeBufferPointer<Int>, into buffer: SparseGather<Scalar>,
                      targets: UnsafeMutablePointer<Scalar>, sampleWeights: UnsafeMutablePointer<Scalar>) -> SparseRows<Scalar> {
        preconditionFailure("a dense source gathers dense rows")
    }
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
