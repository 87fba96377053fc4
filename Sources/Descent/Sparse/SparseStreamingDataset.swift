#if canImport(Glibc)
import Glibc
#endif

/// Sparse rows streamed from a LIBSVM/svmlight or Vowpal Wabbit text file in chunks of rows, so
/// data larger than memory can be read: a ``SparseRowSource`` like ``SparseDataset``, which holds
/// the rows in memory.
///
/// ```swift
/// let stream = try SparseStreamingDataset<Double>(libsvmFile: "big.svm", chunkRows: 50_000)
/// let hashed = try SparseStreamingDataset<Double>(vwFile: "big.vw", bits: 20)
/// try stream.forEachChunk { chunk in
///     let predictions = try model.predict(chunk.features)   // chunk.targets, chunk.weights
/// }
/// ```
///
/// Opening the file reads it once, a chunk at a time, to find where each chunk of ``rowsPerChunk``
/// rows starts, to check every line (a malformed line is an error now, with its line number, not
/// in the middle of a fit), and — for a LIBSVM file — to find its column count and index base
/// unless they are declared. Each visit (``forEachChunk(_:_:)``) then reads and parses the chunks
/// on a read-ahead thread: while the caller works on one chunk, the thread reads and parses the
/// next (double buffering, as ``StreamingDataset`` does for `.npy` files). Memory is O(one chunk):
/// two buffers of the largest chunk's text and two parsed chunks, whatever the file's size.
///
/// The file must stay as it is while the data set is in use: each visit checks that it is the file
/// first read (inode, size, modification time) and that each read got every byte, so a file
/// truncated, rewritten or replaced gives ``DescentError/fileChanged(path:reason:)``.
public struct SparseStreamingDataset<Scalar: BLASScalar>: SparseRowSource {
    /// The default number of rows in a chunk: 16,384 (about 8 MB of text and 4 MB parsed at 30
    /// non-zeros a row).
    public static var defaultChunkRows: Int { 16_384 }

    /// The file.
    public let path: String
    /// The number of rows.
    public let rowCount: Int
    /// The number of feature columns: declared, found by the first pass (LIBSVM), or `2^bits` (VW).
    public let columns: Int
    /// Rows per chunk (the last chunk may have fewer).
    public let rowsPerChunk: Int
    /// A LIBSVM file's index base: `true` when its indices start at 0, `false` when at 1 (declared,
    /// or detected: one-based when no line has an index 0); `nil` for a Vowpal Wabbit file.
    public var zeroBased: Bool? {
        if case .libsvm(let layout) = format { return layout.shift == 0 }
        return nil
    }
    /// Whether the chunks carry sample weights: a VW file in which some line gives an importance weight.
    public let hasWeights: Bool
    /// Whether the chunks carry sample weights (``hasWeights``).
    public var isWeighted: Bool { hasWeights }
    /// The number of bytes of text of the largest chunk; a visit reads into two buffers of this size.
    public let bufferBytes: Int

    /// How the lines are read.
    enum Format: Sendable {
        case libsvm(LIBSVMParser.Layout)
        case vowpalWabbit(FeatureHasher)
    }

    /// Where one chunk's lines are in the file.
    struct Chunk: Sendable {
        /// Its bytes (whole lines).
        let bytes: Range<Int>
        /// Its rows.
        let rows: Range<Int>
        /// The line number of its first line.
        let firstLine: Int
    }

    let format: Format
    let chunks: [Chunk]
    let identity: FileIdentity

    /// The number of chunks (0 for a file of no rows).
    public var chunkCount: Int { chunks.count }

    /// Opens a LIBSVM/svmlight file to stream, reading it once to find its chunks and check its lines.
    ///
    /// - Parameters:
    ///   - path: The file; see ``SparseDataset/init(libsvmFile:columns:zeroBased:)`` for the format.
    ///   - columns: The number of columns; `nil` (default): the largest index seen + 1.
    ///   - zeroBased: Whether indices start at 0; `nil` (default): detected (an index 0 anywhere
    ///     means zero-based).
    ///   - chunkRows: Rows per chunk, ≥ 1 (default ``defaultChunkRows``).
    /// - Throws: what ``SparseDataset/init(libsvmFile:columns:zeroBased:)`` throws for the file's
    ///   lines, with their line numbers; ``DescentError/invalidOption(name:value:expected:)`` naming
    ///   `chunkRows`; ``DescentError/fileChanged(path:reason:)`` if the file changes while it is read.
    /// - Complexity: O(file size) time; O(one chunk) memory.
    public init(libsvmFile path: String, columns: Int? = nil, zeroBased: Bool? = nil,
                chunkRows: Int = defaultChunkRows) throws(DescentError) {
        var extent = LIBSVMParser.IndexExtent()
        let scan = try Self.scan(path, chunkRows: chunkRows, isRow: { line in
            guard let first = line.first(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") && $0 != UInt8(ascii: "\r") })
            else { return false }
            return first != UInt8(ascii: "#")
        }) { (bytes, firstLine) throws(DescentError) in
            let parsed = try LIBSVMParser.parse(bytes, path: path, firstLine: firstLine)
            extent.merge(parsed.extent)
            return parsed.labels.count
        }
        let layout = try extent.layout(columns: columns, zeroBased: zeroBased, path: path)
        self.init(path: path, scan: scan, columns: layout.columns, chunkRows: chunkRows, format: .libsvm(layout), hasWeights: false)
    }

    /// Opens a Vowpal Wabbit text file to stream, its features hashed by `hasher`, reading it once
    /// to find its chunks and check its lines.
    ///
    /// - Parameters:
    ///   - path: The file; see ``SparseDataset/init(vwFile:hasher:)`` for the format and the hash.
    ///   - hasher: The hashing: `hasher.columns` columns.
    ///   - chunkRows: Rows per chunk, ≥ 1 (default ``defaultChunkRows``).
    /// - Throws: what ``SparseDataset/init(vwFile:hasher:)`` throws for the file's lines, with their
    ///   line numbers; ``DescentError/invalidOption(name:value:expected:)`` naming `chunkRows`;
    ///   ``DescentError/fileChanged(path:reason:)`` if the file changes while it is read.
    /// - Complexity: O(file size) time; O(one chunk) memory.
    public init(vwFile path: String, hasher: FeatureHasher, chunkRows: Int = defaultChunkRows) throws(DescentError) {
        var weighted = false
        let scan = try Self.scan(path, chunkRows: chunkRows, isRow: { line in
            line.contains { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") && $0 != UInt8(ascii: "\r") }
        }) { (bytes, firstLine) throws(DescentError) in
            let parsed = try VWParser.parse(bytes, hasher: hasher, path: path, firstLine: firstLine)
            let _: SparseMatrix<Scalar> = try parsed.features(columns: hasher.columns, path: path)   // fits in Scalar
            weighted = weighted || parsed.weighted
            return parsed.labels.count
        }
        self.init(path: path, scan: scan, columns: hasher.columns, chunkRows: chunkRows, format: .vowpalWabbit(hasher),
                  hasWeights: weighted)
    }

    /// Opens a Vowpal Wabbit text file to stream, hashed into `2^bits` columns with signs; see
    /// ``init(vwFile:hasher:chunkRows:)``.
    ///
    /// - Parameters:
    ///   - path: The file.
    ///   - bits: 1 through 30.
    ///   - chunkRows: Rows per chunk, ≥ 1.
    /// - Throws: as ``init(vwFile:hasher:chunkRows:)``; ``DescentError/invalidOption(name:value:expected:)`` naming `bits`.
    public init(vwFile path: String, bits: Int, chunkRows: Int = defaultChunkRows) throws(DescentError) {
        try self.init(vwFile: path, hasher: FeatureHasher(bits: bits), chunkRows: chunkRows)
    }

    private init(path: String, scan: Scan, columns: Int, chunkRows: Int, format: Format, hasWeights: Bool) {
        self.path = path
        self.chunks = scan.chunks
        self.identity = scan.identity
        self.rowCount = scan.chunks.last?.rows.upperBound ?? 0
        self.columns = columns
        self.rowsPerChunk = chunkRows
        self.format = format
        self.hasWeights = hasWeights
        self.bufferBytes = scan.chunks.map(\.bytes.count).max() ?? 0
    }

    /// The rows (zero-based) of chunk `index`.
    ///
    /// - Parameter index: A chunk in `0..<chunkCount`.
    public func chunkRows(_ index: Int) -> Range<Int> {
        precondition(index >= 0 && index < chunkCount, "chunk \(index) is not in 0..<\(chunkCount)")
        return chunks[index].rows
    }
}

extension SparseStreamingDataset {
    /// What the first pass over a file found.
    struct Scan {
        let chunks: [Chunk]
        let identity: FileIdentity
    }

    /// Reads `path` once, a chunk of `chunkRows` rows at a time (a row is a line `isRow` accepts),
    /// and hands each chunk's text and first line number to `parse`, which checks it and returns
    /// its rows.
    static func scan(_ path: String, chunkRows: Int, isRow: (UnsafeBufferPointer<UInt8>) -> Bool,
                     parse: (UnsafeBufferPointer<UInt8>, Int) throws(DescentError) -> Int) throws(DescentError) -> Scan {
        guard chunkRows >= 1 else {
            throw .invalidOption(name: "chunkRows", value: "\(chunkRows)", expected: "at least 1 row per chunk")
        }
        let (fd, size) = try FileIO.openForReading(path)
        defer { close(fd) }
        let identity = try FileIdentity.of(fd, path: path)
        var chunks = [Chunk]()
        var pending = [UInt8]()   // the file's bytes from `start` to `readTo`
        var start = 0, readTo = 0, line = 1, row = 0
        while start < size {
            var position = 0, rows = 0, lines = 0
            while rows < chunkRows {
                let newline = pending.withUnsafeBufferPointer { all -> Int? in
                    guard position < all.count, let found = memchr(all.baseAddress! + position, 10, all.count - position) else { return nil }
                    return UnsafeRawPointer(found) - UnsafeRawPointer(all.baseAddress!)
                }
                if let newline {
                    if pending.withUnsafeBufferPointer({ isRow(UnsafeBufferPointer(rebasing: $0[position..<newline])) }) { rows += 1 }
                    lines += 1
                    position = newline + 1
                } else if readTo < size {
                    let count = Swift.min(Swift.max(1 << 20, pending.count), size - readTo)
                    let old = pending.count
                    pending.append(contentsOf: repeatElement(0, count: count))
                    let got = try pending.withUnsafeMutableBytes { all in
                        Result { () throws(DescentError) in
                            try FileIO.read(fd, into: all.baseAddress! + old, count: count, offset: readTo, path: path)
                        }
                    }.get()
                    guard got == count else {
                        throw .fileChanged(path: path, reason: "it ended at byte \(readTo + got), before its \(size) bytes "
                                           + "(it was truncated while being read)")
                    }
                    readTo += count
                } else {
                    if position < pending.count { lines += 1; position = pending.count }   // a last line without a newline
                    break
                }
            }
            if position == 0 { break }
            let found = try pending.withUnsafeBufferPointer { all in
                Result { () throws(DescentError) in try parse(UnsafeBufferPointer(rebasing: all[0..<position]), line) }
            }.get()
            if found > 0 { chunks.append(Chunk(bytes: start..<start + position, rows: row..<row + found, firstLine: line)) }
            row += found
            line += lines
            start += position
            pending.removeFirst(position)
        }
        try identity.check(fd, path: path)
        return Scan(chunks: chunks, identity: identity)
    }
}
