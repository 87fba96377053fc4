/// The updates of a multi-target epoch: one per row (stochastic), per mini-batch, or one (full
/// batch), each from the gradient of every target at once.
extension MultiTargetDriver {
    /// The updates for the rows at epoch positions `window`. Returns `nil`, or the number of the
    /// update that diverged (the parameters are then those before it).
    func compute(_ window: Range<Int>, _ progress: inout EpochProgress<S>) -> Int? {
        let ws = workspace, theta = ws.theta, batchSize = settings.batchSize
        if batchSize == 1 {
            var position = window.lowerBound
            while position < window.upperBound {
                let block = order.fetch(position, limit: Swift.min(order.blockRows, window.upperBound - position), slot: 0)
                let q: S, failed: Int?
                if plain && block.sampleWeights == nil {
                    (q, failed) = Kernels.stochasticSteps(block, targets: targets, weights: theta.baseAddress!,
                                                          biases: theta.baseAddress! + ws.weightCount,
                                                          learningRate: progress.rate, scratch: ws.residuals.baseAddress!)
                    progress.updates += failed ?? block.count   // the general path counts per row
                } else {
                    (q, failed) = stochasticSteps(block, &progress)
                }
                progress.sumOfSquares += Double(q)
                // A row whose loss was not finite is the failed update; otherwise the last update made
                // left the loss or θ non-finite.
                if failed != nil { return progress.updates + 1 }
                if !q.isFinite || !ws.isFinite(theta) { return Swift.max(1, progress.updates) }
                position += block.count
            }
            return nil
        }
        var position = window.lowerBound
        while position < window.upperBound {
            let m = Swift.min(batchSize, window.upperBound - position)
            gradient(position..<(position + m))
            if let failed = update(&progress, rows: m) { return failed }
            position += m
        }
        return nil
    }

    /// The gradient over the rows at epoch positions `range`, a block at a time: every target's
    /// `Xᵀr` into the partial-gradient buffer (`k × d`), its `Σr` into the first `k` partial
    /// sums and `Σr²` into the next.
    func gradient(_ range: Range<Int>) {
        let ws = workspace, k = targets
        let theta = UnsafePointer(ws.theta.baseAddress!)
        let g = ws.partialGradients.baseAddress!, sums = ws.partialSums.baseAddress!
        g.update(repeating: 0, count: ws.weightCount)
        sums.update(repeating: 0, count: k)
        var squares = S.zero
        var position = range.lowerBound
        while position < range.upperBound {
            let block = order.fetch(position, limit: Swift.min(order.blockRows, range.upperBound - position), slot: 0)
            squares += Kernels.residuals(block, targets: k, weights: theta, biases: theta + ws.weightCount,
                                         into: ws.residuals.baseAddress!, sums: sums)
            Kernels.accumulateGradient(block, targets: k, residuals: ws.residuals.baseAddress!, into: g)
            position += block.count
        }
        sums[k] = squares
    }

    /// One update per row of `block` with the general rule (any optimiser, penalty, schedule, and
    /// sample weights: the row's residuals count `ŵ` times).
    /// Returns `Σr²` and the index of the first row whose loss was not finite, if any.
    func stochasticSteps(_ block: RowBlock<S>, _ progress: inout EpochProgress<S>) -> (S, Int?) {
        let ws = workspace, theta = ws.theta.baseAddress!
        let d = settings.columns, k = targets, weights = ws.weightCount
        let twoR = ws.residuals.baseAddress!, g = ws.partialGradients.baseAddress!
        var q = S.zero
        for i in 0..<block.count {
            let x = block.features + i * d
            var loss = S.zero
            let weight = block.sampleWeights?[i] ?? 1
            for t in 0..<k {
                let r = Kernels.dot(x, theta + t * d, d) + theta[weights + t] - block.targets[i * k + t]
                twoR[t] = weight * r
                loss += weight * r * r
            }
            guard loss.isFinite else { return (q, i) }
            q += loss
            let update = progress.nextUpdate
            let eta: S = settings.learningRate.changesWithinEpoch ? settings.learningRate.step(update: update) : progress.rate
            for t in 0..<k {
                twoR[t] = 2 * twoR[t]
                for j in 0..<d { g[t * d + j] = twoR[t] * x[j] }
            }
            step.apply(eta: eta, t: update, averaged: &progress.averaged) { j in j < weights ? g[j] : twoR[j - weights] }
            progress.updates += 1
        }
        return (q, nil)
    }

    /// `θ ← θ − η·∂L/∂θ` from the gradient in the partial buffers (every target's `Xᵀr` and `Σr`
    /// over `m` rows), refusing (and returning the update's number) when anything is not finite.
    func update(_ progress: inout EpochProgress<S>, rows m: Int) -> Int? {
        let ws = workspace, theta = ws.theta, saved = ws.savedTheta, k = targets, weights = ws.weightCount
        let g = ws.partialGradients, sums = ws.partialSums
        let q = sums[k]
        guard q.isFinite, (0..<k).allSatisfy({ sums[$0].isFinite }),
              ws.isFinite(UnsafeMutableBufferPointer(rebasing: g[0..<weights])) else {
            return progress.updates + 1
        }
        _ = saved.update(fromContentsOf: theta)
        let scale = 2 / S(m)
        let t = progress.nextUpdate
        if plain {
            let stepSize = -progress.rate * scale
            BLAS.axpy(weights, stepSize, g.baseAddress!, theta.baseAddress!)
            for c in 0..<k { theta[weights + c] += stepSize * sums[c] }
        } else {
            let eta: S = settings.learningRate.changesWithinEpoch ? settings.learningRate.step(update: t) : progress.rate
            step.apply(eta: eta, t: t, averaged: &progress.averaged) { j in
                j < weights ? scale * g[j] : scale * sums[j - weights]
            }
        }
        guard ws.isFinite(theta) else {
            _ = theta.update(fromContentsOf: saved)
            return progress.updates + 1
        }
        progress.sumOfSquares += Double(q)
        progress.updates += 1
        return nil
    }
}
