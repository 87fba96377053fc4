/// Stochastic updates on sparse rows in work proportional to the row's nonzeros: each weight
/// a row does not touch is left as it was and caught up in closed form at its next touch (or at
/// the end of the window), to the value the dense update rule would have given it.
///
/// A weight no row touches still moves at every update: the L2 term scales it, the L1 step
/// shrinks it, SVRG's full gradient drifts it, momentum carries it. Over the updates `s < i ≤ t`
/// with rates `ηᵢ`, `aᵢ = 1 − 2ηᵢλ₂` and `Pₜ = Πaᵢ`, the dense rule is
///
/// - plain steps: `xₜ/Pₜ = xₛ/Pₛ − μ·(Eₜ − Eₛ)` with `Eₜ = Σηᵢ/Pᵢ` (`μ` the snapshot's
///   gradient under SVRG, else 0);
/// - with an L1 step: `|xₜ|/Pₜ = max(0, |xₛ|/Pₛ − (Cₜ − Cₛ))` with `Cₜ = Σηᵢλ₁/Pᵢ` (the
///   shrinkage only reaches zero, where it stays: Tsuruoka et al.'s cumulative penalty, exact
///   here because the scale `P` is kept apart);
/// - averaged SGD: the average gains `Σxᵢ = xₛ/Pₛ·(Qₜ − Qₛ)` with `Qₜ = ΣPᵢ` over averaged updates;
/// - momentum and Nesterov (a rate constant within the window): `(x, v)` is multiplied by the
///   step's `2 × 2` matrix to the power `t − s` (by squaring).
///
/// `P`, `C`, `E`, `Q` are kept per update of the window; a weight remembers the update it is
/// current at. The window ends (every weight caught up) when the caller asks, when `P` nears
/// underflow, or after ``windowUpdates`` updates. Momentum with an L1 step, and SVRG with an L1
/// step or averaging, have no such closed form: those configurations take the dense rule
/// (``applies(to:)``), exactly, at O(d) per update.
final class LazySparseSteps<S: BLASScalar>: @unchecked Sendable {  // used by the one thread making the updates
    /// The updates of one window at most (the histories' length).
    static var windowUpdates: Int { 1 << 16 }

    /// Whether the closed forms cover `settings`: stochastic updates, or mini-batches, on sparse
    /// rows (plain stochastic steps have their own O(nnz) kernel; mini-batches with SVRG take the
    /// dense rule).
    static func applies(to settings: TrainingSettings<S>) -> Bool {
        guard settings.batchSize < settings.rows, !settings.proximalMomentum else { return false }
        if settings.batchSize == 1 && settings.plain { return false }
        if settings.batchSize > 1 && settings.varianceReduced { return false }
        switch settings.optimizer {
        case .sgd: return !(settings.varianceReduced && settings.l1 > 0)
        case .averaged: return !settings.varianceReduced && settings.l1 == 0
        case .momentum, .nesterov:
            return settings.l1 == 0 && !settings.varianceReduced && !settings.learningRate.changesWithinEpoch
        case .adam: return false
        }
    }

    let l1: Double, l2: Double
    let optimizer: Optimizer
    let drift: Bool
    /// Per weight (`d·k`): the update of the window it is current at.
    private let current: UnsafeMutableBufferPointer<Int>
    /// Per update of the window (index 0: its start): `P`, `C`, `E`, `Q` and the averaged count.
    private var scale: [Double] = [1], shrink: [Double] = [0], driftSum: [Double] = [0], averageSum: [Double] = [0]
    private var averagedCount: [Int] = [0]
    /// The momentum step's matrix (a constant rate within the window).
    private var matrix: (Double, Double, Double, Double)? = nil

    /// Mini-batches: the batch's gradient (`d·k`, zero outside a batch), and the weights it touched.
    let accumulator: UnsafeMutableBufferPointer<S>
    private(set) var touched: [Int] = []
    /// Per weight, the last batch that touched it.
    private let stamp: UnsafeMutableBufferPointer<Int>
    private var batch = 0

    init(settings: TrainingSettings<S>, weights: Int) {
        l1 = settings.l1
        l2 = settings.l2
        optimizer = settings.optimizer
        drift = settings.varianceReduced
        current = .allocate(capacity: weights)
        current.initialize(repeating: 0)
        accumulator = .allocate(capacity: settings.batchSize > 1 ? weights : 0)
        accumulator.initialize(repeating: 0)
        stamp = .allocate(capacity: accumulator.count)
        stamp.initialize(repeating: -1)
    }

    deinit {
        current.deallocate()
        accumulator.deallocate()
        stamp.deallocate()
    }

    /// Adds `value` to weight `j`'s entry of the batch's gradient.
    @inline(__always)
    func accumulate(_ j: Int, _ value: S) {
        if stamp[j] != batch {
            stamp[j] = batch
            touched.append(j)
        }
        accumulator[j] += value
    }

    /// Forgets the batch's gradient.
    func clearBatch() {
        for j in touched { accumulator[j] = 0 }
        touched.removeAll(keepingCapacity: true)
        batch += 1
    }

    /// The window's updates so far.
    private var updates: Int { scale.count - 1 }

    /// Starts a window at `averaged` averaged updates so far (every weight current).
    private func begin(averaged: Int) {
        scale = [1]
        shrink = [0]
        driftSum = [0]
        averageSum = [0]
        averagedCount = [averaged]
        matrix = nil
        current.update(repeating: 0)
    }

    /// Brings weight `j` of `theta` (its velocity in `first`, its average in `average`, its drift
    /// `mu[j]`) to the window's last update.
    @inline(__always)
    func catchUp(_ j: Int, theta: UnsafeMutablePointer<S>, first: UnsafeMutablePointer<S>,
                 average: UnsafeMutablePointer<S>, mu: UnsafePointer<S>) {
        let s = current[j], t = updates
        guard s != t else { return }
        current[j] = t
        let x = Double(theta[j])
        switch optimizer {
        case .momentum, .nesterov:
            var (a, b, c, d) = (1.0, 0.0, 0.0, 1.0)
            var (pa, pb, pc, pd) = matrix!
            var k = t - s
            while k > 0 {
                if k & 1 == 1 { (a, b, c, d) = (a * pa + b * pc, a * pb + b * pd, c * pa + d * pc, c * pb + d * pd) }
                (pa, pb, pc, pd) = (pa * pa + pb * pc, pa * pb + pb * pd, pc * pa + pd * pc, pc * pb + pd * pd)
                k >>= 1
            }
            let v = Double(first[j])
            theta[j] = S(a * x + b * v)
            first[j] = S(c * x + d * v)
        default:
            let ratio = scale[t] / scale[s]
            if l1 > 0 {
                let magnitude = scale[t] * (Swift.abs(x) / scale[s] - (shrink[t] - shrink[s]))
                theta[j] = magnitude > 0 ? S(x < 0 ? -magnitude : magnitude) : 0
            } else if drift {
                theta[j] = S(scale[t] * (x / scale[s] - Double(mu[j]) * (driftSum[t] - driftSum[s])))
            } else {
                theta[j] = S(x * ratio)
            }
            if case .averaged = optimizer, averagedCount[t] > averagedCount[s] {
                let gained = x / scale[s] * (averageSum[t] - averageSum[s])
                average[j] = S((Double(averagedCount[s]) * Double(average[j]) + gained) / Double(averagedCount[t]))
            }
        }
    }

    /// Records one update at rate `eta`, counted in the average when `averagedUpdate`; after the
    /// touched weights are caught up and before their own step.
    @inline(__always)
    func advance(eta: S, averagedUpdate: Bool) {
        let rate = Double(eta), last = updates
        if case let .momentum(mu) = optimizer, matrix == nil {
            matrix = (1 - 2 * rate * l2, -rate * mu, 2 * l2, mu)
        } else if case let .nesterov(mu) = optimizer, matrix == nil {
            matrix = (1 - 2 * rate * l2 * (1 + mu), -rate * mu * mu, 2 * l2, mu)
        }
        let next = scale[last] * (1 - 2 * rate * l2)
        scale.append(next)
        shrink.append(shrink[last] + rate * l1 / next)
        driftSum.append(driftSum[last] + rate / next)
        averagedCount.append(averagedCount[last] + (averagedUpdate ? 1 : 0))
        averageSum.append(averageSum[last] + (averagedUpdate ? next : 0))
    }

    /// Marks weight `j` current at the window's last update (its own step made).
    @inline(__always)
    func stepped(_ j: Int) { current[j] = updates }

    /// Whether the window should end before the next update (its histories full, or `P` near
    /// underflow).
    var full: Bool { updates >= Self.windowUpdates || scale[updates] < 1e-150 }

    /// Catches every weight up and starts a new window.
    func finish(weights: Int, theta: UnsafeMutablePointer<S>, first: UnsafeMutablePointer<S>,
                average: UnsafeMutablePointer<S>, mu: UnsafePointer<S>) {
        if updates > 0 {
            for j in 0..<weights { catchUp(j, theta: theta, first: first, average: average, mu: mu) }
        }
        begin(averaged: averagedCount[averagedCount.count - 1])
    }

    /// Starts the first window of an epoch at `averaged` averaged updates.
    func start(averaged: Int) { begin(averaged: averaged) }
}

extension EpochDriver {
    /// One update per sparse row of `block` by the general rule (``stochasticSteps(_:_:)``), each
    /// in O(the row's nonzeros × targets): the row's weights are caught up by `lazy` first, then
    /// stepped as the dense rule steps them. Returns `Σŵℓ` and the first row whose loss was not
    /// finite, if any.
    func lazySteps(_ block: RowBlock<S>, _ lazy: LazySparseSteps<S>, _ progress: inout EpochProgress<S>) -> (S, Int?) {
        let ws = workspace, theta = ws.theta.baseAddress!, first = ws.first.baseAddress!
        let average = ws.average.baseAddress!, mu = ws.fullGradient.baseAddress!, snapshot = ws.snapshot.baseAddress!
        let d = settings.columns, k = targets, weights = ws.weightCount, x = block.sparse!
        let slopes = ws.residuals.baseAddress!, residuals = slopes + k, loss = settings.loss, smoothing = ws.smoothing
        let l2 = S(settings.l2), l1 = S(settings.l1), reduced = settings.varianceReduced
        var q = S.zero
        for i in 0..<block.count {
            if lazy.full {
                lazy.finish(weights: weights, theta: theta, first: first, average: average, mu: mu)
            }
            let span = x.span(i)
            for t in 0..<k {
                for p in span {
                    lazy.catchUp(t * d + x.indices[p], theta: theta, first: first, average: average, mu: mu)
                }
            }
            var rowLoss = S.zero
            let weight = block.sampleWeights?[i] ?? 1
            for t in 0..<k {
                let r = x.dot(i, theta + t * d) + theta[weights + t] - block.targets[i * k + t]
                let weighted = block.sampleWeights.map { $0[i] * r } ?? r
                rowLoss += loss.weightedValue(r, weighted: weighted, weight: weight, smoothing: smoothing)
                if reduced {
                    let previous = x.dot(i, snapshot + t * d) + snapshot[weights + t] - block.targets[i * k + t]
                    slopes[t] = loss.slope(weighted: weighted, previous: block.sampleWeights.map { $0[i] * previous } ?? previous,
                                           r: r, snapshot: previous, weight: weight, smoothing: smoothing)
                } else {
                    slopes[t] = loss.slope(weighted: weighted, previous: nil, r: r, snapshot: nil, weight: weight,
                                           smoothing: smoothing)
                }
                residuals[t] = r
            }
            guard rowLoss.isFinite else { return (q, i) }
            q += rowLoss
            let update = progress.nextUpdate
            let eta: S = settings.learningRate.changesWithinEpoch ? settings.learningRate.step(update: update) : progress.rate
            var averagedUpdate = false
            if case let .averaged(start) = settings.optimizer, update > start { averagedUpdate = true }
            lazy.advance(eta: eta, averagedUpdate: averagedUpdate)
            if averagedUpdate { progress.averaged += 1 }
            let step = SparseStep(settings: settings, eta: eta, theta: theta, first: first, average: average,
                                  averaged: averagedUpdate ? S(progress.averaged) : nil)
            for t in 0..<k {
                for p in span {
                    let j = t * d + x.indices[p]
                    step.apply(j, slopes[t] * x.values[p] + (reduced ? mu[j] : 0), penalised: true)
                    lazy.stepped(j)
                }
            }
            for t in 0..<k { step.apply(weights + t, slopes[t] + (reduced ? mu[weights + t] : 0), penalised: false) }
            progress.updates += 1
        }
        return (q, nil)
    }

    /// One mini-batch update over the epoch positions `range` on sparse rows, in O(the batch's
    /// nonzeros × targets): its weights caught up by `lazy`, the batch's gradient accumulated on
    /// them alone, then stepped as ``update(_:rows:lossSum:)`` steps every weight. Returns the
    /// update's number if anything was not finite (the touched weights are then restored).
    func lazyBatch(_ range: Range<Int>, _ lazy: LazySparseSteps<S>, _ progress: inout EpochProgress<S>) -> Int? {
        let ws = workspace, theta = ws.theta.baseAddress!, first = ws.first.baseAddress!
        let average = ws.average.baseAddress!, mu = ws.fullGradient.baseAddress!
        let d = settings.columns, k = targets, weights = ws.weightCount
        let residuals = ws.residuals.baseAddress!, sums = ws.partialSums.baseAddress!
        if lazy.full { lazy.finish(weights: weights, theta: theta, first: first, average: average, mu: mu) }
        sums.update(repeating: 0, count: k)
        var q = S.zero
        var position = range.lowerBound
        while position < range.upperBound {
            let block = order.fetch(position, limit: Swift.min(order.blockRows, range.upperBound - position), slot: 0)
            let x = block.sparse!
            for i in 0..<block.count {
                for t in 0..<k {
                    for p in x.span(i) {
                        lazy.catchUp(t * d + x.indices[p], theta: theta, first: first, average: average, mu: mu)
                    }
                }
            }
            q += Kernels.residuals(block, targets: k, weights: theta, biases: theta + weights, into: residuals, sums: sums,
                                   loss: settings.loss, smoothing: ws.smoothing)
            for i in 0..<block.count {
                for t in 0..<k {
                    let r = residuals[i * k + t]
                    for p in x.span(i) { lazy.accumulate(t * d + x.indices[p], r * x.values[p]) }
                }
            }
            position += block.count
        }
        defer { lazy.clearBatch() }
        let g = lazy.accumulator
        guard q.isFinite, (0..<k).allSatisfy({ sums[$0].isFinite }), lazy.touched.allSatisfy({ g[$0].isFinite }) else {
            return progress.updates + 1
        }
        let scale: S = settings.loss.batchScale(rows: range.count)
        let update = progress.nextUpdate
        let eta: S = settings.learningRate.changesWithinEpoch ? settings.learningRate.step(update: update) : progress.rate
        var averagedUpdate = false
        if case let .averaged(start) = settings.optimizer, update > start { averagedUpdate = true }
        let saved = lazy.touched.map { theta[$0] }
        let savedBiases = (0..<k).map { theta[weights + $0] }
        lazy.advance(eta: eta, averagedUpdate: averagedUpdate)
        if averagedUpdate { progress.averaged += 1 }
        let step = SparseStep(settings: settings, eta: eta, theta: theta, first: first, average: average,
                              averaged: averagedUpdate ? S(progress.averaged) : nil)
        for j in lazy.touched {
            step.apply(j, scale * g[j], penalised: true)
            lazy.stepped(j)
        }
        for t in 0..<k { step.apply(weights + t, scale * sums[t], penalised: false) }
        guard lazy.touched.allSatisfy({ theta[$0].isFinite }), (0..<k).allSatisfy({ theta[weights + $0].isFinite }) else {
            for (j, value) in zip(lazy.touched, saved) { theta[j] = value }
            for t in 0..<k { theta[weights + t] = savedBiases[t] }
            return progress.updates + 1
        }
        progress.lossSum += Double(q)
        progress.updates += 1
        return nil
    }

    /// Ends the lazy window: every weight caught up.
    func finishLazy() {
        guard let lazy else { return }
        let ws = workspace
        lazy.finish(weights: ws.weightCount, theta: ws.theta.baseAddress!, first: ws.first.baseAddress!,
                    average: ws.average.baseAddress!, mu: ws.fullGradient.baseAddress!)
    }

    /// Whether the weights of `block`'s rows and the biases are finite.
    func rowIsFinite(_ block: RowBlock<S>) -> Bool {
        let ws = workspace, theta = ws.theta, d = settings.columns, x = block.sparse!
        for t in 0..<targets {
            for p in x.span(0).lowerBound..<x.offsets[block.count] where !theta[t * d + x.indices[p]].isFinite { return false }
            if !theta[ws.weightCount + t].isFinite { return false }
        }
        return true
    }
}

/// One weight's step by the dense rule (``OptimizerStep/apply(eta:t:averaged:gradient:)``) from
/// its gradient: the L2 term added, then SGD's step and L1 shrinkage, or momentum's; then the
/// average, on an averaged update.
struct SparseStep<S: BLASScalar> {
    let optimizer: Optimizer
    let eta: S, l2: S, l1: S
    let theta: UnsafeMutablePointer<S>, first: UnsafeMutablePointer<S>, average: UnsafeMutablePointer<S>
    /// The averaged count after this update, on an averaged update.
    let averaged: S?

    init(settings: TrainingSettings<S>, eta: S, theta: UnsafeMutablePointer<S>, first: UnsafeMutablePointer<S>,
         average: UnsafeMutablePointer<S>, averaged: S?) {
        optimizer = settings.optimizer
        self.eta = eta
        l2 = S(settings.l2)
        l1 = S(settings.l1)
        self.theta = theta
        self.first = first
        self.average = average
        self.averaged = averaged
    }

    @inline(__always)
    func apply(_ j: Int, _ gradient: S, penalised: Bool) {
        let g = gradient + (penalised ? 2 * l2 * theta[j] : 0)
        switch optimizer {
        case let .momentum(m), let .nesterov(m):
            let m = S(m)
            first[j] = m * first[j] + g
            let nesterov = if case .nesterov = optimizer { true } else { false }
            theta[j] -= eta * (nesterov ? g + m * first[j] : first[j])
        default:
            theta[j] -= eta * g
            if penalised && l1 > 0 {
                let threshold = eta * l1, value = theta[j]
                theta[j] = value > threshold ? value - threshold : value < -threshold ? value + threshold : 0
            }
        }
        if let averaged { average[j] += (theta[j] - average[j]) * (1 / averaged) }
    }
}
