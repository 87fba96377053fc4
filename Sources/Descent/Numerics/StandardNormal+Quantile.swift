#if canImport(Glibc)
import Glibc
#endif

extension StandardNormal {
    /// The density `φ(z) = exp(−z²/2)/√(2π)`.
    static func density(_ z: Double) -> Double {
        exp(logDensity(z))
    }

    /// `P(Z ≤ z) = ½·erfc(−z/√2)`.
    static func cdf(_ z: Double) -> Double {
        0.5 * erfc(-z * 0.5.squareRoot())
    }

    /// The quantile `Φ⁻¹(p)` for 0 < p < 1, to full double precision: Acklam's approximation
    /// refined by one Halley step on the accurate `erfc` (what `scipy.stats.norm.ppf` and R's
    /// `qnorm` return, to a few ulps). NaN outside (0, 1).
    static func quantile(_ p: Double) -> Double {
        guard p > 0, p < 1 else { return p == 0 ? -.infinity : (p == 1 ? .infinity : .nan) }
        let x = -upperQuantileEstimate(p)
        // Halley: e = Φ(x) − p, u = e/φ(x), x ← x − u/(1 + x·u/2); the tail side keeps its digits.
        let e = p < 0.5 ? cdf(x) - p : (1 - p) - survival(x)
        let u = e / density(x)
        return x - u / (1 + x * u / 2)
    }
}
