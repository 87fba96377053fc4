#if canImport(Glibc)
import Glibc
#endif

/// Memory pages: a mapped file's pages handed back once read (fresh result buffers ask for huge
/// pages, ``HugePages``).
extension CSVReader {
    /// Hands the whole pages of a private, read-only file mapping from `released` up to `limit`
    /// back to the kernel (`MADV_DONTNEED`: they leave this process's resident memory; the file's
    /// bytes stay in the page cache and read the same if touched again).
    static func releasePages(_ released: inout UnsafePointer<UInt8>, upTo limit: UnsafePointer<UInt8>) {
        let page = UInt(sysconf(Int32(_SC_PAGESIZE)))
        let from = (UInt(bitPattern: released) + page - 1) & ~(page - 1)
        let to = UInt(bitPattern: limit) & ~(page - 1)
        guard to > from, let address = UnsafeMutableRawPointer(bitPattern: from) else { return }
        _ = madvise(address, Int(to - from), MADV_DONTNEED)
        released = limit
    }
}
