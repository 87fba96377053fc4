/// Sparse rows of a data set, handed out in chunks of consecutive rows: held in memory
/// (``SparseDataset``), streamed from a file, or one machine's share of a distributed data set —
/// the sparse counterpart of ``RowSource``.
///
/// Gradient descent and the iterative exact solver read sparse data through this protocol, so
/// they never need all rows in memory at once.
public protocol SparseRowSource<Scalar>: Sendable {
    /// The element type of the features and targets.
    associatedtype Scalar: BLASScalar
    /// The number of rows.
    var rowCount: Int { get }
    /// The number of feature columns.
    var columns: Int { get }
    /// The number of chunks the rows are split into (at least 1 when there are rows).
    var chunkCount: Int { get }
    /// The rows (zero-based) of chunk `index`. Chunks are consecutive and cover `0..<rowCount`.
    func chunkRows(_ index: Int) -> Range<Int>
    /// Calls `body` with the chunks `order` (indices into `0..<chunkCount`), in that order. A
    /// source that reads from a slow store may read the next chunk while `body` works on this one.
    ///
    /// - Throws: the source's own ``DescentError`` (an unreadable or changed file), or what
    ///   `body` throws; either stops the visit.
    func forEachChunk(_ order: [Int], _ body: (SparseRowChunk<Scalar>) throws(DescentError) -> Void) throws(DescentError)
    /// Whether the chunks carry sample weights (``SparseRowChunk/weights``). Gradient descent
    /// trains on them, normalised to mean 1 over the training rows.
    var isWeighted: Bool { get }
}

extension SparseRowSource {
    /// Unweighted rows.
    public var isWeighted: Bool { false }

    /// Visits every chunk once, in order.
    ///
    /// - Parameter body: Called with each chunk.
    /// - Throws: as ``forEachChunk(_:_:)``.
    public func forEachChunk(_ body: (SparseRowChunk<Scalar>) throws(DescentError) -> Void) throws(DescentError) {
        try forEachChunk(Array(0..<chunkCount), body)
    }
}

/// Consecutive rows of a ``SparseRowSource``: their features in CSR and one target per row.
public struct SparseRowChunk<Scalar: BLASScalar>: Sendable {
    /// The chunk's index in its source.
    public let index: Int
    /// The rows' positions (zero-based) in the whole source.
    public let rows: Range<Int>
    /// `rows.count × columns` features.
    public let features: SparseMatrix<Scalar>
    /// `rows.count` targets.
    public let targets: [Scalar]
    /// `rows.count` sample weights, or `nil` when the source's rows weigh the same.
    public let weights: [Scalar]?

    /// A chunk of `features`, their `targets` and optional sample `weights`, rows `rows` of
    /// source chunk `index`.
    ///
    /// - Precondition: `features.rows == rows.count == targets.count` (`== weights.count`).
    public init(index: Int, rows: Range<Int>, features: SparseMatrix<Scalar>, targets: [Scalar], weights: [Scalar]? = nil) {
        precondition(features.rows == rows.count && targets.count == rows.count && (weights?.count ?? rows.count) == rows.count,
                     "a chunk's rows, features, targets and weights differ")
        self.index = index
        self.rows = rows
        self.features = features
        self.targets = targets
        self.weights = weights
    }
}

extension SparseDataset: SparseRowSource {
    /// The number of rows.
    public var rowCount: Int { features.rows }
    /// The number of feature columns.
    public var columns: Int { features.columns }
    /// Whether the rows carry sample weights.
    public var isWeighted: Bool { weights != nil }
    /// One chunk: the data set in memory.
    public var chunkCount: Int { features.rows > 0 ? 1 : 0 }
    /// Every row.
    public func chunkRows(_ index: Int) -> Range<Int> { 0..<features.rows }
    /// Calls `body` with the one chunk (for each time it appears in `order`).
    public func forEachChunk(_ order: [Int], _ body: (SparseRowChunk<Scalar>) throws(DescentError) -> Void)
        throws(DescentError) {
        for index in order {
            try body(SparseRowChunk(index: index, rows: 0..<features.rows, features: features, targets: targets, weights: weights))
        }
    }
}
