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
///
/// The pages cost at their first write, and on a VM whose host takes free memory back (the
/// project's: free blocks of 2 MiB and more are handed to the host and brought back on use) a
/// fresh huge page's first write cost 6× a 4 KiB page's: 800 MB in 1.5–1.7 s against 0.26 s on
/// one thread (0.47–0.67 s against 0.15 s on two; a C harness). Memory freed moments before is
/// reused at once. So the `.npy` converter, whose one-off copy of a large file is timed by itself
/// (a file widened or reordered: 0.57–1.42 s advised against 0.34 s for 800 MB), does not ask; the
/// buffers a caller fills and trains on do (epochs over them read faster), and so do the CSV
/// readers, whose repeated reads in one process measured faster with the pages (`bench --only
/// csv`, two alternating runs: 43–46 ms against 61–65 ms for integers, 53–57 against 67–74 ms for
/// `%.10g`); a one-off read of a large CSV file pays the first write as the converter would.
enum HugePages {
    /// Buffers of at least this many bytes are advised.
    static var threshold: Int { 4 << 20 }

    /// Whether buffers are advised: unless the environment sets `DESCENT_MADVISE_HUGEPAGE=0`, as
    /// `NUMPY_MADVISE_HUGEPAGE=0` turns numpy's advice off. Read once per process.
    static let enabled: Bool = getenv("DESCENT_MADVISE_HUGEPAGE").map { String(cString: $0) != "0" } ?? true

    /// Advises the kernel to back the whole 2 MiB pages inside `buffer` with huge pages, if it is
    /// at least ``threshold`` bytes. Call before the buffer is first written; harmless (and
    /// without effect) on memory already written, and where the kernel does not support it.
    static func advise(_ buffer: UnsafeMutableRawBufferPointer) {
        #if os(Linux)
        guard enabled, let base = buffer.baseAddress, buffer.count >= threshold else { return }
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
