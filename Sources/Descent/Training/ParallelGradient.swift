import Dispatch

/// The gradient over a range of epoch positions, `g = Xᵀr` with `r = Xw + b − y`, split into a
/// fixed number of partitions that run concurrently.
///
/// The split depends only on the shape, never on the thread count, so results are the same bit
/// for bit with any number of threads. A full batch is split into ``partitions`` partitions run by
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

    let order: EpochOrder<Source>
    let workspace: Workspace<S>
    let rows: Int
    let columns: Int
    let batchSize: Int
    let threads: Int
    /// The helper thread and its hand-over, while a fit that splits mini-batches runs.
    private var pair: (thread: WorkerThread, handOver: BatchHandOver)? = nil

    init(order: EpochOrder<Source>, workspace: Workspace<S>, rows: Int, batchSize: Int, threads: Int) {
        self.order = order
        self.workspace = workspace
        self.rows = rows
        columns = order.columns
        self.batchSize = batchSize
        self.threads = threads
    }

    /// How many partitions the gradient over `count` rows is split into.
    func partitionCount(_ count: Int) -> Int {
        let elements = count * columns
        if batchSize == rows { return elements >= Self.parallelElements ? Self.partitions : 1 }
        return elements >= Self.pairElements ? 2 : 1
    }

    /// `g ← Xᵀr` over the rows at epoch positions `range` into the first `d` entries of the
    /// partial-gradient buffer; returns `Σr` and `Σr²`.
    func gradient(_ range: Range<Int>, bias: S) -> (sum: S, sumOfSquares: S) {
        let parts = partitionCount(range.count)
        if parts > 2 && threads > 1 {
            let shared = UncheckedSendable(self)
            DispatchQueue.concurrentPerform(iterations: parts) { p in
                shared.value.partialGradient(p, of: parts, in: range, bias: bias)
            }
        } else {
            for p in 0..<parts { partialGradient(p, of: parts, in: range, bias: bias) }
        }
        return reducePartials(parts)
    }

    /// Partition `p` of `parts` of the gradient over epoch positions `range`, into partial
    /// buffer `p`. Touches only partition `p`'s buffers.
    func partialGradient(_ p: Int, of parts: Int, in range: Range<Int>, bias: S) {
        let d = columns
        let ws = workspace
        let w = UnsafePointer(ws.theta.baseAddress!)
        let lower = range.lowerBound + range.count * p / parts
        let upper = range.lowerBound + range.count * (p + 1) / parts
        let g = ws.partialGradients.baseAddress! + p * d
        let r = ws.residuals.baseAddress! + p * order.blockRows
        // Which kernel, from `swift run -c release bench` (ratios to read-once): for full-batch
        // gradients of Double rows of 100 features the fused SIMD loop (each row read once) took
        // 1.04–1.17× against 1.28–1.38× for two gemv per block; at 300 features they were level
        // (1.37× vs 1.33×), at 1000 gemv won (1.13× vs 3.0×). For mini-batches, and for Float rows
        // (OpenBLAS's AVX2 kernels against Swift's baseline SSE2 code), the gemv pair was faster.
        let fused = parts == Self.partitions && S.prefersFusedKernels && d <= 200
        g.update(repeating: 0, count: d)
        var sum = S.zero, squares = S.zero
        var position = lower
        while position < upper {
            let rows = order.fetch(position, limit: Swift.min(order.blockRows, upper - position), slot: p)
            let (s, q): (S, S)
            if fused {
                (s, q) = Kernels.fusedGradient(rows, weights: w, bias: bias, into: g)
            } else {
                (s, q) = Kernels.residuals(rows, weights: w, bias: bias, into: r)
                Kernels.accumulateGradient(rows, residuals: r, into: g)
            }
            sum += s
            squares += q
            position += rows.count
        }
        ws.partialSums[2 * p] = sum
        ws.partialSums[2 * p + 1] = squares
    }

    /// Sums partial buffers `1..<parts` into partial buffer 0, in order; returns `Σr` and `Σr²`.
    func reducePartials(_ parts: Int) -> (sum: S, sumOfSquares: S) {
        let ws = workspace, d = columns
        var sum = ws.partialSums[0], squares = ws.partialSums[1]
        for p in 1..<Swift.max(1, parts) {
            BLAS.axpy(d, 1, ws.partialGradients.baseAddress! + p * d, ws.partialGradients.baseAddress!)
            sum += ws.partialSums[2 * p]
            squares += ws.partialSums[2 * p + 1]
        }
        return (sum, squares)
    }

    // MARK: The helper thread of mini-batch training

    /// Whether mini-batches are split with a helper thread in this fit.
    var hasHelper: Bool { pair != nil }

    /// Starts the helper for the whole fit if mini-batches will be split in two: it waits for job
    /// `k` to be published, reads the job's first position, computes its half into partial buffer 1
    /// and reports it done. Without a thread (one thread allowed, or none could be started) this
    /// thread computes both halves.
    mutating func startHelper() {
        guard threads > 1, batchSize > 1, partitionCount(batchSize) == 2, rows > batchSize else { return }
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
                let lower = handOver.position.load(ordering: .relaxed)
                gradient.partialGradient(1, of: 2, in: lower..<(lower + gradient.batchSize),
                                         bias: gradient.workspace.theta[gradient.columns])
                job += 1
                handOver.done.store(job, ordering: .releasing)
            }
        }) else { return }
        pair = (thread, handOver)
    }

    /// Ends the helper and waits for it.
    mutating func stopHelper() {
        guard let (thread, handOver) = pair else { return }
        handOver.stop.store(true, ordering: .releasing)
        thread.join()
        pair = nil
    }

    /// The full batches of `window`, in turn, each batch's two halves computed at the same time
    /// (this thread the first, the helper the second), from `θ` as `update` leaves it. After each
    /// batch's gradient is reduced, calls `update(Σr, Σr²)`, which returns `false` to stop.
    /// Returns the number of batches whose update was accepted.
    func pairedBatches(_ window: Range<Int>, _ update: (S, S) -> Bool) -> Int {
        guard let (_, handOver) = pair else { return 0 }
        let batches = window.count / batchSize
        var job = handOver.done.load(ordering: .acquiring)
        for batch in 0..<batches {
            let lower = window.lowerBound + batch * batchSize
            // θ is up to date (the previous update is done): publish the job.
            handOver.position.store(lower, ordering: .relaxed)
            handOver.published.store(job + 1, ordering: .releasing)
            partialGradient(0, of: 2, in: lower..<(lower + batchSize), bias: workspace.theta[columns])
            BatchHandOver.wait { handOver.done.load(ordering: .acquiring) > job }
            job += 1
            let (sum, q) = reducePartials(2)
            guard update(sum, q) else { return batch }
        }
        return batches
    }
}

/// Hands a value to concurrent work that touches only its own part of it.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
