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
