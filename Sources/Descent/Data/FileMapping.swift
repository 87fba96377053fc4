#if canImport(Glibc)
import Glibc
#endif

/// A whole file mapped read-only for as long as a ``StreamingDataset`` (and its copies) lives, so
/// that every visit after the first reads the rows where the page cache holds them instead of
/// copying them into a buffer.
///
/// Why: a streamed epoch's `pread` copy of each chunk (the kernel's copy runs at about 29 GB/s on
/// one core here) cost a batch epoch over 1,000,000 × 100 doubles 1.5× the same epoch in memory;
/// mapping the file again for every visit costs as much as the copy (setting up 200,000 page-table
/// entries took about 36 ms for 800 MB, against 24 ms for the read itself: a C harness on this
/// machine). Kept mapped, the entries are made once.
///
/// A mapped page read after its file was truncated, or whose disk fails when it is read in, kills
/// the process with `SIGBUS` instead of returning an error. So before a chunk is used,
/// ``prepare(_:)`` brings its pages in with `madvise(MADV_POPULATE_READ)` (which reports a failed
/// read as an error, Linux 5.14+), unless `mincore` shows them in memory and this mapping has
/// populated them already; and the caller checks the file's identity (size included) before each
/// chunk. What is left is a file truncated while one chunk is being used, or a page dropped from
/// memory and failing on disk in the same moments: for those, stream with `mapped: false`.
final class FileMapping: @unchecked Sendable {  // read-only pages; `populated` flags only ever go from false to true
    /// The first byte of the file.
    let base: UnsafeRawPointer
    /// The mapped length (the file's size when mapped).
    let length: Int
    private let path: String
    private let pageBytes: Int
    /// One flag per page: populated by this mapping.
    private let populated: UnsafeMutablePointer<Bool>

    /// Maps the open file `fd` of `length` bytes (at least 1); `nil` when the system refuses
    /// (the caller then reads with `pread`).
    init?(_ fd: Int32, length: Int, path: String) {
        guard length > 0, let address = mmap(nil, length, PROT_READ, MAP_SHARED, fd, 0), address != MAP_FAILED else {
            return nil
        }
        // A kernel that cannot populate a mapping (before Linux 5.14) could only fault pages in
        // as they are read, where a failing disk is a signal: such files are read with `pread`.
        guard madvise(address, Swift.min(length, Int(sysconf(Int32(_SC_PAGESIZE)))), FileMapping.populateRead) == 0 else {
            munmap(address, length)
            return nil
        }
        base = UnsafeRawPointer(address)
        self.length = length
        self.path = path
        pageBytes = Int(sysconf(Int32(_SC_PAGESIZE)))
        let pages = (length + pageBytes - 1) / pageBytes
        populated = .allocate(capacity: pages)
        populated.initialize(repeating: false, count: pages)
    }

    deinit {
        munmap(UnsafeMutableRawPointer(mutating: base), length)
        populated.deallocate()
    }

    /// Makes sure the pages of the bytes `range` are in memory and mapped, so reading them does
    /// not fault on the disk.
    ///
    /// - Throws: ``DescentError/fileNotReadable(path:reason:)`` when reading them in fails (a
    ///   failing disk); ``DescentError/fileChanged(path:reason:)`` when the
    ///   range is no longer in the file (truncated).
    func prepare(_ range: Range<Int>) throws(DescentError) {
        guard !range.isEmpty else { return }
        let first = range.lowerBound / pageBytes, last = (range.upperBound - 1) / pageBytes
        let start = UnsafeMutableRawPointer(mutating: base + first * pageBytes)
        let bytes = (last - first + 1) * pageBytes
        let pages = last - first + 1
        let inMemory = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: pages) { resident in
            mincore(start, bytes, resident.baseAddress!) == 0
                && (0..<pages).allSatisfy { resident[$0] & 1 == 1 && populated[first + $0] }
        }
        if inMemory { return }
        guard madvise(start, bytes, FileMapping.populateRead) == 0 else {
            let code = errno
            if code == EFAULT {
                throw .fileChanged(path: path, reason: "its bytes \(range.lowerBound)..<\(range.upperBound) are no "
                                   + "longer in the file (it was truncated while being read)")
            }
            throw .fileNotReadable(path: path, reason: FileIO.systemError(code))
        }
        (populated + first).update(repeating: true, count: pages)
    }

    /// The most bytes of files a data set maps: half of the machine's memory. Larger files are
    /// read from disk on every visit whichever way they are read; read with `pread`, they leave
    /// the process's resident size at its two chunk buffers (a mapped page counts in it while it
    /// is in memory).
    static var mappableBytes: Int {
        Int(sysconf(Int32(_SC_PHYS_PAGES))) / 2 * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// `MADV_POPULATE_READ` (Linux 5.14), which Glibc's headers may not name.
    static let populateRead: Int32 = 22
}
