#if canImport(Glibc)
import Glibc
#endif

/// Files in and out, with every failure a typed error: whole-file reads, read-only memory maps,
/// and writes that land under the final name only when complete (temporary name, `fsync`, rename).
package enum FileIO {
    /// The last system error as words, e.g. `No such file or directory`.
    static func systemError(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

    /// Opens `path` for reading; throws for a missing path, a directory or a refusal.
    static func openForReading(_ path: String) throws(DescentError) -> (descriptor: Int32, size: Int) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .fileNotReadable(path: path, reason: systemError()) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = systemError()
            close(fd)
            throw .fileNotReadable(path: path, reason: reason)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            let kind = (info.st_mode & S_IFMT) == S_IFDIR ? "it is a directory" : "it is not a regular file"
            throw .fileNotReadable(path: path, reason: kind)
        }
        return (fd, Int(info.st_size))
    }

    /// Reads up to `count` bytes at `offset` into `buffer`, retrying short reads; returns the bytes read
    /// (fewer only at the end of the file).
    static func read(_ fd: Int32, into buffer: UnsafeMutableRawPointer, count: Int, offset: Int,
                     path: String) throws(DescentError) -> Int {
        var done = 0
        while done < count {
            let got = pread(fd, buffer + done, count - done, off_t(offset + done))
            if got < 0 {
                if errno == EINTR { continue }
                throw .fileNotReadable(path: path, reason: systemError())
            }
            if got == 0 { break }
            done += got
        }
        return done
    }

    /// Up to `count` bytes at `offset` (fewer at the end of the file).
    static func read(_ fd: Int32, count: Int, offset: Int, path: String) throws(DescentError) -> [UInt8] {
        guard count > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: count)
        let result = bytes.withUnsafeMutableBytes { buffer -> Result<Int, DescentError> in
            do throws(DescentError) {
                return .success(try read(fd, into: buffer.baseAddress!, count: count, offset: offset, path: path))
            } catch { return .failure(error) }
        }
        let got = try result.get()
        if got < count { bytes.removeLast(count - got) }
        return bytes
    }

    /// The whole file's bytes.
    static func readAll(_ path: String) throws(DescentError) -> [UInt8] {
        let (fd, size) = try openForReading(path)
        defer { close(fd) }
        return try read(fd, count: size, offset: 0, path: path)
    }

    /// Writes a file by calling `body` with a function that appends bytes; the data goes to a
    /// temporary file in the same folder, is flushed to disk, and is renamed to `path` only when
    /// everything succeeded. On any failure the temporary file is removed and nothing is left
    /// under `path`.
    package static func writeAtomically(_ path: String,
                                _ body: ((UnsafeRawBufferPointer) throws(DescentError) -> Void) throws(DescentError) -> Void)
        throws(DescentError) {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var random = RandomSource(seed: UInt64(UInt32(truncatingIfNeeded: getpid())) &* 0x9E37_79B9 ^ UInt64(time(nil)))
        let temporary = (folder.isEmpty ? "" : folder + "/") + ".\(name).partial-\(String(random.next() >> 40, radix: 36))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .fileNotWritable(path: path, reason: systemError()) }
        var closed = false
        do throws(DescentError) {
            try body { (bytes: UnsafeRawBufferPointer) throws(DescentError) in
                var done = 0
                while done < bytes.count {
                    let wrote = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
                    if wrote < 0 {
                        if errno == EINTR { continue }
                        throw .fileNotWritable(path: path, reason: systemError())
                    }
                    done += wrote
                }
            }
            guard fsync(fd) == 0 else { throw .fileNotWritable(path: path, reason: systemError()) }
            closed = true
            guard close(fd) == 0 else { throw .fileNotWritable(path: path, reason: systemError()) }
            guard rename(temporary, path) == 0 else { throw .fileNotWritable(path: path, reason: systemError()) }
        } catch {
            if !closed { close(fd) }
            unlink(temporary)
            throw error
        }
    }
}

extension FileIO {
    /// Writes `text` as the whole file in UTF-8, atomically.
    package static func writeText(_ text: String, to path: String) throws(DescentError) {
        try write(Array(text.utf8), to: path)
    }

    /// Writes `bytes` as the whole file, atomically (see ``writeAtomically(_:_:)``).
    package static func write(_ bytes: [UInt8], to path: String) throws(DescentError) {
        try writeAtomically(path) { (append) throws(DescentError) in
            let result = bytes.withUnsafeBytes { raw -> Result<Void, DescentError> in
                do throws(DescentError) { return .success(try append(raw)) } catch { return .failure(error) }
            }
            try result.get()
        }
    }
}

/// A read-only, private memory map of a whole file, unmapped when the last reference goes.
/// The file must not be truncated while mapped (as for any memory map).
final class MappedFile: @unchecked Sendable {  // read-only after init
    let base: UnsafeRawPointer
    let size: Int

    /// Maps `path`; `nil` base for an empty file is not allowed (callers read empty files instead).
    init(_ path: String) throws(DescentError) {
        let (fd, size) = try FileIO.openForReading(path)
        defer { close(fd) }
        guard size > 0 else { throw .invalidFile(path: path, format: "mapped", reason: "the file is empty") }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), address != MAP_FAILED else {
            throw .fileNotReadable(path: path, reason: FileIO.systemError())
        }
        base = UnsafeRawPointer(address)
        self.size = size
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: base), size) }
}
