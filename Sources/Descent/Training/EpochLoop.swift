import Dispatch

/// Buffers sized once per fit: nothing in the epoch loop allocates.
final class Workspace<S: BLASScalar> {
    let order: UnsafeMutableBufferPointer<Int>?      // epoch order of row indices; nil = identity
    let gatheredFeatures: UnsafeMutableBufferPointer<S>  // partitions × blockRows × d
    let gatheredTargets: UnsafeMutableBufferPointer<S>   // partitions × blockRows
    let residuals: UnsafeMutableBufferPointer<S>         // partitions × blockRows
    let partialGradients: UnsafeMutableBufferPointer<S>  // partitions × d
    let partialSums: UnsafeMutableBufferPointer<S>       // partitions × 2: Σr, Σr²
    let weights: UnsafeMutableBufferPointer<S>           // d: the weights being trained
    let savedWeights: UnsafeMutableBufferPointer<S>      // d: last state known to be finite

    init(rows: Int, columns d: Int, blockRows: Int, partitions: Int, shuffled: Bool) {
        if shuffled {
            let order = UnsafeMutableBufferPointer<Int>.allocate(capacity: rows)
            for i in 0..<rows { order[i] = i }
            self.order = order
        } else {
            self.order = nil
        }
        gatheredFeatures = .allocate(capacity: shuffled ? partitions * blockRows * d : 0)
        gatheredTargets = .allocate(capacity: shuffled ? partitions * blockRows : 0)
        residuals = .allocate(capacity: partitions * blockRows)
        partialGradients = .allocate(capacity: partitions * d)
        partialSums = .allocate(capacity: partitions * 2)
        weights = .allocate(capacity: d)
        savedWeights = .allocate(capacity: d)
    }

    deinit {
        order?.deallocate()
        for buffer in [gatheredFeatures, gatheredTargets, residuals, partialGradients, partialSums,
                       weights, savedWeights] {
            buffer.deallocate()
        }
    }
}

/// The training loop: per epoch, per batch, pull row blocks in epoch order, compute the
/// gradient with the kernels, update. Knows nothing of where rows live (``RowBlockSource``).
struct EpochLoop<Source: RowBlockSource> {
    typealias S = Source.Scalar
    let source: Source
    let configuration: GradientDescent<S>
    let rows: Int
    let columns: Int
    /// Rows per update.
    let batchSize: Int
    /// Rows per kernel call: small enough that a block stays in cache and that OpenBLAS runs
    /// the call on the calling thread (no nested threading under our own partitions).
    let blockRows: Int
    /// A large gradient is summed over this many fixed partitions, concurrently when OpenBLAS
    /// is allowed more than one thread. The count does not depend on the thread count, so the
    /// result is the same bit for bit with any number of threads.
    static var partitions: Int { 8 }
    /// Gradients over fewer elements than this are not worth splitting.
    static var parallelElements: Int { 1 << 17 }
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
        threads = BLASConfiguration.threads
        random = RandomSource(seed: configuration.seed)
        let shuffled = configuration.shuffle && batchSize < rows
        workspace = Workspace(rows: rows, columns: columns, blockRows: blockRows,
                              partitions: Self.partitions, shuffled: shuffled)
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
            if let order = workspace.order { random.shuffle(order) }
            let (sumOfSquares, updates) = try runEpoch(epoch, bias: &bias)
            let loss = S(sumOfSquares / Double(rows))
            guard loss.isFinite else {
                throw divergence(epoch: epoch, update: updates)
            }
            let elapsed = (clock.now - start).seconds
            history.losses.append(loss)
            history.elapsedSeconds.append(elapsed)
            history.updates += updates
            onEpoch?(EpochReport(epoch: epoch, loss: loss, elapsedSeconds: elapsed, updates: updates))
            if let threshold = configuration.lossThreshold, loss <= threshold {
                history.stopReason = .lossThreshold
                break
            }
        }
        return history
    }

    /// One epoch; returns `Σr²` over its rows (in `Double`) and the number of updates.
    mutating func runEpoch(_ epoch: Int, bias: inout S) throws(DescentError) -> (Double, Int) {
        let w = workspace.weights
        let saved = workspace.savedWeights
        let eta = configuration.learningRate
        var total = 0.0
        var updates = 0
        if batchSize == 1 {
            // Stochastic: blocks of rows, one update per row inside the kernel.
            _ = saved.update(fromContentsOf: w)
            var position = 0
            while position < rows {
                let end = Swift.min(position + blockRows, rows)
                let block = fetch(position..<end, slot: 0)
                let (q, failed) = Kernels.stochasticSteps(block, weights: w.baseAddress!, bias: &bias,
                                                          learningRate: eta)
                updates += failed ?? block.count
                total += Double(q)
                if failed != nil || !q.isFinite || !isFinite(w) || !bias.isFinite {
                    // An update overflowed: return to the start of the epoch, the last state known finite.
                    if !isFinite(w) || !bias.isFinite { _ = w.update(fromContentsOf: saved) }
                    throw divergence(epoch: epoch, update: updates + 1)
                }
                position = end
            }
            return (total, updates)
        }
        var position = 0
        while position < rows {
            let m = Swift.min(batchSize, rows - position)
            let (sum, q) = gradient(position..<(position + m), bias: bias)
            let g = workspace.partialGradients
            guard q.isFinite, sum.isFinite, isFinite(UnsafeMutableBufferPointer(rebasing: g[0..<columns])) else {
                throw divergence(epoch: epoch, update: updates + 1)
            }
            _ = saved.update(fromContentsOf: w)
            let step = -eta * 2 / S(m)
            S._axpy(Int32(columns), step, g.baseAddress!, 1, w.baseAddress!, 1)
            let newBias = bias + step * sum
            guard isFinite(w), newBias.isFinite else {
                _ = w.update(fromContentsOf: saved)
                throw divergence(epoch: epoch, update: updates + 1)
            }
            bias = newBias
            total += Double(q)
            updates += 1
            position += m
        }
        return (total, updates)
    }

    /// `g ← Xᵀr` over the rows at epoch positions `range`, with `r = Xw + b − y`, into the first
    /// `d` entries of the partial-gradient buffer; returns `Σr` and `Σr²`.
    func gradient(_ range: Range<Int>, bias: S) -> (sum: S, sumOfSquares: S) {
        let d = columns
        let parts = range.count * d >= Self.parallelElements ? Self.partitions : 1
        // Each partition writes only its own slices of the workspace.
        let shared = UncheckedSendable(self)
        let work = { @Sendable (p: Int) in
            let loop = shared.value, ws = loop.workspace, blockRows = loop.blockRows
            let w = UnsafePointer(ws.weights.baseAddress!)
            let lower = range.lowerBound + range.count * p / parts
            let upper = range.lowerBound + range.count * (p + 1) / parts
            let g = ws.partialGradients.baseAddress! + p * d
            let r = ws.residuals.baseAddress! + p * blockRows
            g.update(repeating: 0, count: d)
            var sum = S.zero, squares = S.zero
            var position = lower
            while position < upper {
                let end = Swift.min(position + blockRows, upper)
                let block = loop.fetch(position..<end, slot: p)
                let (s, q) = Kernels.residuals(block, weights: w, bias: bias, into: r)
                Kernels.accumulateGradient(block, residuals: r, into: g)
                sum += s
                squares += q
                position = end
            }
            ws.partialSums[2 * p] = sum
            ws.partialSums[2 * p + 1] = squares
        }
        if parts > 1 && threads > 1 {
            DispatchQueue.concurrentPerform(iterations: parts, execute: work)
        } else {
            for p in 0..<parts { work(p) }
        }
        let ws = workspace
        var sum = ws.partialSums[0], squares = ws.partialSums[1]
        for p in 1..<parts {
            S._axpy(Int32(d), 1, ws.partialGradients.baseAddress! + p * d, 1, ws.partialGradients.baseAddress!, 1)
            sum += ws.partialSums[2 * p]
            squares += ws.partialSums[2 * p + 1]
        }
        return (sum, squares)
    }

    /// The rows at epoch positions `range`: in place when the order is the identity, otherwise
    /// gathered into partition `slot`'s buffer.
    func fetch(_ range: Range<Int>, slot: Int) -> RowBlock<S> {
        guard let order = workspace.order else { return source.block(range) }
        let features = workspace.gatheredFeatures.baseAddress! + slot * blockRows * columns
        let targets = workspace.gatheredTargets.baseAddress! + slot * blockRows
        source.gather(UnsafeBufferPointer(rebasing: order[range]), features: features, targets: targets)
        return RowBlock(features: features, targets: targets, count: range.count, columns: columns)
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

/// Hands a value to concurrent partitions that each touch only their own part of it.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
