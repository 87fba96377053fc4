#if canImport(Glibc)
import Glibc
#endif

extension SpecialFunctions {
    /// `log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b)` for a, b > 0.
    ///
    /// Three log-gammas cancel badly when a or b is large (log Γ(10⁶) ≈ 1.3·10⁷ carries an
    /// absolute error of 10⁻⁹), so large arguments go through Stirling's series with the
    /// leading terms cancelled analytically (DiDonato and Morris's BETALN):
    ///
    /// - both ≥ 8: `½log(2π) − ½log b − (a − ½)·log(a/(a+b)) − b·log1p(a/b) + Δ(a, b)`, with
    ///   Δ the difference of Stirling remainders (``stirlingRemainderDifference(_:_:)``);
    /// - only the larger ≥ 8: `log Γ(a) + log(Γ(b)/Γ(a + b))` (``logGammaRatio(_:_:)``);
    /// - both < 8: the three log-gammas, which are small there.
    ///
    /// Relative error a few ulps. NaN for NaN, non-positive or infinite arguments.
    static func logBeta(_ a: Double, _ b: Double) -> Double {
        guard a > 0, b > 0, a.isFinite, b.isFinite else { return .nan }
        let small = Swift.min(a, b), large = Swift.max(a, b)
        if small >= 8 {
            let correction = stirlingRemainderDifference(small, large)
            let h = small / large
            let u = -(small - 0.5) * log(h / (1 + h))
            let v = large * log1p(h)
            let base = (-0.5 * log(large) + halfLogTwoPi) + correction
            // Subtract the larger of u, v last.
            return u > v ? (base - v) - u : (base - u) - v
        }
        if large >= 8 { return logGamma(small) + logGammaRatio(small, large) }
        return logGamma(a) + logGamma(b) - logGamma(a + b)
    }

    /// `½·log(2π)`.
    static let halfLogTwoPi = 0.918_938_533_204_672_741_78

    /// `log Γ(x)` for x > 0 through Glibc's reentrant `lgamma_r` (the plain `lgamma` writes the
    /// global `signgam`, a data race when two threads call it).
    static func logGamma(_ x: Double) -> Double {
        var sign: Int32 = 0
        return lgamma_r(x, &sign)
    }

    /// `log(Γ(b) / Γ(a + b))` for b ≥ 8 and a > 0, without forming either log-gamma
    /// (DiDonato and Morris's ALGDIV): Stirling's leading terms, `−(b + a − ½)·log1p(a/b) −
    /// a·(log b − 1)`, plus the remainder difference `δ(b) − δ(a + b)`.
    static func logGammaRatio(_ a: Double, _ b: Double) -> Double {
        let h: Double, c: Double, x: Double, d: Double
        if a > b {
            h = b / a; c = 1 / (1 + h); x = h / (1 + h); d = a + (b - 0.5)
        } else {
            h = a / b; c = h / (1 + h); x = 1 / (1 + h); d = b + (a - 0.5)
        }
        let w = remainderDifference(b, x: x) * (c / b)
        let u = d * log1p(a / b)
        let v = a * (log(b) - 1)
        return u > v ? (w - v) - u : (w - u) - v
    }

    /// `δ(a) + δ(b) − δ(a + b)` for a, b ≥ 8, where `δ(x) = log Γ(x) − (x − ½)·log x + x − ½·log(2π)`
    /// is the remainder of Stirling's series (DiDonato and Morris's BCORR).
    static func stirlingRemainderDifference(_ a: Double, _ b: Double) -> Double {
        let small = Swift.min(a, b), large = Swift.max(a, b)
        let h = small / large
        let c = h / (1 + h), x = 1 / (1 + h)
        let differenceOfLarge = remainderDifference(large, x: x) * (c / large)   // δ(b) − δ(a + b)
        return stirlingRemainder(small) + differenceOfLarge
    }

    /// `δ(x)` for x ≥ 8 by DiDonato and Morris's minimax polynomial in `1/x²` (relative error
    /// below 10⁻¹⁵ there).
    static func stirlingRemainder(_ x: Double) -> Double {
        let t = 1 / (x * x)
        let c = stirlingCoefficients
        return (((((c[5] * t + c[4]) * t + c[3]) * t + c[2]) * t + c[1]) * t + c[0]) / x
    }

    /// The polynomial part of `δ(b) − δ(a + b)`, to be multiplied by `c/b` with
    /// `c = a/(a + b)`: each coefficient `cₙ` of ``stirlingRemainder(_:)`` weighted by
    /// `sₙ = (1 − xⁿ)/(1 − x)`, `x = b/(a + b)`.
    private static func remainderDifference(_ b: Double, x: Double) -> Double {
        let x2 = x * x
        let s3 = 1 + (x + x2)
        let s5 = 1 + (x + x2 * s3)
        let s7 = 1 + (x + x2 * s5)
        let s9 = 1 + (x + x2 * s7)
        let s11 = 1 + (x + x2 * s9)
        let t = 1 / (b * b)
        let c = stirlingCoefficients
        return ((((c[5] * s11 * t + c[4] * s9) * t + c[3] * s7) * t + c[2] * s5) * t + c[1] * s3) * t + c[0]
    }

    /// DiDonato and Morris's coefficients of `δ(x)` in powers of `1/x²` (near Stirling's
    /// `1/12, −1/360, 1/1260, …`, tuned for x ≥ 8).
    private static let stirlingCoefficients: [Double] = [
        0.833333333333333e-01, -0.277777777760991e-02, 0.793650666825390e-03,
        -0.595202931351870e-03, 0.837308034031215e-03, -0.165322962780713e-02,
    ]
}
