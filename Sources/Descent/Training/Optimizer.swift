/// How each update turns a gradient `g` into a step of the parameters `θ = (w, b)` at learning
/// rate `η`. The maths is in `OptimizerStep.swift`.
///
/// ```swift
/// gd.optimizer = .adam()          // .sgd, .momentum(0.9), .nesterov(0.9), .averaged()
/// ```
public enum Optimizer: Sendable, Hashable, CustomStringConvertible {
    /// Plain gradient descent: `θ ← θ − η·g`. The default; it adds no work to an update.
    case sgd
    /// Heavy-ball momentum: `v ← μv + g`, `θ ← θ − η·v` (PyTorch's convention), `μ` in [0, 1).
    case momentum(_ momentum: Double = 0.9)
    /// Nesterov momentum: `v ← μv + g`, `θ ← θ − η·(g + μv)` (PyTorch's convention), `μ` in [0, 1).
    case nesterov(_ momentum: Double = 0.9)
    /// Adam with bias correction: `m ← β₁m + (1−β₁)g`, `v ← β₂v + (1−β₂)g²`,
    /// `θ ← θ − η·m̂/(√v̂ + ε)` with `m̂ = m/(1−β₁ᵗ)`, `v̂ = v/(1−β₂ᵗ)`.
    case adam(beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8)
    /// Averaged SGD (Polyak–Ruppert): plain steps, but the model returned is the running average
    /// of the iterates after the first `startingAfter` updates. Training continues from the
    /// iterate, which the model's ``TrainingState`` keeps.
    case averaged(startingAfter: Int = 0)

    /// `sgd`, `momentum(0.9)`, `adam(…)`, …
    public var description: String {
        switch self {
        case .sgd: "sgd"
        case let .momentum(mu): "momentum(\(mu))"
        case let .nesterov(mu): "nesterov(\(mu))"
        case let .adam(b1, b2, eps): "adam(beta1: \(b1), beta2: \(b2), epsilon: \(eps))"
        case let .averaged(start): "averaged(startingAfter: \(start))"
        }
    }

    /// Whether this is averaged SGD, whose model is the average of the iterates.
    var isAveraging: Bool { if case .averaged = self { true } else { false } }

    func validate() throws(DescentError) {
        switch self {
        case .sgd: break
        case let .momentum(mu), let .nesterov(mu):
            guard mu.isFinite, mu >= 0, mu < 1 else {
                throw .invalidOption(name: "optimizer", value: description, expected: "a momentum in [0, 1), e.g. 0.9")
            }
        case let .adam(b1, b2, eps):
            guard b1.isFinite, b2.isFinite, b1 >= 0, b1 < 1, b2 >= 0, b2 < 1, eps.isFinite, eps > 0 else {
                throw .invalidOption(name: "optimizer", value: description,
                                     expected: "β₁ and β₂ in [0, 1) and ε > 0, e.g. adam()")
            }
        case let .averaged(start):
            guard start >= 0 else {
                throw .invalidOption(name: "optimizer", value: description, expected: "startingAfter ≥ 0")
            }
        }
    }
}
