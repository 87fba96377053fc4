import Dispatch

/// `C ← AᵀA + β·C` (β of 0 or 1) on the upper triangle of a row-major `d × d` matrix, for a
/// row-major `Double` block `A`: the AVX-512 Gram kernel (`gram.c` in `CDescentKernels`) in
/// place of OpenBLAS's `dsyrk`, which ``BLAS/syrk(_:rows:columns:alpha:beta:_:)`` calls for every
/// other case.
///
/// The block's rows are cut into ``parts(rows:columns:)`` parts fixed by the shape alone: the
/// first part adds into `C`, each other into its own scratch matrix, and the scratch matrices are
/// added to `C` in order. The parts run at the same time when ``BLASConfiguration/threads`` > 1,
/// so the bits are the same with any number of threads.
///
/// Measured on 1,000,000 × 100 doubles, two threads, the normal equations' Gram pass (rows in
/// blocks of 8192): see the kernel's comment in `gram.c` and the Performance article.
@usableFromInline
enum GramProduct {
    /// The fewest rows a part is given: below this, one part (the kernel's runs are 128 rows).
    static var partRows: Int { 512 }
    /// The most parts a block is cut into.
    static var maxParts: Int { 8 }
    /// The most bytes the scratch matrices of one call may take.
    static var scratchBytes: Int { 1 << 26 }

    /// How many parts a block of `rows × columns` is cut into.
    static func parts(rows: Int, columns: Int) -> Int {
        let byMemory = 1 + scratchBytes / Swift.max(1, columns * columns * MemoryLayout<Double>.size)
        return Swift.max(1, Swift.min(maxParts, rows / partRows, byMemory))
    }

    /// `C ← AᵀA + β·C` on and above the diagonal of `c` (the rest untouched) for `A` of
    /// `rows × columns`; `false`, having done nothing, when the kernel does not run here (no
    /// AVX-512, `CompiledKernels.enabled` off, fewer than 8 columns, no rows) or `β` is neither 0
    /// nor 1. `threads` above 1 runs the parts at the same time (the bits do not depend on it).
    @usableFromInline
    static func product(_ a: UnsafePointer<Double>, rows m: Int, columns d: Int, beta: Double,
                        _ c: UnsafeMutablePointer<Double>, threads: Int = BLASConfiguration.threads) -> Bool {
        guard beta == 0 || beta == 1, m > 0, d >= 8, CompiledKernels.runsGram else { return false }
        let parts = parts(rows: m, columns: d)
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: (parts - 1) * d * d)
        defer { scratch.deallocate() }
        var ran = true
        func part(_ p: Int) -> Bool {
            let lower = m * p / parts, upper = m * (p + 1) / parts
            return CompiledKernels.gram(a + lower * d, rows: upper - lower, columns: d, overwrite: p > 0 || beta == 0,
                                        into: p == 0 ? c : scratch + (p - 1) * d * d)
        }
        if parts > 1 && threads > 1 {
            let done = UnsafeMutablePointer<Bool>.allocate(capacity: parts)
            defer { done.deallocate() }
            let shared = UncheckedSendable((part, done))
            DispatchQueue.concurrentPerform(iterations: parts) { p in shared.value.1[p] = shared.value.0(p) }
            ran = (0..<parts).allSatisfy { done[$0] }
        } else {
            for p in 0..<parts where ran { ran = part(p) }
        }
        // The kernel ran for every part or for none (it depends only on the CPU and the width).
        guard ran else { return false }
        for p in 1..<parts {
            let s = scratch + (p - 1) * d * d
            for i in 0..<d {
                for j in i..<d { c[i * d + j] += s[i * d + j] }
            }
        }
        return true
    }
}
