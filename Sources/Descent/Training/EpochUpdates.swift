/// What one epoch accumulates.
struct EpochProgress<S: BLASScalar> {
    /// Updates made before this epoch (over the model's whole training).
    let updatesBefore: Int
    /// Averaged SGD: iterates in the average so far.
    var averaged: Int
    /// The epoch's rate (used when the schedule does not change it within the epoch).
    let rate: S
    var sumOfSquares = 0.0
    /// Updates accepted in this epoch.
    var updates = 0
    /// `Σr` of the last update's batch (with the batch's `Xᵀr` left in the first partial buffer).
    var lastSum: S = 0

    init(updatesBefore: Int, averaged: Int, rate: S) {
        self.updatesBefore = updatesBefore
        self.averaged = averaged
        self.rate = rate
    }

    /// The number of the next update over the model's whole training, from 1.
    var nextUpdate: Int { updatesBefore + updates + 1 }
}

/// The updates of an epoch: one per row (stochastic), per mini-batch, or one (full batch).
extension EpochDriver {
    /// The updates for the rows at epoch positions `window`. Returns `nil`, or the number of the
    /// update that diverged (the parameters are then those before it).
    func compute(_ window: Range<Int>, _ progress: inout EpochProgress<S>) -> Int? {
        let theta = workspace.theta, d = settings.columns, batchSize = settings.batchSize
        if batchSize == 1 {
            var position = window.lowerBound
            while position < window.upperBound {
                let block = order.fetch(position, limit: Swift.min(order.blockRows, window.upperBound - position), slot: 0)
                let q: S, failed: Int?
                if plain {
                    var bias = theta[d]
                    (q, failed) = Kernels.stochasticSteps(block, weights: theta.baseAddress!, bias: &bias,
                                                          learningRate: progress.rate)
                    theta[d] = bias
                    progress.updates += failed ?? block.count   // the general path counts per row
                } else {
                    (q, failed) = stochasticSteps(block, &progress)
                }
                progress.sumOfSquares += Double(q)
                // A row whose loss was not finite is the failed update; otherwise the last update made
                // left the loss or θ non-finite.
                if failed != nil { return progress.updates + 1 }
                if !q.isFinite || !workspace.isFinite(theta) { return Swift.max(1, progress.updates) }
                position += block.count
            }
            return nil
        }
        if gradient.hasHelper, window.count > batchSize, !settings.varianceReduced {
            var failure: Int? = nil
            _ = gradient.pairedBatches(window) { sum, q in
                failure = update(&progress, rows: batchSize, sum: sum, sumOfSquares: q)
                return failure == nil
            }
            if let failure { return failure }
        }
        var position = window.lowerBound + progress.updates * batchSize
        while position < window.upperBound {
            let m = Swift.min(batchSize, window.upperBound - position)
            let (sum, q) = batchGradient(position..<(position + m))
            if let failed = update(&progress, rows: m, sum: sum, sumOfSquares: q) { return failed }
            position += m
        }
        return nil
    }

    /// One update per row of `block` with the general rule (any optimiser, penalty, schedule).
    /// Returns `Σr²` and the index of the first row whose loss was not finite, if any.
    func stochasticSteps(_ block: RowBlock<S>, _ progress: inout EpochProgress<S>) -> (S, Int?) {
        let theta = workspace.theta.baseAddress!
        let d = settings.columns
        let snapshot = workspace.snapshot.baseAddress!, mu = workspace.fullGradient.baseAddress!
        let reduced = settings.varianceReduced
        var q = S.zero
        for i in 0..<block.count {
            let x = block.features + i * d
            let r = Kernels.dot(x, theta, d) + theta[d] - block.targets[i]
            let weighted = block.sampleWeights.map { $0[i] * r } ?? r
            let loss = weighted * r
            guard loss.isFinite else { return (q, i) }
            q += loss
            let t = progress.nextUpdate
            let eta: S = settings.learningRate.changesWithinEpoch ? settings.learningRate.step(update: t) : progress.rate
            if reduced {
                // SVRG: gᵢ(θ) − gᵢ(θ̃) + μ̃.
                let previous = Kernels.dot(x, snapshot, d) + snapshot[d] - block.targets[i]
                let twoDelta = 2 * (weighted - (block.sampleWeights.map { $0[i] * previous } ?? previous))
                step.apply(eta: eta, t: t, averaged: &progress.averaged) { j in
                    (j < d ? twoDelta * x[j] : twoDelta) + mu[j]
                }
            } else {
                let twoR = 2 * weighted
                step.apply(eta: eta, t: t, averaged: &progress.averaged) { j in j < d ? twoR * x[j] : twoR }
            }
            progress.updates += 1
        }
        return (q, nil)
    }

    /// The batch's gradient over the epoch positions `range` into the first partial buffer
    /// (`Xᵀ(ŵ⊙e)`), returning `Σŵe` and `Σŵe²`. With variance reduction (SVRG) the buffer and the
    /// sum hold the difference from the snapshot's instead, `Xᵀ(ŵ⊙(e − ẽ))` and `Σŵ(e − ẽ)`
    /// (``update(_:rows:sum:sumOfSquares:)`` adds the full gradient), on the calling thread.
    func batchGradient(_ range: Range<Int>) -> (sum: S, sumOfSquares: S) {
        let ws = workspace, d = settings.columns
        guard settings.varianceReduced else { return gradient.gradient(range, bias: ws.theta[d]) }
        let g = ws.partialGradients.baseAddress!
        let current = ws.residuals.baseAddress!, previous = current + order.blockRows
        g.update(repeating: 0, count: d)
        var sum = S.zero, q = S.zero
        var position = range.lowerBound
        while position < range.upperBound {
            let block = order.fetch(position, limit: Swift.min(order.blockRows, range.upperBound - position), slot: 0)
            let (_, squares) = Kernels.residuals(block, weights: ws.theta.baseAddress!, bias: ws.theta[d], into: current)
            _ = Kernels.residuals(block, weights: ws.snapshot.baseAddress!, bias: ws.snapshot[d], into: previous)
            for i in 0..<block.count {
                current[i] -= previous[i]
                sum += current[i]
            }
            Kernels.accumulateGradient(block, residuals: current, into: g)
            q += squares
            position += block.count
        }
        return (sum, q)
    }

    /// `θ ← θ − η·∂L/∂θ` from the reduced gradient in the first partial buffer (`Xᵀr`, `Σr` over
    /// `m` rows), refusing (and returning the update's number) when anything is not finite.
    func update(_ progress: inout EpochProgress<S>, rows m: Int, sum: S, sumOfSquares q: S) -> Int? {
        let theta = workspace.theta, saved = workspace.savedTheta, d = settings.columns
        let g = workspace.partialGradients
        guard q.isFinite, sum.isFinite, workspace.isFinite(UnsafeMutableBufferPointer(rebasing: g[0..<d])) else {
            return progress.updates + 1
        }
        var sum = sum
        if settings.varianceReduced {
            // SVRG: the batch's difference from the snapshot plus the full gradient, (m/2)·μ̃ before the 2/m scale.
            let half = S(m) / 2, mu = workspace.fullGradient
            for j in 0..<d { g[j] += half * mu[j] }
            sum += half * mu[d]
        }
        _ = saved.update(fromContentsOf: theta)
        progress.lastSum = sum
        let scale = 2 / S(m)
        let t = progress.nextUpdate
        // Whitening in gradient mode steps along P·g (the raw gradient stays in its buffer for
        // the convergence check).
        let direction = preconditioner.map { map in
            map.precondition(g.baseAddress!, into: workspace.preconditioned.baseAddress!)
            return UnsafePointer(workspace.preconditioned.baseAddress!)
        } ?? UnsafePointer(g.baseAddress!)
        if plain {
            let stepSize = -progress.rate * scale
            BLAS.axpy(d, stepSize, direction, theta.baseAddress!)
            theta[d] += stepSize * sum
        } else {
            let eta: S = settings.learningRate.changesWithinEpoch ? settings.learningRate.step(update: t) : progress.rate
            step.apply(eta: eta, t: t, averaged: &progress.averaged) { j in j < d ? scale * direction[j] : scale * sum }
        }
        guard workspace.isFinite(theta) else {
            _ = theta.update(fromContentsOf: saved)
            return progress.updates + 1
        }
        progress.sumOfSquares += Double(q)
        progress.updates += 1
        return nil
    }
}
