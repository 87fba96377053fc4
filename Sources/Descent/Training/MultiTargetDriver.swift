/// The training loop for `k` targets at once (a ``MultiLinearModel``): per epoch, draw the row
/// order, make the epoch's updates, record the losses, and ask the stop rules whether to go on.
///
/// It shares everything but the gradient with ``EpochDriver``: the row order and gathering
/// (``EpochOrder``), the buffers (``Workspace`` over a flat `θ` of `(d + 1)·k` parameters), the
/// optimiser maths (``OptimizerStep``), the schedule, the stop rules and the convergence
/// criterion. The objective is the sum of the targets' objectives, so each target's parameters
/// move as they would in a fit of that target alone; the loss it reports is the mean over targets
/// of their MSEs (one target: the single-target loss).
///
/// Unlike ``EpochDriver`` it computes every gradient on the calling thread, a block of rows at a
/// time with `gemm` (which OpenBLAS may thread for many targets), with no helper thread, no
/// partitions and no fused kernel: those serve one target's `gemv`-bound gradient, and keeping
/// them out leaves that path as it is. One target takes the single-target kernels, so it trains
/// bit for bit as ``EpochDriver`` does whenever that one runs on one partition (full batches under
/// 2¹⁷ elements, mini-batches under 2¹²).
struct MultiTargetDriver<Source: RowBlockSource> {
    typealias S = Source.Scalar
    let settings: TrainingSettings<S>
    /// `k`.
    let targets: Int
    let order: EpochOrder<Source>
    let workspace: Workspace<S>
    var step: OptimizerStep<S>
    /// The held-out validation rows (early stopping), in increasing order.
    let validation: [Int]
    /// The model is a buffer of its own: averaged SGD's average, accelerated proximal steps' iterate.
    let averaging: Bool
    /// Plain SGD with no penalty and a rate constant within the epoch: the fast update paths.
    let plain: Bool

    /// Prepares a fit over the `members` rows of `source` (all when `nil`), holding out `validation`.
    init(source: Source, settings: TrainingSettings<S>, members: [Int]?, validation: [Int]) {
        self.settings = settings
        self.validation = validation
        let d = settings.columns, k = source.targetColumns
        targets = k
        // The single-target driver's blocks: a block of features stays in cache for its two gemm.
        let blockRows = Swift.max(1, Swift.min(8192 / d, settings.rows))
        order = EpochOrder(source: source, members: members, shuffling: settings.shuffling, blockRows: blockRows,
                           slots: 1, seed: settings.orderSeed)
        workspace = Workspace(columns: d, targets: k, blockRows: blockRows, partitions: 1)
        step = OptimizerStep(optimizer: settings.optimizer, l2: S(settings.l2), l1: S(settings.l1), weights: d * k,
                             parameters: (d + 1) * k, theta: workspace.theta.baseAddress!,
                             first: workspace.first.baseAddress!, second: workspace.second.baseAddress!,
                             average: workspace.average.baseAddress!)
        step.proximalMomentum = settings.proximalMomentum
        step.restarts = settings.restarts
        averaging = settings.separateModel
        plain = settings.plain
    }

    /// Trains `model` (whose training state it continues and updates) for the settings' epochs.
    func run(_ model: inout MultiLinearModel<S>, onEpoch: ((EpochReport<S>) -> Void)?) throws(DescentError)
        -> FitHistory<S> {
        var state = model.trainingState ?? TrainingState()
        // Another optimiser's buffers mean nothing to this one.
        if state.optimizer != settings.optimizer.description { state.clearOptimizerBuffers() }
        workspace.load(model, state, averaging: averaging)
        defer {
            workspace.store(&model, &state, optimizer: settings.optimizer, separateModel: averaging)
            model.trainingState = state
        }
        let ws = workspace, rows = settings.rows
        var rules = settings.stopRules
        var convergence = Convergence<S>(tolerance: settings.convergenceTolerance, l2: settings.l2, l1: settings.l1,
                                         rows: rows, columns: settings.columns, targets: targets)
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
            let loss = S(progress.sumOfSquares / Double(rows * targets))
            guard loss.isFinite else { throw diverged(epoch: epoch, update: progress.updates) }
            if let cause = DivergenceDiagnosis.growth(loss: loss, earlier: history.losses) {
                throw diverged(epoch: epoch, update: progress.updates, cause: cause)
            }
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
               isConverged(epoch: history.epochs, squares: progress.sumOfSquares, averaged: state.averaged, &convergence) {
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
            let (verdict, ratio) = certify(model.baseAddress!, &convergence)
            history.recordVerdict(verdict, ratio: ratio, settings: settings, gramUnavailable: convergence.gramUnavailable)
        }
        return history
    }

    /// The mean over targets of the MSE of the current model on the held-out rows.
    func validationError(averaged: Int) -> Double {
        let theta = workspace.current(averaging: averaging, averaged: averaged).baseAddress!
        let weights = workspace.weightCount
        var total = 0.0, rows = 0.0
        validation.withUnsafeBufferPointer { indices in
            var start = 0
            while start < indices.count {
                let end = Swift.min(start + order.blockRows, indices.count)
                let block = order.gather(UnsafeBufferPointer(rebasing: indices[start..<end]), slot: 0)
                total += Double(Kernels.residuals(block, targets: targets, weights: theta, biases: theta + weights,
                                                  into: workspace.residuals.baseAddress!,
                                                  sums: workspace.blockSums.baseAddress!))
                rows += Double(block.count)
                start = end
            }
        }
        return rows > 0 ? total / (rows * Double(targets)) : 0
    }

    /// The divergence error for update `update` of epoch `epoch`, with the diagnosis.
    func diverged(epoch: Int, update: Int, cause: String = "") -> DescentError {
        DivergenceDiagnosis.error(source: order.source, blockRows: order.blockRows, epoch: epoch, update: update,
                                  learningRate: settings.learningRate.base, cause: cause)
    }
}
