/// Certifying convergence (``Convergence``) for several targets: the objective is the sum of the
/// targets' objectives, so its gap is the sum of theirs, each measured as one target's.
extension MultiTargetDriver {
    /// One pass over the training rows: every target's residual moments at `theta`, and the first
    /// time also the certificate's reference.
    func measure(at theta: UnsafePointer<S>, _ convergence: inout Convergence<S>) -> ResidualMoments {
        let ws = workspace, k = targets, rows = settings.rows, d = settings.columns
        let weights = ws.weightCount
        let scratch = ws.gradientAtModel.baseAddress!, blockSums = ws.blockSums.baseAddress!
        let residuals = ws.residuals.baseAddress!
        let withReference = convergence.reference == nil
        var moments = ResidualMoments(columns: d, targets: k)
        // The reference: Xᵀŵ, Xᵀ(ŵ⊙Y) (k × d), Σŵy and Σŵy² per target.
        var reference = [Double](repeating: 0, count: withReference ? d + d * k + 2 * k : 0)
        var position = 0
        while position < rows {
            let block = order.fetch(position, limit: Swift.min(order.blockRows, rows - position), slot: 0)
            let m = block.count
            blockSums.update(repeating: 0, count: k)
            _ = Kernels.residuals(block, targets: k, weights: theta, biases: theta + weights, into: residuals, sums: blockSums)
            for t in 0..<k { moments.sums[t] += Double(blockSums[t]) }
            for i in 0..<m {
                let weight = Double(block.sampleWeights?[i] ?? 1)
                for t in 0..<k {
                    let r = Double(residuals[i * k + t])
                    moments.squares[t] += weight > 0 ? r * r / weight : 0
                }
            }
            scratch.update(repeating: 0, count: weights)
            Kernels.accumulateGradient(block, targets: k, residuals: residuals, into: scratch)
            for j in 0..<weights { moments.products[j] += Double(scratch[j]) }
            if withReference {
                for i in 0..<m { residuals[i] = block.sampleWeights?[i] ?? 1 }
                scratch.update(repeating: 0, count: d)
                Kernels.accumulateGradient(block, targets: 1, residuals: residuals, into: scratch)
                for j in 0..<d { reference[j] += Double(scratch[j]) }
                for i in 0..<m {
                    let weight = Double(block.sampleWeights?[i] ?? 1)
                    for t in 0..<k {
                        let y = Double(block.targets[i * k + t])
                        residuals[i * k + t] = S(weight * y)
                        reference[d + d * k + t] += weight * y
                        reference[d + d * k + k + t] += weight * y * y
                    }
                }
                scratch.update(repeating: 0, count: weights)
                Kernels.accumulateGradient(block, targets: k, residuals: residuals, into: scratch)
                for j in 0..<weights { reference[d + j] += Double(scratch[j]) }
            }
            position += m
        }
        if withReference {
            let scale = 2 / Double(rows)
            var squares = 0.0
            for t in 0..<k {
                let g0 = (0..<d).map { S(-scale * reference[d + t * d + $0]) }
                squares += Convergence<S>.gradientSquares(g0, theta: ws.zeros.baseAddress!, l1: settings.l1,
                                                          l2: settings.l2, columns: d)
                let bias = scale * reference[d + d * k + t]
                squares += bias * bias
            }
            convergence.setReference(columnSums: Array(reference[0..<d]),
                                     targetSums: Array(reference[(d + d * k)..<(d + d * k + k)]),
                                     targetSquares: Array(reference[(d + d * k + k)...]),
                                     gradientNormAtZero: squares.squareRoot())
        }
        return moments
    }

    /// Certifies the model `theta` (see ``EpochDriver/certify(_:_:)``).
    func certify(_ theta: UnsafePointer<S>, _ convergence: inout Convergence<S>) -> (verdict: ConvergenceVerdict, ratio: Double) {
        if convergence.wantsGram { measureGram(&convergence) }
        let moments = measure(at: theta, &convergence)
        return (convergence.verdict(moments, theta: theta), convergence.gradientRatio(moments, theta: theta, whiten: nil))
    }

    /// Measures the Gram reference of the training rows (``GramReference``), or records why not.
    func measureGram(_ convergence: inout Convergence<S>) {
        let d = settings.columns, rows = settings.rows
        guard d <= GramReference.maximumColumns else {
            convergence.gramUnavailable = "the exact reference of an unpenalised fit needs the \(d) × \(d) Gram matrix, "
                + "measured only up to \(GramReference.maximumColumns) columns"
            return
        }
        var sums = [Double](repeating: 0, count: d + 1)
        var position = 0
        while position < rows {
            let block = order.fetch(position, limit: Swift.min(order.blockRows, rows - position), slot: 0)
            for i in 0..<block.count {
                let weight = Double(block.sampleWeights?[i] ?? 1), row = block.features + i * d
                for j in 0..<d { sums[j] += weight * Double(row[j]) }
                sums[d] += weight
            }
            position += block.count
        }
        let shift = sums[d] > 0 ? (0..<d).map { sums[$0] / sums[d] } : [Double](repeating: 0, count: d)
        var measurement = CorrelationMeasurement(columns: d)
        let scaling = Standardizer<S>(means: shift, deviations: [Double](repeating: 1, count: d))
        position = 0
        while position < rows {
            let block = order.fetch(position, limit: Swift.min(order.blockRows, rows - position), slot: 0)
            measurement.add(block.features, weights: block.sampleWeights, rows: block.count, scaling: scaling)
            position += block.count
        }
        if let gram = GramReference(measurement, shift: shift, l2: settings.l2) {
            convergence.gram = gram
        } else {
            convergence.gramUnavailable = "the training rows' Gram matrix is not positive semi-definite to working precision"
        }
    }

    /// In batch mode, the verdict at the parameters the last update started from, from that
    /// update's own sums: every target's `Xᵀ(ŵ⊙e)` is in the partial buffer, its `Σŵe` in the
    /// partial sums, and the epoch's `Σŵe²` over all targets in `squares` (spread evenly: only the
    /// lasso's dual scale uses it per target, and the confirming pass measures each exactly).
    func lastBatchVerdict(squares: Double, _ convergence: Convergence<S>) -> ConvergenceVerdict {
        let ws = workspace, k = targets, d = settings.columns
        var moments = ResidualMoments(columns: d, targets: k)
        for j in 0..<(d * k) { moments.products[j] = Double(ws.partialGradients[j]) }
        for t in 0..<k {
            moments.sums[t] = Double(ws.partialSums[t])
            moments.squares[t] = squares / Double(k)
        }
        return convergence.verdict(moments, theta: ws.savedTheta.baseAddress!)
    }

    /// Whether the model is certified converged after this fit's epoch `epoch` (see
    /// ``EpochDriver/isConverged(epoch:biasSum:squares:averaged:_:)``).
    func isConverged(epoch: Int, squares: Double, averaged: Int, _ convergence: inout Convergence<S>) -> Bool {
        let model = workspace.current(averaging: averaging, averaged: averaged).baseAddress!
        if settings.batchSize == settings.rows {
            let cheap = convergence.reference == nil || convergence.wantsGram
                ? certify(workspace.savedTheta.baseAddress!, &convergence).verdict
                : lastBatchVerdict(squares: squares, convergence)
            guard cheap.certifies(settings.convergenceTolerance) else { return false }
        } else if epoch & (epoch - 1) != 0 {
            return false
        }
        return certify(model, &convergence).verdict.certifies(settings.convergenceTolerance)
    }
}
