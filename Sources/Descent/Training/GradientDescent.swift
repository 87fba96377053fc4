#if canImport(Glibc)
import Glibc
#endif

/// Trains a ``LinearModel`` by gradient descent on the mean squared error.
///
/// Loss over a batch of `m` rows is `L = (1/m)·Σ(ŷᵢ − yᵢ)²`, so each update is
/// `w ← w − η·(2/m)·Xᵀ(ŷ − y)` and `b ← b − η·(2/m)·Σ(ŷᵢ − yᵢ)`.
///
/// ```swift
/// let gd = GradientDescent<Double>(mode: .miniBatch(size: 64), learningRate: 0.01, epochs: 20)
/// var model = LinearModel<Double>()
/// let history = try gd.fit(&model, features: X, targets: y)
/// ```
///
/// A configuration is a value; fitting does not change it, and the same configuration and seed
/// give bit-identical results.
public struct GradientDescent<Scalar: BLASScalar>: Sendable {
    /// Rows per update: ``BatchMode/batch``, ``BatchMode/miniBatch(size:)`` or ``BatchMode/stochastic``.
    public var mode: BatchMode
    /// The step size `η₀`, finite and > 0. Setting it turns ``automaticLearningRate`` off.
    public var learningRate: Scalar {
        didSet { automaticLearningRate = false; learningRateGiven = true }
    }
    /// The epoch budget, ≥ 1.
    public var epochs: Int
    /// The order the rows are visited in each epoch (mini-batch and stochastic modes; a full
    /// batch's gradient does not depend on the order). Seeded by ``seed``.
    public var shuffling: Shuffling
    /// Whether rows are visited in a new seeded random order every epoch: `true` is
    /// ``Shuffling/blocks``, `false` ``Shuffling/none``. Set ``shuffling`` for ``Shuffling/uniform``.
    public var shuffle: Bool {
        get { shuffling != .none }
        set { shuffling = newValue ? .blocks : .none }
    }
    /// The seed for shuffling and random initialisation.
    public var seed: UInt64
    /// Stop early once an epoch's training loss is at or below this value (`nil`: never). In the
    /// loss's units, so of type `Scalar` (see the precision policy in Conventions).
    public var lossThreshold: Scalar?
    /// How to initialise a model that has no weights yet.
    public var initialization: Initialization
    /// How a gradient becomes a step: SGD, momentum, Nesterov, Adam or averaged SGD.
    ///
    /// Unless set, it is ``Optimizer/sgd`` for a configuration created with a learning rate, and
    /// otherwise depends on the mode: ``Optimizer/nesterov(_:)`` with momentum 0.99 for
    /// ``BatchMode/batch`` (and a mini-batch as large as the data), which with a penalty takes
    /// accelerated proximal steps with restarts (FISTA); plain steps along variance-reduced
    /// gradients (``varianceReduction``) for the stochastic modes, or, when variance reduction is
    /// set to ``VarianceReduction/none`` (and for several targets),
    /// ``Optimizer/averaged(startingAfter:)`` from the first update (as scikit-learn's
    /// `SGDRegressor(average=True)`).
    public var optimizer: Optimizer {
        get {
            chosenOptimizer ?? (learningRateGiven ? .sgd : mode == .batch ? .nesterov(0.99)
                                    : varianceReduction == .svrg ? .sgd : .averaged())
        }
        set { chosenOptimizer = newValue }
    }
    /// The optimiser the caller set, if any.
    var chosenOptimizer: Optimizer?
    /// The preconditioning the caller set, if any.
    var chosenPreconditioning: Preconditioning? = nil
    /// The variance reduction the caller set, if any.
    var chosenVarianceReduction: VarianceReduction? = nil

    /// How mini-batch and stochastic updates estimate the gradient (``VarianceReduction``); full
    /// batches have no noise to reduce.
    ///
    /// Unless set, ``VarianceReduction/svrg`` for a configuration created without a learning rate
    /// and without an optimiser (its steps are then plain SGD steps along the variance-reduced
    /// gradient, at the automatic rate), so that the defaults reach the optimum of every objective,
    /// penalised or not, and ``VarianceReduction/none`` otherwise: a configuration that names its
    /// rate or optimiser trains exactly as written. Several targets (``MultiLinearModel``) train
    /// with plain gradients.
    public var varianceReduction: VarianceReduction {
        get { chosenVarianceReduction ?? (learningRateGiven || chosenOptimizer != nil ? .none : .svrg) }
        set { chosenVarianceReduction = newValue }
    }

    /// The optimiser a fit on `rows` rows in batches of `batchSize` uses: the one set, or the
    /// default described in ``optimizer``.
    func resolvedOptimizer(batchSize: Int, rows: Int, varianceReduced: Bool) -> Optimizer {
        if let chosenOptimizer { return chosenOptimizer }
        if learningRateGiven { return .sgd }
        if batchSize == rows { return .nesterov(0.99) }
        return varianceReduced ? .sgd : .averaged()
    }
    /// Whether the configuration was created with a learning rate (then nothing is chosen for it).
    var learningRateGiven: Bool
    /// How the learning rate changes over training.
    public var schedule: LearningRateSchedule
    /// A penalty on the weights (never the bias): `gd.penalty = .l2(0.01)`.
    public var penalty: Penalty
    /// The loss each residual passes through (``Loss``): ``Loss/squared``, the mean squared error,
    /// by default.
    public var loss: Loss = .squared
    /// Hold out a share of the rows and stop when their loss stops improving (`nil`: never).
    public var earlyStopping: EarlyStopping?
    /// Stop when the training loss has not improved by this much for ``patience`` epochs
    /// (`nil`: never). In the loss's units, so of type `Scalar`, like ``lossThreshold``.
    public var tolerance: Scalar?
    /// Epochs without improvement that ``tolerance`` allows.
    public var patience: Int
    /// Choose `η₀` from the data instead of ``learningRate``: `1/λ_max` of the loss Hessian
    /// `(2/n)·[X 1]ᵀ[X 1]` (half the largest stable full-batch step), by power iteration without
    /// forming `XᵀX`, for full batches; for stochastic mode `1/(2·maxᵢ(‖xᵢ‖² + 1))`.
    /// For mini-batches of `b` rows the rate is `1/L(b)`, the expected smoothness of a batch between
    /// `λ_max` and the largest row's; averaged SGD in the stochastic modes takes half the bound.
    /// The estimate is made after standardising or whitening, when the fit does either.
    public var automaticLearningRate: Bool
    /// Train on standardised features (each column centred and divided by its standard
    /// deviation), and return the model in the original units. The penalty and the automatic
    /// learning rate then apply to the standardised problem.
    ///
    /// No copy of `X` is made: the columns are measured in one pass (from a ``RowSource``, merged
    /// chunk by chunk), and each block of rows is standardised into a small buffer as the loop
    /// reads it, so the result is bit for bit the one training on a standardised copy gives.
    /// (Multi-target fits still standardise a copy.)
    public var standardize: Bool

    /// The convergence verdict's tolerance: a fit converged when its certified relative objective
    /// gap is at most this (``FitHistory/objectiveGap``, ``FitHistory/converged``): the objective
    /// trained (the weighted MSE plus the penalty) is then within this fraction of its optimum.
    /// Default `1e-6`. (Earlier versions bounded the relative gradient norm, default `1e-3`,
    /// which did not bound the distance to the optimum on correlated data.)
    public var convergenceTolerance: Double
    /// Stop as soon as the model meets the convergence criterion (``StopReason/converged``): checked
    /// every epoch in batch mode, where the gradient is at hand, and after epochs 1, 2, 4, 8, … in
    /// the other modes, at the cost of a pass over the data each. On by default when the epoch
    /// budget was not given; off when it was, so an explicit budget runs to its end.
    public var stopWhenConverged: Bool

    /// Stochastic training across the parts of a distributed data set: the parts average their
    /// models every this many updates, counted on a part with an average share of the rows
    /// (`nil`, the default: once per epoch, at its end). Each epoch is then cut into
    /// `⌈n / (parts × interval)⌉` slices, each part's in proportion to its rows, and the models are
    /// averaged after each, weighted by the rows each part visited (Vowpal Wabbit's allreduce
    /// mode). In one process it changes nothing.
    public var averagingInterval: Int? = nil

    /// Tests only: run Descent's own loops on this many threads instead of OpenBLAS's count,
    /// without touching the process-wide setting.
    var threadsOverride: Int? = nil

    /// Tests only: a fixed pattern of mini-batch segments run on two threads and on one, instead
    /// of the timing that chooses between them (``PairChoice``).
    var pairingPattern: PairChoice.Pattern? = nil

    /// The seed used when none is given (``RandomSource/defaultSeed``).
    public static var defaultSeed: UInt64 { RandomSource.defaultSeed }

    /// Creates a gradient-descent configuration. Nothing is checked until ``fit(_:features:targets:onEpoch:)-(_,_,[Scalar],_)``.
    ///
    /// A configuration created without a learning rate picks everything a first fit needs: the
    /// automatic learning rate (``automaticLearningRate``), an optimiser for the mode (see
    /// ``optimizer``), whitening of ill-conditioned features (``preconditioning``) and, without an
    /// epoch budget, up to 1000 epochs that stop once converged (``stopWhenConverged``). A
    /// configuration that names its learning rate trains exactly as written: plain SGD, a constant
    /// rate, no preconditioning, and 100 epochs unless given.
    ///
    /// The options not in this initialiser are properties: ``shuffling``, ``tolerance``,
    /// ``patience``, ``automaticLearningRate``, ``standardize``, ``preconditioning``,
    /// ``convergenceTolerance``, ``stopWhenConverged``.
    ///
    /// - Parameters:
    ///   - mode: Rows per update: ``BatchMode/batch`` (the default), mini-batches or stochastic.
    ///   - learningRate: The step size `η₀`, finite and > 0; `nil` chooses it from the data.
    ///   - epochs: The epoch budget, ≥ 1; `nil` for 1000 epochs that stop once converged (100 when a
    ///     learning rate is given).
    ///   - shuffle: Visit rows in a new seeded order each epoch (``Shuffling/blocks``); `false` keeps
    ///     the stored order.
    ///   - seed: Seeds shuffling, initialisation and held-out rows.
    ///   - lossThreshold: Stop once an epoch's training loss is at or below it (`nil`: never).
    ///   - initialization: How an empty model starts.
    ///   - optimizer: How a gradient becomes a step; `nil` for the default described in ``optimizer``.
    ///   - schedule: How the learning rate changes over training.
    ///   - penalty: A penalty on the weights (never the bias).
    ///   - earlyStopping: Hold out rows and stop when their loss stops improving (`nil`: never).
    public init(mode: BatchMode = .batch, learningRate: Scalar? = nil, epochs: Int? = nil,
                shuffle: Bool = true, seed: UInt64 = Self.defaultSeed, lossThreshold: Scalar? = nil,
                initialization: Initialization = .zeros, optimizer: Optimizer? = nil,
                schedule: LearningRateSchedule = .constant, penalty: Penalty = .none,
                earlyStopping: EarlyStopping? = nil) {
        self.chosenOptimizer = optimizer
        self.learningRateGiven = learningRate != nil
        self.schedule = schedule
        self.penalty = penalty
        self.earlyStopping = earlyStopping
        self.tolerance = nil
        self.patience = 5
        self.standardize = false
        self.mode = mode
        self.learningRate = learningRate ?? 0.01
        self.automaticLearningRate = learningRate == nil
        self.epochs = epochs ?? (learningRate == nil ? 1000 : 100)
        self.stopWhenConverged = epochs == nil && learningRate == nil
        self.convergenceTolerance = 1e-6
        self.shuffling = shuffle ? .blocks : .none
        self.seed = seed
        self.lossThreshold = lossThreshold
        self.initialization = initialization
    }

    /// Trains `model` in place on `features` and `targets`.
    ///
    /// A model with weights continues from them (its width must match the features); an empty
    /// model (``LinearModel/init()``) is first initialised per ``initialization``.
    ///
    /// - Parameters:
    ///   - model: The model to train.
    ///   - features: `n × d` features, row-major.
    ///   - targets: `n` targets.
    ///   - onEpoch: Called after every epoch, e.g. to log progress.
    /// - Returns: The per-epoch losses and times, and why training stopped.
    /// - Throws: ``DescentError`` for inconsistent shapes, empty data, NaN or ±∞ in the data or
    ///   the model, an invalid configuration, or divergence (``DescentError/diverged(epoch:update:learningRate:hint:)``,
    ///   which leaves the model at its last finite state).
    /// - Complexity: O(epochs × n × d) time; O(batch × d) memory besides the data.
    @specialized(where Scalar == Float)
    @specialized(where Scalar == Double)
    @discardableResult
    public func fit(_ model: inout LinearModel<Scalar>, features: Matrix<Scalar>, targets: [Scalar],
                    onEpoch: ((EpochReport<Scalar>) -> Void)? = nil) throws(DescentError) -> FitHistory<Scalar> {
        try prepare(&model, features: features, targets: targets, targetColumns: 1)
        return try train(&model, features: features, targets: targets, targetColumns: 1, weights: nil, epochs: epochs,
                         holdOut: true, whole: true, onEpoch: onEpoch)
    }

    /// Trains `model` for one epoch on `features` and `targets` only: for data that arrives in
    /// pieces. The optimiser state and the schedule's counters carry over between calls (each call
    /// counts as one epoch), so calling it on the batches of an epoch, in order and without
    /// shuffling, gives exactly the model that one ``fit(_:features:targets:onEpoch:)-(_,_,[Scalar],_)`` epoch gives.
    /// ``earlyStopping`` does not apply (there is no epoch to hold rows out of).
    ///
    /// - Parameters:
    ///   - model: The model to train; an empty one is first initialised.
    ///   - features: `n × d` features, row-major.
    ///   - targets: `n` targets.
    /// - Returns: The epoch's loss and time.
    /// - Throws: as ``fit(_:features:targets:onEpoch:)-(_,_,[Scalar],_)``.
    @specialized(where Scalar == Float)
    @specialized(where Scalar == Double)
    @discardableResult
    public func partialFit(_ model: inout LinearModel<Scalar>, features: Matrix<Scalar>,
                           targets: [Scalar]) throws(DescentError) -> FitHistory<Scalar> {
        try prepare(&model, features: features, targets: targets, targetColumns: 1)
        return try train(&model, features: features, targets: targets, targetColumns: 1, weights: nil, epochs: 1,
                         holdOut: false, whole: false, onEpoch: nil)
    }

    /// Trains a new model from ``initialization`` and returns it with its history.
    ///
    /// - Parameters:
    ///   - features: `n × d` features, row-major.
    ///   - targets: `n` targets.
    ///   - onEpoch: Called after every epoch, e.g. to log progress.
    /// - Throws: as ``fit(_:features:targets:onEpoch:)-(_,_,[Scalar],_)``.
    public func fit(features: Matrix<Scalar>, targets: [Scalar],
                    onEpoch: ((EpochReport<Scalar>) -> Void)? = nil) throws(DescentError)
        -> (model: LinearModel<Scalar>, history: FitHistory<Scalar>) {
        var model = LinearModel<Scalar>()
        let history = try fit(&model, features: features, targets: targets, onEpoch: onEpoch)
        return (model, history)
    }
}
