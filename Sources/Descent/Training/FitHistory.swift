/// The record of one call to ``GradientDescent/fit(_:features:targets:onEpoch:)``.
public struct FitHistory<Scalar: BLASScalar>: Sendable, Codable {
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

    /// An empty history with room for `epochs` epochs (and their validation losses when `validating`).
    init(reservingEpochs epochs: Int, validating: Bool) {
        losses.reserveCapacity(epochs)
        elapsedSeconds.reserveCapacity(epochs)
        learningRates.reserveCapacity(epochs)
        if validating { validationLosses.reserveCapacity(epochs) }
    }

    /// Records one epoch: its training loss, the seconds since training started, its rate, and
    /// the updates it made.
    mutating func record(loss: Scalar, seconds: Double, rate: Double, updates: Int) {
        losses.append(loss)
        elapsedSeconds.append(seconds)
        learningRates.append(rate)
        self.updates += updates
    }
}
