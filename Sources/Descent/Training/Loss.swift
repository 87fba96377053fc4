/// The loss each residual `r = ŷ − y` passes through: ``GradientDescent/loss``.
///
/// Training minimises the mean over rows of `ŵᵢ·ℓ(rᵢ)` (plus the penalty), so every residual goes
/// through the loss between the forward product `Xw + b` and the backward product `Xᵀψ`: its value
/// `ℓ(r)` for the epoch's loss, its derivative `ℓ'(r) = c·ψ(r)` for the gradient (`c` a constant
/// factor, applied once per update as the `c/m` scale of a batch of `m` rows), and its curvature
/// `sup ℓ''` for the automatic learning rate. A struct with static members rather than an `enum`,
/// so that a loss added later does not break a `switch` in your code.
///
/// | Loss | `ℓ(r)`, `r = ŷ − y` | exact reference |
/// |---|---|---|
/// | ``squared`` | `r²` | ``LeastSquares`` |
/// | ``huber(delta:)`` | `r²` for `\|r\| ≤ δ`, `2δ\|r\| − δ²` beyond | ``RobustRegression`` (Huber's T, `t = δ`, scale 1) |
/// | ``absolute`` | `\|r\|` | ``QuantileRegression`` at `τ = ½` (`\|r\| = 2ρ_½`) |
/// | ``quantile(_:)`` | `ρ_τ(y − ŷ) = max(τ(y − ŷ), (τ − 1)(y − ŷ))` | ``QuantileRegression`` |
/// | ``epsilonInsensitive(_:)`` | `max(0, \|r\| − ε)` | a linear program |
/// | ``squaredEpsilonInsensitive(_:)`` | `max(0, \|r\| − ε)²` | a piecewise quadratic |
///
/// **The ecosystem's spellings.** scikit-learn's `SGDRegressor(loss='huber', epsilon=e)` steps on
/// `½r²` inside `e` and `e|r| − ½e²` beyond: half of ``huber(delta:)`` with `δ = e`, so the same
/// minimiser. Its `'epsilon_insensitive'` and `'squared_epsilon_insensitive'` with `epsilon=e` are
/// ``epsilonInsensitive(_:)`` and ``squaredEpsilonInsensitive(_:)`` with `ε = e` (target units).
/// `HuberRegressor(epsilon=e)` fits a scale `σ` jointly and its threshold is `e·σ`: it is
/// ``huber(delta:)`` with `δ = e·σ` at its fitted `σ` (`HuberRegressor.scale_`), not `δ = e`.
/// statsmodels' `RLM(M=HuberT(t))` is `δ = t·s` at its scale `s` (the normalised MAD of the
/// residuals at its fixed point; ``RobustRegression`` computes both `s` and the estimate).
/// `QuantileRegressor(quantile=q, alpha=0)`, statsmodels' `QuantReg(q)` and R's `rq(tau = q)` are
/// ``quantile(_:)`` with `τ = q` (their objectives are sums, Descent's a mean: the same minimiser).
///
/// **Non-smooth losses** (``absolute``, ``quantile(_:)``, ``epsilonInsensitive(_:)``) have no
/// gradient at their kinks and no curvature for a rate. With the automatic learning rate, training
/// steps on their Moreau envelope of width `μ` (the loss with each kink rounded into a parabola of
/// curvature `1/μ`, below the loss by at most `μ/2` per row) at the rate of that curvature: `μ`
/// starts at the targets' standard deviation and halves every 30 epochs, down to a thousandth of
/// it (or of the mean loss, if smaller), so the steps follow the kinks ever more closely; full
/// batches take accelerated steps with restarts, and ``Preconditioning/automatic`` whitens the
/// features whatever their condition. Every 5 epochs a check measures the true loss at the model
/// and at the vertex nearest to it (the model through the `d + 1` rows closest to a kink, where a
/// linear program's optimum lies), and a fit that stops once converged (the defaults) returns the
/// best model it measured (``FitHistory/losses`` record the envelope's loss, the loss trained;
/// ``FitHistory/objective`` the loss itself). With a learning rate you set, the steps take the loss's subgradient as
/// it is (the rule of scikit-learn's `SGDRegressor`): give it a decaying ``LearningRateSchedule``.
///
/// **Smooth robust losses** (``huber(delta:)``, ``squaredEpsilonInsensitive(_:)``) train at the
/// squared loss's rate; every 5 epochs the check's Newton step on the rows' pieces (below) becomes
/// the model when it lowers the objective, in fits that stop once converged: gradient descent finds
/// which rows are in which piece, the Newton step solves the rest, as the lasso's step on its
/// support does.
///
/// **Convergence** (``FitHistory/converged``) is certified for every loss. The smooth robust
/// losses (``huber(delta:)``, ``squaredEpsilonInsensitive(_:)``) are piecewise quadratic: one pass
/// measures the Hessian on the rows in the quadratic pieces, a Newton step from the model solves
/// the quadratic those pieces define, and when its solution keeps every row in its piece it is the
/// exact optimum, so `P(θ) − P*` is known exactly (``ConvergenceCertificate/activeSet``). The
/// piecewise-linear ones have a linear-programming dual: the rows' slopes, with the `d + 1` rows
/// nearest a kink solved for so that the slopes balance (`Σŵᵢaᵢ(xᵢ, 1) = 0`), are a feasible dual
/// point when they stay within the loss's slopes, and then bound `P(θ) − P*`
/// (``ConvergenceCertificate/dualityGap``); the slopes of the loss's Moreau envelope are tried
/// too, balanced on those rows or spread over every row in the envelope's band (what certifies
/// fits with many rows near a kink). When neither applies the fit is not reported converged.
///
/// ```swift
/// gd.loss = .squared                // the default: ℓ(r) = r², the mean squared error
/// gd.loss = .huber(delta: 1.35)     // robust to outliers beyond 1.35 target units
/// gd.loss = .quantile(0.9)          // the conditional 90th percentile
/// ```
public struct Loss: Sendable, Hashable, CustomStringConvertible, Codable {
    enum Kind: Sendable, Hashable {
        case squared
        case huber(Double)
        case absolute
        case quantile(Double)
        case epsilonInsensitive(Double)
        case squaredEpsilonInsensitive(Double)
    }
    let kind: Kind

    /// The squared error `ℓ(r) = r²`, so the objective is the (weighted) mean squared error:
    /// `ℓ'(r) = 2r`, `ℓ'' = 2`. Its residuals reach the backward product as they are
    /// (`ψ(r) = r`), which keeps the fused and compiled kernels, and its exact solution is the
    /// least-squares one ``LeastSquares`` computes.
    public static var squared: Loss { Loss(kind: .squared) }

    /// Huber's loss with threshold `δ > 0` in target units: `ℓ(r) = r²` for `|r| ≤ δ` and
    /// `2δ|r| − δ²` beyond, so residuals beyond `δ` pull with a constant force `2δ` instead of
    /// `2|r|`. Continuous with its derivative (`ℓ'' ≤ 2`, the squared loss's rate applies), convex,
    /// with a unique minimiser when the rows inside `δ` span the features; `δ → ∞` is ``squared``.
    /// scikit-learn's `SGDRegressor(loss='huber', epsilon=δ)` minimises half of it; statsmodels'
    /// `RLM(M=HuberT(t))` is `δ = t·s` at its scale `s` (see ``RobustRegression``).
    ///
    /// - Parameter delta: `δ`, finite and `> 0` (checked when a fit starts).
    public static func huber(delta: Double) -> Loss { Loss(kind: .huber(delta)) }

    /// The absolute error `ℓ(r) = |r|`: least absolute deviations, the conditional median.
    /// `2·ρ_½`, so it has the minimisers of ``quantile(_:)`` at `τ = ½`. Not differentiable at 0;
    /// see the type's notes on non-smooth losses.
    public static var absolute: Loss { Loss(kind: .absolute) }

    /// The pinball (check) loss of quantile `τ`: `ℓ = ρ_τ(y − ŷ)` with
    /// `ρ_τ(u) = max(τu, (τ − 1)u)`, so over-predictions cost `1 − τ` per unit and
    /// under-predictions `τ`: the minimiser is the conditional `τ`-quantile. `τ = ½` is half of
    /// ``absolute``. R's `rq(tau = τ)`, statsmodels' `QuantReg(q = τ)` and scikit-learn's
    /// `QuantileRegressor(quantile = τ, alpha = 0)` minimise the sum, Descent the mean.
    ///
    /// - Parameter tau: `τ`, strictly between 0 and 1 (checked when a fit starts).
    public static func quantile(_ tau: Double) -> Loss { Loss(kind: .quantile(tau)) }

    /// Vapnik's ε-insensitive loss `ℓ(r) = max(0, |r| − ε)`: residuals within `ε` cost nothing
    /// (support vector regression's loss, without its penalty). scikit-learn's
    /// `SGDRegressor(loss='epsilon_insensitive', epsilon=ε)`.
    ///
    /// - Parameter epsilon: `ε ≥ 0`, finite, in target units (checked when a fit starts).
    public static func epsilonInsensitive(_ epsilon: Double) -> Loss { Loss(kind: .epsilonInsensitive(epsilon)) }

    /// The squared ε-insensitive loss `ℓ(r) = max(0, |r| − ε)²`: smooth (`ℓ'' ≤ 2`), zero within
    /// `ε`. scikit-learn's `SGDRegressor(loss='squared_epsilon_insensitive', epsilon=ε)`.
    ///
    /// - Parameter epsilon: `ε ≥ 0`, finite, in target units (checked when a fit starts).
    public static func squaredEpsilonInsensitive(_ epsilon: Double) -> Loss {
        Loss(kind: .squaredEpsilonInsensitive(epsilon))
    }

    /// The loss as the command line spells it: `squared`, `huber:1.35`, `absolute`,
    /// `quantile:0.9`, `epsilon:0.1`, `squared-epsilon:0.1`.
    public var description: String {
        switch kind {
        case .squared: "squared"
        case .huber(let delta): "huber:\(delta)"
        case .absolute: "absolute"
        case .quantile(let tau): "quantile:\(tau)"
        case .epsilonInsensitive(let epsilon): "epsilon:\(epsilon)"
        case .squaredEpsilonInsensitive(let epsilon): "squared-epsilon:\(epsilon)"
        }
    }

    /// Parses ``description``'s spelling (`huber` alone is `huber:1.35`, `quantile` alone the
    /// median, `epsilon` and `squared-epsilon` alone `ε = 0.1`); `nil` for anything else. The
    /// parameter is checked by ``validate()``.
    ///
    /// - Parameter text: e.g. `huber:1.35`, `quantile:0.9`, `absolute`.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        let name = parts.first?.lowercased() ?? ""
        let value: Double? = parts.count == 2 ? Double(parts[1]) : nil
        if parts.count == 2 && value == nil { return nil }
        switch name {
        case "squared" where parts.count == 1: kind = .squared
        case "huber": kind = .huber(value ?? 1.35)
        case "absolute" where parts.count == 1: kind = .absolute
        case "quantile": kind = .quantile(value ?? 0.5)
        case "epsilon", "epsilon-insensitive": kind = .epsilonInsensitive(value ?? 0.1)
        case "squared-epsilon", "squared-epsilon-insensitive": kind = .squaredEpsilonInsensitive(value ?? 0.1)
        default: return nil
        }
    }

    init(kind: Kind) { self.kind = kind }

    /// Decodes ``description``'s spelling.
    ///
    /// - Throws: `DecodingError.dataCorrupted` for a spelling ``init(_:)`` does not read.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let loss = Loss(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a loss: \(text)")
        }
        self = loss
    }

    /// Encodes ``description``'s spelling.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// Checks the loss's parameter.
    ///
    /// - Throws: ``DescentError/invalidOption(name:value:expected:)`` naming `loss` for `δ ≤ 0`,
    ///   `τ ∉ (0, 1)`, `ε < 0`, or a parameter that is NaN or infinite.
    public func validate() throws(DescentError) {
        switch kind {
        case .squared, .absolute: return
        case .huber(let delta):
            guard delta.isFinite, delta > 0 else {
                throw .invalidOption(name: "loss", value: description, expected: "huber(delta:) with a finite δ > 0")
            }
        case .quantile(let tau):
            guard tau > 0, tau < 1 else {
                throw .invalidOption(name: "loss", value: description, expected: "quantile(τ) with 0 < τ < 1")
            }
        case .epsilonInsensitive(let epsilon), .squaredEpsilonInsensitive(let epsilon):
            guard epsilon.isFinite, epsilon >= 0 else {
                throw .invalidOption(name: "loss", value: description, expected: "a finite ε ≥ 0")
            }
        }
    }

    /// `ℓ(r)` for the residual `r = ŷ − y`, in `Double`: what the objective averages.
    public func value(_ r: Double) -> Double { value(r, smoothing: 0) }
}
