/// How training starts when it is given a model without weights (``LinearModel/init()``).
public enum Initialization: Sendable, Hashable {
    /// All weights and the bias zero.
    case zeros
    /// Weights drawn from a normal distribution with this standard deviation, truncated at two
    /// standard deviations (redrawn beyond), from the trainer's seed; bias zero.
    case truncatedNormal(standardDeviation: Double)

    func validate() throws(DescentError) {
        if case let .truncatedNormal(sigma) = self, !(sigma.isFinite && sigma > 0) {
            throw .invalidOption(name: "initialization", value: "truncatedNormal(standardDeviation: \(sigma))",
                                 expected: "a finite standard deviation > 0")
        }
    }

    /// A model of `columns` weights and a zero bias: zeros, or truncated-normal weights drawn from
    /// their own stream of `seed` (so initialisation does not change the shuffling sequence).
    func model<S: BLASScalar>(columns: Int, seed: UInt64) -> LinearModel<S> {
        switch self {
        case .zeros:
            return LinearModel(weights: [S](repeating: 0, count: columns), bias: 0)
        case let .truncatedNormal(sigma):
            var random = RandomSource(seed: seed ^ 0xA5A5_A5A5_A5A5_A5A5)
            let weights = (0..<columns).map { _ in S(random.nextTruncatedNormal(standardDeviation: sigma)) }
            return LinearModel(weights: weights, bias: 0)
        }
    }

    /// A model of `columns × targets` weights and zero biases, drawn target by target from the same
    /// stream as ``model(columns:seed:)`` (so one target starts as a ``LinearModel`` would).
    func model<S: BLASScalar>(columns: Int, targets: Int, seed: UInt64) -> MultiLinearModel<S> {
        var draws = [S](repeating: 0, count: columns * targets)
        if case let .truncatedNormal(sigma) = self {
            var random = RandomSource(seed: seed ^ 0xA5A5_A5A5_A5A5_A5A5)
            for t in 0..<targets {
                for j in 0..<columns { draws[j * targets + t] = S(random.nextTruncatedNormal(standardDeviation: sigma)) }
            }
        }
        return MultiLinearModel(weights: Matrix(rows: columns, columns: targets, validElements: draws),
                                biases: [S](repeating: 0, count: targets), unchecked: ())
    }
}
