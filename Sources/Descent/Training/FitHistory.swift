/// How many rows each gradient-descent update uses.
public enum BatchMode: Sendable, Hashable, CustomStringConvertible {
    /// Full batch: one update per epoch, from all `n` rows.
    case batch
    /// Mini-batch: one update per `size` rows, ⌈n/size⌉ updates per epoch; the last, shorter batch
    /// uses its own row count in the gradient's `2/m` (so its rows weigh a little more in that
    /// epoch). A size of `n` or more is the same as `.batch`.
    case miniBatch(size: Int)
    /// Stochastic: one update per row, `n` updates per epoch.
    case stochastic

    /// `batch`, `mini-batch(256)` or `stochastic`.
    public var description: String {
        switch self {
        case .batch: "batch"
        case let .miniBatch(size): "mini-batch(\(size))"
        case .stochastic: "stochastic"
        }
    }
}

/// The order in which an epoch visits the rows (mini-batch and stochastic modes).
public enum Shuffling: Sendable, Hashable, CustomStringConvertible {
    /// The rows in their stored order, every epoch.
    case none
    /// A new random order every epoch that is read at streaming speed: the rows are cut into
    /// blocks of consecutive rows (about 1 MiB of features each, see ``blockRows(rows:rowBytes:)``)
    /// and the blocks are visited in a uniformly random order. Data of at most 4 MiB, which
    /// stays in cache, is instead permuted row by row, uniformly. This is what `shuffle: true`
    /// means. Rows inside a block keep their stored order: if that order means something (sorted
    /// by time or by target), use ``uniform``, or shuffle the rows once before training.
    case blocks
    /// A uniformly random permutation of all rows every epoch. Exact, but on data far larger
    /// than cache every row is a random memory access, and an epoch costs several times a
    /// streaming pass (the bench reports both).
    case uniform

    /// `none`, `blocks` or `uniform`.
    public var description: String {
        switch self {
        case .none: "none"
        case .blocks: "blocks"
        case .uniform: "uniform"
        }
    }

    /// The rows per block that ``blocks`` keeps together, for `rows` rows of `rowBytes` bytes:
    /// 1 (a uniform permutation) when the data is at most 4 MiB, otherwise ⌈1 MiB / rowBytes⌉.
    ///
    /// Measured with `swift run -c release bench` on 10⁶ × 100 doubles: jumping to a random place
    /// in memory costs a few microseconds here, so 8 KiB blocks made a stochastic epoch four
    /// times slower than an unshuffled one, and 1 MiB blocks cost under 10 %.
    public static func blockRows(rows: Int, rowBytes: Int) -> Int {
        let bytes = rows.multipliedReportingOverflow(by: rowBytes)
        if !bytes.overflow && bytes.partialValue <= 4 << 20 { return 1 }
        return Swift.max(1, ((1 << 20) + rowBytes - 1) / rowBytes)
    }
}

/// How training starts when it is given a model without weights (``LinearModel/init()``).
public enum Initialization: Sendable, Hashable {
    /// All weights and the bias zero.
    case zeros
    /// Weights drawn from a normal distribution with this standard deviation, truncated at two
    /// standard deviations (redrawn beyond), from the trainer's seed; bias zero.
    case truncatedNormal(standardDeviation: Double)
}

/// Why training stopped.
public enum StopReason: Sendable, Hashable, CustomStringConvertible {
    /// The epoch budget was spent. Not an error: check ``FitHistory/losses`` for convergence.
    case epochBudget
    /// The epoch's training loss fell to the threshold the caller set.
    case lossThreshold
    /// The training loss stopped improving by ``GradientDescent/tolerance`` for
    /// ``GradientDescent/patience`` epochs.
    case tolerance
    /// The validation loss stopped improving (``EarlyStopping``); the best epoch's weights were restored.
    case earlyStopping
    /// The adaptive schedule brought the learning rate below its minimum.
    case learningRateExhausted

    /// A readable reason.
    public var description: String {
        switch self {
        case .epochBudget: "epoch budget spent"
        case .lossThreshold: "loss threshold reached"
        case .tolerance: "training loss stopped improving"
        case .earlyStopping: "validation loss stopped improving"
        case .learningRateExhausted: "learning rate exhausted"
        }
    }
}

/// What happened in one epoch, passed to the `onEpoch` callback of ``GradientDescent/fit(_:features:targets:onEpoch:)``.
public struct EpochReport<Scalar: BLASScalar>: Sendable {
    /// The epoch number, from 1.
    public let epoch: Int
    /// The epoch's training loss (see ``FitHistory/losses``).
    public let loss: Scalar
    /// Seconds since training started.
    public let elapsedSeconds: Double
    /// Updates made in this epoch.
    public let updates: Int
}

/// The record of one call to ``GradientDescent/fit(_:features:targets:onEpoch:)``.
public struct FitHistory<Scalar: BLASScalar>: Sendable {
    /// The training loss of each epoch: the mean of `(ŷᵢ − yᵢ)²` over all rows, each row's
    /// prediction made with the weights in force when that row was used.
    ///
    /// In `.batch` mode this is exactly the MSE of the model at the start of the epoch (before
    /// its update). In the other modes it is the running loss of the epoch, as scikit-learn and
    /// PyTorch report it; it costs no extra pass over the data. For the MSE of the final model,
    /// call ``LinearModel/meanSquaredError(features:targets:)``.
    public internal(set) var losses: [Scalar] = []
    /// Seconds since the start of training at the end of each epoch.
    public internal(set) var elapsedSeconds: [Double] = []
    /// Why training stopped.
    public internal(set) var stopReason: StopReason = .epochBudget
    /// The number of updates made in all.
    public internal(set) var updates: Int = 0
    /// The base learning rate `η₀` used (the automatic choice, when that option is on).
    public internal(set) var learningRate: Double = 0
    /// The learning rate at the start of each epoch.
    public internal(set) var learningRates: [Double] = []
    /// The MSE on the held-out rows after each epoch (with ``EarlyStopping``; empty otherwise).
    public internal(set) var validationLosses: [Scalar] = []
    /// With ``EarlyStopping``: the epoch (from 1) whose weights the model holds.
    public internal(set) var bestEpoch: Int? = nil

    /// The number of epochs completed.
    public var epochs: Int { losses.count }
}
