#if canImport(Glibc)
import Glibc
#endif

/// A `.npy` file written row by row when the number of rows is known only at the end: the data
/// goes to a temporary file in the same folder behind a header of fixed length, the header is
/// rewritten with the final shape, and the file is flushed to disk; ``commit()`` then renames it
/// to its final name. Until then nothing exists under that name, and ``discard()`` (or any
/// failure) removes the temporary file.
package final class NPYStreamWriter<Scalar: BLASScalar> {
    /// The header's length: room for any shape of one or two dimensions.
    static var headerLength: Int { 128 }

    let path: String
    let temporary: String
    /// Values per row (`nil`: a 1-D file).
    let columns: Int?
    private var descriptor: Int32
    private(set) var rows = 0
    private var pending: [Scalar] = []
    private let flushCount: Int

    /// Creates the temporary file for `path` and writes a placeholder header.
    ///
    /// - Parameters:
    ///   - path: The final name.
    ///   - columns: Values per row, or `nil` for a 1-D file.
    ///   - bufferBytes: Values kept before they are written.
    /// - Throws: ``DescentError/fileNotWritable(path:reason:)``.
    package init(path: String, columns: Int?, bufferBytes: Int = 1 << 20) throws(DescentError) {
        self.path = path
        self.columns = columns
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var random = RandomSource(seed: UInt64(UInt32(truncatingIfNeeded: getpid())) &* 0x9E37_79B9
                                  ^ UInt64(time(nil)) ^ UInt64(UInt(bitPattern: path.hashValue)))
        temporary = (folder.isEmpty ? "" : folder + "/") + ".\(name).partial-\(String(random.next() >> 40, radix: 36))"
        descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .fileNotWritable(path: path, reason: FileIO.systemError()) }
        flushCount = Swift.max(1, bufferBytes / MemoryLayout<Scalar>.size)
        pending.reserveCapacity(flushCount)
        do throws(DescentError) {
            try write(header(rows: 0))
        } catch {
            discard()
            throw error
        }
    }

    deinit { discard() }

    private func header(rows: Int) -> [UInt8] {
        NPYFormat.header(descr: MemoryLayout<Scalar>.size == 8 ? "<f8" : "<f4",
                         shape: columns.map { [rows, $0] } ?? [rows], minimumLength: Self.headerLength)
    }

    /// Appends `bytes` at the end of the temporary file.
    private func write(_ bytes: UnsafeRawBufferPointer) throws(DescentError) {
        var done = 0
        while done < bytes.count {
            let wrote = Glibc.write(descriptor, bytes.baseAddress! + done, bytes.count - done)
            if wrote < 0 {
                if errno == EINTR { continue }
                throw .fileNotWritable(path: path, reason: FileIO.systemError())
            }
            done += wrote
        }
    }

    private func write(_ bytes: [UInt8]) throws(DescentError) {
        let result = bytes.withUnsafeBytes { raw -> Result<Void, DescentError> in
            do throws(DescentError) { return .success(try write(raw)) } catch { return .failure(error) }
        }
        try result.get()
    }

    /// Appends one row's values (`columns` of them, or one for a 1-D file).
    func append(_ value: Scalar) throws(DescentError) {
        pending.append(value)
        if pending.count >= flushCount { try flush() }
    }

    /// Appends whole rows at once (written straight through, after what is kept).
    ///
    /// - Parameter values: `rows × columns` values, row-major (`rows` values for a 1-D file).
    package func append(rows values: UnsafeBufferPointer<Scalar>) throws(DescentError) {
        try flush()
        try write(UnsafeRawBufferPointer(values))
        rows += values.count / (columns ?? 1)
    }

    /// Counts a finished row.
    func endRow() { rows += 1 }

    /// Writes the values kept so far.
    func flush() throws(DescentError) {
        guard !pending.isEmpty else { return }
        let result = pending.withUnsafeBytes { raw -> Result<Void, DescentError> in
            do throws(DescentError) { return .success(try write(raw)) } catch { return .failure(error) }
        }
        pending.removeAll(keepingCapacity: true)
        try result.get()
    }

    /// Writes what is left, rewrites the header with the final shape and flushes the file to
    /// disk; the file stays under its temporary name.
    package func finish() throws(DescentError) {
        try flush()
        let bytes = header(rows: rows)
        precondition(bytes.count == Self.headerLength, "the header outgrew its fixed length")
        let wrote = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress!, $0.count, 0) }
        guard wrote == bytes.count else {
            throw .fileNotWritable(path: path, reason: wrote < 0 ? FileIO.systemError() : "the header was cut short")
        }
        guard fsync(descriptor) == 0 else { throw .fileNotWritable(path: path, reason: FileIO.systemError()) }
        let closed = close(descriptor)
        descriptor = -1
        guard closed == 0 else { throw .fileNotWritable(path: path, reason: FileIO.systemError()) }
    }

    /// Renames the finished file to its final name.
    package func commit() throws(DescentError) {
        guard rename(temporary, path) == 0 else { throw .fileNotWritable(path: path, reason: FileIO.systemError()) }
        committed = true
    }

    private var committed = false

    /// Closes and removes the temporary file, unless it was committed.
    package func discard() {
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
        if !committed { unlink(temporary) }
        committed = true
    }
}
