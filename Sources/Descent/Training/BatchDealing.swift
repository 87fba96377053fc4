/// Mini-batches dealt from the two halves of a block-shuffled epoch order.
///
/// Batch `b` of a mini-batch epoch (`size` rows from epoch position `start + b·size`) is split in
/// two halves, one per thread of the pair that computes it (``ParallelGradient/pairedBatches(_:_:)``).
/// Dealt, its first half reads the next `first` rows of the first half of the block order, and its
/// second half the next rows of the second half: each thread reads one contiguous run through a
/// shuffled block, batch after batch, instead of both threads taking turns along the same run.
///
/// Along one run, a thread's half of the next batch follows its half of this one, and the core's
/// own prefetcher has it on the way; along a shared run, each thread's prefetcher runs on into the
/// other thread's half (into the wrong core's cache) and starts again at every batch. Measured
/// with `bench --only minibatch-epoch --precision both` (1,000,000 × 100, batches of 256),
/// builds without and with dealing alternating, five runs each:
///
/// - two threads: `Double` 19.5–21.4 → 19.2–19.5 ms at the short cross-core round trip (the read
///   at 48–51 GB/s) and 19.2–19.6 → 17.4–17.9 ms at the long one (68–71 GB/s), `Float` 10.7–11.0 → 9.7–10.0 ms at the short one
///   (at the long one a `Float` fit runs its batches on one thread);
/// - `--threads 1`, three runs each (the one-thread read at 37–39 GB/s): `Double` 23.1–23.3 → 24.2–24.4 ms, `Float` 12.1–12.3 →
///   12.7–12.9 ms. One thread reading two runs by turns is a few per cent slower than one run; the
///   pair is the default wherever two cores are allowed.
///
/// A batch's rows are still those of two random runs of the block order (instead of one), every
/// row once per epoch; the arithmetic on them is unchanged.
struct BatchDealing: Equatable {
    /// The epoch position of the first whole batch.
    let start: Int
    /// Whole batches dealt.
    let batches: Int
    /// Rows per batch.
    let size: Int
    /// Rows of each batch's first half (the first of its two partitions, `size / 2`).
    let first: Int

    /// The place in the block order that epoch position `position` reads.
    func source(of position: Int) -> Int {
        let offset = position - start
        guard offset >= 0, offset < batches * size else { return position }
        let (batch, row) = offset.quotientAndRemainder(dividingBy: size)
        return start + (row < first ? batch * first + row : batches * first + batch * (size - first) + row - first)
    }

    /// How many positions from `position` on read consecutive places of the block order: to the
    /// end of its half-batch inside the dealt batches, to the first of them before, all after.
    func run(from position: Int) -> Int {
        let offset = position - start
        if offset < 0 { return -offset }
        guard offset < batches * size else { return Int.max }
        let row = offset % size
        return row < first ? first - row : size - row
    }
}

extension EpochOrder {
    /// Deals mini-batches of `batchSize` rows from the bound chunk's two halves of the block order
    /// (``BatchDealing``), batches starting at its epoch position `start` (where the chunk's first
    /// whole batch begins), until the next ``bind(_:members:chunk:epoch:)``. Only an order shuffled
    /// by blocks in place is dealt; a full batch, a single row, or a single batch is left as it is.
    func deal(batchSize: Int, from start: Int) {
        let batches = batchSize > 1 && start >= 0 && start < rows ? (rows - start) / batchSize : 0
        dealing = byBlocks && batches > 1 ? BatchDealing(start: start, batches: batches, size: batchSize,
                                                        first: batchSize / 2) : nil
    }
}
