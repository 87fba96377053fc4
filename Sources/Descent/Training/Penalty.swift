/// A penalty added to the training objective. The bias is never penalised.
///
/// The objective is `MSE + penalty`, where `MSE = (1/n)·Σŵᵢ(ŷᵢ − yᵢ)²` is **not** halved (on the
/// standardised columns when ``GradientDescent/standardize`` is on). The same fits in the
/// spellings of scikit-learn and glmnet (verified numerically against both, see the Training
/// toolkit article), or through the constructors below that take their parameters:
///
/// | Descent | scikit-learn | glmnet (gaussian) |
/// |---|---|---|
/// | `.l1(λ)` | `Lasso(alpha=λ/2)` | `alpha=1, lambda=λ/2` |
/// | `.l2(λ)` | `Ridge(alpha=n·λ)` | `alpha=0, lambda=λ·s_y` |
/// | `.elasticNet(λ, l1Ratio: ρ)` | `ElasticNet(alpha=λ(2−ρ)/2, l1_ratio=ρ/(2−ρ))` | `lambda=λ(ρ/2 + (1−ρ)s_y)`, `alpha=(ρ/2)/(ρ/2 + (1−ρ)s_y)` |
///
/// `s_y` is the population standard deviation of the targets (divisor `n`): glmnet scales `y` by
/// it for the gaussian family, which moves its ridge term. glmnet's `standardize=TRUE` is
/// Descent's `standardize = true`.
public enum Penalty: Sendable, Hashable, CustomStringConvertible {
    /// No penalty: the objective is the MSE.
    case none
    /// Ridge: `MSE + λ‖w‖²₂` (scikit-learn's `Ridge(alpha=n·λ)`).
    case l2(Double)
    /// Lasso: `MSE + λ‖w‖₁` (scikit-learn's `Lasso(alpha=λ/2)`), applied as a proximal
    /// (soft-threshold) step after each update, so weights reach exact zeros.
    case l1(Double)
    /// Elastic net: `MSE + λ(ρ‖w‖₁ + (1 − ρ)‖w‖²₂)` with `ρ = l1Ratio` (scikit-learn's
    /// `ElasticNet(alpha=λ(2−ρ)/2, l1_ratio=ρ/(2−ρ))`, not `alpha=λ/2, l1_ratio=ρ`).
    case elasticNet(Double, l1Ratio: Double)

    /// scikit-learn's `Lasso(alpha=alpha)`, `(1/2n)‖r‖² + α‖w‖₁`: `.l1(2α)`.
    ///
    /// - Parameter alpha: scikit-learn's `alpha`, ≥ 0.
    public static func lasso(scikitLearnAlpha alpha: Double) -> Penalty { .l1(2 * alpha) }

    /// scikit-learn's `ElasticNet(alpha=alpha, l1_ratio=l1Ratio)`,
    /// `(1/2n)‖r‖² + αr‖w‖₁ + (α/2)(1 − r)‖w‖²`: `λ₁ = 2αr` and `λ₂ = α(1 − r)`.
    ///
    /// - Parameters:
    ///   - alpha: scikit-learn's `alpha`, ≥ 0.
    ///   - l1Ratio: scikit-learn's `l1_ratio`, in [0, 1].
    public static func elasticNet(scikitLearnAlpha alpha: Double, l1Ratio: Double) -> Penalty {
        withStrengths(l1: 2 * alpha * l1Ratio, l2: alpha * (1 - l1Ratio))
    }

    /// scikit-learn's `Ridge(alpha=alpha)` on `rows` rows, `‖r‖² + α‖w‖²`: `.l2(α/n)`.
    ///
    /// - Parameters:
    ///   - alpha: scikit-learn's `alpha`, ≥ 0.
    ///   - rows: The training rows `n` (Ridge's objective is not divided by `n`).
    public static func ridge(scikitLearnAlpha alpha: Double, rows: Int) -> Penalty { .l2(alpha / Double(rows)) }

    /// glmnet's gaussian-family penalty `lambda·((1 − alpha)/2‖β‖² + alpha‖β‖₁)`: in raw units glmnet
    /// minimises `(1/2n)‖r‖² + λα‖β‖₁ + λ(1 − α)/(2s_y)‖β‖²` (it scales `y` by `s_y`), so
    /// `λ₁ = 2λα` and `λ₂ = λ(1 − α)/s_y`.
    ///
    /// - Parameters:
    ///   - lambda: glmnet's `lambda`, ≥ 0.
    ///   - alpha: glmnet's `alpha`, in [0, 1].
    ///   - targetDeviation: `s_y`, the population standard deviation of the targets (divisor `n`).
    public static func glmnet(lambda: Double, alpha: Double, targetDeviation: Double) -> Penalty {
        withStrengths(l1: 2 * lambda * alpha, l2: lambda * (1 - alpha) / targetDeviation)
    }

    /// The penalty with these strengths of its absolute-value and squared-norm terms.
    static func withStrengths(l1: Double, l2: Double) -> Penalty {
        switch (l1 > 0, l2 > 0) {
        case (false, false): .none
        case (true, false): .l1(l1)
        case (false, true): .l2(l2)
        case (true, true): .elasticNet(l1 + l2, l1Ratio: l1 / (l1 + l2))
        }
    }

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
