#if canImport(Glibc)
import Glibc
#endif

extension StudentT {
    /// The quantile: the t with `P(T ≤ t) = p`, for 0 < p < 1 and ν > 0 (`t_{0.975, ν}` for a
    /// 95% confidence interval).
    ///
    /// By symmetry it solves `P(T > s) = q` with `q = min(p, 1 − p)` (exact in floating point)
    /// for s ≥ 0, starting from Hill's approximation (CACM algorithm 396, 1970; Cauchy and
    /// ν = 2 in closed form, the normal quantile for ν > 10¹⁰) and refining it on the accurate
    /// ``survival(_:degreesOfFreedom:)`` with ``UpperTailInversion`` to within 2 ulps or the
    /// survival function's own rounding. Extreme p (10⁻³⁰⁰, 1 − 10⁻¹⁶) keep their digits,
    /// because the small tail probability is what is inverted.
    ///
    /// - Returns: The quantile; −∞ at p = 0 and +∞ at p = 1, and ±∞ where its magnitude
    ///   exceeds the largest `Double` (ν = 0.01 and p = 10⁻¹²); NaN for NaN, p outside [0, 1]
    ///   or ν ≤ 0.
    /// - Complexity: 1 to 5 evaluations of the survival function for ν ≥ 1 (measured over p
    ///   from 10⁻³⁰⁰ to ½), up to about 15 below 1, where Hill's start does not apply; at most
    ///   ``UpperTailInversion/iterationLimit``.
    static func quantile(_ p: Double, degreesOfFreedom nu: Double) -> Double {
        guard p >= 0, p <= 1, nu > 0 else { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        if p == 0.5 { return 0 }
        let q = Swift.min(p, 1 - p)
        let s = UpperTailInversion.solve(
            q, start: quantileEstimate(q, nu),
            survival: { survival($0, degreesOfFreedom: nu) },
            logDensity: { logDensity($0, degreesOfFreedom: nu) })
        return p < 0.5 ? -s : s
    }

    /// A first guess for the s > 0 with `P(T > s) = q`, 0 < q < ½: exact for ν = 1 and 2,
    /// Hill's approximation for other ν ≥ 1, the power-law tail `P(T > s) ≈ ν^(ν/2−1) s^(−ν) /
    /// B(ν/2, ½)` below 1 or wherever Hill's formula overflows.
    static func quantileEstimate(_ q: Double, _ nu: Double) -> Double {
        let estimate: Double
        if nu == 1 {
            estimate = 1 / tan(Double.pi * q)
        } else if nu == 2 {
            estimate = (1 - 2 * q) / (2 * q * (1 - q)).squareRoot()
        } else if nu > 1e10 {
            estimate = StandardNormal.upperQuantileEstimate(q)
        } else if nu > 1 {
            estimate = hill(twoSided: 2 * q, nu)
        } else {
            estimate = .nan
        }
        if estimate > 0, estimate.isFinite { return estimate }
        let logTail = (nu / 2 - 1) * log(nu) - SpecialFunctions.logBeta(nu / 2, 0.5) - log(q)
        let tail = exp(logTail / nu)
        return tail > 0 && tail.isFinite ? tail : 1
    }

    /// Hill's algorithm 396: the s with `P(|T| > s) = P` for ν > 1, from an expansion about the
    /// normal quantile where P is not small and an asymptotic series in P in the tail
    /// (relative error about 10⁻⁶ or better for ν ≥ 2; a starting point here).
    private static func hill(twoSided P: Double, _ nu: Double) -> Double {
        let a = 1 / (nu - 0.5)
        let b = 48 / (a * a)
        var c = ((20700 * a / b - 98) * a - 16) * a + 96.36
        let d = ((94.5 / (b + c) - 3) / b + 1) * (a * Double.pi / 2).squareRoot() * nu
        var y = exp(2 / nu * (log(d) + log(P)))   // (d·P)^(2/ν) without underflow
        if (nu < 2.1 && P > 0.5) || y > 0.05 + a {
            let x = -StandardNormal.upperQuantileEstimate(P / 2)   // the lower normal quantile
            y = x * x
            if nu < 5 { c += 0.3 * (nu - 4.5) * (x + 0.6) }
            c = (((0.05 * d * x - 5) * x - 7) * x - 2) * x + b + c
            y = (((((0.4 * y + 6.3) * y + 36) * y + 94.5) / c - y - 3) / b + 1) * x
            y = expm1(a * y * y)
        } else {
            y = ((1 / (((nu + 6) / (nu * y) - 0.089 * d - 0.822) * (nu + 2) * 3) + 0.5 / (nu + 4)) * y - 1)
                * (nu + 1) / (nu + 2) + 1 / y
        }
        return (nu * y).squareRoot()
    }
}
