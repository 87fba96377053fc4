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
    var step: OptimizerStep<S>
    var gradient: ParallelGradient<Source>
    /// The chunks of the rows, trained on and held out.
    let chunks: EpochChunks<Source>
    /// One chunk: the rows trained on in it (all when `nil`) and those held out, in increasing order.
    let members: [Int]?
    let validation: [Int]
    /// Whether rows are held out anywhere (on any part): early stopping applies.
    let validating: Bool
    /// The other parts of a data set split over processes (``LocalCollective`` in one process).
    let collective: any Collective
    /// The training rows of this part (``TrainingSettings/rows`` counts every part's), and of
    /// every part by rank (for the size of each global mini-batch).
    let localRows: Int
    let partRows: [Int]
    /// Model averaging of stochastic training across parts: updates between averagings, on a
    /// part with an average share of the rows (`nil`: once per epoch).
    let averagingInterval: Int?
    /// The model is a buffer of its own: averaged SGD's average, accelerated proximal steps' iterate.
    let averaging: Bool
    /// Plain SGD with no penalty and a rate constant within the epoch: the fast update paths.
    let plain: Bool
    /// Stochastic updates on sparse rows whose untouched weights are caught up in closed form
    /// (``LazySparseSteps``), when the configuration has a closed form.
    let lazy: LazySparseSteps<S>?
    /// The map whose preconditioner every update applies (whitening in gradient mode), if any.
    let preconditioner: FeatureMap<S>?
    /// The targets `k` trained at once (1 for a ``LinearModel``).
    let targets: Int

    /// Prepares a fit over `chunks` (in one chunk, its `members` rows, all when `nil`, holding out
    /// `validation`), combining with the other parts through `collective`; with `scaling`, on the
    /// standardised rows.
    init(chunks: EpochChunks<Source>, settings: TrainingSettings<S>, members: [Int]?, validation: [Int],
         validating: Bool, collective: any Collective = LocalCollective(), averagingInterval: Int? = nil,
         scaling: FeatureMap<S>? = nil, partRows: [Int]? = nil) {
        var settings = settings
        settings.whitened = scaling?.whitened ?? false
        self.settings = settings
        preconditioner = scaling?.preconditionsGradients == true ? scaling : nil
        self.chunks = chunks
        self.members = members
        self.validation = validation
        self.validating = validating
        self.collective = collective
        self.averagingInterval = averagingInterval
        localRows = chunks.training.count == 1 && members != nil ? members!.count : chunks.trainingRows
        self.partRows = partRows ?? [localRows]
        let d = settings.columns, k = chunks.placeholder.targetColumns
        targets = k
        // Rows per kernel call: small enough that a block stays in cache and that OpenBLAS runs
        // the call on the calling thread (no nested threading under our own).
        // Sparse rows: a few hundred, whatever the width (a block costs its nonzeros).
        let blockRows = chunks.placeholder.isSparse ? Swift.max(1, Swift.min(256, settings.rows))
            : Swift.max(1, Swift.min(8192 / d, settings.rows))
        let slots = ParallelGradient<Source>.partitions
        let largest = chunks.rowCounts.max() ?? 0
        order = EpochOrder(source: chunks.placeholder, members: members, shuffling: settings.shuffling,
                           blockRows: blockRows, slots: slots, seed: settings.orderSeed,
                           capacity: Swift.max(largest, members?.count ?? 0), epochRows: settings.rows, scaling: scaling)
        workspace = Workspace(columns: d, targets: k, blockRows: blockRows, partitions: slots)
        step = OptimizerStep(optimizer: settings.optimizer, l2: S(settings.l2), l1: S(settings.l1), weights: d * k,
                             parameters: (d + 1) * k, theta: workspace.theta.baseAddress!,
                             first: workspace.first.baseAddress!, second: workspace.second.baseAddress!,
                             average: workspace.average.baseAddress!)
        gradient = ParallelGradient(order: order, workspace: workspace, rows: settings.rows,
                                    batchSize: settings.batchSize, threads: settings.threads, loss: settings.loss)
        gradient.pairingPattern = settings.pairingPattern
        step.proximalMomentum = settings.proximalMomentum
        step.restarts = settings.restarts
        averaging = settings.separateModel
        plain = settings.plain
        lazy = chunks.placeholder.isSparse && LazySparseSteps<S>.applies(to: settings)
            ? LazySparseSteps(settings: settings, weights: d * k) : nil
    }

    /// Trains `model` (whose training state it continues and updates) for the settings' epochs.
    mutating func run<Model: TrainableModel>(_ model: inout Model, onEpoch: ((EpochReport<S>) -> Void)?)
        throws(DescentError) -> FitHistory<S> where Model.Scalar == S {
        var state = model.trainingState ?? TrainingState()
        // Another optimiser's buffers mean nothing to this one.
        if state.optimizer != settings.optimizer.description { state.clearOptimizerBuffers() }
        model.load(into: workspace, state, averaging: averaging)
        defer {
            model.store(from: workspace, &state, optimizer: settings.optimizer, separateModel: averaging)
            model.trainingState = state
        }
        // The helper thread serves one process (across parts, every update waits for a sum).
        if collective.size == 1 { gradient.startHelper(chunked: chunks.training.count > 1) }
        defer { gradient.stopHelper() }
        let ws = workspace, rows = settings.rows
        var rules = settings.stopRules
        var convergence = Convergence<S>(tolerance: settings.convergenceTolerance, l2: settings.l2, l1: settings.l1,
                                         rows: rows, columns: settings.columns, targets: targets, loss: settings.loss)
        var history = FitHistory<S>(reservingEpochs: settings.epochs, validating: validating)
        history.learningRate = settings.learningRate.base
        let clock = ContinuousClock()
        let start = clock.now
        var certified: (verdict: ConvergenceVerdict, ratio: Double)? = nil
        var snapshots = SnapshotSchedule()
        // Another loss: its smoothing schedule (needing the targets' spread from a first pass) and
        // its own certificates (``RobustCertificate``).
        let smoothed = settings.loss.isPiecewiseLinear && settings.automaticRate
        var robust: RobustProgress<S>? = nil
        if !settings.loss.isSquared && (smoothed || settings.measuresConvergence) {
            _ = try measure(at: ws.current(averaging: averaging, averaged: state.averaged).baseAddress!, &convergence)
            robust = RobustProgress(loss: settings.loss, baseline: convergence.baseline, targets: targets, smoothed: smoothed)
        }
        for _ in 1...settings.epochs {
            let epoch = history.epochs + 1
            if let robust, robust.smoothing(afterEpochs: state.epochs) != ws.smoothing {
                // A narrower envelope: a new objective for SVRG's safeguard.
                ws.smoothing = robust.smoothing(afterEpochs: state.epochs)
                snapshots.lastObjective = .infinity
            }
            if settings.varianceReduced {
                // SVRG's snapshot: its pass also certifies the model as it stands.
                var snapshot = try nextSnapshot(&snapshots, &convergence)
                if !averaging, finishOnSupport(snapshot.verdict, averaged: state.averaged, &convergence) {
                    // Finished on its support: the snapshot is retaken there.
                    snapshots = SnapshotSchedule()
                    snapshot = try nextSnapshot(&snapshots, &convergence)
                }
                if settings.stopsWhenConverged, !averaging, history.epochs > 0,
                   snapshot.verdict.certifies(settings.convergenceTolerance) {
                    certified = snapshot
                    history.stopReason = .converged
                    break
                }
            }
            let rate = snapshots.rateFactor * (smoothed ? ws.smoothing : 1)
                * settings.learningRate.at(update: state.updates + 1, epoch: state.epochs, scale: state.rateScale)
            var progress = EpochProgress(updatesBefore: state.updates, averaged: state.averaged, rate: S(rate))
            _ = ws.savedTheta.update(fromContentsOf: ws.theta)
            ws.saveEpochStart()
            let failure: Int?
            do throws(DescentError) {
                failure = try epochUpdates(epoch: state.epochs, &progress)
            } catch {
                ws.restoreEpochStart()   // a chunk could not be read: back to the last whole epoch
                throw error
            }
            var localError: DescentError? = nil
            if let update = failure {
                ws.recoverFromDivergence(averaged: progress.averaged)
                localError = diverged(epoch: epoch, update: update)
            }
            do throws(DescentError) {
                try collective.agree(localError)
            } catch {
                if localError == nil { ws.restoreEpochStart() } else {
                    state.updates = progress.updatesBefore + progress.updates
                    state.averaged = progress.averaged
                    state.firstMoment = []
                    state.secondMoment = []
                }
                throw error
            }
            state.updates = progress.updatesBefore + progress.updates
            state.averaged = progress.averaged
            // The mean over targets of their (weighted) MSEs.
            let loss = S(progress.lossSum / Double(rows * targets))
            guard loss.isFinite else { throw diverged(epoch: epoch, update: progress.updates) }
            if let cause = DivergenceDiagnosis.growth(loss: loss, earlier: history.losses) {
                // The loss is every part's: each part stops, with the lowest rank's diagnosis.
                ws.restoreEpochStart()
                try collective.agree(diverged(epoch: epoch, update: progress.updates, cause: cause))
            }
            state.epochs += 1
            let elapsed = (clock.now - start).seconds
            history.record(loss: loss, seconds: elapsed, rate: rate, updates: progress.updates)
            var validationLoss: Double? = nil
            if validating {
                validationLoss = try validationError(averaged: state.averaged)
                history.validationLosses.append(S(validationLoss!))
            }
            onEpoch?(EpochReport(epoch: epoch, loss: loss, elapsedSeconds: elapsed, updates: progress.updates))

            var stop = rules.observe(loss: Double(loss), validation: validationLoss, state: &state)
            if rules.validationImproved {
                history.bestEpoch = epoch
                _ = ws.bestTheta.update(fromContentsOf: ws.current(averaging: averaging, averaged: state.averaged))
            }
            if stop == nil, settings.stopsWhenConverged, !settings.varianceReduced, robust == nil,
               try isConverged(epoch: history.epochs, squares: progress.lossSum, averaged: state.averaged,
                               &convergence) {
                stop = .converged
            }
            if stop == nil, robust != nil, settings.measuresConvergence,
               history.epochs % RobustProgress<S>.checkEpochs == 0,
               try robustStep(&robust!, averaged: state.averaged), settings.stopsWhenConverged {
                stop = .converged
            }
            if let stop {
                if stop == .earlyStopping { ws.restoreBest() }
                history.stopReason = stop
                break
            }
        }
        if history.stopReason == .epochBudget, rules.earlyStopping != nil, validating,
           history.bestEpoch != history.epochs {
            ws.restoreBest()
        }
        if settings.measuresConvergence, var progress = robust {
            // The model's check, then the best model measured when the fit stops once converged
            // (the defaults; not when early stopping chose the model): a non-smooth loss's steps
            // wander about its optimum.
            let model = ws.current(averaging: averaging, averaged: state.averaged)
            let check = try robustCheck(model.baseAddress!, floor: progress.floor)
            progress.observe(check, model: UnsafeBufferPointer(model))
            let objective = settings.stopsWhenConverged && !validating
                ? installBest(progress, averaged: state.averaged, objective: check.verdict.objective)
                : check.verdict.objective
            let ratio = try certify(ws.current(averaging: averaging, averaged: state.averaged).baseAddress!,
                                    &convergence).ratio
            certified = (progress.verdict(objective: objective), ratio)
            if check.unavailable != nil { convergence.gramUnavailable = check.unavailable }
        }
        if settings.measuresConvergence {
            let model = ws.current(averaging: averaging, averaged: state.averaged)
            if certified == nil {
                var (verdict, ratio, _) = try certify(model.baseAddress!, &convergence)
                if finishOnSupport(verdict, averaged: state.averaged, &convergence) {
                    (verdict, ratio, _) = try certify(model.baseAddress!, &convergence)
                }
                certified = (verdict, ratio)
            }
            let (verdict, ratio) = certified!
            history.recordVerdict(verdict, ratio: ratio, settings: settings, gramUnavailable: convergence.gramUnavailable)
        }
        return history
    }

    /// Binds chunk `index` (`source`) to the epoch order, in epoch `epoch`'s order (the current
    /// epoch's when `nil`).
    func bind(_ index: Int, _ source: Source, epoch: Int? = nil) {
        order.bind(source, members: chunks.training.count == 1 ? members : nil, chunk: index,
                   epoch: epoch ?? order.shuffledEpoch)
    }
}

extension Duration {
    /// This duration in seconds.
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) * 1e-18
    }
}
