/// `C ← AᵀA + β·C` (β of 0 or 1) on the upper triangle of a row-major `d × d` matrix for a
/// row-major `Double` block `A`, with, if asked, `AᵀT` and the column sums `Aᵀ1` in the same
/// pass: the AVX-512 Gram kernel (`gram.c` in `CDescentKernels`). ``BLAS/syrk(_:rows:columns:alpha:beta:_:)``
/// calls it in place of OpenBLAS's `dsyrk` wherever it runs.
///
/// The block's rows are cut into ``parts(rows:columns:)`` parts fixed by the shape alone
/// (``RowParts``): the first part adds into the outputs, each other into its own scratch, added to
/// the outputs in order, so the bits are the same with any number of threads.
///
/// Why the side products: an OpenBLAS `gemv` for `AᵀT` after each block woke OpenBLAS's own
/// threads, which then spin (yielding) beside the parts for up to 2²⁸ cycles; with them in the
/// kernel, the normal equations' pass makes no OpenBLAS call (Performance article).
@usableFromInline
enum GramProduct {
    /// The most bytes the scratch of one call may take.
    static var scratchBytes: Int { 1 << 26 }

    /// How many parts a block of `rows × columns` is cut into (``RowParts``, each further part
    /// with a `d × d` scratch matrix).
    static func parts(rows: Int, columns: Int) -> Int {
        RowParts.count(rows: rows, limit: 1 + scratchBytes / Swift.max(1, MemoryBudget.count(columns, columns, MemoryLayout<Double>.size)))
    }

    /// The scratch ``product(_:rows:columns:beta:_:targets:k:xt:sums:threads:scratch:prepare:)``
    /// needs for blocks of up to `rows × columns` with `k` targets.
    static func scratchCount(rows: Int, columns d: Int, k: Int) -> Int {
        MemoryBudget.count(parts(rows: rows, columns: d) - 1,
                           MemoryBudget.total(MemoryBudget.count(d, d), MemoryBudget.count(d, k), d))
    }

    /// `sums ← Aᵀ1` for `A` of `rows × columns`, in parts as ``RowParts`` cuts them (scratch of `d`
    /// per further part); `false`, having done nothing, where the kernel does not run.
    static func columnSums(_ a: UnsafePointer<Double>, rows m: Int, columns d: Int, into sums: UnsafeMutablePointer<Double>,
                           threads: Int = BLASConfiguration.threads) -> Bool {
        guard m > 0, d >= 8, CompiledKernels.runsGram else { return false }
        return RowParts.run(rows: m, parts: RowParts.count(rows: m), stride: d, threads: threads, { p, lower, upper, s in
            CompiledKernels.columnSums(a + lower * d, rows: upper - lower, columns: d, into: s ?? sums)
        }, add: { _, s in for j in 0..<d { sums[j] += s[j] } })
    }

    /// `C ← AᵀA + β·C` on and above the diagonal of `c` (the rest untouched) for `A` of
    /// `rows × columns`; with `targets` (`rows × k`, row-major) also `xt ← AᵀT + β·xt`
    /// (`columns × k`, row-major), and with `sums` `sums ← Aᵀ1 + β·sums`. Returns `false`, having
    /// done nothing, when the kernel does not run here (no AVX-512, `CompiledKernels.enabled`
    /// off, fewer than 8 columns, no rows), `β` is neither 0 nor 1, or the rows would make two
    /// parts but the columns leave room for one scratch matrix (OpenBLAS threads those). `threads` above 1 runs the
    /// parts at the same time (the bits do not depend on it). `scratch`, if given, holds
    /// ``scratchCount(rows:columns:k:)`` values for this block. `prepare(lower, upper)`, if given,
    /// runs first in each part, on its thread: it may write that part's rows of `A` (centring
    /// them, say), which the kernel then reads.
    @usableFromInline
    static func product(_ a: UnsafePointer<Double>, rows m: Int, columns d: Int, beta: Double,
                        _ c: UnsafeMutablePointer<Double>, targets: UnsafePointer<Double>? = nil, k: Int = 0,
                        xt: UnsafeMutablePointer<Double>? = nil, sums: UnsafeMutablePointer<Double>? = nil,
                        threads: Int = BLASConfiguration.threads, scratch: UnsafeMutablePointer<Double>? = nil,
                        prepare: ((Int, Int) -> Void)? = nil) -> Bool {
        guard beta == 0 || beta == 1, m > 0, d >= 8, CompiledKernels.runsGram else { return false }
        let parts = parts(rows: m, columns: d)
        // Rows for two parts but room for one scratch matrix only (d ≳ 2900): OpenBLAS's threads
        // beat one thread of the kernel there.
        guard parts > 1 || threads == 1 || m < 2 * RowParts.minimumRows else { return false }
        let k = targets == nil ? 0 : k
        // Each further part's C (d²), AᵀT (d·k) and sums (d); the first part writes the outputs.
        return RowParts.run(rows: m, parts: parts, stride: d * d + d * k + d, threads: threads,
                            buffer: scratch, { p, lower, upper, s in
            prepare?(lower, upper)
            return CompiledKernels.gram(a + lower * d, rows: upper - lower, columns: d, targets: targets.map { $0 + lower * k },
                                 k: k, overwrite: s != nil || beta == 0, into: s ?? c,
                                 xt: xt.map { s.map { $0 + d * d } ?? $0 }, sums: sums.map { s.map { $0 + d * d + d * k } ?? $0 })
        }, add: { _, s in
            for i in 0..<d {
                for j in i..<d { c[i * d + j] += s[i * d + j] }
            }
            if let xt { for e in 0..<(d * k) { xt[e] += s[d * d + e] } }
            if let sums { for j in 0..<d { sums[j] += s[d * d + d * k + j] } }
        })
    }
}
