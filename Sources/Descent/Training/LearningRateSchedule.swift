#if canImport(Glibc)
import Glibc
#endif

/// How the learning rate changes during training. `t` counts updates from 1 and `e` completed
/// epochs from 0, both over the model's whole training history (they survive continued training).
public enum LearningRateSchedule: Sendable, Hashable, CustomStringConvertible {
    /// `η = η₀`.
    case constant
    /// `η = η₀ / tᵖ` (scikit-learn's `invscaling`).
    case inverseScaling(power: Double)
    /// `η = η₀ · factor^⌊e / every⌋`.
    case stepDecay(every: Int, factor: Double)
    /// `η = η₀ · decayᵉ`.
    case exponential(decay: Double)
    /// `η` is divided by 5 each time the monitored loss (validation loss with early stopping,
    /// training loss otherwise) has not improved by `tolerance` for `patience` epochs; training
    /// stops when `η` falls below `minimum` (scikit-learn's `adaptive`).
    case adaptive(tolerance: Double = 1e-4, patience: Int = 5, minimum: Double = 1e-6)

    /// A readable form.
    public var description: String {
        switch self {
        case .constant: "constant"
        case let .inverseScaling(p): "inverseScaling(power: \(p))"
        case let .stepDecay(every, factor): "stepDecay(every: \(every), factor: \(factor))"
        case let .exponential(decay): "exponential(decay: \(decay))"
        case let .adaptive(tol, patience, minimum): "adaptive(tolerance: \(tol), patience: \(patience), minimum: \(minimum))"
        }
    }

    /// Whether the rate can change between the updates of one epoch.
    var changesWithinEpoch: Bool { if case .inverseScaling = self { true } else { false } }

    func validate() throws(DescentError) {
        let ok: Bool = switch self {
        case .constant: true
        case let .inverseScaling(p): p.isFinite && p >= 0
        case let .stepDecay(every, factor): every >= 1 && factor.isFinite && factor > 0 && factor <= 1
        case let .exponential(decay): decay.isFinite && decay > 0 && decay <= 1
        case let .adaptive(tol, patience, minimum): tol.isFinite && tol >= 0 && patience >= 1 && minimum.isFinite && minimum >= 0
        }
        guard ok else {
            throw .invalidOption(name: "schedule", value: description,
                                 expected: "finite parameters: power ≥ 0, factors and decays in (0, 1], every and patience ≥ 1")
        }
    }
}

extension LearningRateSchedule {
    /// The rate for update `t` (from 1) in epoch `e` (completed epochs, from 0).
    func rate(base: Double, update t: Int, epoch e: Int, scale: Double) -> Double {
        switch self {
        case .constant: base
        case let .inverseScaling(power): base / pow(Double(Swift.max(t, 1)), power)
        case let .stepDecay(every, factor): base * pow(factor, Double(e / every))
        case let .exponential(decay): base * pow(decay, Double(e))
        case .adaptive: base * scale
        }
    }
}
