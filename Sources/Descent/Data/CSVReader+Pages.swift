#if canImport(Glibc)
import Glibc
#endif

/// Memory pages: huge pages asked for fresh result buffers, and a mapped file's pages handed back
/// once read.
extension CSVReader {
    /// Asks for transparent huge pages over the whole 2 MiB pages of a fresh buffer
    /// (`MADV_HUGEPAGE`, honoured where the kernel's setting is `madvise` or `always`): its first
    /// writes then fault 2 MiB at a time instead of 4 KiB, a few hundred faults for the values of a
    /// million rows instead of a hundred thousand. Nothing changes where the kernel says no.
    static func adviseHugePages(_ buffer: UnsafeMutableRawBufferPointer) {
        let huge = UInt(2 << 20)
        guard let base = buffer.baseAddress, buffer.count >= 2 * Int(huge) else { return }
        let from = (UInt(bitPattern: base) + huge - 1) & ~(huge - 1)
        let to = (UInt(bitPattern: base) + UInt(buffer.count)) & ~(huge - 1)
        guard to > from, let address = UnsafeMutableRawPointer(bitPattern: from) else { return }
        _ = madvise(address, Int(to - from), MADV_HUGEPAGE)
    }

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
