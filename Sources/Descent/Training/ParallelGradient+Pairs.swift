/// The helper thread of mini-batch and chunked full-batch training: started once per fit, it
/// computes the second half of each gradient handed over (``BatchHandOver``).
extension ParallelGradient {
    /// Whether mini-batches are split with a helper thread in this fit.
    var hasHelper: Bool { pair != nil && batchSize < rows }

    /// Starts the helper for the whole fit if mini-batches will be split in two, or if the full
    /// batch is gathered over several chunks (`chunked`, a ``RowSource`` of several chunks): it
    /// waits for job `k` to be published, reads the job's positions and partitions, computes the
    /// second half of the partitions into their partial buffers and reports it done. Without a
    /// thread (one thread allowed, or none could be started) this thread computes every partition.
    ///
    /// A chunk's full batch was eight partitions on Dispatch's threads, one `concurrentPerform`
    /// per chunk (190 per epoch of the bench's 800 MB in 4 MiB chunks); the same partitions,
    /// reduced in the same order (the same bits), are handed to the helper by a spin wait instead.
    mutating func startHelper(chunked: Bool = false) {
        guard threads > 1 else { return }
        let miniBatches = batchSize > 1 && partitionCount(batchSize) == 2 && rows > batchSize
        let chunkedBatches = chunked && batchSize == rows
        guard miniBatches || chunkedBatches else { return }
        let handOver = BatchHandOver()
        let shared = UncheckedSendable(self)
        guard let thread = WorkerThread({
            let gradient = shared.value
            var job = 0
            while true {
                BatchHandOver.wait {
                    handOver.published.load(ordering: .acquiring) > job || handOver.stop.load(ordering: .acquiring)
                }
                if handOver.published.load(ordering: .acquiring) <= job { return }   // stopped
                job += 1
                // Worker 0 may have claimed this job's second half (a chunk's full batch): skip it.
                guard !chunkedBatches || handOver.claimed.compareExchange(expected: job - 1, desired: job,
                                                                          ordering: .acquiringAndReleasing).exchanged else { continue }
                let range = handOver.position.load(ordering: .relaxed)..<handOver.end.load(ordering: .relaxed)
                let parts = handOver.parts.load(ordering: .relaxed)
                let next = UnsafeRawPointer(bitPattern: handOver.nextRows.load(ordering: .relaxed))
                for p in (parts / 2)..<parts {
                    gradient.partialGradient(p, of: parts, in: range, then: p == parts - 1 ? next : nil)
                }
                handOver.done.store(job, ordering: .releasing)
                if let next {
                    CompiledKernels.prefetch(next, bytes: Self.prefetchBytes.helper)
                }
            }
        }) else { return }
        pair = (thread, handOver, PairChoice(pattern: pairingPattern))
    }

    /// Publishes the next job, the second half of `parts` partitions of `range`, and returns its
    /// number (jobs count from 1).
    @discardableResult
    func publish(_ range: Range<Int>, parts: Int, _ handOver: BatchHandOver) -> Int {
        handOver.position.store(range.lowerBound, ordering: .relaxed)
        handOver.end.store(range.upperBound, ordering: .relaxed)
        handOver.parts.store(parts, ordering: .relaxed)
        return handOver.published.wrappingAdd(1, ordering: .releasing).newValue
    }

    /// A chunk's full batch of `parts` partitions over `range`: the helper takes the second half.
    /// If the helper has not started it (descheduled, or napping after a long wait), this thread
    /// claims the second half too: the same partitions into the same buffers, the same bits.
    func pairedFullBatch(_ range: Range<Int>, parts: Int, _ handOver: BatchHandOver) {
        let job = publish(range, parts: parts, handOver)
        for p in 0..<(parts / 2) { partialGradient(p, of: parts, in: range) }
        if handOver.claimed.compareExchange(expected: job - 1, desired: job, ordering: .acquiringAndReleasing).exchanged {
            for p in (parts / 2)..<parts { partialGradient(p, of: parts, in: range) }
            handOver.done.store(job, ordering: .releasing)
        } else {
            BatchHandOver.wait { handOver.done.load(ordering: .acquiring) >= job }
        }
    }

    /// Ends the helper and waits for it.
    mutating func stopHelper() {
        guard let (thread, handOver, _) = pair else { return }
        handOver.stop.store(true, ordering: .releasing)
        thread.join()
        pair = nil
    }

    /// The full batches of `window`, in turn, each batch's two halves computed at the same time
    /// (this thread the first, the helper the second), or both on this thread where ``PairChoice``
    /// has timed that faster lately, from `θ` as `update` leaves it. After each batch's gradient
    /// is reduced, calls `update(Σr²)` (the bias sums in the partial sums), which returns `false`
    /// to stop. Returns the number of batches whose update was accepted. Both ways compute each
    /// half into its own buffers and reduce them in the same order: the same bits.
    ///
    /// Paired, each thread then prefetches the start of its half of the next batch (rows read in
    /// place only, ``EpochOrder/rowAddress(_:)``) while it would wait: this thread for the helper,
    /// the helper for the update and the next job. Without it each half began with its first rows'
    /// misses and memory sat idle while the batch's halves met and the update ran: per batch
    /// (1,000,000 × 100, batches of 256, fits alternating with and without in one process, 15 pairs
    /// each), Float64 0.93×, Float32 0.90× the time in one hour, 1.02× and 1.00× in a slower one;
    /// the bench's mini-batch epoch, seven alternating runs: 1.33× → 1.25× the read (Float64),
    /// 1.47× → 1.36× (Float32), medians.
    func pairedBatches(_ window: Range<Int>, _ update: (S) -> Bool) -> Int {
        guard let (_, handOver, choice) = pair else { return 0 }
        let batches = window.count / batchSize
        var job = handOver.done.load(ordering: .acquiring)
        let clock = ContinuousClock()
        var batch = 0
        while batch < batches {
            let (alone, length) = choice.next()
            let end = Swift.min(batches, batch + length)
            // The segment is timed from its second batch: its first waits for a helper that napped
            // while batches ran on this thread alone (tens of µs), a cost of switching, not of the way.
            var start = clock.now
            for b in batch..<end {
                let range = (window.lowerBound + b * batchSize)..<(window.lowerBound + (b + 1) * batchSize)
                let q: S
                if alone {
                    // Both halves on this thread, as a fit without a helper computes them.
                    q = gradient(range)
                } else {
                    // θ is up to date (the previous update is done): publish the job, with where
                    // the helper's half of the next batch is.
                    let next = b + 1 < batches ? range.upperBound : rows
                    let nextHalf = order.rowAddress(next)
                    handOver.nextRows.store(order.rowAddress(next + batchSize / 2).map { Int(bitPattern: $0) } ?? 0,
                                            ordering: .relaxed)
                    publish(range, parts: 2, handOver)
                    partialGradient(0, of: 2, in: range, then: nextHalf)
                    if let nextHalf { CompiledKernels.prefetch(nextHalf, bytes: Self.prefetchBytes.this) }
                    BatchHandOver.wait { handOver.done.load(ordering: .acquiring) > job }
                    job += 1
                    q = reducePartials(2)
                }
                guard update(q) else { return b }
                if b == batch && end - batch > 1 { start = clock.now }
            }
            choice.record(alone: alone, seconds: (clock.now - start) / .seconds(1),
                          batches: end - batch > 1 ? end - batch - 1 : 1)
            batch = end
        }
        return batches
    }
}

/// Whether mini-batches split in two halves run them on two threads at once or both on one, for
/// a fit: each way is timed on a segment of batches in turn, and the faster runs until the next
/// trial. Two threads win on a quiet host (each half about 4–5 µs, the hand-over under 1 µs); when
/// the host's other tenants take CPU, a helper descheduled for microseconds stalls every batch
/// behind it (the mini-batch epoch then read 1.8–2.6× the streaming read), and one thread wins.
final class PairChoice {
    /// A fixed choice per segment, cycled (tests: both ways in one fit).
    struct Pattern {
        var segment: Int
        var alone: [Bool]
    }

    /// Batches per timed segment.
    let segment: Int
    /// Segments run the faster way between two trials (one segment each way).
    static var runBetweenTrials: Int { 16 }
    /// A trial of one thread is this fraction of a segment. On a quiet host it is the slower way
    /// (per batch of 256 × 100, 6.6–7.0 µs against 4.9–5.2 µs for `Double`, 3.5–3.9 against
    /// 2.7–3.0 µs for `Float`), and a fit of one epoch (the bench's) made two whole trials.
    static var aloneTrialFraction: Int { 4 }
    private let pattern: [Bool]?
    /// Seconds per batch, two threads and one: a trial's time, then moved a quarter of the way to
    /// each later segment's. One slow segment among fast ones (a paired Float32 segment at 3.4 µs
    /// per batch among 2.6–2.9 µs, one thread at 3.0 µs) then no longer sends every segment to the
    /// slower way until the next trial; a helper descheduled by a busy host (twice the time or
    /// more) still does within a segment.
    private var cost = (paired: Double.nan, alone: Double.nan)
    private var index = 0

    init(pattern: Pattern? = nil) {
        segment = pattern?.segment ?? 128
        self.pattern = pattern?.alone
    }

    /// The next segment: whether it runs on this thread alone, and its batches. The first runs on
    /// two threads untimed: the helper has just started, and its first batches wait for it to be
    /// scheduled (7.9 µs per `Float` batch against 2.8 µs in the first segment of some fits,
    /// which then ran on one thread until the next trial). Then a trial of each way, and the
    /// faster for ``runBetweenTrials`` segments, in turn.
    func next() -> (alone: Bool, batches: Int) {
        if let pattern { return (pattern[index % pattern.count], segment) }
        guard index > 0 else { return (false, segment) }
        switch (index - 1) % (Self.runBetweenTrials + 2) {
        case 0: return (false, segment)
        case 1: return (true, Swift.max(1, segment / Self.aloneTrialFraction))
        default: return (cost.alone < cost.paired, segment)
        }
    }

    /// Records a segment's time (not the first's) over its timed `batches` and moves to the next.
    func record(alone: Bool, seconds: Double, batches: Int) {
        defer { index += 1 }
        guard index > 0 || pattern != nil else { return }
        let perBatch = seconds / Double(Swift.max(1, batches))
        let trial = pattern == nil && (index - 1) % (Self.runBetweenTrials + 2) < 2
        func moved(_ old: Double) -> Double { trial || !old.isFinite ? perBatch : old + (perBatch - old) / 4 }
        if alone { cost.alone = moved(cost.alone) } else { cost.paired = moved(cost.paired) }
    }
}
