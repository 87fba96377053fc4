/// The learning rate as a function of the update count: `η₀` and the schedule, resolved once.
struct LearningRate: Sendable {
    /// `η₀`: the configured rate, or the automatic choice.
    let base: Double
    let schedule: LearningRateSchedule

    /// Whether the rate can change between the updates of one epoch (then every update asks
    /// ``step(update:)``; otherwise the epoch's rate holds for all of them).
    var changesWithinEpoch: Bool { schedule.changesWithinEpoch }

    /// The rate for update `t` (from 1) in epoch `e` (completed epochs, from 0), with the adaptive
    /// schedule's divisor `scale`: what the history records.
    func at(update t: Int, epoch e: Int, scale: Double) -> Double {
        schedule.rate(base: base, update: t, epoch: e, scale: scale)
    }

    /// The step size of update `t` in the training precision, for schedules that change within
    /// an epoch (they depend on `t` only).
    func step<S: BLASScalar>(update t: Int) -> S {
        S(at(update: t, epoch: 0, scale: 1))
    }
}

/// The public ``GradientDescent`` configuration resolved for one fit on `rows` rows, as flat
/// values: what the epoch driver reads. The driver never sees the public configuration (the way
/// scikit-learn's `SGDRegressor` hands flat arguments to its inner loop).
struct TrainingSettings<S: BLASScalar>: Sendable {
    /// Training rows (those not held out).
    let rows: Int
    let columns: Int
    let epochs: Int
    /// Rows per update.
    let batchSize: Int
    let learningRate: LearningRate
    /// The loss each residual passes through.
    let loss: Loss
    let optimizer: Optimizer
    /// `λ` of the squared-norm and absolute-value penalty terms.
    let l2: Double
    let l1: Double
    /// The epoch order; `.none` for a full batch, whose gradient does not depend on the order.
    let shuffling: Shuffling
    /// Seeds the epoch orders: epoch `e` (over the model's whole training) draws its order from
    /// this seed and `e` alone, so a continued fit repeats none of the earlier orders and visits the
    /// rows as one uninterrupted fit would.
    let orderSeed: UInt64
    /// Threads for Descent's own parallel loops.
    let threads: Int
    /// Tests only: how mini-batch halves alternate between two threads and one (``PairChoice``).
    let pairingPattern: PairChoice.Pattern?
    let stopRules: StopRules
    /// The convergence criterion's tolerance (see ``Convergence``).
    let convergenceTolerance: Double
    /// Whether to measure convergence at the end (not for `partialFit`).
    let measuresConvergence: Bool
    /// Whether to stop once converged (checked every epoch in batch mode, after epochs 1, 2, 4, 8,
    /// … otherwise).
    let stopsWhenConverged: Bool
    /// Whether `η₀` was chosen from the data, and whether the features were standardised: for advice.
    let automaticRate: Bool
    let standardized: Bool
    /// Whether the features are whitened (``Preconditioning``): for advice.
    var whitened = false
    /// Whether mini-batch and stochastic updates use variance-reduced gradients (``VarianceReduction/svrg``).
    let varianceReduced: Bool
    /// Whether momentum takes accelerated proximal steps: Nesterov with a penalty (the gradient at
    /// the extrapolated point, the proximal step at the iterate, which the model holds), restarted
    /// whenever a full-batch step goes against the last move.
    let proximalMomentum: Bool
    /// Whether the restart applies (full batches, whose steps are not noisy).
    var restarts: Bool { proximalMomentum && batchSize == rows }

    /// Whether the model is a buffer of its own, apart from the iterate being trained: averaged
    /// SGD's average, accelerated proximal steps' iterate (whose extrapolated point is trained).
    var separateModel: Bool { optimizer.isAveraging || proximalMomentum }

    /// Plain SGD on the squared loss with no penalty, no variance reduction and a rate that is
    /// constant within an epoch: the fast path (the compiled stochastic kernels).
    var plain: Bool {
        optimizer == .sgd && l1 == 0 && l2 == 0 && !learningRate.changesWithinEpoch && !varianceReduced
            && loss.usesSquaredKernels
    }

    /// Resolves `configuration` (already validated) for `rows` training rows of `columns` features.
    ///
    /// - Parameters:
    ///   - configuration: The validated public configuration.
    ///   - rows: The rows trained on (without held-out rows).
    ///   - columns: The feature columns.
    ///   - epochs: The epoch budget of this call (1 for `partialFit`).
    ///   - baseRate: `η₀`, configured or estimated.
    ///   - validating: Whether validation rows are held out (early stopping applies).
    ///   - orderSeed: The seed of the epoch orders.
    ///   - measuresConvergence: Whether to measure convergence (`fit`, not `partialFit`).
    init(_ configuration: GradientDescent<S>, rows: Int, columns: Int, epochs: Int, baseRate: Double,
         validating: Bool, orderSeed: UInt64, measuresConvergence: Bool) {
        self.rows = rows
        self.columns = columns
        self.epochs = epochs
        batchSize = configuration.mode.batchSize(rows: rows)
        learningRate = LearningRate(base: baseRate, schedule: configuration.schedule)
        loss = configuration.loss
        varianceReduced = batchSize < rows && configuration.varianceReduction == .svrg
        let optimizer = configuration.resolvedOptimizer(batchSize: batchSize, rows: rows, varianceReduced: varianceReduced)
        self.optimizer = optimizer
        let strengths = configuration.penalty.strengths
        (l2, l1) = strengths
        let nesterov = if case .nesterov = optimizer { true } else { false }
        proximalMomentum = nesterov && (strengths.l1 > 0 || strengths.l2 > 0 || !configuration.loss.isSquared)
        shuffling = batchSize == rows ? .none : configuration.shuffling
        self.orderSeed = orderSeed
        threads = configuration.threadsOverride ?? BLASConfiguration.threads
        pairingPattern = configuration.pairingPattern
        var adaptive: StopRules.Adaptive? = nil
        if case let .adaptive(tolerance, patience, minimum) = configuration.schedule {
            adaptive = .init(tolerance: tolerance, patience: patience, minimum: minimum, baseRate: baseRate)
        }
        convergenceTolerance = configuration.convergenceTolerance
        self.measuresConvergence = measuresConvergence
        stopsWhenConverged = measuresConvergence && configuration.stopWhenConverged
        automaticRate = configuration.automaticLearningRate
        standardized = configuration.standardize
        stopRules = StopRules(lossThreshold: configuration.lossThreshold.map { Double($0) },
                              earlyStopping: validating ? configuration.earlyStopping : nil,
                              tolerance: configuration.tolerance.map { Double($0) },
                              patience: configuration.patience, adaptive: adaptive)
    }
}
