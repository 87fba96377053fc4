/// The losses the epoch driver measures beside its updates: the held-out loss the stop rules
/// and the history read, and the diagnosis of a step that diverged.
extension EpochDriver {
    /// The loss of the current model on the held-out rows of every part: the mean over targets of
    /// their weighted MSEs, `Σŵr² / (k·Σŵ)`.
    func validationError(averaged: Int) throws(DescentError) -> Double {
        let theta = workspace.current(averaging: averaging, averaged: averaged).baseAddress!
        let k = targets, blockSums = workspace.blockSums.baseAddress!
        var totals = [0.0, 0.0]
        func add(_ block: RowBlock<S>) {
            blockSums.update(repeating: 0, count: k)
            totals[0] += Double(Kernels.residuals(block, targets: k, weights: theta, biases: theta + workspace.weightCount,
                                                  into: workspace.residuals.baseAddress!, sums: blockSums,
                                                  loss: settings.loss, smoothing: 0))
            if let sampleWeights = block.sampleWeights {
                for i in 0..<block.count { totals[1] += Double(sampleWeights[i]) }
            } else {
                totals[1] += Double(block.count)
            }
        }
        if !validation.isEmpty {
            try chunks.visit(chunks.training) { (index, source) throws(DescentError) in
                bind(index, source)
                validation.withUnsafeBufferPointer { indices in
                    var start = 0
                    while start < indices.count {
                        let end = Swift.min(start + order.blockRows, indices.count)
                        add(order.gather(UnsafeBufferPointer(rebasing: indices[start..<end]), slot: 0))
                        start = end
                    }
                }
            }
        }
        try chunks.visit(chunks.validation) { (_, source) throws(DescentError) in
            var start = 0
            while start < source.rowCount {
                let end = Swift.min(start + order.blockRows, source.rowCount)
                add(order.scaled(source.block(start..<end), slot: 0))
                start = end
            }
        }
        try collective.sum(&totals)
        return totals[1] > 0 ? totals[0] / (totals[1] * Double(k)) : 0
    }

    /// The divergence error for update `update` of epoch `epoch`, with the diagnosis.
    /// The diagnosis reads this part's training rows; if they cannot be read, the error comes without a hint.
    func diverged(epoch: Int, update: Int, cause: String = "") -> DescentError {
        var meanSquares = [Double](repeating: 0, count: settings.columns)
        let all = Swift.max(1, chunks.trainingRows)
        do throws(DescentError) {
            try chunks.visit(chunks.training) { (_, source) throws(DescentError) in
                DivergenceDiagnosis.addMeanSquares(source, blockRows: order.blockRows, rows: all, into: &meanSquares) {
                    order.scaled($0, slot: 0)
                }
            }
        } catch {
            return .diverged(epoch: epoch, update: update, learningRate: settings.learningRate.base, hint: cause)
        }
        return DivergenceDiagnosis.error(meanSquares: meanSquares, epoch: epoch, update: update,
                                         learningRate: settings.learningRate.base, cause: cause)
    }
}
