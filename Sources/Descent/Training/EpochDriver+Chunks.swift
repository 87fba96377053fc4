/// An epoch over the chunks of a ``RowSource`` and across the parts of a ``Collective``.
///
/// One chunk in one process (a matrix or ``Dataset`` in memory) is today's epoch: ``compute(_:_:)``
/// over every epoch position. Otherwise the epoch is cut into slices of this part's epoch
/// positions (its training chunks in the epoch's chunk order, each chunk's rows in its own
/// within-chunk order), and every part ends each slice together:
///
/// - full batch: one slice, all rows; its end sums every target's `Xᵀr` and `Σr`, and `Σr²`, over the parts (`d·k + k + 1`
///   numbers) and makes the one update;
/// - mini-batch of `B` rows out of `N` on all parts: `⌈N/B⌉` slices; slice `u` of a part with `nₚ`
///   rows holds its positions `⌊nₚ·uB/N⌋ ..< ⌊nₚ·min((u+1)B, N)/N⌋` (its share of global batch
///   `u`, in proportion to its rows); its end sums the slice's `d·k + k + 1` numbers over the parts and
///   makes the update (every part knows every part's rows, so the batch's size needs no sum). In one process with one chunk those are exactly the batches of ``compute(_:_:)``;
/// - stochastic: one update per row on this part's own model; with several parts, slices of
///   ``averagingInterval`` updates (per average share of rows) or one slice per epoch, each ending
///   with the parts' models averaged, weighted by the rows each visited in the slice.
extension EpochDriver {
    /// The epoch's updates; returns `nil` or the update that diverged (see ``compute(_:_:)``).
    ///
    /// - Throws: a chunk's read error, after every part has ended the epoch's slices (so no part
    ///   waits for one that stopped).
    func epochUpdates(epoch: Int, _ progress: inout EpochProgress<S>) throws(DescentError) -> Int? {
        let shuffledChunks = chunkOrder(epoch: epoch)
        if chunks.training.count == 1 && collective.size == 1 {
            var failure: Int? = nil
            try chunks.visit(shuffledChunks) { (index, source) throws(DescentError) in
                bind(index, source, epoch: epoch)
                order.deal(batchSize: settings.batchSize, from: 0)
                failure = compute(0..<order.rows, &progress)
            }
            return failure
        }
        let total = settings.rows, n = localRows
        // A mini-batch slice's sums: every target's Xᵀr (d·k), its Σr (k), and Σr².
        let weights = workspace.weightCount, k = targets
        let stochastic = settings.batchSize == 1
        // The slices: `count` of them, slice `u` ending at local position `end(u)`.
        let count: Int, end: (Int) -> Int
        if stochastic {
            let interval = averagingInterval.map { Swift.max(1, $0) }
            count = collective.size == 1 ? 1
                : interval.map { Swift.max(1, (total + collective.size * $0 - 1) / (collective.size * $0)) } ?? 1
            end = { u in n * (u + 1) / count }
        } else {
            let b = settings.batchSize
            count = (total + b - 1) / b
            end = { u in Self.sliceEnd(rows: n, batch: b, slice: u, total: total) }
        }
        var sums = [Double](repeating: 0, count: stochastic ? 0 : weights + k + 1)
        var averages = Averages(workspace: workspace, active: stochastic && collective.size > 1)
        var u = 0, sliceEnd = end(0), offset = 0, failure: Int? = nil, readError: DescentError? = nil
        var stopped = false   // a global failure (same on every part): no more slices
        do throws(DescentError) {
            try chunks.visit(shuffledChunks) { (index, source) throws(DescentError) in
                guard !stopped, failure == nil, source.rowCount > 0 else { return }
                bind(index, source, epoch: epoch)
                // One process: global batches start at multiples of B (several parts: shares of them).
                if collective.size == 1 {
                    let b = settings.batchSize
                    order.deal(batchSize: b, from: (b - offset % b) % b)
                }
                let rows = order.rows
                var position = offset
                while u < count {
                    if lazy != nil, collective.size == 1, !stochastic, position == sliceEnd - settings.batchSize,
                       sliceEnd <= offset + rows {
                        // Sparse rows in one process: the whole batches inside this chunk are lazy,
                        // as in memory (``compute(_:_:)``); a batch across two chunks takes the sums below.
                        var last = position
                        while u < count, last == sliceEnd - settings.batchSize, sliceEnd <= offset + rows {
                            last = sliceEnd
                            u += 1
                            sliceEnd = end(u)
                        }
                        failure = compute((position - offset)..<(last - offset), &progress)
                        if failure != nil { stopped = true; return }
                        position = last
                        if u == count { break }
                    }
                    if gradient.hasHelper, !settings.varianceReduced, position == sliceEnd - settings.batchSize,
                       sliceEnd <= offset + rows {
                        // In one process, whole batches inside this chunk: each batch's halves on
                        // two threads at once, as in memory (the same arithmetic as below).
                        let window = (position - offset)..<(offset + rows - offset)
                        let done = gradient.pairedBatches(window) { q in
                            failure = update(&progress, rows: settings.batchSize, lossSum: q)
                            return failure == nil
                        }
                        if failure != nil { stopped = true; return }
                        position += done * settings.batchSize
                        u += done
                        sliceEnd = end(u)
                        if u == count { break }
                    }
                    let upper = Swift.min(sliceEnd, offset + rows)
                    if upper > position {
                        let window = (position - offset)..<(upper - offset)
                        if stochastic {
                            if failure == nil {
                                failure = compute(window, &progress)
                                averages.rows += Double(window.count)
                            }
                        } else {
                            let q = batchGradient(window)
                            for j in 0..<weights { sums[j] += Double(workspace.partialGradients[j]) }
                            for t in 0..<k { sums[weights + t] += Double(workspace.partialSums[t]) }
                            sums[weights + k] += Double(q)
                        }
                        position = upper
                    }
                    guard sliceEnd <= offset + rows else { break }
                    try finishSlice(u, stochastic: stochastic, &sums, &averages, &progress, &failure, &stopped)
                    if stopped { return }
                    u += 1
                    sliceEnd = end(u)
                }
                offset += rows
            }
        } catch {
            readError = error
        }
        // Slices this part has no rows left for (or could not read): it still takes part.
        while u < count && !stopped {
            try finishSlice(u, stochastic: stochastic, &sums, &averages, &progress, &failure, &stopped)
            u += 1
        }
        if stochastic && collective.size > 1 {
            var loss = [progress.lossSum]
            try collective.sum(&loss)
            progress.lossSum = loss[0]
        }
        if let readError { throw readError }
        return failure
    }

    /// Ends a slice on every part: a gradient step from the slice's sums over the parts, or the
    /// parts' models averaged.
    private func finishSlice(_ u: Int, stochastic: Bool, _ sums: inout [Double], _ averages: inout Averages<S>,
                             _ progress: inout EpochProgress<S>, _ failure: inout Int?,
                             _ stopped: inout Bool) throws(DescentError) {
        if stochastic {
            if failure != nil { averages.rows = 0 }   // a part that diverged adds nothing
            try averages.combine(collective, &progress)
            return
        }
        let weights = workspace.weightCount, k = targets
        try collective.sum(&sums)
        defer { for index in sums.indices { sums[index] = 0 } }
        // The global batch: every part's share of slice `u`.
        let b = settings.batchSize, total = settings.rows
        let m = partRows.reduce(0) { m, rows in
            m + Self.sliceEnd(rows: rows, batch: b, slice: u, total: total)
                - (u == 0 ? 0 : Self.sliceEnd(rows: rows, batch: b, slice: u - 1, total: total))
        }
        guard m > 0 else { return }
        for j in 0..<weights { workspace.partialGradients[j] = S(sums[j]) }
        for t in 0..<k { workspace.partialSums[t] = S(sums[weights + t]) }
        if let failed = update(&progress, rows: m, lossSum: S(sums[weights + k])) {
            failure = failed
            stopped = true
        }
    }

    /// Where slice `u` of a part of `rows` rows ends: `⌊rows·min((u+1)·batch, total)/total⌋`.
    static func sliceEnd(rows: Int, batch: Int, slice u: Int, total: Int) -> Int {
        total.dividingFullWidth(rows.multipliedFullWidth(by: Swift.min((u + 1) * batch, total))).quotient
    }

    /// The epoch's order of the training chunks: stored order, or with shuffling a random
    /// permutation drawn from the seed and the epoch alone.
    func chunkOrder(epoch: Int) -> [Int] {
        var order = chunks.training
        guard settings.shuffling != .none, order.count > 1 else { return order }
        var random = RandomSource(seed: (settings.orderSeed ^ 0xC3A5_C85C_97CB_3127) &+ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15)
        random.shuffle(&order)
        return order
    }
}

/// Model averaging across parts (stochastic mode): the rows each part visited since the last
/// averaging weight its `θ`, moments and running average.
struct Averages<S: BLASScalar> {
    let workspace: Workspace<S>
    let active: Bool
    /// Rows visited since the last averaging.
    var rows = 0.0

    init(workspace: Workspace<S>, active: Bool) {
        self.workspace = workspace
        self.active = active
    }

    /// Replaces every part's buffers, and the count of averaged iterates, by their row-weighted
    /// average over the parts.
    mutating func combine(_ collective: any Collective, _ progress: inout EpochProgress<S>) throws(DescentError) {
        guard active else { return }
        let p = workspace.parameterCount
        let buffers = [workspace.theta, workspace.first, workspace.second, workspace.average]
        var packed = [Double](repeating: 0, count: 4 * p + 2)
        for (k, buffer) in buffers.enumerated() {
            for j in 0..<p { packed[k * p + j] = rows * Double(buffer[j]) }
        }
        packed[4 * p] = rows
        packed[4 * p + 1] = rows * Double(progress.averaged)
        try collective.sum(&packed)
        rows = 0
        let weight = packed[4 * p]
        guard weight > 0 else { return }
        for (k, buffer) in buffers.enumerated() {
            for j in 0..<p { buffer[j] = S(packed[k * p + j] / weight) }
        }
        progress.averaged = Int((packed[4 * p + 1] / weight).rounded())
    }
}
