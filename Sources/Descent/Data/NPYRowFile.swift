#if canImport(Glibc)
import Glibc
#endif

/// What tells one version of a file from another between reads: device, inode, size and
/// modification time, as `fstat` reports them.
struct FileIdentity: Equatable, Sendable {
    let device: UInt64
    let inode: UInt64
    let size: Int
    let modified: timespec

    init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int(info.st_size)
        modified = info.st_mtim
    }

    /// The identity of the open file `fd`.
    static func of(_ fd: Int32, path: String) throws(DescentError) -> FileIdentity {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .fileNotReadable(path: path, reason: FileIO.systemError()) }
        return FileIdentity(info)
    }

    static func == (a: FileIdentity, b: FileIdentity) -> Bool {
        a.device == b.device && a.inode == b.inode && a.size == b.size
            && a.modified.tv_sec == b.modified.tv_sec && a.modified.tv_nsec == b.modified.tv_nsec
    }

    /// How `now` differs from `self`, in words for ``DescentError/fileChanged(path:reason:)``.
    func change(to now: FileIdentity) -> String {
        if now.device != device || now.inode != inode { return "another file was put under its name (it was replaced)" }
        if now.size != size { return "its size changed from \(size) to \(now.size) bytes (truncated or rewritten)" }
        return "it was modified (its modification time changed)"
    }
}

extension FileIdentity {
    /// Opens `path` again for a visit, checking it is still this file.
    ///
    /// - Throws: ``DescentError/fileChanged(path:reason:)`` if it was replaced, truncated or
    ///   modified; ``DescentError/fileNotReadable(path:reason:)`` if it cannot be opened.
    func reopen(_ path: String) throws(DescentError) -> Int32 {
        let (fd, _) = try FileIO.openForReading(path)
        do throws(DescentError) { try check(fd, path: path) } catch {
            close(fd)
            throw error
        }
        return fd
    }

    /// Checks that the open file `fd` is still this file.
    ///
    /// - Throws: ``DescentError/fileChanged(path:reason:)`` if it was replaced, truncated or modified.
    func check(_ fd: Int32, path: String) throws(DescentError) {
        let now = try FileIdentity.of(fd, path: path)
        guard now == self else { throw .fileChanged(path: path, reason: change(to: now)) }
    }
}

extension NPYFormat {
    /// Reads and parses the header of the open file `fd` of `size` bytes; see
    /// ``parseHeader(_:fileSize:path:)-(UnsafeRawBufferPointer,_,_)``.
    static func readHeader(_ fd: Int32, size: Int, path: String) throws(DescentError) -> Header {
        // The first 12 bytes say how long the header is.
        var prefix = try FileIO.read(fd, count: Swift.min(size, 12), offset: 0, path: path)
        if prefix.count >= 12 {
            let length = prefix[6] == 1 ? Int(prefix[8]) | Int(prefix[9]) << 8
                : Int(prefix[8]) | Int(prefix[9]) << 8 | Int(prefix[10]) << 16 | Int(prefix[11]) << 24
            let wanted = Swift.min(size, 12 + Swift.min(length, maximumHeaderBytes))
            prefix = try FileIO.read(fd, count: wanted, offset: 0, path: path)
        }
        return try parseHeader(prefix, fileSize: size, path: path)
    }
}

/// One `.npy` file read a block of rows at a time: its header and identity as they were when it
/// was opened, and positioned reads of rows converted into a scalar type in place.
///
/// Each read checks that the file is still the one that was opened (same inode, size and
/// modification time) and that it held every byte asked for, so a file truncated, rewritten or
/// replaced while it is streamed gives ``DescentError/fileChanged(path:reason:)``, not wrong
/// numbers or a trap.
package struct NPYRowFile: Sendable {
    let path: String
    let header: NPYFormat.Header
    let identity: FileIdentity

    /// Opens `path` and reads its header: a 2-D C-order (or 1-D) numeric array. `Scalar` is the
    /// type rows are read into: a `float64` file into a 4-byte scalar needs `allowPrecisionLoss`.
    package init<Scalar: BLASScalar>(path: String, as _: Scalar.Type, allowPrecisionLoss: Bool) throws(DescentError) {
        let (fd, size) = try FileIO.openForReading(path)
        defer { close(fd) }
        let header = try NPYFormat.readHeader(fd, size: size, path: path)
        try header.checkPrecision(Scalar.self, allowPrecisionLoss: allowPrecisionLoss, path: path,
                                  reader: "Float data set", wider: "stream it as StreamingDataset<Double>")
        if header.fortranOrder, header.rows > 1, header.columns > 1 {
            throw .invalidFile(path: path, format: ".npy", reason: "it is in Fortran (column-major) order, which cannot be "
                               + "streamed by rows; rewrite it in C order, e.g. numpy.save(path, numpy.ascontiguousarray(X))")
        }
        self.path = path
        self.header = header
        self.identity = try FileIdentity.of(fd, path: path)
    }

    /// The number of rows (a 1-D file's elements).
    package var rows: Int { header.rows }
    /// The number of columns (1 for a 1-D file).
    package var columns: Int { header.columns }

    /// Bytes one element takes in a buffer while it is converted into `Scalar` in place: the
    /// wider of the file's element and `Scalar`.
    package func bufferBytesPerElement<Scalar: BLASScalar>(_: Scalar.Type) -> Int {
        Swift.max(header.element.size, MemoryLayout<Scalar>.size)
    }

    /// The bytes of the file that hold `rows` (all columns).
    package func byteRange(rows: Range<Int>) -> Range<Int> {
        let rowBytes = header.columns * header.element.size
        return (header.dataOffset + rows.lowerBound * rowBytes)..<(header.dataOffset + rows.upperBound * rowBytes)
    }

    /// Whether its rows are `Scalar`s as stored (little-endian floats of `Scalar`'s size, aligned
    /// for it), so they can be used where the file is mapped, without a conversion.
    package func storesRows<Scalar: BLASScalar>(as _: Scalar.Type) -> Bool {
        holdsValues(of: Scalar.self) && header.dataOffset % MemoryLayout<Scalar>.alignment == 0
    }

    /// Whether its elements are `Scalar`s as stored (little-endian floats of `Scalar`'s size).
    func holdsValues<Scalar: BLASScalar>(of _: Scalar.Type) -> Bool {
        header.element.kind == .float && header.element.size == MemoryLayout<Scalar>.size && !header.element.bigEndian
    }

    /// Maps the whole file read-only (``FileMapping``), checking it is still the file first
    /// opened; `nil` when its rows need a conversion or the system cannot map it.
    func mapping<Scalar: BLASScalar>(as _: Scalar.Type) throws(DescentError) -> FileMapping? {
        guard storesRows(as: Scalar.self), identity.size > 0 else { return nil }
        let fd = try open()
        defer { close(fd) }
        return FileMapping(fd, length: identity.size, path: path)
    }

    /// Opens the file for a visit, checking it is still the file that was first opened.
    ///
    /// - Throws: ``DescentError/fileChanged(path:reason:)`` if it was replaced, truncated or
    ///   modified; ``DescentError/fileNotReadable(path:reason:)`` if it cannot be opened.
    package func open() throws(DescentError) -> Int32 { try identity.reopen(path) }

    /// Reads `rows` (all columns) from `fd` into `buffer` as `Scalar`s, row-major, converting
    /// in place; `buffer` holds `rows.count × columns × bufferBytesPerElement` bytes.
    ///
    /// - Throws: ``DescentError/fileChanged(path:reason:)`` for a short read or a file whose size,
    ///   inode or modification time changed; ``DescentError/fileNotReadable(path:reason:)`` for a
    ///   read error.
    /// - Complexity: O(rows.count × columns).
    package func read<Scalar: BLASScalar>(rows: Range<Int>, from fd: Int32, into buffer: UnsafeMutableRawPointer,
                                  as _: Scalar.Type) throws(DescentError) {
        let element = header.element
        let fileSize = element.size, size = MemoryLayout<Scalar>.size
        let count = rows.count * header.columns
        let bytes = count * fileSize
        // A narrower file element is read into the end of the buffer and widened forward: element
        // i is written at i·size, which ends before the unread element i + 1 starts.
        let landing = buffer + count * Swift.max(0, size - fileSize)
        let offset = byteRange(rows: rows).lowerBound
        let got = try FileIO.read(fd, into: landing, count: bytes, offset: offset, path: path)
        guard got == bytes else {
            throw .fileChanged(path: path, reason: "it ended at byte \(offset + got), before the "
                               + "\(identity.size) bytes its header announces (it was truncated while being read)")
        }
        try identity.check(fd, path: path)
        if holdsValues(of: Scalar.self) { return }
        NPYReader.widen(landing, count: count, element, into: buffer, as: Scalar.self)
    }
}
