/// The sparse rows' updates of the epoch driver: stochastic steps and mini-batches whose untouched
/// weights ``LazySparseSteps`` catches up in closed form, each touched weight stepped by the dense rule.
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
        let reduced = settings.varianceReduced
        var q = S.zero
        for i in 0..<block.count {
            if lazy.full {
                lazy.finish(weights: weights, theta: theta, first: first, average: average, mu: mu)
            }
            let span = x.span(i)
            if lazy.catchesUp {
                for t in 0..<k {
                    for p in span {
                        lazy.catchUp(t * d + x.indices[p], theta: theta, first: first, average: average, mu: mu)
                    }
                }
            }
            var rowLoss = S.zero
            let weight = block.sampleWeights?[i] ?? 1
            // `theta` holds `v` and the weights are `P·v` in the scaled form (1 otherwise).
            let scale = S(lazy.weightScale)
            for t in 0..<k {
                let r = scale * x.dot(i, theta + t * d) + theta[weights + t] - block.targets[i * k + t]
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
            if lazy.scaled {
                // `P·v − η·g` after the penalty's factor, held as `v`: `v − η·g/P` with the new `P`.
                let rate = eta / S(lazy.weightScale)
                for t in 0..<k { x.axpy(i, -rate * slopes[t], theta + t * d) }
            } else {
                for t in 0..<k {
                    for p in span {
                        let j = t * d + x.indices[p]
                        step.apply(j, slopes[t] * x.values[p] + (reduced ? mu[j] : 0), penalised: true)
                        lazy.stepped(j)
                    }
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
            if lazy.catchesUp {
                for i in 0..<block.count {
                    for t in 0..<k {
                        for p in x.span(i) {
                            lazy.catchUp(t * d + x.indices[p], theta: theta, first: first, average: average, mu: mu)
                        }
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
        lazy.saved.removeAll(keepingCapacity: true)
        for j in lazy.touched { lazy.saved.append(theta[j]) }
        for t in 0..<k { lazy.saved.append(theta[weights + t]) }
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
            for (n, j) in lazy.touched.enumerated() { theta[j] = lazy.saved[n] }
            for t in 0..<k { theta[weights + t] = lazy.saved[lazy.touched.count + t] }
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
