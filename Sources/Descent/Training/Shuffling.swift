/// The order in which an epoch visits the rows (mini-batch and stochastic modes).
public enum Shuffling: Sendable, Hashable, CustomStringConvertible {
    /// The rows in their stored order, every epoch.
    case none
    /// A new random order every epoch that is read at streaming speed: the rows are cut into
    /// blocks of consecutive rows (about 1 MiB of features each)
    /// and the blocks are visited in a uniformly random order. Data of at most 4 MiB, which
    /// stays in cache, is instead permuted row by row, uniformly. This is what `shuffle: true`
    /// means. Rows inside a block keep their stored order: if that order means something (sorted
    /// by time or by target), use ``uniform``, or shuffle the rows once before training.
    ///
    /// Mini-batches (in one process) are dealt from the two halves of this order: batch `b`'s
    /// first `⌊B/2⌋` rows are the next run of the order's first half, its other rows the next run
    /// of its second half, so each of the two threads that compute a batch reads one run through
    /// the blocks (any rows before the first whole batch or after the last keep their place).
    /// A batch is then two runs from two random blocks; the same seed gives the same batches with
    /// any number of threads.
    case blocks
    /// A uniformly random permutation of all rows every epoch. Exact, but on data far larger
    /// than cache every row is a random memory access, and an epoch costs several times a
    /// streaming pass (the bench reports both).
    case uniform

    /// `none`, `blocks` or `uniform`.
    public var description: String {
        switch self {
        case .none: "none"
        case .blocks: "blocks"
        case .uniform: "uniform"
        }
    }

    /// The rows per block that ``blocks`` keeps together, for `rows` rows of `rowBytes` bytes:
    /// 1 (a uniform permutation) when the data is at most 4 MiB, otherwise ⌈1 MiB / rowBytes⌉.
    ///
    /// Measured with `swift run -c release bench` on 10⁶ × 100 doubles: jumping to a random place
    /// in memory costs a few microseconds here, so 8 KiB blocks made a stochastic epoch four
    /// times slower than an unshuffled one, and 1 MiB blocks cost under 10 %.
    static func blockRows(rows: Int, rowBytes: Int) -> Int {
        let bytes = rows.multipliedReportingOverflow(by: rowBytes)
        if !bytes.overflow && bytes.partialValue <= 4 << 20 { return 1 }
        return Swift.max(1, ((1 << 20) + rowBytes - 1) / rowBytes)
    }
}
