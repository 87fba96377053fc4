import Dispatch

/// The gradient over a range of epoch positions, `g = Xᵀr` with `r = Xw + b − y`, split into a
/// fixed number of partitions that run concurrently.
///
/// The split depends only on the shape, never on the thread count, so results are the same bit
/// for bit with any number of threads. A full batch is split into ``partitions`` partitions (two of
/// sparse rows, whose partial gradients are `d` long) run by
/// all threads; a mini-batch, whose updates follow each other closely, is split in two halves:
/// this thread takes the first and a helper thread, started once per fit, the second.
struct ParallelGradient<Source: RowBlockSource> {
    typealias S = Source.Scalar
    /// Partitions of a large full-batch gradient.
    static var partitions: Int { 8 }
    /// Full-batch gradients over at least this many elements are split into ``partitions`` partitions.
    static var parallelElements: Int { 1 << 17 }
    /// Mini-batch gradients over at least this many elements are split in two halves.
    static var pairElements: Int { 1 << 12 }
    /// The bytes of its next half each thread prefetches while it would otherwise wait: this
    /// thread for the helper's half (about 1 µs), the helper for the update and the next job
    /// (under 0.5 µs). See ``pairedBatches(_:_:)``.
    static var prefetchBytes: (this: Int, helper: Int) { (16384, 8192) }

    let order: EpochOrder<Source>
    let workspace: Workspace<S>
    let rows: Int
    let columns: Int
    /// The targets `k`: every gradient is `k × d` (target-major) with `k` bias sums.
    let targets: Int
    let batchSize: Int
    let threads: Int
    /// The loss every residual passes through before the backward product.
    let loss: Loss
    /// The helper thread, its hand-over and the choice between it and this thread alone, while a
    /// fit that splits mini-batches runs.
    private var pair: (thread: WorkerThread, handOver: BatchHandOver, choice: PairChoice)? = nil
    /// Tests only: ``PairChoice``'s fixed pattern instead of its timing.
    var pairingPattern: PairChoice.Pattern? = nil

    init(order: EpochOrder<Source>, workspace: Workspace<S>, rows: Int, batchSize: Int, threads: Int,
         loss: Loss = .squared) {
        self.loss = loss
        self.order = order
        self.workspace = workspace
        self.rows = rows
        columns = order.columns
        targets = workspace.targets
        self.batchSize = batchSize
        self.threads = threads
    }

    /// How many partitions the gradient over `count` rows is split into.
    func partitionCount(_ count: Int) -> Int {
        let elements = count * columns
        // Sparse rows: two partitions, one per core of the pair the split is made for. Each
        // partition owns a d-long partial gradient that is cleared and reduced every batch, which
        // at 2²⁰ columns costs more than the nonzeros themselves with eight.
        if batchSize == rows && order.source.isSparse { return elements >= Self.parallelElements ? 2 : 1 }
        if batchSize == rows { return elements >= Self.parallelElements ? Self.partitions : 1 }
        return elements >= Self.pairElements ? 2 : 1
    }

    /// `g ← Xᵀr` over the rows at epoch positions `range` into the first `d·k` entries of the
    /// partial-gradient buffer (every target's), and each target's `Σr` into the first `k` partial
    /// sums; returns `Σr²` over all targets.
    func gradient(_ range: Range<Int>) -> S {
        let parts = partitionCount(range.count)
        if let (_, handOver, _) = pair, batchSize == rows, parts > 1 {
            // A chunk's full batch: the helper takes the second half of the partitions.
            // If the helper has not started it (descheduled, or napping after a long wait),
            // this thread claims the second half too: the same partitions into the same buffers.
            let job = publish(range, parts: parts, handOver)
            for p in 0..<(parts / 2) { partialGradient(p, of: parts, in: range) }
            if handOver.claimed.compareExchange(expected: job - 1, desired: job, ordering: .acquiringAndReleasing).exchanged {
                for p in (parts / 2)..<parts { partialGradient(p, of: parts, in: range) }
                handOver.done.store(job, ordering: .releasing)
            } else {
                BatchHandOver.wait { handOver.done.load(ordering: .acquiring) >= job }
            }
        } else if (parts > 2 || (parts == 2 && batchSize == rows)) && threads > 1 {
            let shared = UncheckedSendable(self)
            DispatchQueue.concurrentPerform(iterations: parts) { p in
                shared.value.partialGradient(p, of: parts, in: range)
            }
        } else {
            for p in 0..<parts { partialGradient(p, of: parts, in: range) }
        }
        return reducePartials(parts)
    }

    /// Partition `p` of `parts` of the gradient over epoch positions `range`, into partial
    /// buffer `p` (`d·k` gradient entries; `k` bias sums and `Σr²` at `p·(k + 1)`). Touches only
    /// partition `p`'s buffers.
    func partialGradient(_ p: Int, of parts: Int, in range: Range<Int>) {
        let d = columns, k = targets
        let ws = workspace
        let w = UnsafePointer(ws.theta.baseAddress!), biases = w + d * k
        let lower = range.lowerBound + range.count * p / parts
        let upper = range.lowerBound + range.count * (p + 1) / parts
        let g = ws.partialGradients.baseAddress! + p * d * k
        let r = ws.residuals.baseAddress! + p * order.blockRows * k
        let sums = ws.partialSums.baseAddress! + p * (k + 1)
        // Which kernel, from `swift run -c release bench` (ratios to read-once): for full-batch
        // gradients of Double rows of 100 features the fused SIMD loop (each row read once) took
        // 1.04–1.17× against 1.28–1.38× for two gemv per block; at 300 features they were level
        // (1.37× vs 1.33×), at 1000 gemv won (1.13× vs 3.0×). For mini-batches, and for Float rows
        // (OpenBLAS's AVX2 kernels against Swift's baseline SSE2 code), the gemv pair was faster.
        // Several targets read each block once for all of them (two gemm).
        // Sparse rows: always fused, so each row's nonzeros are read once (the scatter into `g`
        // finds them in cache after the gather from `w`).
        // Where the AVX-512 kernels run (unweighted rows), fused in every mode and both types: the
        // same arithmetic in the same order as the pair (the same bits), each row read once. With
        // the kernels' prefetching, `bench --only batch-epoch,minibatch-epoch` alternating the
        // builds before and after: Float64 batch 1.29–1.33× → 1.12–1.14× the read, mini-batch
        // 1.59–1.62× → 1.49–1.53× (Float32 1.87–1.99× → 1.79–1.82×).
        let compiledFused = CompiledKernels.runs(S.self, columns: d) && !order.source.isWeighted
        let fused = k == 1 && loss.usesSquaredKernels
            && (order.source.isSparse || compiledFused
                || (parts == Self.partitions && S.prefersFusedKernels && d <= 200))
        g.update(repeating: 0, count: d * k)
        sums.update(repeating: 0, count: k)
        var squares = S.zero
        var position = lower
        while position < upper {
            let rows = order.fetch(position, limit: Swift.min(order.blockRows, upper - position), slot: p)
            if fused {
                let (s, q) = Kernels.fusedGradient(rows, weights: w, bias: biases[0], into: g)
                sums[0] += s
                squares += q
            } else {
                squares += Kernels.residuals(rows, targets: k, weights: w, biases: biases, into: r, sums: sums,
                                             loss: loss, smoothing: ws.smoothing)
                Kernels.accumulateGradient(rows, targets: k, residuals: r, into: g)
            }
            position += rows.count
        }
        sums[k] = squares
    }

    /// Sums partial buffers `1..<parts` into partial buffer 0, in order; returns `Σŵℓ(r)`.
    func reducePartials(_ parts: Int) -> S {
        let ws = workspace, d = columns, k = targets
        let sums = ws.partialSums.baseAddress!
        for p in 1..<Swift.max(1, parts) {
            BLAS.axpy(d * k, 1, ws.partialGradients.baseAddress! + p * d * k, ws.partialGradients.baseAddress!)
            for t in 0...k { sums[t] += sums[p * (k + 1) + t] }
        }
        return sums[k]
    }

    // MARK: The helper thread of mini-batch and chunked full-batch training

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
                for p in (parts / 2)..<parts { gradient.partialGradient(p, of: parts, in: range) }
                let next = handOver.nextRows.load(ordering: .relaxed)
                handOver.done.store(job, ordering: .releasing)
                if let next = UnsafeRawPointer(bitPattern: next) {
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
    /// each), Float64 0.93×, Float32 0.90× the time.
    func pairedBatches(_ window: Range<Int>, _ update: (S) -> Bool) -> Int {
        guard let (_, handOver, choice) = pair else { return 0 }
        let batches = window.count / batchSize
        var job = handOver.done.load(ordering: .acquiring)
        let clock = ContinuousClock()
        var batch = 0
        while batch < batches {
            let alone = choice.alone(), end = Swift.min(batches, batch + choice.segment)
            let start = clock.now
            for b in batch..<end {
                let range = (window.lowerBound + b * batchSize)..<(window.lowerBound + (b + 1) * batchSize)
                if alone {
                    partialGradient(0, of: 2, in: range)
                    partialGradient(1, of: 2, in: range)
                } else {
                    // θ is up to date (the previous update is done): publish the job.
                    publish(range, parts: 2, handOver)
                    let next = b + 1 < batches ? range.upperBound : rows
                    handOver.nextRows.store(order.rowAddress(next + batchSize / 2).map { Int(bitPattern: $0) } ?? 0,
                                            ordering: .relaxed)
                    partialGradient(0, of: 2, in: range)
                    if let rows = order.rowAddress(next) { CompiledKernels.prefetch(rows, bytes: Self.prefetchBytes.this) }
                    BatchHandOver.wait { handOver.done.load(ordering: .acquiring) > job }
                    job += 1
                }
                guard update(reducePartials(2)) else { return b }
            }
            choice.record(alone: alone, seconds: (clock.now - start) / .seconds(1), batches: end - batch)
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
    private let pattern: [Bool]?
    /// The latest seconds per batch: two threads, one thread.
    private var cost = (paired: Double.nan, alone: Double.nan)
    private var index = 0

    init(pattern: Pattern? = nil) {
        segment = pattern?.segment ?? 128
        self.pattern = pattern?.alone
    }

    /// Whether the next segment runs on this thread alone.
    func alone() -> Bool {
        if let pattern { return pattern[index % pattern.count] }
        switch index % (Self.runBetweenTrials + 2) {
        case 0: return false
        case 1: return true
        default: return cost.alone < cost.paired
        }
    }

    /// Records a segment's time and moves to the next.
    func record(alone: Bool, seconds: Double, batches: Int) {
        let perBatch = seconds / Double(Swift.max(1, batches))
        if alone { cost.alone = perBatch } else { cost.paired = perBatch }
        index += 1
    }
}

/// Hands a value to concurrent work that touches only its own part of it.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
