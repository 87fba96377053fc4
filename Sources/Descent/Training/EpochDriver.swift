/// The training loop: per epoch, draw the row order, make the epoch's updates, record the losses,
/// and ask the stop rules whether to go on.
///
/// It pulls rows from a ``RowBlockSource`` in epoch order (through ``EpochOrder``) and never
/// indexes the data directly, so a source may stream from a file or hold one machine's share of
/// the rows. It reads only its resolved ``TrainingSettings``, never the public configuration.
struct EpochDriver<Source: RowBlockSource> {
    typealias S = Source.Scalar
    let settings: TrainingSettings<S>
    let order: EpochOrder<Source>
    let workspace: Workspace<S>
    let step: OptimizerStep<S>
    var gradient: ParallelGradient<Source>
    /// The held-out validation rows (early stopping), in increasing order.
    let validation: [Int]
    /// Averaged SGD: the model is the average of the iterates once averaging has begun.
    let averaging: Bool
    /// Plain SGD with no penalty and a rate constant within the epoch: the fast update paths.
    let plain: Bool

    /// Prepares a fit over the `members` rows of `source` (all when `nil`), holding out `validation`.
    init(source: Source, settings: TrainingSettings<S>, members: [Int]?, validation: [Int]) {
        self.settings = settings
        self.validation = validation
        let d = settings.columns
        // Rows per kernel call: small enough that a block stays in cache and that OpenBLAS runs
        // the call on the calling thread (no nested threading under our own).
        let blockRows = Swift.max(1, Swift.min(8192 / d, settings.rows))
        let slots = ParallelGradient<Source>.partitions
        order = EpochOrder(source: source, members: members, shuffling: settings.shuffling, blockRows: blockRows,
                           slots: slots, seed: settings.orderSeed)
        workspace = Workspace(columns: d, blockRows: blockRows, partitions: slots)
        step = OptimizerStep(optimizer: settings.optimizer, l2: S(settings.l2), l1: S(settings.l1), d: d,
                             theta: workspace.theta.baseAddress!, first: workspace.first.baseAddress!,
                             second: workspace.second.baseAddress!, average: workspace.average.baseAddress!)
        gradient = ParallelGradient(order: order, workspace: workspace, batchSize: settings.batchSize,
                                    threads: settings.threads)
        averaging = settings.optimizer.isAveraging
        plain = settings.plain
    }

    /// Trains `model` (whose training state it continues and updates) for the settings' epochs.
    mutating func run(_ model: inout LinearModel<S>, onEpoch: ((EpochReport<S>) -> Void)?) throws(DescentError)
        -> FitHistory<S> {
        var state = model.trainingState ?? TrainingState()
        // Another optimiser's buffers mean nothing to this one.
        if state.optimizer != settings.optimizer.description { state.clearOptimizerBuffers() }
        workspace.load(model, state, averaging: averaging)
        defer {
            workspace.store(&model, &state, optimizer: settings.optimizer)
            model.trainingState = state
        }
        gradient.startHelper()
        defer { gradient.stopHelper() }
        let ws = workspace, rows = settings.rows
        var rules = settings.stopRules
        var convergence = Convergence<S>(tolerance: settings.convergenceTolerance, l2: settings.l2, l1: settings.l1)
        var history = FitHistory<S>(reservingEpochs: settings.epochs, validating: !validation.isEmpty)
        history.learningRate = settings.learningRate.base
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 1...settings.epochs {
            let epoch = history.epochs + 1
            order.shuffle(epoch: state.epochs)
            let rate = settings.learningRate.at(update: state.updates + 1, epoch: state.epochs, scale: state.rateScale)
            var progress = EpochProgress(updatesBefore: state.updates, averaged: state.averaged, rate: S(rate))
            _ = ws.savedTheta.update(fromContentsOf: ws.theta)
            let failure = compute(0..<rows, &progress)
            state.updates = progress.updatesBefore + progress.updates
            state.averaged = progress.averaged
            if let update = failure {
                ws.recoverFromDivergence(averaged: state.averaged)
                state.firstMoment = []
                state.secondMoment = []
                throw diverged(epoch: epoch, update: update)
            }
            let loss = S(progress.sumOfSquares / Double(rows))
            guard loss.isFinite else { throw diverged(epoch: epoch, update: progress.updates) }
            state.epochs += 1
            let elapsed = (clock.now - start).seconds
            history.record(loss: loss, seconds: elapsed, rate: rate, updates: progress.updates)
            var validationLoss: Double? = nil
            if !validation.isEmpty {
                validationLoss = validationError(averaged: state.averaged)
                history.validationLosses.append(S(validationLoss!))
            }
            onEpoch?(EpochReport(epoch: epoch, loss: loss, elapsedSeconds: elapsed, updates: progress.updates))

            var stop = rules.observe(loss: Double(loss), validation: validationLoss, state: &state)
            if rules.validationImproved {
                history.bestEpoch = epoch
                _ = ws.bestTheta.update(fromContentsOf: ws.current(averaging: averaging, averaged: state.averaged))
            }
            if stop == nil, settings.stopsWhenConverged,
               isConverged(epoch: history.epochs, biasSum: progress.lastSum, averaged: state.averaged, &convergence) {
                stop = .converged
            }
            if let stop {
                if stop == .earlyStopping { ws.restoreBest() }
                history.stopReason = stop
                break
            }
        }
        if history.stopReason == .epochBudget, rules.earlyStopping != nil, !validation.isEmpty,
           history.bestEpoch != history.epochs {
            ws.restoreBest()
        }
        if settings.measuresConvergence {
            let model = ws.current(averaging: averaging, averaged: state.averaged)
            let norm = measureGradient(at: model.baseAddress!, &convergence)
            let ratio = convergence.ratio(norm)
            history.relativeGradientNorm = ratio
            history.convergenceTolerance = settings.convergenceTolerance
            if !history.converged {
                history.advice = Convergence.advice(ratio: ratio, tolerance: settings.convergenceTolerance, settings: settings)
            }
        }
        return history
    }

    /// Whether the criterion holds after this fit's epoch `epoch`: in batch mode from the epoch's
    /// own gradient (every epoch); otherwise from a pass over the data after epochs 1, 2, 4, 8, ….
    func isConverged(epoch: Int, biasSum: S, averaged: Int, _ convergence: inout Convergence<S>) -> Bool {
        let norm: Double
        if settings.batchSize == settings.rows {
            let cheap = convergence.reference == nil
                ? measureGradient(at: workspace.savedTheta.baseAddress!, &convergence)
                : lastBatchGradientNorm(biasSum: biasSum, convergence)
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

    /// The (weighted) MSE of the current model on the held-out rows: `Σŵr² / Σŵ`.
    func validationError(averaged: Int) -> Double {
        let theta = workspace.current(averaging: averaging, averaged: averaged)
        var total = 0.0, weights = 0.0
        validation.withUnsafeBufferPointer { indices in
            var start = 0
            while start < indices.count {
                let end = Swift.min(start + order.blockRows, indices.count)
                let block = order.gather(UnsafeBufferPointer(rebasing: indices[start..<end]), slot: 0)
                let (_, q) = Kernels.residuals(block, weights: theta.baseAddress!, bias: theta[settings.columns],
                                               into: workspace.residuals.baseAddress!)
                total += Double(q)
                if let sampleWeights = block.sampleWeights {
                    for k in 0..<block.count { weights += Double(sampleWeights[k]) }
                } else {
                    weights += Double(block.count)
                }
                start = end
            }
        }
        return weights > 0 ? total / weights : 0
    }

    /// The divergence error for update `update` of epoch `epoch`, with the diagnosis.
    func diverged(epoch: Int, update: Int) -> DescentError {
        DivergenceDiagnosis.error(source: order.source, blockRows: order.blockRows, epoch: epoch, update: update,
                                  learningRate: settings.learningRate.base)
    }
}

extension Duration {
    /// This duration in seconds.
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) * 1e-18
    }
}
