import Dispatch

/// `C ← AᵀA + β·C` (β of 0 or 1) on the upper triangle of a row-major `d × d` matrix for a
/// row-major `Double` block `A`, with, if asked, `AᵀT` and the column sums `Aᵀ1` in the same
/// pass: the AVX-512 Gram kernel (`gram.c` in `CDescentKernels`). ``BLAS/syrk(_:rows:columns:alpha:beta:_:)``
/// calls it in place of OpenBLAS's `dsyrk` wherever it runs.
///
/// The block's rows are cut into ``parts(rows:columns:)`` parts fixed by the shape alone: the
/// first part adds into the outputs, each other into its own scratch, and the scratch is added to
/// the outputs in order. The parts run at the same time when ``BLASConfiguration/threads`` > 1,
/// so the bits are the same with any number of threads.
///
/// Why the side products: an OpenBLAS `gemv` for `AᵀT` after each block woke OpenBLAS's own
/// threads, which then spin (yielding) beside the parts for up to 2²⁸ cycles; with them in the
/// kernel, the normal equations' pass makes no OpenBLAS call (Performance article).
@usableFromInline
enum GramProduct {
    /// The fewest rows a part is given: below this, one part (the kernel's runs are 128 rows).
    static var partRows: Int { 512 }
    /// The most parts a block is cut into.
    static var maxParts: Int { 8 }
    /// The most bytes the scratch of one call may take.
    static var scratchBytes: Int { 1 << 26 }

    /// How many parts a block of `rows × columns` is cut into.
    static func parts(rows: Int, columns: Int) -> Int {
        let byMemory = 1 + scratchBytes / Swift.max(1, columns * columns * MemoryLayout<Double>.size)
        return Swift.max(1, Swift.min(maxParts, rows / partRows, byMemory))
    }

    /// `sums ← Aᵀ1` for `A` of `rows × columns`, in the parts and order of ``product(_:rows:columns:beta:_:targets:k:xt:sums:threads:)``
    /// (scratch of `d` per further part); `false`, having done nothing, where the kernel does not run.
    static func columnSums(_ a: UnsafePointer<Double>, rows m: Int, columns d: Int, into sums: UnsafeMutablePointer<Double>,
                           threads: Int = BLASConfiguration.threads) -> Bool {
        guard m > 0, d >= 8, CompiledKernels.runsGram else { return false }
        return inParts(rows: m, columns: d, stride: d, threads: threads, { lower, upper, s in
            CompiledKernels.columnSums(a + lower * d, rows: upper - lower, columns: d, into: s ?? sums)
        }, add: { s in for j in 0..<d { sums[j] += s[j] } })
    }

    /// Runs `part(lower, upper, scratch)` for each part of `rows` (`scratch` nil for the first,
    /// `stride` values of its own for each other), at the same time when `threads` > 1, then
    /// `add(scratch)` for the further parts in order. `false` when a part did not run.
    private static func inParts(rows m: Int, columns d: Int, stride: Int, threads: Int,
                                _ part: @escaping (Int, Int, UnsafeMutablePointer<Double>?) -> Bool,
                                add: (UnsafeMutablePointer<Double>) -> Void) -> Bool {
        let parts = parts(rows: m, columns: d)
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: (parts - 1) * stride)
        defer { scratch.deallocate() }
        func run(_ p: Int) -> Bool {
            part(m * p / parts, m * (p + 1) / parts, p == 0 ? nil : scratch + (p - 1) * stride)
        }
        var ran = true
        if parts > 1 && threads > 1 {
            let done = UnsafeMutablePointer<Bool>.allocate(capacity: parts)
            defer { done.deallocate() }
            let shared = UncheckedSendable((run, done))
            DispatchQueue.concurrentPerform(iterations: parts) { p in shared.value.1[p] = shared.value.0(p) }
            ran = (0..<parts).allSatisfy { done[$0] }
        } else {
            for p in 0..<parts where ran { ran = run(p) }
        }
        // The kernel runs for every part or for none (it depends only on the CPU and the width).
        guard ran else { return false }
        for p in 1..<parts { add(scratch + (p - 1) * stride) }
        return true
    }

    /// `C ← AᵀA + β·C` on and above the diagonal of `c` (the rest untouched) for `A` of
    /// `rows × columns`; with `targets` (`rows × k`, row-major) also `xt ← AᵀT + β·xt`
    /// (`columns × k`, row-major), and with `sums` `sums ← Aᵀ1 + β·sums`. Returns `false`, having
    /// done nothing, when the kernel does not run here (no AVX-512, `CompiledKernels.enabled`
    /// off, fewer than 8 columns, no rows) or `β` is neither 0 nor 1. `threads` above 1 runs the
    /// parts at the same time (the bits do not depend on it).
    @usableFromInline
    static func product(_ a: UnsafePointer<Double>, rows m: Int, columns d: Int, beta: Double,
                        _ c: UnsafeMutablePointer<Double>, targets: UnsafePointer<Double>? = nil, k: Int = 0,
                        xt: UnsafeMutablePointer<Double>? = nil, sums: UnsafeMutablePointer<Double>? = nil,
                        threads: Int = BLASConfiguration.threads) -> Bool {
        guard beta == 0 || beta == 1, m > 0, d >= 8, CompiledKernels.runsGram else { return false }
        let k = targets == nil ? 0 : k
        // Each further part's C (d²), AᵀT (d·k) and sums (d).
        return inParts(rows: m, columns: d, stride: d * d + d * k + d, threads: threads, { lower, upper, s in
            CompiledKernels.gram(a + lower * d, rows: upper - lower, columns: d, targets: targets.map { $0 + lower * k },
                                 k: k, overwrite: s != nil || beta == 0, into: s ?? c,
                                 xt: xt.map { s.map { $0 + d * d } ?? $0 }, sums: sums.map { s.map { $0 + d * d + d * k } ?? $0 })
        }, add: { s in
            for i in 0..<d {
                for j in i..<d { c[i * d + j] += s[i * d + j] }
            }
            if let xt { for e in 0..<(d * k) { xt[e] += s[d * d + e] } }
            if let sums { for j in 0..<d { sums[j] += s[d * d + d * k + j] } }
        })
    }
}
