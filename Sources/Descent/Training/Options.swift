/// How each update turns a gradient into a step.
///
/// ```swift
/// gd.optimizer = .adam()          // .sgd, .momentum(0.9), .nesterov(0.9), .averaged()
/// ```
public struct Optimizer: Sendable, Hashable, CustomStringConvertible {
    enum Kind: Sendable, Hashable {
        case sgd
        case momentum(Double)
        case nesterov(Double)
        case adam(beta1: Double, beta2: Double, epsilon: Double)
        case averaged(startingAfter: Int)
    }
    let kind: Kind

    /// Plain gradient descent: `θ ← θ − η·g`. The default; it adds no work to an update.
    public static var sgd: Optimizer { Optimizer(kind: .sgd) }
    /// Heavy-ball momentum: `v ← μv + g`, `θ ← θ − η·v` (PyTorch's convention).
    public static func momentum(_ momentum: Double = 0.9) -> Optimizer { Optimizer(kind: .momentum(momentum)) }
    /// Nesterov momentum: `v ← μv + g`, `θ ← θ − η·(g + μv)` (PyTorch's convention).
    public static func nesterov(_ momentum: Double = 0.9) -> Optimizer { Optimizer(kind: .nesterov(momentum)) }
    /// Adam with bias correction: `m ← β₁m + (1−β₁)g`, `v ← β₂v + (1−β₂)g²`,
    /// `θ ← θ − η·m̂/(√v̂ + ε)` with `m̂ = m/(1−β₁ᵗ)`, `v̂ = v/(1−β₂ᵗ)`.
    public static func adam(beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8) -> Optimizer {
        Optimizer(kind: .adam(beta1: beta1, beta2: beta2, epsilon: epsilon))
    }
    /// Averaged SGD (Polyak–Ruppert): plain steps, but the model returned is the running average
    /// of the iterates after the first `startingAfter` updates. Training continues from the
    /// iterate, which the model's ``TrainingState`` keeps.
    public static func averaged(startingAfter: Int = 0) -> Optimizer { Optimizer(kind: .averaged(startingAfter: startingAfter)) }

    /// `sgd`, `momentum(0.9)`, `adam(…)`, …
    public var description: String {
        switch kind {
        case .sgd: "sgd"
        case let .momentum(mu): "momentum(\(mu))"
        case let .nesterov(mu): "nesterov(\(mu))"
        case let .adam(b1, b2, eps): "adam(beta1: \(b1), beta2: \(b2), epsilon: \(eps))"
        case let .averaged(start): "averaged(startingAfter: \(start))"
        }
    }

    func validate() throws(DescentError) {
        switch kind {
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

/// A penalty added to the training objective. The bias is never penalised.
public enum Penalty: Sendable, Hashable, CustomStringConvertible {
    /// No penalty: the objective is the MSE.
    case none
    /// Ridge: `MSE + λ‖w‖²₂`.
    case l2(Double)
    /// Lasso: `MSE + λ‖w‖₁`, applied as a proximal (soft-threshold) step after each update, so
    /// weights reach exact zeros.
    case l1(Double)
    /// Elastic net: `MSE + λ(ρ‖w‖₁ + (1 − ρ)‖w‖²₂)` with `ρ = l1Ratio`.
    case elasticNet(Double, l1Ratio: Double)

    /// A readable form.
    public var description: String {
        switch self {
        case .none: "none"
        case let .l2(lambda): "l2(\(lambda))"
        case let .l1(lambda): "l1(\(lambda))"
        case let .elasticNet(lambda, rho): "elasticNet(\(lambda), l1Ratio: \(rho))"
        }
    }

    /// The `λ` of the squared-norm term and of the absolute-value term.
    var strengths: (l2: Double, l1: Double) {
        switch self {
        case .none: (0, 0)
        case let .l2(lambda): (lambda, 0)
        case let .l1(lambda): (0, lambda)
        case let .elasticNet(lambda, rho): (lambda * (1 - rho), lambda * rho)
        }
    }

    func validate() throws(DescentError) {
        let ok: Bool = switch self {
        case .none: true
        case let .l2(lambda), let .l1(lambda): lambda.isFinite && lambda >= 0
        case let .elasticNet(lambda, rho): lambda.isFinite && lambda >= 0 && rho.isFinite && rho >= 0 && rho <= 1
        }
        guard ok else {
            throw .invalidOption(name: "penalty", value: description, expected: "λ finite and ≥ 0, l1Ratio in [0, 1]")
        }
    }
}

/// Early stopping on a held-out share of the training rows.
public struct EarlyStopping: Sendable, Hashable {
    /// The share of rows held out for validation (a seeded random subset), in (0, 1).
    public var validationFraction: Double
    /// Epochs without an improvement of at least `tolerance` in validation loss before stopping.
    public var patience: Int
    /// The improvement that counts.
    public var tolerance: Double

    /// Creates an early-stopping rule. Training then restores the weights of the best epoch.
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
