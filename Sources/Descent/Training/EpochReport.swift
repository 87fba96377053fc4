/// What happened in one epoch, passed to the `onEpoch` callback of ``GradientDescent/fit(_:features:targets:onEpoch:)-(_,_,[Scalar],_)``.
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
