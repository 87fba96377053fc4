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
        if gradient.hasHelper, window.count > batchSize {
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
            let (sum, q) = gradient.gradient(position..<(position + m), bias: theta[d])
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
            let twoR = 2 * weighted
            step.apply(eta: eta, t: t, averaged: &progress.averaged) { j in j < d ? twoR * x[j] : twoR }
            progress.updates += 1
        }
        return (q, nil)
    }

    /// `θ ← θ − η·∂L/∂θ` from the reduced gradient in the first partial buffer (`Xᵀr`, `Σr` over
    /// `m` rows), refusing (and returning the update's number) when anything is not finite.
    func update(_ progress: inout EpochProgress<S>, rows m: Int, sum: S, sumOfSquares q: S) -> Int? {
        let theta = workspace.theta, saved = workspace.savedTheta, d = settings.columns
        let g = workspace.partialGradients
        guard q.isFinite, sum.isFinite, workspace.isFinite(UnsafeMutableBufferPointer(rebasing: g[0..<d])) else {
            return progress.updates + 1
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
