import Dispatch

/// Certifying convergence (``Convergence``) inside the epoch driver: the pass that measures the
/// residual moments at a model, the Gram pass of the exact reference, and the cheap check a full
/// batch makes from its own gradient.
extension EpochDriver {
    /// Calls `body` with every block of training rows (of every training chunk of this part), as
    /// training reads them (standardised when the fit standardises). Sparse rows come as dense
    /// rows unless `sparse`: for the passes that read rows themselves, which run only when the
    /// columns are few (``GramReference/maximumColumns``); the kernels' passes take them sparse.
    func forEachTrainingBlock(sparse: Bool = false, _ body: (RowBlock<S>) -> Void) throws(DescentError) {
        try chunks.visit(chunks.training) { (index, source) throws(DescentError) in
            bind(index, source)
            let rows = order.rows
            var position = 0
            while position < rows {
                let block = order.fetch(position, limit: Swift.min(order.blockRows, rows - position), slot: 0)
                if sparse || block.sparse == nil { body(block) } else { Self.densified(block, body) }
                position += block.count
            }
        }
    }

    /// ``forEachTrainingBlock(sparse:_:)`` with each training chunk's rows cut in two halves:
    /// `body(half, block)` for the dense blocks of each, the halves at the same time when the fit
    /// has two threads or more. The calls are the same either way, so what a body sums per half
    /// does not depend on the threads. The Gram pass of the exact reference ran on one core; with
    /// it in halves and the fixes to its mean pass, a `fit` of five batch epochs over 1,000,000 ×
    /// 100 took 261–266 ms against 459–479 (`Double`), 179–190 against 412–418 (`Float`), three
    /// alternating runs of `bench --only fit-call,batch-epoch --precision both` (the read at 46–54 GB/s).
    func forEachTrainingBlockInHalves(_ body: @escaping (Int, RowBlock<S>) -> Void) throws(DescentError) {
        try chunks.visit(chunks.training) { (index, source) throws(DescentError) in
            bind(index, source)
            if settings.threads > 1 {
                let shared = UncheckedSendable((self, body))
                DispatchQueue.concurrentPerform(iterations: 2) { half in
                    shared.value.0.visitHalf(half, shared.value.1)
                }
            } else {
                visitHalf(0, body)
                visitHalf(1, body)
            }
        }
    }

    /// The blocks of half `half` (0 or 1) of the bound chunk's rows, from slot `half`.
    private func visitHalf(_ half: Int, _ body: (Int, RowBlock<S>) -> Void) {
        let rows = order.rows
        var position = rows * half / 2
        let end = rows * (half + 1) / 2
        while position < end {
            let block = order.fetch(position, limit: Swift.min(order.blockRows, end - position), slot: half)
            if block.sparse == nil { body(half, block) } else { Self.densified(block) { body(half, $0) } }
            position += block.count
        }
    }

    /// Calls `body` with the sparse `block`'s rows written densely.
    static func densified(_ block: RowBlock<S>, _ body: (RowBlock<S>) -> Void) {
        let d = block.columns
        withUnsafeTemporaryAllocation(of: S.self, capacity: Swift.max(1, block.count * d)) { buffer in
            for i in 0..<block.count { block.sparse!.scatter(i, into: buffer.baseAddress! + i * d, columns: d) }
            body(RowBlock(features: buffer.baseAddress!, targets: block.targets, sampleWeights: block.sampleWeights,
                          count: block.count, columns: d))
        }
    }

    /// `totals[offset...] += X_bᵀR` in `Double` (`k × d`, row-major): for dense rows through
    /// `scratch` (`k·d`) in the block's precision, for sparse ones per nonzero (O(nnz), not O(d)).
    func addProducts(_ block: RowBlock<S>, targets k: Int, residuals r: UnsafePointer<S>, scratch: UnsafeMutablePointer<S>,
                     into totals: inout [Double], at offset: Int) {
        let d = block.columns
        if let x = block.sparse {
            totals.withUnsafeMutableBufferPointer { totals in
                for i in 0..<block.count {
                    for t in 0..<k {
                        let residual = Double(r[i * k + t]), row = offset + t * d
                        for p in x.span(i) { totals[row + x.indices[p]] += residual * Double(x.values[p]) }
                    }
                }
            }
            return
        }
        scratch.update(repeating: 0, count: k * d)
        Kernels.accumulateGradient(block, targets: k, residuals: r, into: scratch)
        for j in 0..<(k * d) { totals[offset + j] += Double(scratch[j]) }
    }

    /// One pass over the training rows: every target's residual moments at `theta` (summed over
    /// the parts), and the first time also the certificate's reference (`Xᵀŵ`, the targets' sums,
    /// `‖∇P(0)‖`).
    func measure(at theta: UnsafePointer<S>, _ convergence: inout Convergence<S>) throws(DescentError) -> ResidualMoments {
        let ws = workspace, d = settings.columns, k = targets, weights = ws.weightCount
        let scratch = ws.gradientAtModel.baseAddress!, residuals = ws.residuals.baseAddress!
        let blockSums = ws.blockSums.baseAddress!
        let withReference = convergence.reference == nil
        var moments = ResidualMoments(columns: d, targets: k)
        // The reference: Xᵀŵ (d), every target's Xᵀ(ŵ⊙y) (k × d), then Σŵy and Σŵy² per target.
        var reference = [Double](repeating: 0, count: withReference ? d + weights + 2 * k : 0)
        try forEachTrainingBlock(sparse: true) { block in
            let m = block.count
            blockSums.update(repeating: 0, count: k)
            let q = Kernels.residuals(block, targets: k, weights: theta, biases: theta + weights, into: residuals,
                                      sums: blockSums, loss: settings.loss, smoothing: ws.smoothing)
            for t in 0..<k { moments.sums[t] += Double(blockSums[t]) }
            if k == 1 || !settings.loss.isSquared {
                // (Another loss's Σŵℓ over several targets is spread evenly: only the squared
                // loss's certificates read it per target.)
                for t in 0..<k { moments.squares[t] += Double(q) / Double(k) }
            } else {
                // The residuals are ŵr: each target's Σŵr² is Σ(ŵr)²/ŵ.
                for i in 0..<m {
                    let weight = Double(block.sampleWeights?[i] ?? 1)
                    guard weight > 0 else { continue }
                    for t in 0..<k { let r = Double(residuals[i * k + t]); moments.squares[t] += r * r / weight }
                }
            }
            addProducts(block, targets: k, residuals: residuals, scratch: scratch, into: &moments.products, at: 0)
            guard withReference else { return }
            for i in 0..<m { residuals[i] = block.sampleWeights?[i] ?? 1 }
            addProducts(block, targets: 1, residuals: residuals, scratch: scratch, into: &reference, at: 0)
            for i in 0..<m {
                let weight = Double(block.sampleWeights?[i] ?? 1)
                for t in 0..<k {
                    let y = Double(block.targets[i * k + t])
                    residuals[i * k + t] = S(weight * y)
                    reference[d + weights + t] += weight * y
                    reference[d + weights + k + t] += weight * y * y
                }
            }
            addProducts(block, targets: k, residuals: residuals, scratch: scratch, into: &reference, at: d)
        }
        if collective.size > 1 {
            var packed = moments.packed + reference
            try collective.sum(&packed)
            let p = moments.packed.count
            moments.unpack(Array(packed[0..<p]))
            reference = Array(packed[p...])
        }
        if withReference {
            // ∇P(0): every target's MSE gradient −(2/n)(Xᵀ(ŵ⊙y), Σŵy) and the penalty's least-norm subgradient.
            let scale = settings.loss.derivativeFactor / Double(settings.rows)
            var squares = 0.0
            for t in 0..<k {
                var g0 = (0..<d).map { S(-scale * reference[d + t * d + $0]) }
                g0.withUnsafeMutableBufferPointer { preconditioner?.toWhitenedGradient($0.baseAddress!) }
                squares += Convergence<S>.gradientSquares(g0, theta: ws.zeros.baseAddress!, l1: settings.l1,
                                                          l2: settings.l2, columns: d)
                let bias = scale * reference[d + weights + t]
                squares += bias * bias
            }
            convergence.setReference(columnSums: Array(reference[0..<d]),
                                     targetSums: Array(reference[(d + weights)..<(d + weights + k)]),
                                     targetSquares: Array(reference[(d + weights + k)...]),
                                     gradientNormAtZero: squares.squareRoot())
        }
        return moments
    }

    /// Certifies the model `theta`: measures the Gram reference first if the certificate wants it,
    /// then one pass for the moments. Returns the verdict and the (reported) gradient ratio.
    func certify(_ theta: UnsafePointer<S>, _ convergence: inout Convergence<S>) throws(DescentError)
        -> (verdict: ConvergenceVerdict, ratio: Double, moments: ResidualMoments) {
        if convergence.wantsGram && settings.loss.isSquared { try measureGram(&convergence) }
        let moments = try measure(at: theta, &convergence)
        return (convergence.verdict(moments, theta: theta), ratio(moments, theta, convergence), moments)
    }

    /// The gradient ratio at `theta` (in whitened coordinates when whitening preconditions the gradient).
    func ratio(_ moments: ResidualMoments, _ theta: UnsafePointer<S>, _ convergence: Convergence<S>) -> Double {
        convergence.gradientRatio(moments, theta: theta, whiten: preconditioner.map { map in { map.toWhitenedGradient($0) } })
    }

    /// Measures the Gram reference of the training rows (``GramReference``), or records why not.
    func measureGram(_ convergence: inout Convergence<S>) throws(DescentError) {
        let d = settings.columns
        guard d <= GramReference.maximumColumns else {
            convergence.gramUnavailable = "the exact reference needs the \(d) × \(d) Gram matrix, "
                + "measured only up to \(GramReference.maximumColumns) columns"
            return
        }
        let cost = GramReference.costInEpochs(rows: settings.rows, columns: d, targets: targets)
        guard cost <= GramReference.affordableEpochs(budget: settings.epochs) else {
            convergence.gramUnavailable = "the exact reference (the \(d) × \(d) Gram matrix) would "
                + "cost about \(Int(cost.rounded())) epochs, more than this fit's \(settings.epochs) allow"
            return
        }
        // The measurement's matrix, the correlation and its factor: three d × d matrices, on every
        // part (a part without the memory decides for all, so that none waits in a sum).
        var short = [MemoryBudget.fits(MemoryBudget.bytes(MemoryBudget.count(3, d, d))) ? 0.0 : 1]
        try collective.sum(&short)
        guard short[0] == 0 else {
            convergence.gramUnavailable = "the exact reference's three \(d) × \(d) matrices do not fit in the memory available"
            return
        }
        // Rows read unstandardised are measured about their weighted means (one more pass), so
        // that the co-moments do not cancel.
        var shift = [Double](repeating: 0, count: d)
        if order.scaling == nil {
            var sums = [Double](repeating: 0, count: d + 1)
            // Into a buffer of its own: the array captured and written per element cost an
            // exclusivity and a uniqueness check each (`perf`: more than the Gram product itself).
            let totals = UnsafeMutableBufferPointer<Double>.allocate(capacity: d + 1)
            defer { totals.deallocate() }
            totals.initialize(repeating: 0)
            try forEachTrainingBlock { block in CorrelationMeasurement.addWeightedRows(block, into: totals.baseAddress!) }
            for j in 0...d { sums[j] = totals[j] }
            try collective.sum(&sums)
            if sums[d] > 0 { shift = (0..<d).map { sums[$0] / sums[d] } }
        }
        let scaling = Standardizer<S>(means: shift, deviations: [Double](repeating: 1, count: d))
        let halves = UnsafeMutableBufferPointer<CorrelationMeasurement>.allocate(capacity: 2)
        halves.initialize(repeating: CorrelationMeasurement(columns: d))
        defer { halves.baseAddress!.deinitialize(count: 2); halves.deallocate() }
        try forEachTrainingBlockInHalves { half, block in halves[half].add(block, scaling: scaling) }
        var measurement = halves[0]
        measurement.merge(halves[1])
        try measurement.combine(collective)
        if let gram = GramReference(measurement, shift: shift, l2: settings.l2) {
            convergence.gram = gram
        } else {
            convergence.gramUnavailable = "the training rows' Gram matrix is not positive semi-definite to working precision"
        }
    }

    /// In batch mode, the verdict at the parameters the last update started from, from that
    /// update's own sums (no extra pass): every target's `Xᵀ(ŵ⊙e)` is in the first partial
    /// buffer and its `Σŵe` in the partial sums, and the epoch's `Σŵe²` over all targets is
    /// `squares` (spread evenly over several targets: only the lasso's dual scale reads it per
    /// target, and the pass that confirms a verdict measures each exactly).
    func lastBatchVerdict(squares: Double, _ convergence: Convergence<S>) -> ConvergenceVerdict {
        let ws = workspace, k = targets
        var moments = ResidualMoments(columns: settings.columns, targets: k)
        for j in 0..<ws.weightCount { moments.products[j] = Double(ws.partialGradients[j]) }
        for t in 0..<k {
            moments.sums[t] = Double(ws.partialSums[t])
            moments.squares[t] = squares / Double(k)
        }
        return convergence.verdict(moments, theta: ws.savedTheta.baseAddress!)
    }

    /// Finishes an L1 fit whose proximal steps found the optimum's support and signs: the
    /// active-set certificate solved the objective restricted to that support (a quadratic) and
    /// confirmed by the optimality conditions off it that its solution is the optimum, so one
    /// Newton step on the support, `θ ← θ + Δ`, reaches it (zeros stay zeros). Gradient descent's
    /// part is the hard one — finding which weights are zero and their signs — and on strongly
    /// correlated features the last digits on the support would otherwise take thousands of
    /// epochs. Applied once per fit, only by fits that stop once converged (the defaults), to the
    /// model and to the optimiser's iterates (momentum restarted). Returns whether it was; the
    /// caller then certifies the new model.
    func finishOnSupport(_ verdict: ConvergenceVerdict, averaged: Int, _ convergence: inout Convergence<S>) -> Bool {
        guard settings.stopsWhenConverged, !convergence.finishedOnSupport,
              !verdict.certifies(settings.convergenceTolerance), let step = verdict.activeSetStep else { return false }
        convergence.finishedOnSupport = true
        let ws = workspace, p = ws.parameterCount
        let model = ws.current(averaging: averaging, averaged: averaged)
        for j in 0..<p { model[j] = S(Double(model[j]) + step[j]) }
        for buffer in [ws.theta, ws.average, ws.epochEnd] where buffer.baseAddress != model.baseAddress {
            _ = buffer.update(fromContentsOf: model)
        }
        ws.first.update(repeating: 0)
        ws.second.update(repeating: 0)
        return true
    }

    /// Whether the model is certified converged after this fit's epoch `epoch` (``Convergence``):
    /// in batch mode from the epoch's own gradient (every epoch; confirmed at the model by a pass);
    /// otherwise from a pass over the data after epochs 1, 2, 4, 8, ….
    func isConverged(epoch: Int, squares: Double, averaged: Int,
                     _ convergence: inout Convergence<S>) throws(DescentError) -> Bool {
        let model = workspace.current(averaging: averaging, averaged: averaged).baseAddress!
        if settings.batchSize == settings.rows {
            let cheap = convergence.reference == nil || convergence.wantsGram
                ? try certify(workspace.savedTheta.baseAddress!, &convergence).verdict
                : lastBatchVerdict(squares: squares, convergence)
            // Certified there, or its support found (then the model can be finished on it, once).
            guard cheap.certifies(settings.convergenceTolerance)
                    || (cheap.activeSetStep != nil && !convergence.finishedOnSupport) else { return false }
        } else if epoch & (epoch - 1) != 0 {
            return false
        }
        var verdict = try certify(model, &convergence).verdict
        if finishOnSupport(verdict, averaged: averaged, &convergence) { verdict = try certify(model, &convergence).verdict }
        return verdict.certifies(settings.convergenceTolerance)
    }
}
