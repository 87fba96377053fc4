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
            let averageWeight: S? = averagedUpdate ? 1 / S(progress.averaged) : nil
            if lazy.scaled {
                // `P·v − η·g` after the penalty's factor, held as `v`: `v − η·g/P` with the new `P`.
                let rate = eta / S(lazy.weightScale)
                for t in 0..<k { x.axpy(i, -rate * slopes[t], theta + t * d) }
            } else {
                for t in 0..<k {
                    for p in span {
                        let j = t * d + x.indices[p]
                        step.step(j, slopes[t] * x.values[p] + (reduced ? mu[j] : 0), eta: eta, penalised: true,
                                  averageWeight: averageWeight)
                        lazy.stepped(j)
                    }
                }
            }
            for t in 0..<k {
                step.step(weights + t, slopes[t] + (reduced ? mu[weights + t] : 0), eta: eta, penalised: false,
                          averageWeight: averageWeight)
            }
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
        let averageWeight: S? = averagedUpdate ? 1 / S(progress.averaged) : nil
        for j in lazy.touched {
            step.step(j, scale * g[j], eta: eta, penalised: true, averageWeight: averageWeight)
            lazy.stepped(j)
        }
        for t in 0..<k { step.step(weights + t, scale * sums[t], eta: eta, penalised: false, averageWeight: averageWeight) }
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
