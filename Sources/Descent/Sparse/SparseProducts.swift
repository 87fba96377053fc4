import Dispatch

/// `Xv` and `Xᵀu` of a block of CSR rows in `Double`, on two threads when the block is large, with
/// the same bits as one thread.
///
/// `Xv` splits the rows in two halves of about the same nonzeros: each output is one row's sum,
/// whoever computes it. `Xᵀu` adds alternate blocks of rows into two `d`-long sums, one per
/// thread, that the caller adds: the blocks are counted from the source's first row, so the bits
/// depend neither on the threads nor on how the rows are chunked.
///
/// Two alternatives were measured and dropped. Splitting the columns (each thread reads every row
/// and adds its own columns) needs no second sum but balanced badly: the few frequent columns cost
/// little and the many rare ones miss the cache (a C model of the loops on 1,000,000 Zipf rows of
/// 45 nonzeros over 2²⁰ columns: 48 ms on two threads against 52 ms on one; the alternate blocks,
/// 33–42 ms). A copy of the rows by column turns `Xᵀu` into reads, but took 0.74 s to build in
/// `bench --sparse --only sparse-lsmr` (1,000,000 × 2²⁰, 44.7 M nonzeros), the time of a dozen
/// iterations, and the memory of the matrix again.
struct SparseProducts<S: BLASScalar>: @unchecked Sendable {  // read-only views; the caller keeps the memory alive
    let offsets: UnsafePointer<Int>
    let indices: UnsafePointer<Int>
    let values: UnsafePointer<S>
    let rows: Int

    /// Blocks with fewer nonzeros stay on the calling thread.
    static var parallelNonzeros: Int { 1 << 15 }

    /// Whether a block of `nonzeros` is worth two threads when `threads` are allowed.
    static func split(_ nonzeros: Int, threads: Int) -> Bool {
        threads > 1 && nonzeros >= parallelNonzeros
    }

    /// `out[i] ← (xᵢᵀv − shift)·sᵢ` for every row `i` (`sᵢ = scales[i]`, 1 without `scales`).
    func multiply(_ v: UnsafePointer<Double>, shift: Double, scales: UnsafePointer<Double>?,
                  into out: UnsafeMutablePointer<Double>, threads: Int) {
        guard Self.split(offsets[rows] - offsets[0], threads: threads) else {
            return multiply(v, shift: shift, scales: scales, into: out, rows: 0..<rows)
        }
        // The halves hold about the same nonzeros.
        let middle = Self.row(splitting: offsets, rows: rows)
        let share = UncheckedSendable((self, v, scales, out))
        DispatchQueue.concurrentPerform(iterations: 2) { half in
            let (x, v, scales, out) = share.value
            x.multiply(v, shift: shift, scales: scales, into: out, rows: half == 0 ? 0..<middle : middle..<x.rows)
        }
    }

    private func multiply(_ v: UnsafePointer<Double>, shift: Double, scales: UnsafePointer<Double>?,
                          into out: UnsafeMutablePointer<Double>, rows: Range<Int>) {
        for i in rows {
            // Four running sums, so the additions do not wait on each other.
            var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
            var k = offsets[i]
            let end = offsets[i + 1]
            while k + 4 <= end {
                s0 += Double(values[k]) * v[indices[k]]
                s1 += Double(values[k + 1]) * v[indices[k + 1]]
                s2 += Double(values[k + 2]) * v[indices[k + 2]]
                s3 += Double(values[k + 3]) * v[indices[k + 3]]
                k += 4
            }
            while k < end {
                s0 += Double(values[k]) * v[indices[k]]
                k += 1
            }
            let sum = (s0 + s1) + (s2 + s3)
            out[i] = scales.map { (sum - shift) * $0[i] } ?? sum - shift
        }
    }

    /// Rows per block of ``multiplyTransposed(_:firstRow:into:odd:threads:)``'s alternating split.
    static var blockRows: Int { 2048 }

    /// `Xᵀu` into two sums: the rows of even blocks (``blockRows`` rows, counted from the source's
    /// first row; this block's first row is row `firstRow` of the source) are added into `even`,
    /// those of odd blocks into `odd`, each in row order; two threads take one sum each. The
    /// caller adds the two sums, so the bits depend only on the rows' indices in the source: the
    /// same for one thread or two, and for rows in memory or in chunks of any size.
    func multiplyTransposed(_ u: UnsafePointer<Double>, firstRow: Int, into even: UnsafeMutablePointer<Double>,
                            odd: UnsafeMutablePointer<Double>, threads: Int) {
        let share = UncheckedSendable((self, u, even, odd))
        let add = { @Sendable (parity: Int) in
            let (x, u, even, odd) = share.value
            let out = parity == 0 ? even : odd
            var start = 0
            while start < x.rows {
                let block = (firstRow + start) / Self.blockRows
                let end = Swift.min(x.rows, (block + 1) * Self.blockRows - firstRow)
                if block % 2 == parity {
                    for i in start..<end {
                        let ui = u[i]
                        for k in x.offsets[i]..<x.offsets[i + 1] { out[x.indices[k]] += Double(x.values[k]) * ui }
                    }
                }
                start = end
            }
        }
        guard Self.split(offsets[rows] - offsets[0], threads: threads) else {
            add(0)
            add(1)
            return
        }
        DispatchQueue.concurrentPerform(iterations: 2) { add($0) }
    }

    /// The first row of the second half: the rows before it hold about half the nonzeros.
    static func row(splitting offsets: UnsafePointer<Int>, rows: Int) -> Int {
        let target = offsets[0] + (offsets[rows] - offsets[0]) / 2
        var lower = 0, upper = rows
        while lower < upper {
            let middle = (lower + upper) / 2
            if offsets[middle] < target { lower = middle + 1 } else { upper = middle }
        }
        return lower
    }
}
