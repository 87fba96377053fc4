/// What one epoch accumulates.
struct EpochProgress<S: BLASScalar> {
    /// Updates made before this epoch (over the model's whole training).
    let updatesBefore: Int
    /// Averaged SGD: iterates in the average so far.
    var averaged: Int
    /// The epoch's rate (used when the schedule does not change it within the epoch).
    let rate: S
    /// `Σŵℓ(r)` over the epoch's rows (each with the parameters in force when it was used).
    var lossSum = 0.0
    /// Updates accepted in this epoch.
    var updates = 0
    init(updatesBefore: Int, averaged: Int, rate: S) {
        self.updatesBefore = updatesBefore
        self.averaged = averaged
        self.rate = rate
    }

    /// The number of the next update over the model's whole training, from 1.
    var nextUpdate: Int { updatesBefore + updates + 1 }
}

/// The updates of an epoch: one per row (stochastic), per mini-batch, or one (full batch), for
/// `k ≥ 1` targets: `θ` holds every target's `d` weights in turn, then the `k` biases.
extension EpochDriver {
    /// The updates for the rows at epoch positions `window`. Returns `nil`, or the number of the
    /// update that diverged (the parameters are then those before it).
    func compute(_ window: Range<Int>, _ progress: inout EpochProgress<S>) -> Int? {
        let ws = workspace, theta = ws.theta, batchSize = settings.batchSize
        if batchSize == 1 {
            var position = window.lowerBound
            lazy?.start(averaged: progress.averaged)
            // Sparse rows: every weight current again (and checked) when the window ends.
            defer { finishLazy() }
            // Dense rows in place: a whole contiguous run per call (a kernel call per few dozen
            // rows, each followed by a check of θ, cost a stochastic epoch over 1,000,000 × 100
            // doubles about 5 %; `perf` on `bench --only stochastic-epoch`).
            let limit = order.source.isSparse ? order.blockRows : window.count
            while position < window.upperBound {
                let block = order.fetch(position, limit: Swift.min(limit, window.upperBound - position), slot: 0,
                                        readingOnTo: window.upperBound)
                let q: S, failed: Int?
                if let lazy, block.sparse != nil {
                    (q, failed) = lazySteps(block, lazy, &progress)
                } else if plain && (targets == 1 || block.sampleWeights == nil) {
                    (q, failed) = Kernels.stochasticSteps(block, targets: targets, weights: theta.baseAddress!,
                                                          biases: theta.baseAddress! + ws.weightCount,
                                                          learningRate: progress.rate, scratch: ws.residuals.baseAddress!)
                    progress.updates += failed ?? block.count   // the general path counts per row
                } else {
                    (q, failed) = stochasticSteps(block, &progress)
                }
                progress.lossSum += Double(q)
                // A row whose loss was not finite is the failed update; otherwise the last update made
                // left the loss or θ non-finite.
                if failed != nil { return progress.updates + 1 }
                // (A sparse row changes its own weights and the biases: those are checked.)
                if !q.isFinite || !(block.sparse == nil ? ws.isFinite(theta) : rowIsFinite(block))  {
                    return Swift.max(1, progress.updates)
                }
                position += block.count
            }
            finishLazy()
            return ws.isFinite(theta) ? nil : Swift.max(1, progress.updates)
        }
        if let lazy {
            // Sparse rows: every weight current again (and checked) when the window ends.
            lazy.start(averaged: progress.averaged)
            defer { finishLazy() }
            var position = window.lowerBound
            while position < window.upperBound {
                let m = Swift.min(batchSize, window.upperBound - position)
                if let failed = lazyBatch(position..<(position + m), lazy, &progress) { return failed }
                position += m
            }
            finishLazy()
            return ws.isFinite(theta) ? nil : Swift.max(1, progress.updates)
        }
        if gradient.hasHelper, window.count > batchSize, !settings.varianceReduced {
            var failure: Int? = nil
            _ = gradient.pairedBatches(window) { q in
                failure = update(&progress, rows: batchSize, lossSum: q)
                return failure == nil
            }
            if let failure { return failure }
        }
        var position = window.lowerBound + progress.updates * batchSize
        while position < window.upperBound {
            let m = Swift.min(batchSize, window.upperBound - position)
            let q = batchGradient(position..<(position + m))
            if let failed = update(&progress, rows: m, lossSum: q) { return failed }
            position += m
        }
        return nil
    }

    /// One update per row of `block` with the general rule (any optimiser, penalty, schedule,
    /// sample weights and variance reduction). Returns `Σr²` and the index of the first row whose
    /// loss was not finite, if any.
    func stochasticSteps(_ block: RowBlock<S>, _ progress: inout EpochProgress<S>) -> (S, Int?) {
        let ws = workspace, theta = ws.theta.baseAddress!
        let d = settings.columns, k = targets, weights = ws.weightCount
        let snapshot = ws.snapshot.baseAddress!, mu = ws.fullGradient.baseAddress!
        let reduced = settings.varianceReduced
        // Per target: ŵr, then the step's ℓ'(ŵr) (less the snapshot's, with variance reduction).
        let slopes = ws.residuals.baseAddress!, g = ws.partialGradients.baseAddress!, loss = settings.loss
        let residuals = slopes + k, smoothing = ws.smoothing
        var q = S.zero
        for i in 0..<block.count {
            let x = block.denseRow(i, scratch: ws.rowScratch.baseAddress!)
            var rowLoss = S.zero
            let weight = block.sampleWeights?[i] ?? 1
            for t in 0..<k {
                let r = Kernels.dot(x, theta + t * d, d) + theta[weights + t] - block.targets[i * k + t]
                let weighted = block.sampleWeights.map { $0[i] * r } ?? r
                slopes[t] = weighted
                residuals[t] = r
                rowLoss += loss.weightedValue(r, weighted: weighted, weight: weight, smoothing: smoothing)
            }
            guard rowLoss.isFinite else { return (q, i) }
            q += rowLoss
            let update = progress.nextUpdate
            let eta: S = settings.learningRate.changesWithinEpoch ? settings.learningRate.step(update: update) : progress.rate
            for t in 0..<k {
                if reduced {
                    // SVRG: gᵢ(θ) − gᵢ(θ̃) + μ̃.
                    let previous = Kernels.dot(x, snapshot + t * d, d) + snapshot[weights + t] - block.targets[i * k + t]
                    slopes[t] = loss.slope(weighted: slopes[t], previous: block.sampleWeights.map { $0[i] * previous } ?? previous,
                                           r: residuals[t], snapshot: previous, weight: weight, smoothing: smoothing)
                } else {
                    slopes[t] = loss.slope(weighted: slopes[t], previous: nil, r: residuals[t], snapshot: nil, weight: weight,
                                           smoothing: smoothing)
                }
            }
            if k == 1 {
                let slope = slopes[0]
                if reduced {
                    step.apply(eta: eta, t: update, averaged: &progress.averaged) { j in (j < d ? slope * x[j] : slope) + mu[j] }
                } else {
                    step.apply(eta: eta, t: update, averaged: &progress.averaged) { j in j < d ? slope * x[j] : slope }
                }
            } else {
                for t in 0..<k { for j in 0..<d { g[t * d + j] = slopes[t] * x[j] + (reduced ? mu[t * d + j] : 0) } }
                step.apply(eta: eta, t: update, averaged: &progress.averaged) { j in
                    j < weights ? g[j] : slopes[j - weights] + (reduced ? mu[j] : 0)
                }
            }
            progress.updates += 1
        }
        return (q, nil)
    }

    /// The batch's gradient over the epoch positions `range` into the first partial buffer
    /// (every target's `Xᵀ(ŵ⊙e)`, their `Σŵe` in the first `k` partial sums), returning `Σŵe²`.
    /// With variance reduction (SVRG) the buffers hold the difference from the snapshot's instead,
    /// `Xᵀ(ŵ⊙(e − ẽ))` and `Σŵ(e − ẽ)` (``update(_:rows:lossSum:)`` adds the full gradient), on
    /// the calling thread.
    func batchGradient(_ range: Range<Int>) -> S {
        guard settings.varianceReduced else { return gradient.gradient(range) }
        let ws = workspace, k = targets, weights = ws.weightCount
        let g = ws.partialGradients.baseAddress!, sums = ws.partialSums.baseAddress!
        let current = ws.residuals.baseAddress!, previous = current + order.blockRows * k
        let scratch = sums + k + 1   // the snapshot's sums: partition 1's, unused here
        g.update(repeating: 0, count: weights)
        sums.update(repeating: 0, count: k)
        var q = S.zero
        var position = range.lowerBound
        while position < range.upperBound {
            let block = order.fetch(position, limit: Swift.min(order.blockRows, range.upperBound - position), slot: 0)
            q += Kernels.residuals(block, targets: k, weights: ws.theta.baseAddress!, biases: ws.theta.baseAddress! + weights,
                                   into: current, sums: sums, loss: settings.loss, smoothing: ws.smoothing)
            scratch.update(repeating: 0, count: k)
            _ = Kernels.residuals(block, targets: k, weights: ws.snapshot.baseAddress!,
                                  biases: ws.snapshot.baseAddress! + weights, into: previous, sums: scratch,
                                  loss: settings.loss, smoothing: ws.smoothing)
            for i in 0..<(block.count * k) { current[i] -= previous[i] }
            for t in 0..<k { sums[t] -= scratch[t] }
            Kernels.accumulateGradient(block, targets: k, residuals: current, into: g)
            position += block.count
        }
        sums[k] = q
        return q
    }

    /// `θ ← θ − η·∂L/∂θ` from the reduced gradient in the first partial buffer (every target's
    /// `Xᵀr`, and its `Σr` in the partial sums, over `m` rows), refusing (and returning the
    /// update's number) when anything is not finite.
    func update(_ progress: inout EpochProgress<S>, rows m: Int, lossSum q: S) -> Int? {
        let ws = workspace, theta = ws.theta, saved = ws.savedTheta, d = settings.columns, k = targets
        let weights = ws.weightCount
        let g = ws.partialGradients, sums = ws.partialSums
        guard q.isFinite, (0..<k).allSatisfy({ sums[$0].isFinite }),
              ws.isFinite(UnsafeMutableBufferPointer(rebasing: g[0..<weights])) else {
            return progress.updates + 1
        }
        _ = saved.update(fromContentsOf: theta)
        if settings.varianceReduced {
            // SVRG: the batch's difference from the snapshot plus the full gradient, (m/2)·μ̃ before the 2/m scale.
            let half = S(m) / 2, mu = ws.fullGradient
            for j in 0..<weights { g[j] += half * mu[j] }
            for t in 0..<k { sums[t] += half * mu[weights + t] }
        }
        let scale: S = settings.loss.batchScale(rows: m)
        let t = progress.nextUpdate
        // Whitening in gradient mode steps along P·g, target by target (the raw gradient stays
        // in its buffer for the convergence check).
        let direction = preconditioner.map { map in
            for c in 0..<k { map.precondition(g.baseAddress! + c * d, into: ws.preconditioned.baseAddress! + c * d) }
            return UnsafePointer(ws.preconditioned.baseAddress!)
        } ?? UnsafePointer(g.baseAddress!)
        if plain {
            let stepSize = -progress.rate * scale
            BLAS.axpy(weights, stepSize, direction, theta.baseAddress!)
            for c in 0..<k { theta[weights + c] += stepSize * sums[c] }
        } else {
            let eta: S = settings.learningRate.changesWithinEpoch ? settings.learningRate.step(update: t) : progress.rate
            step.apply(eta: eta, t: t, averaged: &progress.averaged) { j in
                j < weights ? scale * direction[j] : scale * sums[j - weights]
            }
        }
        guard ws.isFinite(theta) else {
            _ = theta.update(fromContentsOf: saved)
            return progress.updates + 1
        }
        progress.lossSum += Double(q)
        progress.updates += 1
        return nil
    }
}
