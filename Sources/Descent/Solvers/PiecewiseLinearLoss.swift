/// A convex piecewise-linear loss of the residual `r = ŷ − y`, `ℓ(r) = maxₖ (sₖ·r + eₖ)`: the
/// losses whose exact fits are linear programs, which ``QuantileRegression`` solves to their
/// optimum (``QuantileRegression/exactOptimum(features:targets:weights:loss:intercept:)``).
///
/// ```swift
/// let q = PiecewiseLinearLoss.quantile(0.9)            // max(−τr, (1 − τ)r), R's ρ_τ(y − ŷ)
/// let a = PiecewiseLinearLoss.absolute                 // |r| = 2ρ_½
/// let e = PiecewiseLinearLoss.epsilonInsensitive(0.1)  // max(0, |r| − ε)
/// ```
///
/// The slopes increase, from `s₀ < 0` to `s_K > 0` (so the loss has a minimum), and the kinks
/// `c₁ < … < c_K` are where consecutive pieces meet: `0` for the quantile and absolute losses,
/// `−ε` and `+ε` for the ε-insensitive one.
public struct PiecewiseLinearLoss: Sendable, Hashable, CustomStringConvertible {
    enum Kind: Sendable, Hashable {
        case quantile(Double)
        case absolute
        case epsilonInsensitive(Double)
    }

    let kind: Kind

    /// The pinball loss of quantile regression, `ℓ(r) = max(−τr, (1 − τ)r) = ρ_τ(y − ŷ)`, for
    /// `0 < τ < 1` (checked when a fit uses it).
    ///
    /// - Parameter tau: The quantile τ.
    /// - Returns: The loss.
    public static func quantile(_ tau: Double) -> PiecewiseLinearLoss { PiecewiseLinearLoss(kind: .quantile(tau)) }

    /// The absolute error `ℓ(r) = |r|`, twice the pinball loss at τ = ½ (least absolute deviations).
    public static var absolute: PiecewiseLinearLoss { PiecewiseLinearLoss(kind: .absolute) }

    /// The ε-insensitive loss of support-vector regression, `ℓ(r) = max(0, |r| − ε)`, for a
    /// finite `ε ≥ 0` in target units (checked when a fit uses it); `ε = 0` is ``absolute``.
    ///
    /// - Parameter epsilon: The half-width ε of the insensitive band.
    /// - Returns: The loss.
    public static func epsilonInsensitive(_ epsilon: Double) -> PiecewiseLinearLoss {
        PiecewiseLinearLoss(kind: .epsilonInsensitive(epsilon))
    }

    /// `quantile(τ)`, `absolute` or `epsilonInsensitive(ε)`.
    public var description: String {
        switch kind {
        case let .quantile(tau): "quantile(\(tau))"
        case .absolute: "absolute"
        case let .epsilonInsensitive(epsilon): "epsilonInsensitive(\(epsilon))"
        }
    }

    /// The error of a τ outside (0, 1) or an ε that is negative or not finite, naming `name`.
    func problem(name: String = "loss") -> DescentError? {
        switch kind {
        case let .quantile(tau):
            tau > 0 && tau < 1 ? nil
                : .invalidOption(name: name, value: "\(tau)", expected: "a quantile τ strictly between 0 and 1")
        case .absolute:
            nil
        case let .epsilonInsensitive(epsilon):
            epsilon >= 0 && epsilon.isFinite ? nil : .invalidOption(name: name, value: "\(epsilon)", expected: "a finite ε ≥ 0")
        }
    }

    /// The pieces' slopes `s₀ < … < s_K`.
    var slopes: [Double] {
        switch kind {
        case let .quantile(tau): [-tau, 1 - tau]
        case .absolute: [-1, 1]
        case let .epsilonInsensitive(epsilon): epsilon > 0 ? [-1, 0, 1] : [-1, 1]
        }
    }

    /// The kinks `c₁ < … < c_K`, where piece `k − 1` meets piece `k`.
    var kinks: [Double] {
        switch kind {
        case .quantile, .absolute: [0]
        case let .epsilonInsensitive(epsilon): epsilon > 0 ? [-epsilon, epsilon] : [0]
        }
    }

    /// `ℓ(r)`.
    @inline(__always)
    func value(_ r: Double) -> Double {
        switch kind {
        case let .quantile(tau): Swift.max(-tau * r, (1 - tau) * r)
        case .absolute: Swift.abs(r)
        case let .epsilonInsensitive(epsilon): Swift.max(0, Swift.abs(r) - epsilon)
        }
    }

    /// `ℓ(cₖ)` at kink `k` (zero-based).
    func valueAtKink(_ k: Int) -> Double { value(kinks[k]) }

    /// The conjugate `ℓ*(g) = sup_r (g·r − ℓ(r))` for `s₀ ≤ g ≤ s_K`: `g·cₖ − ℓ(cₖ)` on
    /// `[sₖ₋₁, sₖ]` (zero for the quantile and absolute losses, `ε|g|` for the ε-insensitive one).
    func conjugate(_ g: Double) -> Double {
        let s = slopes, c = kinks
        var k = 0
        while k < c.count - 1 && g > s[k + 1] { k += 1 }
        return g * c[k] - value(c[k])
    }

    /// The slope of the piece `r` lies on (off the kinks), or the nearest kink's interval.
    func slope(at r: Double) -> Double {
        let s = slopes, c = kinks
        var k = 0
        while k < c.count && r > c[k] { k += 1 }
        return s[k]
    }
}
