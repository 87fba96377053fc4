/// How many rows each gradient-descent update uses.
public enum BatchMode: Sendable, Hashable, CustomStringConvertible {
    /// Full batch: one update per epoch, from all `n` rows.
    case batch
    /// Mini-batch: one update per `size` rows, ⌈n/size⌉ updates per epoch; the last, shorter batch
    /// uses its own row count in the gradient's `2/m`. A size of `n` or more is the same as `.batch`.
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

    /// `epoch budget spent` or `loss threshold reached`.
    public var description: String {
        switch self {
        case .epochBudget: "epoch budget spent"
        case .lossThreshold: "loss threshold reached"
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

    /// The number of epochs completed.
    public var epochs: Int { losses.count }
}
