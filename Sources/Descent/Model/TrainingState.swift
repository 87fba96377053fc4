/// What training remembers between calls, carried by the model: the update and epoch counters
/// that schedules use, the optimiser's buffers, the averaged-SGD iterate, and the adaptive
/// schedule's progress. Calling `fit` or `partialFit` again continues from it.
///
/// The model owns this value but does not interpret it: the trainer fills it in and reads it
/// back. Only the counters are public.
public struct TrainingState<Scalar: BLASScalar>: Sendable, Equatable {
    /// Updates made so far (a schedule's `t`).
    public internal(set) var updates: Int = 0
    /// Epochs completed so far (a schedule's `e`; each `partialFit` call counts as one).
    public internal(set) var epochs: Int = 0
    /// The optimiser the buffers below belong to (its description); another optimiser starts
    /// them afresh.
    var optimizer: String? = nil
    /// Momentum's velocity or Adam's first moment, `d + 1` entries (bias last).
    var firstMoment: [Scalar] = []
    /// Adam's second moment.
    var secondMoment: [Scalar] = []
    /// Averaged SGD: the current iterate (the model holds the average).
    var iterate: [Scalar] = []
    /// Averaged SGD: how many iterates the average holds.
    var averaged: Int = 0
    /// The adaptive schedule's divisor so far.
    var rateScale: Double = 1
    /// The adaptive schedule's best monitored loss.
    var bestMonitored: Double = .infinity
    /// The adaptive schedule's epochs without improvement.
    var epochsWithoutImprovement: Int = 0

    /// Forgets the optimiser's buffers (for another optimiser, or after divergence).
    mutating func clearOptimizerBuffers() {
        firstMoment = []
        secondMoment = []
        iterate = []
        averaged = 0
    }
}
