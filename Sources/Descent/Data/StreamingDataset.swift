#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Features and targets streamed from two NumPy `.npy` files in chunks of rows, so data larger
/// than memory can be trained on and solved: a ``RowSource`` like ``Dataset``, which holds them
/// in memory.
///
/// ```swift
/// let stream = try StreamingDataset<Double>(npyFeatures: "X.npy", targets: "y.npy")
/// var model = LinearModel<Double>()
/// let history = try GradientDescent<Double>().fit(&model, from: stream)
/// let exact = try LeastSquares.solve(from: stream)
/// ```
///
/// Each visit (``forEachChunk(_:_:)``) hands out chunks of ``rowsPerChunk`` consecutive rows, with
/// a read-ahead thread preparing the next chunk while the caller works on one, so reading
/// overlaps arithmetic. How the rows are read:
///
/// - **Mapped** (``isMapped``; the default when both files hold rows of `Scalar` as stored and
///   together take at most half of the machine's memory): the
///   files stay mapped read-only while the data set lives, and chunks are the mapped rows
///   themselves. The thread brings each chunk's pages in before it is used, so a failing read is
///   a typed error. Every visit after the first reads the rows where the page cache holds them,
///   as fast as from memory; the mapped pages count in the process's resident size, but they are
///   the kernel's page cache, which it reclaims under memory pressure (and reads in again).
/// - **Read** (`mapped: false`, files that need a conversion, or files larger than half of memory,
///   which would be read from disk every visit anyway): positioned reads (`pread`) into
///   two chunk buffers (double buffering). Memory beyond the caller's own is the two buffers
///   (``bufferBytes``), whatever the files' size; the thread and the buffers live only during the
///   visit.
///
/// The features file holds a 2-D array in C (row-major) order, the targets file a 1-D array (or
/// `n × 1`), or an `n × k` array of `k` targets (for a ``MultiLinearModel``), each `float32` or `float64` (integers and big-endian floats are converted too). A
/// `float32` file streamed as `Double` is widened exactly; a `float64` file streamed as `Float`
/// rounds every value, so it is refused unless `allowPrecisionLoss` is set.
///
/// The files must stay as they are while the data set is in use: each visit checks that every
/// file is the one opened (inode, size, modification time), and so does each chunk (and each read
/// that it got every byte), so a file truncated, rewritten or replaced gives
/// ``DescentError/fileChanged(path:reason:)`` instead of rows from two versions. Mapped, a file
/// truncated while one chunk is in use (or a mapped page dropped from memory whose disk then
/// fails) ends the process with `SIGBUS` instead: where files may change under a running fit, pass
/// `mapped: false`. To convert a CSV file into this form without loading it,
/// see ``convertCSV(_:features:targets:target:featureColumns:options:)``.
public struct StreamingDataset<Scalar: BLASScalar>: RowSource {
    /// The default size of one chunk buffer: 4 MiB, so the two buffers of a visit take 8 MiB.
    ///
    /// Measured with `bench --out-of-core` (1,000,000 × 100 Float64 in the page cache): a streamed
    /// batch epoch took about 2.2× the in-memory one with 16 MiB chunks and about 1.5× with 1–4 MiB,
    /// whose buffers stay in cache between the read-ahead thread's copy and the arithmetic.
    public static var defaultChunkBytes: Int { 4 << 20 }

    /// The number of rows.
    public let rowCount: Int
    /// The number of feature columns.
    public let columns: Int
    /// The number of targets per row: the targets file's columns (1 for a 1-D file).
    public let targetColumns: Int
    /// One name per feature column: `x0`, `x1`, … unless set.
    public var featureNames: [String]
    /// The target's name, when it has one.
    public var targetName: String?
    /// Rows per chunk (the last chunk may have fewer).
    public let rowsPerChunk: Int
    /// The size of one chunk buffer; a visit allocates two.
    public let bufferBytes: Int

    let featuresFile: NPYRowFile
    let targetsFile: NPYRowFile
    /// Both files mapped (``FileMapping``), or `nil` when they are read with `pread`.
    let mappings: (features: FileMapping, targets: FileMapping)?

    /// Whether the files are mapped rather than read into buffers (see the type's discussion).
    public var isMapped: Bool { mappings != nil }
    /// Where a chunk's targets start in its buffer (64-byte aligned).
    let targetsOffset: Int

    /// Opens two `.npy` files to stream: reads their headers and checks they fit together.
    ///
    /// - Parameters:
    ///   - npyFeatures: The features file: a 2-D array in C order (a 1-D array is one column).
    ///   - targets: The targets file: a 1-D array, or a 2-D array of one column per target (C order).
    ///   - chunkBytes: The size of one chunk buffer; a chunk holds as many rows as fit (at least
    ///     one). The default is ``defaultChunkBytes``.
    ///   - allowPrecisionLoss: Round `float64` files into a `Float` data set instead of refusing.
    ///   - mapped: Map the files when their rows are `Scalar`s as stored and they fit in half of the
    ///     machine's memory (the default), or read them with `pread` into two chunk buffers whatever
    ///     they hold.
    /// - Throws: ``DescentError/fileNotReadable(path:reason:)`` for a missing or unreadable file;
    ///   ``DescentError/invalidFile(path:format:reason:)`` for a file that is not a 1-D or 2-D
    ///   numeric `.npy` array (empty, truncated, wrong header), a features or targets file in Fortran
    ///   order, or `float64` into `Float` without
    ///   `allowPrecisionLoss`; ``DescentError/targetCountMismatch(rows:targets:)`` when the row
    ///   counts differ; ``DescentError/invalidOption(name:value:expected:)`` for `chunkBytes` < 1.
    public init(npyFeatures: String, targets: String, chunkBytes: Int = defaultChunkBytes,
                allowPrecisionLoss: Bool = false, mapped: Bool = true) throws(DescentError) {
        guard chunkBytes >= 1 else {
            throw .invalidOption(name: "chunkBytes", value: "\(chunkBytes)", expected: "at least 1 (the default is 4 MiB)")
        }
        let x = try NPYRowFile(path: npyFeatures, as: Scalar.self, allowPrecisionLoss: allowPrecisionLoss)
        let y = try NPYRowFile(path: targets, as: Scalar.self, allowPrecisionLoss: allowPrecisionLoss)
        guard y.header.columns >= 1 else {
            throw .invalidFile(path: targets, format: ".npy", reason: "the targets array has no columns")
        }
        guard x.header.rows == y.header.rows else {
            throw .targetCountMismatch(rows: x.header.rows, targets: y.header.rows)
        }
        let d = x.header.columns
        let k = y.header.columns
        let rowBytes = d * x.bufferBytesPerElement(Scalar.self) + k * y.bufferBytesPerElement(Scalar.self)
        let rows = Swift.max(1, Swift.min(chunkBytes / rowBytes, Swift.max(1, x.header.rows)))
        featuresFile = x
        targetsFile = y
        rowCount = x.header.rows
        columns = d
        targetColumns = k
        rowsPerChunk = rows
        targetsOffset = (rows * d * x.bufferBytesPerElement(Scalar.self) + 63) / 64 * 64
        bufferBytes = targetsOffset + rows * k * y.bufferBytesPerElement(Scalar.self)
        featureNames = (0..<d).map { "x\($0)" }
        targetName = nil
        if mapped, x.identity.size + y.identity.size <= FileMapping.mappableBytes,
           let features = try x.mapping(as: Scalar.self), let targets = try y.mapping(as: Scalar.self) {
            mappings = (features, targets)
        } else {
            mappings = nil
        }
    }

    /// Opens two `.npy` files to stream; see
    /// ``init(npyFeatures:targets:chunkBytes:allowPrecisionLoss:mapped:)-(String,_,_,_,_)``.
    ///
    /// - Parameters:
    ///   - npyFeatures: The features file's URL.
    ///   - targets: The targets file's URL.
    ///   - chunkBytes: The size of one chunk buffer.
    ///   - allowPrecisionLoss: Round `float64` files into a `Float` data set instead of refusing.
    ///   - mapped: Map the files when their rows are `Scalar`s as stored and they fit in half of
    ///     the machine's memory (the default).
    /// - Throws: as ``init(npyFeatures:targets:chunkBytes:allowPrecisionLoss:mapped:)-(String,_,_,_,_)``.
    public init(npyFeatures: URL, targets: URL, chunkBytes: Int = defaultChunkBytes,
                allowPrecisionLoss: Bool = false, mapped: Bool = true) throws(DescentError) {
        try self.init(npyFeatures: npyFeatures.path, targets: targets.path, chunkBytes: chunkBytes,
                      allowPrecisionLoss: allowPrecisionLoss, mapped: mapped)
    }

    /// The features file's path.
    public var featuresPath: String { featuresFile.path }
    /// The targets file's path.
    public var targetsPath: String { targetsFile.path }

    /// The number of chunks: `⌈rowCount / rowsPerChunk⌉` (0 for a file of no rows).
    public var chunkCount: Int { (rowCount + rowsPerChunk - 1) / rowsPerChunk }

    /// The rows (zero-based) of chunk `index`.
    ///
    /// - Parameter index: A chunk in `0..<chunkCount`.
    /// - Returns: `index · rowsPerChunk ..< min((index + 1) · rowsPerChunk, rowCount)`.
    public func chunkRows(_ index: Int) -> Range<Int> {
        precondition(index >= 0 && index < chunkCount, "chunk \(index) is not in 0..<\(chunkCount)")
        return index * rowsPerChunk ..< Swift.min((index + 1) * rowsPerChunk, rowCount)
    }

    /// Mapped chunks whose pages the read-ahead thread brings in at one wake-up: enough for about
    /// 32 MiB, at least one. Woken for every 4 MiB chunk (the default), the thread took a core from
    /// the two training threads 200 times per epoch over 800 MB (its `mincore` check and the
    /// hand-overs). `bench --out-of-core` alternating builds: see the README's "Beyond memory".
    static func preparedTogether(_ chunkBytes: Int) -> Int {
        Swift.max(1, (32 << 20) / Swift.max(1, chunkBytes))
    }

    /// Reads the chunks `order` from the files, in that order, and calls `body` with each; the
    /// next chunk is read on a read-ahead thread while `body` works.
    ///
    /// The files are opened for the visit and checked to be the files first opened; the thread
    /// and its two buffers end with the visit, also when `body` throws.
    ///
    /// - Parameters:
    ///   - order: Chunk indices in `0..<chunkCount`, in the order to visit them (repeats allowed).
    ///   - body: Called with each chunk; its buffers are valid only during the call.
    /// - Throws: ``DescentError/fileChanged(path:reason:)`` when a file was truncated, rewritten
    ///   or replaced since it was opened or while it is read; ``DescentError/fileNotReadable(path:reason:)``
    ///   when it can no longer be opened or a read fails; whatever `body` throws. Either ends the visit.
    /// - Complexity: O(order.count × rowsPerChunk × columns) reading; memory 2 × ``bufferBytes``.
    @specialized(where Scalar == Float)
    @specialized(where Scalar == Double)
    public func forEachChunk(_ order: [Int], _ body: (RowChunk<Scalar>) throws(DescentError) -> Void) throws(DescentError) {
        try forEachChunk(order, preparing: Self.preparedTogether(bufferBytes), body)
    }

    /// ``forEachChunk(_:_:)`` with mapped files' pages brought in `group` chunks at a time (tests:
    /// groups that do not divide the visit).
    @specialized(where Scalar == Float)
    @specialized(where Scalar == Double)
    func forEachChunk(_ order: [Int], preparing group: Int,
                      _ body: (RowChunk<Scalar>) throws(DescentError) -> Void) throws(DescentError) {
        guard !order.isEmpty else { return }
        for index in order { precondition(index >= 0 && index < chunkCount, "chunk \(index) is not in 0..<\(chunkCount)") }
        let x = featuresFile, y = targetsFile
        let xfd = try x.open()
        defer { close(xfd) }
        let yfd = try y.open()
        defer { close(yfd) }
        let targetsOffset = targetsOffset, d = columns, k = targetColumns
        let ranges = order.map(chunkRows)
        if let (xm, ym) = mappings {
            // The thread brings the pages of the next group of chunks in; a chunk is its mapped rows.
            let group = Swift.max(1, group)
            let groups = (order.count + group - 1) / group
            let readAhead = try ReadAhead(steps: groups, bufferBytes: 64) { (step, _) throws(DescentError) in
                for chunk in (step * group)..<Swift.min(order.count, (step + 1) * group) {
                    try xm.prepare(x.byteRange(rows: ranges[chunk]))
                    try ym.prepare(y.byteRange(rows: ranges[chunk]))
                }
            }
            defer { readAhead.finish() }
            for step in order.indices {
                if step % group == 0 { _ = try readAhead.take(step / group) }
                try x.identity.check(xfd, path: x.path)
                try y.identity.check(yfd, path: y.path)
                let rows = ranges[step]
                let features = (xm.base + x.byteRange(rows: rows).lowerBound).assumingMemoryBound(to: Scalar.self)
                let targets = (ym.base + y.byteRange(rows: rows).lowerBound).assumingMemoryBound(to: Scalar.self)
                try body(RowChunk(index: order[step], rows: rows, columns: d,
                                  features: UnsafeBufferPointer(start: features, count: rows.count * d),
                                  targets: UnsafeBufferPointer(start: targets, count: rows.count * k), targetColumns: k))
                if step % group == group - 1 || step == order.count - 1 { readAhead.release(step / group) }
            }
            return
        }
        let readAhead = try ReadAhead(steps: order.count, bufferBytes: bufferBytes) { (step, buffer) throws(DescentError) in
            try x.read(rows: ranges[step], from: xfd, into: buffer, as: Scalar.self)
            try y.read(rows: ranges[step], from: yfd, into: buffer + targetsOffset, as: Scalar.self)
        }
        defer { readAhead.finish() }
        for step in order.indices {
            let buffer = try readAhead.take(step)
            let rows = ranges[step]
            let features = UnsafeBufferPointer(start: buffer.assumingMemoryBound(to: Scalar.self), count: rows.count * d)
            let targets = UnsafeBufferPointer(start: (buffer + targetsOffset).assumingMemoryBound(to: Scalar.self),
                                              count: rows.count * k)
            try body(RowChunk(index: order[step], rows: rows, columns: d, features: features, targets: targets,
                              targetColumns: k))
            readAhead.release(step)
        }
    }
}
