/// Measuring the convergence criterion (``Convergence``) inside the epoch driver.
extension EpochDriver {
    /// One pass over the training rows: the MSE gradient `(2/n)·[X 1]ᵀ(Xw + b − y)` at `theta`, and
    /// the first time also at the zero model (the criterion's reference). Returns `‖∇L(θ)‖`.
    func measureGradient(at theta: UnsafePointer<S>, _ convergence: inout Convergence<S>) throws(DescentError) -> Double {
        let ws = workspace, d = settings.columns
        let g = ws.gradientAtModel.baseAddress!, g0 = ws.gradientAtZero.baseAddress!
        let withReference = convergence.reference == nil
        g.update(repeating: 0, count: d + 1)
        g0.update(repeating: 0, count: d + 1)
        var sum = 0.0, targetSum = 0.0
        try chunks.visit(chunks.training) { (index, source) throws(DescentError) in
            bind(index, source)
            let rows = order.rows
            var position = 0
            while position < rows {
                let block = order.fetch(position, limit: Swift.min(order.blockRows, rows - position), slot: 0)
                let (s, _) = Kernels.residuals(block, weights: theta, bias: theta[d], into: ws.residuals.baseAddress!)
                Kernels.accumulateGradient(block, residuals: ws.residuals.baseAddress!, into: g)
                sum += Double(s)
                if withReference {
                    // At the zero model r = −ŵ⊙y: reuse the residual buffer, now that Xᵀr is accumulated.
                    let r0 = ws.residuals.baseAddress!
                    for i in 0..<block.count {
                        r0[i] = -(block.sampleWeights.map { $0[i] * block.targets[i] } ?? block.targets[i])
                        targetSum -= Double(r0[i])
                    }
                    Kernels.accumulateGradient(block, residuals: r0, into: g0)
                }
                position += block.count
            }
        }
        if collective.size > 1 {
            // Every part's sums, added in rank order: d + 1 numbers, 2d + 2 the first time.
            var packed = (0..<d).map { Double(g[$0]) } + [sum]
            if withReference { packed += (0..<d).map { Double(g0[$0]) } + [targetSum] }
            try collective.sum(&packed)
            for j in 0..<d { g[j] = S(packed[j]) }
            sum = packed[d]
            if withReference {
                for j in 0..<d { g0[j] = S(packed[d + 1 + j]) }
                targetSum = packed[2 * d + 1]
            }
        }
        let scale = 2 / Double(settings.rows)
        for j in 0..<d { g[j] = S(Double(g[j]) * scale) }
        g[d] = S(sum * scale)
        // Whitening in gradient mode: the criterion is measured in the whitened coordinates, as
        // when the rows themselves are whitened.
        preconditioner?.toWhitenedGradient(g)
        if withReference {
            for j in 0..<d { g0[j] = S(Double(g0[j]) * scale) }
            g0[d] = S(-targetSum * scale)
            preconditioner?.toWhitenedGradient(g0)
            convergence.setReference(mseAtZero: g0, zeros: ws.zeros.baseAddress!, columns: d)
        }
        return convergence.objectiveGradientNorm(mse: g, theta: theta, columns: d)
    }

    /// In batch mode, `‖∇L‖` at the parameters the last update started from, from that update's own
    /// gradient (no extra pass): `Xᵀr` is in the first partial buffer and `Σr` in `biasSum`.
    func lastBatchGradientNorm(biasSum: S, _ convergence: Convergence<S>) -> Double {
        let ws = workspace, d = settings.columns
        let g = ws.gradientAtModel.baseAddress!
        let scale = 2 / S(settings.rows)
        for j in 0..<d { g[j] = scale * ws.partialGradients[j] }
        g[d] = scale * biasSum
        preconditioner?.toWhitenedGradient(g)
        return convergence.objectiveGradientNorm(mse: g, theta: ws.savedTheta.baseAddress!, columns: d)
    }
}
