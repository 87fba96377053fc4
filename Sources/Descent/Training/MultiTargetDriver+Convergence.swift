/// Measuring the convergence criterion (``Convergence``) for several targets: the objective is
/// the sum of the targets' objectives, so its gradient is every target's gradient side by side.
extension MultiTargetDriver {
    /// One pass over the training rows: every target's MSE gradient `(2/n)·[X 1]ᵀ(XWᵀ… − Y)` at
    /// `theta`, and the first time also at the zero model (the criterion's reference). Returns `‖∇L(θ)‖`.
    func measureGradient(at theta: UnsafePointer<S>, _ convergence: inout Convergence<S>) -> Double {
        let ws = workspace, k = targets, rows = settings.rows
        let weights = ws.weightCount, parameters = ws.parameterCount
        let g = ws.gradientAtModel.baseAddress!, g0 = ws.gradientAtZero.baseAddress!
        let blockSums = ws.blockSums.baseAddress!, totals = ws.targetTotals.baseAddress!
        let residuals = ws.residuals.baseAddress!
        let withReference = convergence.reference == nil
        g.update(repeating: 0, count: parameters)
        g0.update(repeating: 0, count: parameters)
        totals.update(repeating: 0, count: 2 * k)   // Σr at θ, then −Σy (the Σr at zero), per target
        var position = 0
        while position < rows {
            let block = order.fetch(position, limit: Swift.min(order.blockRows, rows - position), slot: 0)
            blockSums.update(repeating: 0, count: k)
            _ = Kernels.residuals(block, targets: k, weights: theta, biases: theta + weights, into: residuals, sums: blockSums)
            Kernels.accumulateGradient(block, targets: k, residuals: residuals, into: g)
            for t in 0..<k { totals[t] += Double(blockSums[t]) }
            if withReference {
                // At the zero model R = −Y: reuse the residual buffer, now that RᵀX is accumulated.
                for i in 0..<(block.count * k) {
                    residuals[i] = -block.targets[i]
                    totals[k + i % k] -= Double(residuals[i])
                }
                Kernels.accumulateGradient(block, targets: k, residuals: residuals, into: g0)
            }
            position += block.count
        }
        let scale = 2 / Double(rows)
        for j in 0..<weights { g[j] = S(Double(g[j]) * scale) }
        for t in 0..<k { g[weights + t] = S(totals[t] * scale) }
        if withReference {
            for j in 0..<weights { g0[j] = S(Double(g0[j]) * scale) }
            for t in 0..<k { g0[weights + t] = S(-totals[k + t] * scale) }
            convergence.setReference(mseAtZero: g0, zeros: ws.zeros.baseAddress!, weights: weights, parameters: parameters)
        }
        return convergence.objectiveGradientNorm(mse: g, theta: theta, weights: weights, parameters: parameters)
    }

    /// In batch mode, `‖∇L‖` at the parameters the last update started from, from that update's own
    /// gradient (no extra pass): every target's `Xᵀr` is in the partial buffer and its `Σr` in the
    /// partial sums.
    func lastBatchGradientNorm(_ convergence: Convergence<S>) -> Double {
        let ws = workspace, weights = ws.weightCount
        let g = ws.gradientAtModel.baseAddress!
        let scale = 2 / S(settings.rows)
        for j in 0..<weights { g[j] = scale * ws.partialGradients[j] }
        for t in 0..<targets { g[weights + t] = scale * ws.partialSums[t] }
        return convergence.objectiveGradientNorm(mse: g, theta: ws.savedTheta.baseAddress!, weights: weights,
                                                 parameters: ws.parameterCount)
    }

    /// Whether the criterion holds after this fit's epoch `epoch`: in batch mode from the epoch's
    /// own gradient (every epoch); otherwise from a pass over the data after epochs 1, 2, 4, 8, ….
    func isConverged(epoch: Int, averaged: Int, _ convergence: inout Convergence<S>) -> Bool {
        let norm: Double
        if settings.batchSize == settings.rows {
            let cheap = convergence.reference == nil
                ? measureGradient(at: workspace.savedTheta.baseAddress!, &convergence)
                : lastBatchGradientNorm(convergence)
            guard convergence.ratio(cheap) <= settings.convergenceTolerance else { return false }
            // That was at the parameters before the update; confirm at the model itself.
            norm = measureGradient(at: workspace.current(averaging: averaging, averaged: averaged).baseAddress!, &convergence)
        } else if epoch & (epoch - 1) == 0 {
            norm = measureGradient(at: workspace.current(averaging: averaging, averaged: averaged).baseAddress!, &convergence)
        } else {
            return false
        }
        return convergence.ratio(norm) <= settings.convergenceTolerance
    }
}
