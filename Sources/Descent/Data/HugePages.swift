#if canImport(Glibc)
import Glibc
#endif

/// Large arrays on 2 MiB pages: Linux backs a region with transparent huge pages when asked
/// (`madvise(MADV_HUGEPAGE)`, honoured where `/sys/kernel/mm/transparent_hugepage/enabled` is
/// `madvise`, as on the project's VM, or `always`) before its first write. A pass over a matrix then walks 512 times fewer pages: fewer TLB misses, and the
/// kernels' prefetches ahead of the rows in use (``RowBlock/followedBy``) rarely cross a page.
///
/// Measured on the bench's 1,000,000 × 100 doubles, the matrix built with and without the advice
/// (four alternating runs of `bench --only batch-epoch,stochastic-epoch --epochs 25`): a
/// stochastic epoch 24.1–25.5 ms (1.07–1.08× a one-thread read of X, which is on the same pages)
/// → 22.0–22.5 ms (1.03×); a full batch 18.3–19.6 ms → 18.2–18.9 ms (1.08–1.12× and 1.10–1.14×
/// the two-thread read: level). numpy does the same for arrays of 4 MiB and more.
enum HugePages {
    /// Buffers of at least this many bytes are advised.
    static var threshold: Int { 4 << 20 }

    /// Advises the kernel to back the whole 2 MiB pages inside `buffer` with huge pages, if it is
    /// at least ``threshold`` bytes. Call before the buffer is first written; harmless (and
    /// without effect) on memory already written, and where the kernel does not support it.
    static func advise(_ buffer: UnsafeMutableRawBufferPointer) {
        #if os(Linux)
        guard let base = buffer.baseAddress, buffer.count >= threshold else { return }
        let page = 2 << 20
        let start = (Int(bitPattern: base) + page - 1) / page * page
        let end = (Int(bitPattern: base) + buffer.count) / page * page
        guard end > start, let first = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(first, end - start, MADV_HUGEPAGE)
        #endif
    }
}

extension Array where Element: BLASScalar {
    /// `Array(unsafeUninitializedCapacity:initializingWith:)` with the storage first advised for
    /// huge pages (``HugePages``): for arrays of training rows.
    init(largeUninitializedCapacity capacity: Int,
         initializingWith body: (inout UnsafeMutableBufferPointer<Element>, inout Int) throws -> Void) rethrows {
        try self.init(unsafeUninitializedCapacity: capacity) { buffer, count in
            HugePages.advise(UnsafeMutableRawBufferPointer(buffer))
            try body(&buffer, &count)
        }
    }

    /// `count` copies of `value`, on huge pages where large (``HugePages``).
    init(largeRepeating value: Element, count: Int) {
        self.init(largeUninitializedCapacity: count) { buffer, initialized in
            buffer.initialize(repeating: value)
            initialized = count
        }
    }
}
