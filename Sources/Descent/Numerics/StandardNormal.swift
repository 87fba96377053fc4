#if canImport(Glibc)
import Glibc
#endif

/// The standard normal distribution, as far as the Student t needs it: its limit as ν → ∞ and
/// a first guess for t quantiles.
enum StandardNormal {
    /// `P(Z > z) = ½·erfc(z/√2)`, accurate in the upper tail (Glibc's `erfc`).
    static func survival(_ z: Double) -> Double {
        0.5 * erfc(z * 0.5.squareRoot())
    }

    /// `log φ(z) = −z²/2 − ½·log(2π)`.
    static func logDensity(_ z: Double) -> Double {
        -0.5 * z * z - SpecialFunctions.halfLogTwoPi
    }

    /// The z with `P(Z > z) = q`, for 0 < q < 1, to about 10⁻⁹ relative: Acklam's rational
    /// approximation (a starting point; ``StudentT/quantile(_:degreesOfFreedom:)`` refines it).
    static func upperQuantileEstimate(_ q: Double) -> Double {
        -lowerQuantileEstimate(q)
    }

    /// The z with `P(Z ≤ z) = p`, for 0 < p < 1, by Acklam's approximation: a rational function
    /// of `p − ½` in the centre and of `√(−2 log p)` in the tails (relative error < 1.2·10⁻⁹).
    private static func lowerQuantileEstimate(_ p: Double) -> Double {
        let low = 0.02425
        if p < low { return tail(p) }
        if p > 1 - low { return -tail(1 - p) }
        let q = p - 0.5, r = q * q
        let (a, b) = (central.numerator, central.denominator)
        let top = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
        let bottom = ((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1
        return top / bottom
    }

    /// Acklam's lower-tail branch, for p < 0.02425.
    private static func tail(_ p: Double) -> Double {
        let q = (-2 * log(p)).squareRoot()
        let (c, d) = (tails.numerator, tails.denominator)
        let top = ((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]
        let bottom = (((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1
        return top / bottom
    }

    /// Acklam's coefficients for the central region.
    private static let central: (numerator: [Double], denominator: [Double]) = (
        [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
         1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00],
        [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
         6.680131188771972e+01, -1.328068155288572e+01]
    )

    /// Acklam's coefficients for the tails.
    private static let tails: (numerator: [Double], denominator: [Double]) = (
        [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
         -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00],
        [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
         3.754408661907416e+00]
    )
}
