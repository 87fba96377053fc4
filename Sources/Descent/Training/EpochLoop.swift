import Dispatch

/// Buffers sized once per fit: nothing in the epoch loop allocates.
final class Workspace<S: BLASScalar>: @unchecked Sendable {
    /// The source row of every epoch position (shuffled modes only).
    let order: UnsafeMutableBufferPointer<Int>
    /// The epoch's order of shuffle blocks (``Shuffling/blocks`` only).
    var blockOrder: [Int]
    /// Shuffled rows gathered for the kernels: partitions × blockRows rows, and their targets.
    let gatheredFeatures: UnsafeMutableBufferPointer<S>
    let gatheredTargets: UnsafeMutableBufferPointer<S>
    let residuals: UnsafeMutableBufferPointer<S>         // partitions × blockRows
    let partialGradients: UnsafeMutableBufferPointer<S>  // partitions × d
    let partialSums: UnsafeMutableBufferPointer<S>       // partitions × 2: Σr, Σr²
    let weights: UnsafeMutableBufferPointer<S>           // d: the weights being trained
    let savedWeights: UnsafeMutableBufferPointer<S>      // d: last state known to be finite

    init(rows: Int, columns d: Int, blockRows: Int, partitions: Int, shuffled: Bool, shuffleBlocks: Int) {
        order = .allocate(capacity: shuffled ? rows : 0)
        blockOrder = [Int](repeating: 0, count: shuffled ? shuffleBlocks : 0)
        gatheredFeatures = .allocate(capacity: shuffled ? partitions * blockRows * d : 0)
        gatheredTargets = .allocate(capacity: shuffled ? partitions * blockRows : 0)
        residuals = .allocate(capacity: partitions * blockRows)
        partialGradients = .allocate(capacity: partitions * d)
        partialSums = .allocate(capacity: partitions * 2)
        weights = .allocate(capacity: d)
        savedWeights = .allocate(capacity: d)
    }

    deinit {
        order.deallocate()
        for buffer in [gatheredFeatures, gatheredTargets, residuals, partialGradients, partialSums, weights, savedWeights] { buffer.deallocate() }
    }
}

/// The training loop: per epoch, per batch, pull the batch's rows from a ``RowBlockSource`` in
/// epoch order, compute the gradient with the kernels, update. It never indexes the data
/// directly, so a source may stream from a file or hold one machine's share of the rows.
///
/// Rows are handed to the kernels in place wherever consecutive epoch positions are contiguous
/// rows (no shuffling, or ``Shuffling/blocks``); only ``Shuffling/uniform`` gathers rows into a
/// small buffer.
struct EpochLoop<Source: RowBlockSource> {
    typealias S = Source.Scalar
    let source: Source
    let configuration: GradientDescent<S>
    let rows: Int
    let columns: Int
    /// Rows per update.
    let batchSize: Int
    /// Rows per kernel call: small enough that a block stays in cache and that OpenBLAS runs
    /// the call on the calling thread (no nested threading under our own).
    let blockRows: Int
    /// Contiguous rows that stay together when ``Shuffling/blocks`` permutes the data.
    let shuffleBlockRows: Int
    let shuffling: Shuffling
    /// A large gradient is summed over this many fixed partitions, concurrently when more than
    /// one thread is allowed. The count does not depend on the thread count, so the result is the
    /// same bit for bit with any number of threads.
    static var partitions: Int { 8 }
    /// Gradients over at least this many elements are split into ``partitions`` partitions.
    static var parallelElements: Int { 1 << 17 }
    /// Gradients over at least this many elements (and fewer than ``parallelElements``) are split
    /// in two halves, which two workers compute at the same time in mini-batch mode.
    static var pairElements: Int { 1 << 12 }

    /// How many partitions the gradient over `count` rows is split into. It depends only on the
    /// shape, so results are identical however many threads run.
    func partitionCount(_ count: Int) -> Int {
        count * columns >= Self.parallelElements ? Self.partitions : count * columns >= Self.pairElements ? 2 : 1
    }
    let threads: Int
    var random: RandomSource
    let workspace: Workspace<S>

    init(source: Source, configuration: GradientDescent<S>) {
        self.source = source
        self.configuration = configuration
        rows = source.rowCount
        columns = source.columns
        switch configuration.mode {
        case .batch: batchSize = rows
        case let .miniBatch(size): batchSize = Swift.min(size, rows)
        case .stochastic: batchSize = 1
        }
        blockRows = Swift.max(1, Swift.min(8192 / columns, rows))
        shuffleBlockRows = Shuffling.blockRows(rows: rows, rowBytes: columns * MemoryLayout<S>.stride)
        // A full batch's gradient does not depend on the order of the rows.
        shuffling = batchSize == rows ? .none : configuration.shuffling
        threads = BLASConfiguration.threads
        random = RandomSource(seed: configuration.seed)
        workspace = Workspace(rows: rows, columns: columns, blockRows: blockRows, partitions: Self.partitions,
                              shuffled: shuffling != .none,
                              shuffleBlocks: (rows + shuffleBlockRows - 1) / shuffleBlockRows)
        if shuffling != .none { for i in 0..<rows { workspace.order[i] = i } }
    }

    mutating func run(_ model: inout LinearModel<S>, onEpoch: ((EpochReport<S>) -> Void)?) throws(DescentError)
        -> FitHistory<S> {
        let w = workspace.weights
        _ = w.initialize(from: model.weights)
        var bias = model.bias
        defer { model.weights = Array(w); model.bias = bias }

        var history = FitHistory<S>()
        let clock = ContinuousClock()
        let start = clock.now
        for epoch in 1...configuration.epochs {
            shuffleOrder()
            var state = EpochState(bias: bias)
            _ = workspace.savedWeights.update(fromContentsOf: w)
            let failure = compute(0..<rows, &state)
            bias = state.bias
            if let update = failure {
                // The last update overflowed: return to the start of the epoch, the last state known finite.
                if !isFinite(w) || !bias.isFinite {
                    _ = w.update(fromContentsOf: workspace.savedWeights)
                    bias = state.epochStartBias
                }
                throw divergence(epoch: epoch, update: update)
            }
            let loss = S(state.sumOfSquares / Double(rows))
            guard loss.isFinite else { throw divergence(epoch: epoch, update: state.updates) }
            let elapsed = (clock.now - start).seconds
            history.losses.append(loss)
            history.elapsedSeconds.append(elapsed)
            history.updates += state.updates
            onEpoch?(EpochReport(epoch: epoch, loss: loss, elapsedSeconds: elapsed, updates: state.updates))
            if let threshold = configuration.lossThreshold, loss <= threshold {
                history.stopReason = .lossThreshold
                break
            }
        }
        return history
    }

    /// What one epoch accumulates.
    struct EpochState {
        var bias: S
        let epochStartBias: S
        var sumOfSquares = 0.0
        var updates = 0
        init(bias: S) { self.bias = bias; epochStartBias = bias }
    }

    /// Draws this epoch's row order.
    mutating func shuffleOrder() {
        switch shuffling {
        case .none:
            return
        case .uniform:
            random.shuffle(workspace.order)
        case .blocks:
            // Fisher–Yates over blocks of contiguous rows, writing each block's rows as it is drawn.
            // The last (possibly short) block is drawn like any other.
            let blocks = (rows + shuffleBlockRows - 1) / shuffleBlockRows
            let order = workspace.order
            workspace.blockOrder.withUnsafeMutableBufferPointer { blockOrder in
                for b in 0..<blocks { blockOrder[b] = b }
                var position = 0
                for drawn in 0..<blocks {
                    let pick = drawn + Int(random.next(upperBound: UInt64(blocks - drawn)))
                    blockOrder.swapAt(drawn, pick)
                    let block = blockOrder[drawn]
                    for row in (block * shuffleBlockRows)..<Swift.min(rows, (block + 1) * shuffleBlockRows) {
                        order[position] = row
                        position += 1
                    }
                }
            }
        }
    }

    /// Rows from epoch position `position` on, at most `limit` of them: in place when
    /// consecutive positions are contiguous rows (the whole run, up to `limit`), otherwise
    /// gathered into partition `slot`'s buffer. The block may hold fewer than `limit` rows.
    func fetch(_ position: Int, limit: Int, slot: Int) -> RowBlock<S> {
        guard shuffling != .none else { return source.block(position..<(position + limit)) }
        let order = workspace.order
        let first = order[position]
        var run = 1
        while run < limit && order[position + run] == first + run { run += 1 }
        if run == limit || run >= 4 { return source.block(first..<(first + run)) }
        let features = workspace.gatheredFeatures.baseAddress! + slot * blockRows * columns
        let targets = workspace.gatheredTargets.baseAddress! + slot * blockRows
        source.gather(UnsafeBufferPointer(rebasing: order[position..<(position + limit)]),
                      features: features, targets: targets)
        return RowBlock(features: features, targets: targets, count: limit, columns: columns)
    }

    /// The updates for the rows at epoch positions `window`. Returns `nil`, or the number of the
    /// update that diverged.
    func compute(_ window: Range<Int>, _ state: inout EpochState) -> Int? {
        let w = workspace.weights
        let eta = configuration.learningRate
        if batchSize == 1 {
            var position = window.lowerBound
            while position < window.upperBound {
                let block = fetch(position, limit: Swift.min(blockRows, window.upperBound - position), slot: 0)
                let (q, failed) = Kernels.stochasticSteps(block, weights: w.baseAddress!, bias: &state.bias,
                                                          learningRate: eta)
                state.updates += failed ?? block.count
                state.sumOfSquares += Double(q)
                if failed != nil || !q.isFinite || !state.bias.isFinite || !isFinite(w) { return state.updates + 1 }
                position += block.count
            }
            return nil
        }
        if threads > 1, partitionCount(batchSize) == 2, window.count > batchSize,
           let failed = computeInPairs(window, &state) {
            return failed
        }
        let saved = workspace.savedWeights
        var position = window.lowerBound + state.updates * batchSize
        while position < window.upperBound {
            let m = Swift.min(batchSize, window.upperBound - position)
            let (sum, q) = gradient(position..<(position + m), bias: state.bias)
            if let failed = update(&state, rows: m, sum: sum, sumOfSquares: q) { return failed }
            position += m
        }
        return nil
    }

    /// `w ← w − η·(2/m)·g`, `b ← b − η·(2/m)·Σr` from the reduced gradient in the first partial
    /// buffer, refusing (and returning the update's number) when anything is not finite.
    func update(_ state: inout EpochState, rows m: Int, sum: S, sumOfSquares q: S) -> Int? {
        let w = workspace.weights, saved = workspace.savedWeights
        let g = workspace.partialGradients
        guard q.isFinite, sum.isFinite, isFinite(UnsafeMutableBufferPointer(rebasing: g[0..<columns])) else {
            return state.updates + 1
        }
        _ = saved.update(fromContentsOf: w)
        let step = -configuration.learningRate * 2 / S(m)
        S._axpy(Int32(columns), step, g.baseAddress!, 1, w.baseAddress!, 1)
        let newBias = state.bias + step * sum
        guard isFinite(w), newBias.isFinite else {
            _ = w.update(fromContentsOf: saved)
            return state.updates + 1
        }
        state.bias = newBias
        state.sumOfSquares += Double(q)
        state.updates += 1
        return nil
    }

    /// The full batches of `window` with each batch's two halves computed at the same time: this
    /// thread takes the first half and updates, a helper thread takes the second. Returns the
    /// diverged update's number, or `nil` with `state.updates` batches done (the caller finishes
    /// a short last batch). Returns `nil` at once if no helper thread can be started.
    func computeInPairs(_ window: Range<Int>, _ state: inout EpochState) -> Int? {
        let batches = window.count / batchSize
        let handOver = BatchHandOver()
        let shared = UncheckedSendable((self, UnsafeMutablePointer(&state)))
        func half(_ p: Int, of batch: Int, bias: S) {
            let lower = window.lowerBound + batch * batchSize
            partialGradient(p, of: 2, in: lower..<(lower + batchSize), bias: bias)
        }
        guard let helper = WorkerThread({
            let (loop, state) = shared.value
            for batch in 0..<batches {
                BatchHandOver.wait { handOver.ready.load(ordering: .acquiring) > batch || handOver.stop.load(ordering: .acquiring) }
                if handOver.stop.load(ordering: .acquiring) { return }
                let lower = window.lowerBound + batch * loop.batchSize
                loop.partialGradient(1, of: 2, in: lower..<(lower + loop.batchSize), bias: state.pointee.bias)
                handOver.done.store(batch + 1, ordering: .releasing)
            }
        }) else { return nil }
        defer { helper.join() }
        for batch in 0..<batches {
            half(0, of: batch, bias: state.bias)
            BatchHandOver.wait { handOver.done.load(ordering: .acquiring) > batch }
            let (sum, q) = reducePartials(2)
            if let failed = update(&state, rows: batchSize, sum: sum, sumOfSquares: q) {
                handOver.stop.store(true, ordering: .releasing)
                return failed
            }
            handOver.ready.store(batch + 2, ordering: .releasing)
        }
        return nil
    }

    /// `g ← Xᵀr` over the rows at epoch positions `range`, with `r = Xw + b − y`, into the first
    /// `d` entries of the partial-gradient buffer; returns `Σr` and `Σr²`.
    func gradient(_ range: Range<Int>, bias: S) -> (sum: S, sumOfSquares: S) {
        let parts = partitionCount(range.count)
        let shared = UncheckedSendable(self)
        if parts > 2 && threads > 1 {
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
        let w = UnsafePointer(ws.weights.baseAddress!)
        let lower = range.lowerBound + range.count * p / parts
        let upper = range.lowerBound + range.count * (p + 1) / parts
        let g = ws.partialGradients.baseAddress! + p * d
        let r = ws.residuals.baseAddress! + p * blockRows
        // Which kernel, from `swift run -c release bench` on 10⁶ × 100: for a full-batch gradient of
        // Double rows, the fused SIMD loop (each row read once) took 1.04–1.17× read-once against
        // 1.28–1.38× for two gemv per block; for mini-batches, and for Float rows (OpenBLAS's AVX2
        // kernels against Swift's baseline SSE2 code), the gemv pair was faster.
        let fused = parts == Self.partitions && MemoryLayout<S>.size == 8
        g.update(repeating: 0, count: d)
        var sum = S.zero, squares = S.zero
        var position = lower
        while position < upper {
            let rows = fetch(position, limit: Swift.min(blockRows, upper - position), slot: p)
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
            S._axpy(Int32(d), 1, ws.partialGradients.baseAddress! + p * d, 1, ws.partialGradients.baseAddress!, 1)
            sum += ws.partialSums[2 * p]
            squares += ws.partialSums[2 * p + 1]
        }
        return (sum, squares)
    }

    func isFinite(_ values: UnsafeMutableBufferPointer<S>) -> Bool {
        Validation.firstNonFinite(UnsafeBufferPointer(values)) == nil
    }

    /// The divergence error, with a hint from a cheap look at the data: the largest stable
    /// full-batch step is `2/λ_max`, and `λ_max ≤ 2·(1 + Σⱼ mean(xⱼ²))`.
    func divergence(epoch: Int, update: Int) -> DescentError {
        var meanSquares = [Double](repeating: 0, count: columns)
        var position = 0
        while position < rows {
            let end = Swift.min(position + blockRows, rows)
            let block = source.block(position..<end)
            for i in 0..<block.count {
                for j in 0..<columns {
                    let v = Double(block.features[i * columns + j])
                    meanSquares[j] += v * v / Double(rows)
                }
            }
            position = end
        }
        let bound = 1 / (1 + meanSquares.reduce(0, +))
        var hint = "Try a learning rate below \(formatScientific(bound)) (a bound from the data's scale), "
            + "or standardise the features."
        let sorted = meanSquares.sorted()
        if let largest = meanSquares.indices.max(by: { meanSquares[$0] < meanSquares[$1] }),
           columns > 1, meanSquares[largest] > 100 * Swift.max(sorted[columns / 2], .leastNormalMagnitude) {
            hint += " Feature \(largest) has a scale far above the others (root mean square "
                + "\(formatScientific(meanSquares[largest].squareRoot()))); standardising it will help most."
        }
        return .diverged(epoch: epoch, update: update, learningRate: "\(configuration.learningRate)", hint: hint)
    }
}

extension Duration {
    /// This duration in seconds.
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) * 1e-18
    }
}

/// Hands a value to concurrent tasks that each touch only their own part of it.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
