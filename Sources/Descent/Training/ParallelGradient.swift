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
    var pair: (thread: WorkerThread, handOver: BatchHandOver, choice: PairChoice)? = nil
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
            pairedFullBatch(range, parts: parts, handOver)
        } else if (parts > 2 || (parts == 2 && batchSize == rows)) && threads > 1 {
            let shared = UncheckedSendable(self)
            DispatchQueue.concurrentPerform(iterations: parts) { p in
                shared.value.partialGradient(p, of: parts, in: range)
            }
        } else {
            // Each partition prefetches where the next begins (the next batch's rows after the
            // last): dealt mini-batches (``BatchDealing``) jump between the block order's halves.
            // Also the batches ``pairedBatches(_:_:)`` runs on this thread alone.
            for p in 0..<parts {
                let next = range.lowerBound + range.count * (p + 1) / parts
                partialGradient(p, of: parts, in: range, then: order.rowAddress(next), alone: true)
            }
        }
        return reducePartials(parts)
    }

    /// Partition `p` of `parts` of the gradient over epoch positions `range`, into partial
    /// buffer `p` (`d·k` gradient entries; `k` bias sums and `Σr²` at `p·(k + 1)`). Touches only
    /// partition `p`'s buffers.
    /// `then`: where this thread reads on after the partition's last row, if known (the next
    /// mini-batch half it computes), for the kernels' prefetch (``RowBlock/followedBy``).
    /// `alone`: no other thread of the fit reads rows meanwhile (``RowBlock/readAlone``).
    func partialGradient(_ p: Int, of parts: Int, in range: Range<Int>, then: UnsafeRawPointer? = nil,
                         alone: Bool = false) {
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
            var rows = order.fetch(position, limit: Swift.min(order.blockRows, upper - position), slot: p,
                                   readingOnTo: upper)
            if position + rows.count == upper { rows.followedBy = then }
            rows.readAlone = alone
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
}

/// Hands a value to concurrent work that touches only its own part of it.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
