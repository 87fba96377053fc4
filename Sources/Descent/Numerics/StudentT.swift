#if canImport(Glibc)
import Glibc
#endif

/// Student's t distribution with ν > 0 degrees of freedom (non-integer allowed; ν = +∞ is the
/// standard normal): the p-values and confidence intervals of regression coefficients.
///
/// Both tails come from one incomplete beta pair: with `x = ν/(ν + t²)` and `y = t²/(ν + t²)`,
///
///     P(|T| > |t|) = I_x(ν/2, ½),    P(|T| ≤ |t|) = 1 − I_x(ν/2, ½) = I_y(½, ν/2),
///
/// and ``SpecialFunctions/incompleteBeta(_:_:ratio:_:)`` returns each without cancellation,
/// x and y each formed as its own quotient. So `cdf` and `survival` both keep their digits in
/// the far tail (no `1 − p`), small |t| relative to √ν uses the complementary form
/// automatically, and large ν (10⁸ and beyond) stays on the exact distribution rather than
/// switching to the normal limit.
enum StudentT {
    /// `P(T ≤ t)` for ν > 0 degrees of freedom.
    ///
    /// NaN when t or ν is NaN or ν ≤ 0; 0 at t = −∞ and 1 at t = +∞.
    static func cdf(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        guard let (outside, inside) = split(t, nu) else { return .nan }
        return t > 0 ? 0.5 + 0.5 * inside : 0.5 * outside
    }

    /// `P(T > t)` for ν > 0 degrees of freedom, accurate in the upper tail.
    ///
    /// NaN when t or ν is NaN or ν ≤ 0. By symmetry `survival(t) == cdf(−t)` exactly.
    static func survival(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        guard let (outside, inside) = split(t, nu) else { return .nan }
        return t > 0 ? 0.5 * outside : 0.5 + 0.5 * inside
    }

    /// The two-sided p-value `P(|T| > |t|) = 2·P(T > |t|)`.
    ///
    /// 1 at t = 0; NaN when t or ν is NaN or ν ≤ 0.
    static func twoSidedPValue(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        guard let (outside, _) = split(t, nu) else { return .nan }
        return outside
    }

    /// The density `f(t) = (1 + t²/ν)^(−(ν+1)/2) / (√ν·B(ν/2, ½))`.
    static func density(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        exp(logDensity(t, degreesOfFreedom: nu))
    }

    /// `log f(t)`, finite far beyond where `f` underflows (for ν = 1 at t = 10³⁰⁰, about −1382).
    static func logDensity(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        guard !t.isNaN, nu > 0 else { return .nan }
        if nu == .infinity { return StandardNormal.logDensity(t) }
        let magnitude = Swift.abs(t)
        // log(1 + t²/ν), with t² kept from overflowing.
        let logRatio = magnitude < 1e150
            ? log1p(magnitude * magnitude / nu)
            : 2 * log(magnitude) - log(nu) + log1p(nu / magnitude / magnitude)
        return -0.5 * (nu + 1) * logRatio - 0.5 * log(nu) - SpecialFunctions.logBeta(nu / 2, 0.5)
    }

    /// `(P(|T| > |t|), P(|T| ≤ |t|))`, each without cancellation, or nil for NaN or ν ≤ 0.
    private static func split(_ t: Double, _ nu: Double) -> SpecialFunctions.IncompleteBeta? {
        guard !t.isNaN, nu > 0 else { return nil }
        let magnitude = Swift.abs(t)
        if magnitude == 0 { return (1, 0) }
        if magnitude == .infinity { return (0, 1) }
        if nu == .infinity {
            let z = magnitude * 0.5.squareRoot()
            return (erfc(z), erf(z))
        }
        // x = ν/(ν + t²) as the ratio ν : t², scaled by 1/|t| where t² would overflow.
        let (p, q) = magnitude < 1e150 ? (nu, magnitude * magnitude) : (nu / magnitude, magnitude)
        return SpecialFunctions.incompleteBeta(nu / 2, 0.5, ratio: p, q)
    }
}
