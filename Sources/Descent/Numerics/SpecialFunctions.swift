#if canImport(Glibc)
import Glibc
#endif

/// The special functions behind the distributions of an inference summary: the regularised
/// incomplete beta function `I_x(a, b)`, its complement, and `log B(a, b)`.
///
/// Pure arithmetic on `Double` over Glibc's elementary functions (`lgamma_r`, `log1p`, `exp`,
/// `log`); no BLAS. The method is DiDonato and Morris's (ACM TOMS 708, 1992) reduced to the two
/// pieces a regression needs:
///
///     I_x(a, b) = xᵃ yᵇ / B(a, b) · F(a, b, x),    y = 1 − x,
///
/// with the power terms in logarithms (``logPowerTerms(_:_:x:y:meanOffset:)``: Stirling's form
/// for a, b ≥ 8, so parameters near 10⁷ keep their digits) and the continued fraction `F`
/// evaluated by the modified Lentz method (``incompleteBetaFraction(_:_:x:y:meanOffset:)``). The
/// fraction is used where it converges quickly, `x ≤ (a + 1)/(a + b + 2)`; beyond, the symmetry
/// `1 − I_x(a, b) = I_y(b, a)` swaps the roles, so the smaller of the value and its complement
/// is (almost always) not found by subtracting the larger from one.
///
/// Measured against 50-digit references (`Tests/DescentTests/Resources/distributions`): at most
/// 1.8·10⁻¹³ relative error for a, b in [1/2, 10⁶] and x anywhere in [0, 1], down to the
/// smallest normal `Double` (the largest errors are in values near 10⁻³⁰⁰, whose logarithm
/// carries a few hundred ulps into the exponential). At 320 random points, with x spread
/// over ±30 standard deviations of the mean, the errors stay within 1.2·10⁻¹³ for a, b from
/// 1/2 to 10⁷ and within 5·10⁻¹³ for a, b from 10⁻⁶ to 1/2. A parameter of 10⁻⁹ paired with
/// one of 10⁶ loses digits (10⁻⁸ relative): that corner needs DiDonato and Morris's other
/// expansions, and no regression reaches it. Every input terminates: NaN in gives NaN out, arguments outside the
/// domain give NaN, and so does a point near the mean of a distribution with a + b beyond
/// about 10¹², where the fraction would need more than ``fractionTermLimit`` terms.
enum SpecialFunctions {
    /// `I_x(a, b)` and `1 − I_x(a, b)`, each computed without cancellation.
    typealias IncompleteBeta = (value: Double, complement: Double)

    /// `I_x(a, b)`, the regularised incomplete beta function, for a, b > 0 and 0 ≤ x ≤ 1.
    ///
    /// NaN for NaN or out-of-domain arguments (a ≤ 0, b ≤ 0, a or b infinite, x outside [0, 1]).
    static func regularizedIncompleteBeta(_ a: Double, _ b: Double, _ x: Double) -> Double {
        incompleteBeta(a, b, x).value
    }

    /// `1 − I_x(a, b)` computed without cancellation (it equals `I_{1−x}(b, a)`).
    ///
    /// NaN for NaN or out-of-domain arguments, as ``regularizedIncompleteBeta(_:_:_:)``.
    static func complementedIncompleteBeta(_ a: Double, _ b: Double, _ x: Double) -> Double {
        incompleteBeta(a, b, x).complement
    }

    /// `I_x(a, b)` and its complement for one x.
    ///
    /// `y = 1 − x` is exact for x ≥ 1/2; below, where it rounds, the algorithm takes every
    /// quantity that is sensitive to it from x instead (the logarithm of y is `log1p(−x)`).
    static func incompleteBeta(_ a: Double, _ b: Double, _ x: Double) -> IncompleteBeta {
        guard x >= 0, x <= 1 else { return (.nan, .nan) }
        return incompleteBeta(a, b, x: x, y: 1 - x)
    }

    /// `I_x(a, b)` and its complement when both x and y = 1 − x are known to full relative
    /// precision (a distribution forms them as two quotients, so that the one near 0 keeps its
    /// digits; `1 − x` from x alone would lose them).
    ///
    /// - Parameters:
    ///   - a: The first shape parameter, finite and > 0.
    ///   - b: The second shape parameter, finite and > 0, with a + b finite.
    ///   - x: The argument in [0, 1].
    ///   - y: `1 − x`, in [0, 1].
    /// - Returns: The pair, or NaNs for NaN or out-of-domain arguments.
    /// - Complexity: O(1) elementary functions plus the continued fraction's terms: a handful
    ///   away from the mean, about 4.4·(a + b)^(1/3) at the mean (≈ 1200 at a = b = 10⁷), at
    ///   most ``fractionTermLimit`` (NaN near the mean of a distribution with a + b beyond
    ///   about 10¹²).
    static func incompleteBeta(_ a: Double, _ b: Double, x: Double, y: Double) -> IncompleteBeta {
        guard a > 0, b > 0, (a + b).isFinite, x >= 0, y >= 0, x <= 1, y <= 1 else { return (.nan, .nan) }
        if x == 0 { return (0, 1) }
        if y == 0 { return (1, 0) }
        // The fraction converges quickly for x ≤ (a + 1)/(a + b + 2), just past the mean
        // a/(a + b) (there λ > (a − b)/(a + b + 2) > −1). Beyond, work with I_y(b, a). (Choosing
        // by the sign of λ alone puts x near 1 on the slow side when b is tiny.)
        let swapped = x * (a + b + 2) > a + 1
        let (p, q, u, v) = swapped ? (b, a, y, x) : (a, b, x, y)
        let offset = meanOffset(p, q, x: u, y: v)
        let near = lowerTail(p, q, x: u, y: v, meanOffset: offset)
        var far = 1 - near
        // For small p the fast side's value can be almost all the mass (I ≈ 1 − O(p)), and
        // 1 − I would lose the complement's digits. Past 0.99 (a hundredfold loss) it is taken
        // from the other side's fraction instead: slower there and a little less accurate than
        // the fast side (hence not used below 0.99), but with no subtraction from 1. Its
        // λ = −offset > −½ keeps the fraction's first term positive; if it does not converge
        // (NaN), the subtraction stands.
        if near > 0.99, offset < 0.5 {
            let direct = lowerTail(q, p, x: v, y: u, meanOffset: -offset)
            if direct >= 0, direct <= 0.01 { far = direct }
        }
        return swapped ? (far, near) : (near, far)
    }

    /// `I_x(a, b)` and its complement for `x = p / (p + q)`, `y = q / (p + q)`.
    ///
    /// The distributions' arguments arrive as such ratios (`ν / (ν + t²)`, `d₂ / (d₂ + d₁f)`).
    /// When x or y falls below the smallest normal `Double` (the ratio underflowed), the value
    /// there is the power series' leading term `xᵃ(1 − x)ᵇ / (a·B(a, b))` with `log x` taken as
    /// `log p − log(p + q)`, so tails keep their digits to the end of `Double`'s range.
    ///
    /// - Parameters:
    ///   - a: The first shape parameter, finite and > 0.
    ///   - b: The second shape parameter, finite and > 0.
    ///   - p: The numerator of x, finite and ≥ 0.
    ///   - q: The numerator of y, finite and ≥ 0; p + q > 0.
    static func incompleteBeta(_ a: Double, _ b: Double, ratio p: Double, _ q: Double) -> IncompleteBeta {
        guard p >= 0, q >= 0, p.isFinite, q.isFinite, p + q > 0 else { return (.nan, .nan) }
        // p + q can overflow when both are near Double's limit; halving both is exact there.
        let (p, q) = (p + q).isFinite ? (p, q) : (p / 2, q / 2)
        let sum = p + q
        let x = p / sum, y = q / sum
        if x < .leastNormalMagnitude, let value = leadingTerm(a, b, logX: log(p) - log(sum), x: x) {
            return (value, 1 - value)
        }
        if y < .leastNormalMagnitude, let value = leadingTerm(b, a, logX: log(q) - log(sum), x: y) {
            return (1 - value, value)
        }
        return incompleteBeta(a, b, x: x, y: y)
    }

    /// `I_x(a, b) = xᵃ yᵇ / B(a, b) · F` on a side where the fraction F converges (λ > −1), at
    /// most 1; NaN if F does not converge.
    private static func lowerTail(_ a: Double, _ b: Double, x: Double, y: Double, meanOffset lambda: Double) -> Double {
        let fraction = incompleteBetaFraction(a, b, x: x, y: y, meanOffset: lambda)
        // One exponential of one sum: a value that is subnormal is rounded once, not twice.
        let logValue = logPowerTerms(a, b, x: x, y: y, meanOffset: lambda) + log(fraction)
        return Swift.min(exp(logValue), 1)
    }

    /// The leading term `xᵃ(1 − x)ᵇ / (a·B(a, b))` of `I_x(a, b)`'s power series, for x below
    /// the smallest normal `Double`, or nil where the next term (relative size about
    /// max(1, b)·x) would not be negligible or the parameters are out of the domain.
    private static func leadingTerm(_ a: Double, _ b: Double, logX: Double, x: Double) -> Double? {
        guard a > 0, b > 0, (a + b).isFinite, x * Swift.max(1, b) < 0x1p-60 else { return nil }
        return Swift.min(exp(a * logX + b * log1p(-x) - log(a) - logBeta(a, b)), 1)
    }
}
