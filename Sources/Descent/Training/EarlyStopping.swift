/// Early stopping on a held-out share of the training rows.
public struct EarlyStopping: Sendable, Hashable {
    /// The share of rows held out for validation (a seeded random subset), in (0, 1).
    public var validationFraction: Double
    /// Epochs without an improvement of at least `tolerance` in validation loss before stopping.
    public var patience: Int
    /// The improvement that counts.
    public var tolerance: Double

    /// Creates an early-stopping rule. Training then restores the weights of the best epoch.
    ///
    /// - Parameters:
    ///   - validationFraction: The share of rows held out, in (0, 1).
    ///   - patience: Epochs without improvement before stopping, ≥ 1.
    ///   - tolerance: The validation-loss improvement that counts, ≥ 0.
    public init(validationFraction: Double = 0.1, patience: Int = 5, tolerance: Double = 1e-4) {
        self.validationFraction = validationFraction
        self.patience = patience
        self.tolerance = tolerance
    }

    func validate() throws(DescentError) {
        guard validationFraction.isFinite, validationFraction > 0, validationFraction < 1, patience >= 1,
              tolerance.isFinite, tolerance >= 0 else {
            throw .invalidOption(name: "earlyStopping", value: "\(self)",
                                 expected: "validationFraction in (0, 1), patience ≥ 1, tolerance ≥ 0")
        }
    }
}
