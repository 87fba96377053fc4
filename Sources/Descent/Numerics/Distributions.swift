#if canImport(Glibc)
import Glibc
#endif

/// The regularised incomplete beta function, by its continued fraction (modified Lentz).
enum SpecialFunctions {
    /// `ln B(a, b)`.
    static func logBeta(_ a: Double, _ b: Double) -> Double {
        lgamma(a) + lgamma(b) - lgamma(a + b)
    }

    /// `I_x(a, b)` for `a, b > 0`, `0 ≤ x ≤ 1`; NaN outside.
    static func regularizedIncompleteBeta(_ a: Double, _ b: Double, _ x: Double) -> Double {
        guard a > 0, b > 0, x >= 0, x <= 1 else { return .nan }
        if x == 0 { return 0 }
        if x == 1 { return 1 }
        return x <= (a + 1) / (a + b + 2) ? lower(a, b, x) : 1 - lower(b, a, 1 - x)
    }

    /// `1 − I_x(a, b) = I_{1−x}(b, a)`, without cancellation.
    static func complementedIncompleteBeta(_ a: Double, _ b: Double, _ x: Double) -> Double {
        guard a > 0, b > 0, x >= 0, x <= 1 else { return .nan }
        if x == 0 { return 1 }
        if x == 1 { return 0 }
        return x <= (a + 1) / (a + b + 2) ? 1 - lower(a, b, x) : lower(b, a, 1 - x)
    }

    /// `I_x(a, b)` where the continued fraction converges fast (`x < (a+1)/(a+b+2)`): the prefactor
    /// `xᵃ(1−x)ᵇ/(a·B(a, b))` in logs, times the fraction.
    private static func lower(_ a: Double, _ b: Double, _ x: Double) -> Double {
        let logPrefactor = a * log(x) + b * log1p(-x) - logBeta(a, b) - log(a)
        return exp(logPrefactor) * fraction(a, b, x)
    }

    /// The continued fraction `1/(1+ d₁/(1+ d₂/(1+ …)))` of the incomplete beta function.
    private static func fraction(_ a: Double, _ b: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if Swift.abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...100_000 {
            let m = Double(m), m2 = 2 * m
            var numerator = m * (b - m) * x / ((a + m2 - 1) * (a + m2))
            d = 1 + numerator * d
            if Swift.abs(d) < tiny { d = tiny }
            c = 1 + numerator / c
            if Swift.abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            numerator = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1))
            d = 1 + numerator * d
            if Swift.abs(d) < tiny { d = tiny }
            c = 1 + numerator / c
            if Swift.abs(c) < tiny { c = tiny }
            d = 1 / d
            let step = d * c
            h *= step
            if Swift.abs(step - 1) <= 2 * Double.ulpOfOne { break }
        }
        return h
    }
}

/// Student's t distribution with `ν > 0` degrees of freedom.
enum StudentT {
    /// `P(T > t)`, accurate in both tails.
    static func survival(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        guard t.isFinite else { return t.isNaN ? .nan : (t > 0 ? 0 : 1) }
        let x = nu / (nu + t * t)
        // P(|T| > |t|) = I_x(ν/2, 1/2); for small |t| the complement avoids cancellation.
        let twoSided = t * t < nu
            ? SpecialFunctions.complementedIncompleteBeta(0.5, nu / 2, t * t / (nu + t * t))
            : SpecialFunctions.regularizedIncompleteBeta(nu / 2, 0.5, x)
        return t > 0 ? twoSided / 2 : 1 - twoSided / 2
    }

    /// `P(T ≤ t)`.
    static func cdf(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        survival(-t, degreesOfFreedom: nu)
    }

    /// `2·P(T > |t|)`.
    static func twoSidedPValue(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        guard !t.isNaN else { return .nan }
        return Swift.min(1, 2 * survival(Swift.abs(t), degreesOfFreedom: nu))
    }

    /// The `t` with `P(T ≤ t) = p`, by bisection to a bracket then Newton steps on the accurate
    /// distribution function (bounded iterations).
    static func quantile(_ p: Double, degreesOfFreedom nu: Double) -> Double {
        guard p > 0, p < 1, nu > 0 else { return p == 0 ? -.infinity : p == 1 ? .infinity : .nan }
        if p == 0.5 { return 0 }
        // Solve on the upper half: P(T > t) = q with q = min(p, 1 − p).
        let q = Swift.min(p, 1 - p)
        var low = 0.0, high = 1.0
        while survival(high, degreesOfFreedom: nu) > q && high < 1e300 { low = high; high *= 4 }
        var t = (low + high) / 2
        for _ in 0..<400 {
            let s = survival(t, degreesOfFreedom: nu)
            if s > q { low = t } else { high = t }
            // Newton on log S(t): step = (S − q)/density, clamped to the bracket.
            let density = exp(lgamma((nu + 1) / 2) - lgamma(nu / 2) - 0.5 * log(nu * Double.pi)
                              - (nu + 1) / 2 * log1p(t * t / nu))
            var next = t + (s - q) / density
            if !(next > low && next < high) { next = (low + high) / 2 }
            if Swift.abs(next - t) <= 2 * Double.ulpOfOne * Swift.abs(t) || high - low <= 2 * Double.ulpOfOne * high {
                t = next
                break
            }
            t = next
        }
        return p > 0.5 ? t : -t
    }
}

/// Fisher's F distribution with `d₁, d₂ > 0` degrees of freedom.
enum FisherF {
    /// `P(F > f)`.
    static func survival(_ f: Double, numerator d1: Double, denominator d2: Double) -> Double {
        guard f > 0 else { return f.isNaN ? .nan : 1 }
        guard f.isFinite else { return 0 }
        // P(F > f) = I_{d₂/(d₂ + d₁f)}(d₂/2, d₁/2).
        return SpecialFunctions.regularizedIncompleteBeta(d2 / 2, d1 / 2, d2 / (d2 + d1 * f))
    }

    /// `P(F ≤ f)`.
    static func cdf(_ f: Double, numerator d1: Double, denominator d2: Double) -> Double {
        guard f > 0 else { return f.isNaN ? .nan : 0 }
        guard f.isFinite else { return 1 }
        return SpecialFunctions.regularizedIncompleteBeta(d1 / 2, d2 / 2, d1 * f / (d1 * f + d2))
    }
}
