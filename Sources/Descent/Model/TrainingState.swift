/// What training remembers between calls, carried by the model: the update and epoch counters
/// that schedules use, the optimiser's buffers, the averaged-SGD iterate, and the adaptive
/// schedule's progress. Calling `fit` or `partialFit` again continues from it.
///
/// The model owns this value but does not interpret it: the trainer fills it in and reads it
/// back. Only the counters are public.
public struct TrainingState<Scalar: BLASScalar>: Sendable, Equatable, Codable {
    /// Updates made so far (a schedule's `t`).
    public internal(set) var updates: Int = 0
    /// Epochs completed so far (a schedule's `e`; each `partialFit` call counts as one).
    public internal(set) var epochs: Int = 0
    /// The optimiser the buffers below belong to (its description); another optimiser starts
    /// them afresh.
    var optimizer: String? = nil
    /// Momentum's velocity or Adam's first moment, one entry per parameter: `d + 1` for a
    /// ``LinearModel`` (bias last); `(d + 1)·k` for a ``MultiLinearModel`` (each target's `d`
    /// weights in turn, then the `k` biases).
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

    enum CodingKeys: String, CodingKey {
        case updates, epochs, optimizer, firstMoment, secondMoment, iterate, averaged, rateScale, bestMonitored,
             epochsWithoutImprovement
    }

    /// A fresh state: no updates, no epochs, no optimiser buffers.
    init() {}

    /// Decodes a saved state (all of it: counters, buffers, the adaptive schedule's progress).
    ///
    /// - Parameter decoder: The decoder.
    /// - Throws: `DecodingError` for missing or mistyped fields.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        updates = try c.decode(Int.self, forKey: .updates)
        epochs = try c.decode(Int.self, forKey: .epochs)
        optimizer = try c.decodeIfPresent(String.self, forKey: .optimizer)
        firstMoment = try c.decode([Scalar].self, forKey: .firstMoment)
        secondMoment = try c.decode([Scalar].self, forKey: .secondMoment)
        iterate = try c.decode([Scalar].self, forKey: .iterate)
        averaged = try c.decode(Int.self, forKey: .averaged)
        rateScale = try c.decode(Double.self, forKey: .rateScale)
        // JSON has no ∞: the adaptive schedule's "no best yet" is written as null.
        bestMonitored = try c.decodeIfPresent(Double.self, forKey: .bestMonitored) ?? .infinity
        epochsWithoutImprovement = try c.decode(Int.self, forKey: .epochsWithoutImprovement)
        guard updates >= 0, epochs >= 0, averaged >= 0, epochsWithoutImprovement >= 0, rateScale.isFinite, rateScale >= 0 else {
            throw DecodingError.dataCorruptedError(forKey: .updates, in: c, debugDescription: "the training state's counters are invalid")
        }
    }

    /// Encodes the whole state.
    ///
    /// - Parameter encoder: The encoder.
    /// - Throws: `EncodingError` for non-finite buffer values.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(updates, forKey: .updates)
        try c.encode(epochs, forKey: .epochs)
        try c.encodeIfPresent(optimizer, forKey: .optimizer)
        try c.encode(firstMoment, forKey: .firstMoment)
        try c.encode(secondMoment, forKey: .secondMoment)
        try c.encode(iterate, forKey: .iterate)
        try c.encode(averaged, forKey: .averaged)
        try c.encode(rateScale, forKey: .rateScale)
        try c.encodeIfPresent(bestMonitored.isFinite ? bestMonitored : nil, forKey: .bestMonitored)
        try c.encode(epochsWithoutImprovement, forKey: .epochsWithoutImprovement)
    }
}
