/// Rows of a data set, handed out in chunks of consecutive rows: held in memory (``Dataset``),
/// streamed from files (``StreamingDataset``), or one machine's share of a distributed data set.
///
/// Gradient descent, the exact solvers and the column statistics read every data set through
/// this protocol, so they never need all rows in memory at once. A chunk's rows are contiguous,
/// row-major and valid only during the call that receives them.
///
/// ```swift
/// let stream = try StreamingDataset<Double>(npyFeatures: "X.npy", targets: "y.npy")
/// let exact = try LeastSquares.solve(from: stream)          // so does a Dataset in memory
/// ```
///
/// Conform your own type to stream from another store (a database, a socket): give the row and
/// column counts, how the rows are split into chunks, and a way to visit chunks in a given order.
public protocol RowSource<Scalar>: Sendable {
    /// The element type of the features and targets.
    associatedtype Scalar: BLASScalar
    /// The number of rows.
    var rowCount: Int { get }
    /// The number of feature columns.
    var columns: Int { get }
    /// One name per feature column: `x0`, `x1`, … unless the source knows better.
    var featureNames: [String] { get }
    /// The number of targets per row: 1 unless the source serves several (an `n × k` targets
    /// array, for a ``MultiLinearModel``).
    var targetColumns: Int { get }
    /// The number of chunks the rows are split into (at least 1 when there are rows).
    var chunkCount: Int { get }
    /// The rows (zero-based) of chunk `index`. Chunks are consecutive and cover `0..<rowCount`.
    func chunkRows(_ index: Int) -> Range<Int>
    /// Calls `body` with the chunks `order` (indices into `0..<chunkCount`), in that order. A
    /// source that reads from a slow store may read the next chunk while `body` works on this one.
    ///
    /// - Throws: the source's own ``DescentError`` (an unreadable or changed file), or what
    ///   `body` throws; either stops the visit.
    func forEachChunk(_ order: [Int], _ body: (RowChunk<Scalar>) throws(DescentError) -> Void) throws(DescentError)
}

extension RowSource {
    /// `x0`, `x1`, …: the names of columns nobody named.
    public var featureNames: [String] { (0..<columns).map { "x\($0)" } }

    /// One target per row.
    public var targetColumns: Int { 1 }

    /// Visits every chunk once, in order.
    ///
    /// - Parameter body: Called with each chunk.
    /// - Throws: as ``forEachChunk(_:_:)``.
    public func forEachChunk(_ body: (RowChunk<Scalar>) throws(DescentError) -> Void) throws(DescentError) {
        try forEachChunk(Array(0..<chunkCount), body)
    }
}

/// Consecutive rows of a ``RowSource``: features row-major (`rows.count × columns`) and targets
/// (`rows.count × targetColumns`, row-major), valid only while the ``RowSource/forEachChunk(_:_:)``
/// call that passes them runs.
public struct RowChunk<Scalar: BLASScalar> {
    /// The chunk's index in its source.
    public let index: Int
    /// The rows' positions (zero-based) in the whole source.
    public let rows: Range<Int>
    /// The number of feature columns.
    public let columns: Int
    /// `rows.count × columns` features, row-major.
    public let features: UnsafeBufferPointer<Scalar>
    /// `rows.count × targetColumns` targets, row-major (`rows.count` for one target).
    public let targets: UnsafeBufferPointer<Scalar>
    /// The number of targets per row.
    public let targetColumns: Int

    /// Row `i`'s features (`i` counted within the chunk, `0..<rows.count`): `columns` values.
    ///
    /// - Complexity: O(1).
    @inlinable
    public func row(_ i: Int) -> UnsafePointer<Scalar> { features.baseAddress! + i * columns }

    /// A chunk of one target per row over memory the caller keeps alive for the call.
    ///
    /// - Parameters:
    ///   - index: The chunk's index in its source.
    ///   - rows: The rows' positions in the source.
    ///   - columns: The feature columns.
    ///   - features: `rows.count × columns` features, row-major.
    ///   - targets: `rows.count` targets.
    public init(index: Int, rows: Range<Int>, columns: Int, features: UnsafeBufferPointer<Scalar>,
                targets: UnsafeBufferPointer<Scalar>) {
        self.init(index: index, rows: rows, columns: columns, features: features, targets: targets, targetColumns: 1)
    }

    /// A chunk of `targetColumns` targets per row over memory the caller keeps alive for the call.
    ///
    /// - Parameters:
    ///   - index: The chunk's index in its source.
    ///   - rows: The rows' positions in the source.
    ///   - columns: The feature columns.
    ///   - features: `rows.count × columns` features, row-major.
    ///   - targets: `rows.count × targetColumns` targets, row-major.
    ///   - targetColumns: The targets per row, ≥ 1.
    public init(index: Int, rows: Range<Int>, columns: Int, features: UnsafeBufferPointer<Scalar>,
                targets: UnsafeBufferPointer<Scalar>, targetColumns: Int) {
        precondition(targetColumns >= 1 && features.count == rows.count * columns
                     && targets.count == rows.count * targetColumns,
                     "a chunk's buffers must hold rows.count × columns features and rows.count × targetColumns targets")
        self.index = index
        self.rows = rows
        self.columns = columns
        self.features = features
        self.targets = targets
        self.targetColumns = targetColumns
    }
}

extension Dataset: RowSource {
    /// A data set in memory is one chunk.
    public var chunkCount: Int { 1 }

    /// All rows.
    public func chunkRows(_ index: Int) -> Range<Int> { 0..<rowCount }

    /// Calls `body` with the whole data set, once per entry of `order`.
    public func forEachChunk(_ order: [Int], _ body: (RowChunk<Scalar>) throws(DescentError) -> Void) throws(DescentError) {
        for index in order {
            precondition(index == 0, "a Dataset has one chunk")
            try features.withUnsafeBufferPointer { (x) throws(DescentError) in
                try targets.withUnsafeBufferPointer { (y) throws(DescentError) in
                    try body(RowChunk(index: 0, rows: 0..<rowCount, columns: columns, features: x, targets: y))
                }
            }
        }
    }
}
