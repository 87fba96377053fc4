import Dispatch

/// Buffers sized once per fit: nothing in the epoch loop allocates.
final class Workspace<S: BLASScalar>: @unchecked Sendable {
    /// The source row of every epoch position (shuffled or subset epochs only).
    let order: UnsafeMutableBufferPointer<Int>
    /// The epoch's order of shuffle blocks (``Shuffling/blocks`` only).
    var blockOrder: [Int]
    /// Rows gathered for the kernels: partitions × blockRows rows, and their targets.
    let gatheredFeatures: UnsafeMutableBufferPointer<S>
    let gatheredTargets: UnsafeMutableBufferPointer<S>
    let residuals: UnsafeMutableBufferPointer<S>         // partitions × blockRows
    let partialGradients: UnsafeMutableBufferPointer<S>  // partitions × d
    let partialSums: UnsafeMutableBufferPointer<S>       // partitions × 2: Σr, Σr²
    /// `θ = (w, b)` being trained, and copies: the last state known finite, the best epoch's
    /// (early stopping); the optimiser's moments and the averaged-SGD average. `d + 1` each.
    let theta: UnsafeMutableBufferPointer<S>
    let savedTheta: UnsafeMutableBufferPointer<S>
    let bestTheta: UnsafeMutableBufferPointer<S>
    let first: UnsafeMutableBufferPointer<S>
    let second: UnsafeMutableBufferPointer<S>
    let average: UnsafeMutableBufferPointer<S>

    init(rows: Int, columns d: Int, blockRows: Int, partitions: Int, ordered: Bool, shuffleBlocks: Int) {
        order = .allocate(capacity: ordered ? rows : 0)
        blockOrder = [Int](repeating: 0, count: ordered ? shuffleBlocks : 0)
        gatheredFeatures = .allocate(capacity: partitions * blockRows * d)
        gatheredTargets = .allocate(capacity: partitions * blockRows)
        residuals = .allocate(capacity: partitions * blockRows)
        partialGradients = .allocate(capacity: partitions * d)
        partialSums = .allocate(capacity: partitions * 2)
        theta = .allocate(capacity: d + 1)
        savedTheta = .allocate(capacity: d + 1)
        bestTheta = .allocate(capacity: d + 1)
        first = .allocate(capacity: d + 1)
        second = .allocate(capacity: d + 1)
        average = .allocate(capacity: d + 1)
        for buffer in [theta, savedTheta, bestTheta, first, second, average] { buffer.initialize(repeating: 0) }
    }

    deinit {
        order.deallocate()
        for buffer in [gatheredFeatures, gatheredTargets, residuals, partialGradients, partialSums,
                       theta, savedTheta, bestTheta, first, second, average] { buffer.deallocate() }
    }
}

/// The training loop: per epoch, per batch, pull the batch's rows from a ``RowBlockSource`` in
/// epoch order, compute the gradient with the kernels, update. It never indexes the data
/// directly, so a source may stream from a file or hold one machine's share of the rows.
///
/// Rows are handed to the kernels in place wherever consecutive epoch positions are contiguous
/// rows (no shuffling, or ``Shuffling/blocks``); only ``Shuffling/uniform`` and training on a
/// subset (early stopping's held-out rows) gather rows into a small buffer.
struct EpochLoop<Source: RowBlockSource> {
    typealias S = Source.Scalar
    let source: Source
    let configuration: GradientDescent<S>
    /// The rows trained on (all, or those not held out), and the held-out validation rows.
    let members: [Int]?
    let validation: [Int]
    let rows: Int
    let columns: Int
    let epochs: Int
    /// The base learning rate `η₀` (the configured one, or the automatic choice).
    let baseRate: Double
    /// Rows per update.
    let batchSize: Int
    /// Rows per kernel call: small enough that a block stays in cache and that OpenBLAS runs
    /// the call on the calling thread (no nested threading under our own).
    let blockRows: Int
    /// Contiguous rows that stay together when ``Shuffling/blocks`` permutes the data.
    let shuffleBlockRows: Int
    let shuffling: Shuffling
    /// Whether epochs visit rows through `order` (shuffled, or a subset).
    let ordered: Bool
    /// Plain SGD with no penalty and a rate that is constant within an epoch: the fast path.
    let plain: Bool
    /// Averaged SGD: the model is the average of the iterates once averaging has begun.
    let averaging: Bool
    let rule: UpdateRule<S>
    /// A large gradient is summed over this many fixed partitions, concurrently when more than
    /// one thread is allowed. The count does not depend on the thread count, so the result is the
    /// same bit for bit with any number of threads.
    static var partitions: Int { 8 }
    /// Full-batch gradients over at least this many elements are split into ``partitions`` partitions.
    static var parallelElements: Int { 1 << 17 }
    /// Mini-batch gradients over at least this many elements are split in two halves, which two
    /// workers compute at the same time.
    static var pairElements: Int { 1 << 12 }
    let threads: Int
    var random: RandomSource
    let workspace: Workspace<S>
    /// The helper thread and its hand-over, while a fit that splits mini-batches runs.
    var pair: (thread: WorkerThread, handOver: BatchHandOver)? = nil

    init(source: Source, configuration: GradientDescent<S>, baseRate: Double, epochs: Int,
         members: [Int]? = nil, validation: [Int] = [], seed: UInt64) {
        self.source = source
        self.configuration = configuration
        self.members = members
        self.validation = validation
        self.baseRate = baseRate
        self.epochs = epochs
        rows = members?.count ?? source.rowCount
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
        ordered = shuffling != .none || members != nil
        threads = configuration.threadsOverride ?? BLASConfiguration.threads
        random = RandomSource(seed: seed)
        workspace = Workspace(rows: rows, columns: columns, blockRows: blockRows, partitions: Self.partitions,
                              ordered: ordered, shuffleBlocks: (rows + shuffleBlockRows - 1) / shuffleBlockRows)
        averaging = if case .averaged = configuration.optimizer.kind { true } else { false }
        let strengths = configuration.penalty.strengths
        plain = configuration.optimizer == .sgd && strengths.l1 == 0 && strengths.l2 == 0
            && !configuration.schedule.changesWithinEpoch
        rule = UpdateRule(optimizer: configuration.optimizer, l2: S(strengths.l2), l1: S(strengths.l1), d: columns,
                          theta: workspace.theta.baseAddress!, first: workspace.first.baseAddress!,
                          second: workspace.second.baseAddress!, average: workspace.average.baseAddress!)
    }

    /// Loads the model and its training state into the buffers.
    func load(_ model: LinearModel<S>, _ state: TrainingState<S>) {
        let d = columns, ws = workspace
        if averaging && state.iterate.count == d + 1 {
            _ = ws.theta.update(fromContentsOf: state.iterate)
            for j in 0..<d { ws.average[j] = model.weights[j] }
            ws.average[d] = model.bias
        } else {
            for j in 0..<d { ws.theta[j] = model.weights[j] }
            ws.theta[d] = model.bias
            _ = ws.average.update(fromContentsOf: ws.theta)
        }
        if state.firstMoment.count == d + 1 { _ = ws.first.update(fromContentsOf: state.firstMoment) }
        if state.secondMoment.count == d + 1 { _ = ws.second.update(fromContentsOf: state.secondMoment) }
    }

    /// Writes the buffers back into the model and its training state.
    func store(_ model: inout LinearModel<S>, _ state: inout TrainingState<S>) {
        let d = columns, ws = workspace
        let output = currentModel(averaged: state.averaged)
        model.weights = Array(output[0..<d])
        model.bias = output[d]
        state.optimizer = configuration.optimizer
        switch configuration.optimizer.kind {
        case .sgd: break
        case .momentum, .nesterov: state.firstMoment = Array(ws.first)
        case .adam: state.firstMoment = Array(ws.first); state.secondMoment = Array(ws.second)
        case .averaged: state.iterate = Array(ws.theta)
        }
    }

    mutating func run(_ model: inout LinearModel<S>, onEpoch: ((EpochReport<S>) -> Void)?) throws(DescentError)
        -> FitHistory<S> {
        var state = model.trainingState ?? TrainingState()
        if state.optimizer != configuration.optimizer {
            // Another optimiser's buffers mean nothing to this one.
            state.firstMoment = []; state.secondMoment = []; state.iterate = []; state.averaged = 0
        }
        load(model, state)
        defer {
            store(&model, &state)
            model.trainingState = state
        }
        // Mini-batches split in two halves get one helper thread for the whole fit.
        if threads > 1, batchSize > 1, partitionCount(batchSize) == 2, rows > batchSize {
            pair = startPair()
        }
        defer { stopPair() }
        let ws = workspace
        var history = FitHistory<S>()
        history.losses.reserveCapacity(epochs)
        history.elapsedSeconds.reserveCapacity(epochs)
        history.learningRates.reserveCapacity(epochs)
        if !validation.isEmpty { history.validationLosses.reserveCapacity(epochs) }
        history.learningRate = baseRate
        let clock = ContinuousClock()
        let start = clock.now
        var bestValidation = Double.infinity, bestTraining = Double.infinity
        var validationStale = 0, trainingStale = 0
        for _ in 1...epochs {
            let epoch = history.epochs + 1
            shuffleOrder()
            let rate = configuration.schedule.rate(base: baseRate, update: state.updates + 1, epoch: state.epochs,
                                                   scale: state.rateScale)
            var progress = EpochProgress(updatesBefore: state.updates, averaged: state.averaged, rate: S(rate))
            _ = ws.savedTheta.update(fromContentsOf: ws.theta)
            let failure = compute(0..<rows, &progress)
            state.updates = progress.updatesBefore + progress.updates
            state.averaged = progress.averaged
            if let update = failure {
                // Return to the last state known finite; the optimiser starts afresh after it.
                if !isFinite(ws.theta) { _ = ws.theta.update(fromContentsOf: ws.savedTheta) }
                ws.first.update(repeating: 0); ws.second.update(repeating: 0)
                if state.averaged == 0 || !isFinite(ws.average) { _ = ws.average.update(fromContentsOf: ws.theta) }
                state.firstMoment = []; state.secondMoment = []
                throw divergence(epoch: epoch, update: update)
            }
            let loss = S(progress.sumOfSquares / Double(rows))
            guard loss.isFinite else { throw divergence(epoch: epoch, update: progress.updates) }
            state.epochs += 1
            let elapsed = (clock.now - start).seconds
            history.losses.append(loss)
            history.elapsedSeconds.append(elapsed)
            history.learningRates.append(rate)
            history.updates += progress.updates
            var monitored = Double(loss)
            if !validation.isEmpty {
                let validationLoss = validationError(averaged: state.averaged)
                history.validationLosses.append(S(validationLoss))
                monitored = validationLoss
            }
            onEpoch?(EpochReport(epoch: epoch, loss: loss, elapsedSeconds: elapsed, updates: progress.updates))

            if let threshold = configuration.lossThreshold, loss <= threshold {
                history.stopReason = .lossThreshold
                break
            }
            if let rule = configuration.earlyStopping, !validation.isEmpty {
                if monitored < bestValidation - rule.tolerance {
                    bestValidation = monitored
                    validationStale = 0
                    history.bestEpoch = epoch
                    _ = ws.bestTheta.update(fromContentsOf: currentModel(averaged: state.averaged))
                } else {
                    validationStale += 1
                    if validationStale >= rule.patience {
                        restoreBest()
                        history.stopReason = .earlyStopping
                        break
                    }
                }
            }
            if let tolerance = configuration.tolerance {
                if Double(loss) < bestTraining - tolerance { bestTraining = Double(loss); trainingStale = 0 } else {
                    trainingStale += 1
                    if trainingStale >= configuration.patience {
                        history.stopReason = .tolerance
                        break
                    }
                }
            }
            if case let .adaptive(tolerance, patience, minimum) = configuration.schedule {
                if monitored < state.bestMonitored - tolerance {
                    state.bestMonitored = monitored
                    state.epochsWithoutImprovement = 0
                } else {
                    state.epochsWithoutImprovement += 1
                    if state.epochsWithoutImprovement >= patience {
                        state.rateScale /= 5
                        state.epochsWithoutImprovement = 0
                        if baseRate * state.rateScale < minimum {
                            history.stopReason = .learningRateExhausted
                            break
                        }
                    }
                }
            }
        }
        if history.stopReason == .epochBudget, configuration.earlyStopping != nil, !validation.isEmpty,
           history.bestEpoch != history.epochs {
            restoreBest()
        }
        return history
    }

    /// The parameters the model would hold now, with `averaged` iterates averaged so far: the
    /// average for averaged SGD once averaging has begun, else `θ`.
    func currentModel(averaged: Int) -> UnsafeMutableBufferPointer<S> {
        averaging && averaged > 0 ? workspace.average : workspace.theta
    }

    /// Puts the best epoch's parameters back (into the average too, for averaged SGD).
    func restoreBest() {
        _ = workspace.theta.update(fromContentsOf: workspace.bestTheta)
        _ = workspace.average.update(fromContentsOf: workspace.bestTheta)
    }

    /// What one epoch accumulates.
    struct EpochProgress {
        let updatesBefore: Int
        var averaged: Int
        let rate: S
        var sumOfSquares = 0.0
        var updates = 0
        init(updatesBefore: Int, averaged: Int, rate: S) {
            self.updatesBefore = updatesBefore
            self.averaged = averaged
            self.rate = rate
        }
    }

    /// Draws this epoch's row order.
    mutating func shuffleOrder() {
        guard ordered else { return }
        let order = workspace.order
        func member(_ position: Int) -> Int { members?[position] ?? position }
        switch shuffling {
        case .none:
            for p in 0..<rows { order[p] = member(p) }
        case .uniform:
            for p in 0..<rows { order[p] = member(p) }
            var rows = order
            random.shuffle(&rows)
        case .blocks:
            // Fisher–Yates over blocks of contiguous positions, writing each block's rows as it is
            // drawn. The last (possibly short) block is drawn like any other.
            let blocks = (rows + shuffleBlockRows - 1) / shuffleBlockRows
            workspace.blockOrder.withUnsafeMutableBufferPointer { blockOrder in
                for b in 0..<blocks { blockOrder[b] = b }
                var position = 0
                for drawn in 0..<blocks {
                    let pick = drawn + Int(random.next(upperBound: UInt64(blocks - drawn)))
                    blockOrder.swapAt(drawn, pick)
                    let block = blockOrder[drawn]
                    for p in (block * shuffleBlockRows)..<Swift.min(rows, (block + 1) * shuffleBlockRows) {
                        order[position] = member(p)
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
        guard ordered else { return source.block(position..<(position + limit)) }
        let order = workspace.order
        let first = order[position]
        var run = 1
        while run < limit && order[position + run] == first + run { run += 1 }
        if run == limit || run >= 4 { return source.block(first..<(first + run)) }
        return gather(UnsafeBufferPointer(rebasing: order[position..<(position + limit)]), slot: slot)
    }

    func gather(_ indices: UnsafeBufferPointer<Int>, slot: Int) -> RowBlock<S> {
        let features = workspace.gatheredFeatures.baseAddress! + slot * blockRows * columns
        let targets = workspace.gatheredTargets.baseAddress! + slot * blockRows
        source.gather(indices, features: features, targets: targets)
        return RowBlock(features: features, targets: targets, count: indices.count, columns: columns)
    }

    /// The MSE of the current model on the held-out rows.
    func validationError(averaged: Int) -> Double {
        let theta = currentModel(averaged: averaged)
        var total = 0.0
        validation.withUnsafeBufferPointer { indices in
            var start = 0
            while start < indices.count {
                let end = Swift.min(start + blockRows, indices.count)
                let block = gather(UnsafeBufferPointer(rebasing: indices[start..<end]), slot: 0)
                let (_, q) = Kernels.residuals(block, weights: theta.baseAddress!, bias: theta[columns],
                                               into: workspace.residuals.baseAddress!)
                total += Double(q)
                start = end
            }
        }
        return total / Double(validation.count)
    }

    /// The updates for the rows at epoch positions `window`. Returns `nil`, or the number of the
    /// update that diverged.
    func compute(_ window: Range<Int>, _ progress: inout EpochProgress) -> Int? {
        let theta = workspace.theta
        if batchSize == 1 {
            var position = window.lowerBound
            while position < window.upperBound {
                let block = fetch(position, limit: Swift.min(blockRows, window.upperBound - position), slot: 0)
                let q: S, failed: Int?
                if plain {
                    var bias = theta[columns]
                    (q, failed) = Kernels.stochasticSteps(block, weights: theta.baseAddress!, bias: &bias,
                                                          learningRate: progress.rate)
                    theta[columns] = bias
                } else {
                    (q, failed) = stochasticSteps(block, &progress)
                }
                if plain { progress.updates += failed ?? block.count }   // the general path counts per row
                progress.sumOfSquares += Double(q)
                if failed != nil || !q.isFinite || !isFinite(theta) { return progress.updates + 1 }
                position += block.count
            }
            return nil
        }
        if pair != nil, window.count > batchSize, let failed = computeInPairs(window, &progress) {
            return failed
        }
        var position = window.lowerBound + progress.updates * batchSize
        while position < window.upperBound {
            let m = Swift.min(batchSize, window.upperBound - position)
            let (sum, q) = gradient(position..<(position + m), bias: theta[columns])
            if let failed = update(&progress, rows: m, sum: sum, sumOfSquares: q) { return failed }
            position += m
        }
        return nil
    }

    /// One update per row of `block` with the general rule (any optimiser, penalty, schedule).
    /// Returns `Σr²` and the index of the first row whose loss was not finite, if any.
    func stochasticSteps(_ block: RowBlock<S>, _ progress: inout EpochProgress) -> (S, Int?) {
        let theta = workspace.theta.baseAddress!
        let d = columns
        var q = S.zero
        let perUpdate = configuration.schedule.changesWithinEpoch
        for i in 0..<block.count {
            let x = block.features + i * d
            let r = Kernels.dot(x, theta, d) + theta[d] - block.targets[i]
            let loss = r * r
            guard loss.isFinite else { return (q, i) }
            q += loss
            let t = progress.updatesBefore + progress.updates + 1
            let eta = perUpdate ? S(configuration.schedule.rate(base: baseRate, update: t, epoch: 0, scale: 1)) : progress.rate
            let twoR = 2 * r
            rule.apply(eta: eta, t: t, averaged: &progress.averaged) { j in j < d ? twoR * x[j] : twoR }
            progress.updates += 1
        }
        return (q, nil)
    }

    /// `θ ← θ − η·∂L/∂θ` from the reduced gradient in the first partial buffer (`Xᵀr`, `Σr` over
    /// `m` rows), refusing (and returning the update's number) when anything is not finite.
    func update(_ progress: inout EpochProgress, rows m: Int, sum: S, sumOfSquares q: S) -> Int? {
        let theta = workspace.theta, saved = workspace.savedTheta
        let g = workspace.partialGradients
        guard q.isFinite, sum.isFinite, isFinite(UnsafeMutableBufferPointer(rebasing: g[0..<columns])) else {
            return progress.updates + 1
        }
        _ = saved.update(fromContentsOf: theta)
        let scale = 2 / S(m)
        let t = progress.updatesBefore + progress.updates + 1
        if plain {
            let step = -progress.rate * scale
            BLAS.axpy(columns, step, g.baseAddress!, theta.baseAddress!)
            theta[columns] += step * sum
        } else {
            let eta = configuration.schedule.changesWithinEpoch
                ? S(configuration.schedule.rate(base: baseRate, update: t, epoch: 0, scale: 1)) : progress.rate
            let d = columns
            rule.apply(eta: eta, t: t, averaged: &progress.averaged) { j in j < d ? scale * g[j] : scale * sum }
        }
        guard isFinite(theta) else {
            _ = theta.update(fromContentsOf: saved)
            return progress.updates + 1
        }
        progress.sumOfSquares += Double(q)
        progress.updates += 1
        return nil
    }

    /// How many partitions the gradient over `count` rows is split into. It depends only on the
    /// shape, so results are identical however many threads run.
    /// Full-batch gradients use ``partitions`` partitions (run by all threads); mini-batches, whose
    /// updates follow each other closely, are split in two halves for the fit's helper thread.
    func partitionCount(_ count: Int) -> Int {
        let elements = count * columns
        if batchSize == rows { return elements >= Self.parallelElements ? Self.partitions : 1 }
        return elements >= Self.pairElements ? 2 : 1
    }

    /// Starts the helper that computes the second half of every mini-batch of the fit: it waits
    /// for job `k` to be published, reads the job's first position, computes its half into partial
    /// buffer 1 and reports it done. `nil` if no thread can be started (then one thread does all).
    func startPair() -> (thread: WorkerThread, handOver: BatchHandOver)? {
        let handOver = BatchHandOver()
        let shared = UncheckedSendable(self)
        guard let thread = WorkerThread({
            let loop = shared.value
            var job = 0
            while true {
                BatchHandOver.wait {
                    handOver.published.load(ordering: .acquiring) > job || handOver.stop.load(ordering: .acquiring)
                }
                if handOver.published.load(ordering: .acquiring) <= job { return }   // stopped
                let lower = handOver.position.load(ordering: .relaxed)
                loop.partialGradient(1, of: 2, in: lower..<(lower + loop.batchSize), bias: loop.workspace.theta[loop.columns])
                job += 1
                handOver.done.store(job, ordering: .releasing)
            }
        }) else { return nil }
        return (thread, handOver)
    }

    /// Ends the helper and waits for it.
    mutating func stopPair() {
        guard let (thread, handOver) = pair else { return }
        handOver.stop.store(true, ordering: .releasing)
        thread.join()
        pair = nil
    }

    /// The full batches of `window` with each batch's two halves computed at the same time: this
    /// thread takes the first half and updates, the helper takes the second. Returns the diverged
    /// update's number, or `nil` with `progress.updates` batches done (the caller finishes a short
    /// last batch); `nil` at once when there is no helper.
    func computeInPairs(_ window: Range<Int>, _ progress: inout EpochProgress) -> Int? {
        guard let (_, handOver) = pair else { return nil }
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
            if let failed = update(&progress, rows: batchSize, sum: sum, sumOfSquares: q) { return failed }
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
        let w = UnsafePointer(ws.theta.baseAddress!)
        let lower = range.lowerBound + range.count * p / parts
        let upper = range.lowerBound + range.count * (p + 1) / parts
        let g = ws.partialGradients.baseAddress! + p * d
        let r = ws.residuals.baseAddress! + p * blockRows
        // Which kernel, from `swift run -c release bench` (ratios to read-once): for full-batch
        // gradients of Double rows of 100 features the fused SIMD loop (each row read once) took
        // 1.04–1.17× against 1.28–1.38× for two gemv per block; at 300 features they were level
        // (1.37× vs 1.33×), at 1000 gemv won (1.13× vs 3.0×). For mini-batches, and for Float rows
        // (OpenBLAS's AVX2 kernels against Swift's baseline SSE2 code), the gemv pair was faster.
        let fused = parts == Self.partitions && MemoryLayout<S>.size == 8 && d <= 200
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
            BLAS.axpy(d, 1, ws.partialGradients.baseAddress! + p * d, ws.partialGradients.baseAddress!)
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
        let all = source.rowCount
        var position = 0
        while position < all {
            let end = Swift.min(position + blockRows, all)
            let block = source.block(position..<end)
            for i in 0..<block.count {
                for j in 0..<columns {
                    let v = Double(block.features[i * columns + j])
                    meanSquares[j] += v * v / Double(all)
                }
            }
            position = end
        }
        let bound = 1 / (1 + meanSquares.reduce(0, +))
        var hint = "From the data's scale, the largest stable full-batch learning rate is at most "
            + "\(formatScientific(bound)): try a learning rate of about \(formatScientific(bound / 2)), "
            + "or standardise the features."
        let sorted = meanSquares.sorted()
        if let largest = meanSquares.indices.max(by: { meanSquares[$0] < meanSquares[$1] }),
           columns > 1, meanSquares[largest] > 100 * Swift.max(sorted[columns / 2], .leastNormalMagnitude) {
            hint += " Feature \(largest) has a scale far above the others (root mean square "
                + "\(formatScientific(meanSquares[largest].squareRoot()))); standardising it will help most."
        }
        return .diverged(epoch: epoch, update: update, learningRate: "\(S(baseRate))", hint: hint)
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
