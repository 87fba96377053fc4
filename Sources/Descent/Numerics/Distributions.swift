#if canImport(Glibc)
import Glibc
#endif

/// The regularised incomplete beta function, by its continued fraction (modified Lentz).
enum SpecialFunctions {
    /// `ln B(a, b)`.
    static func logBeta(_ a: Double, _ b: Double) -> Double {
        lgamma(a) + lgamma(b) - lgamma(a + b)
    }

    /// `I_x(a, b)` for `a, b > 0`, `0 ≤ x ≤ 1`; NaN outside. `y = 1 − x` may be given when the
    /// caller knows it more accurately than `1 − x` rounds.
    static func regularizedIncompleteBeta(_ a: Double, _ b: Double, _ x: Double, complement y: Double? = nil) -> Double {
        guard a > 0, b > 0, x >= 0, x <= 1 else { return .nan }
        let y = y ?? 1 - x
        if x == 0 { return 0 }
        if y == 0 { return 1 }
        return x <= (a + 1) / (a + b + 2) ? lower(a, b, x, y) : 1 - lower(b, a, y, x)
    }

    /// `1 − I_x(a, b) = I_{1−x}(b, a)`, without cancellation; `y = 1 − x` as for ``regularizedIncompleteBeta(_:_:_:complement:)``.
    static func complementedIncompleteBeta(_ a: Double, _ b: Double, _ x: Double, complement y: Double? = nil) -> Double {
        guard a > 0, b > 0, x >= 0, x <= 1 else { return .nan }
        let y = y ?? 1 - x
        if x == 0 { return 1 }
        if y == 0 { return 0 }
        return x <= (a + 1) / (a + b + 2) ? 1 - lower(a, b, x, y) : lower(b, a, y, x)
    }

    /// `I_x(a, b)` where the continued fraction converges fast (`x < (a+1)/(a+b+2)`): the prefactor
    /// `xᵃ(1−x)ᵇ/(a·B(a, b))` times the fraction.
    private static func lower(_ a: Double, _ b: Double, _ x: Double, _ y: Double) -> Double {
        exp(logPrefactor(a, b, x, y)) / a * fraction(a, b, x)
    }

    /// `ln(xᵃ(1−x)ᵇ/B(a, b))` without the cancellation that `ln Γ` differences suffer for large `a`,
    /// `b`: with `s = a + b`, Stirling's form of `B` gives
    /// `a·ln(xs/a) + b·ln(ys/b) + ½·ln(ab/(2πs)) − (Δ(a) + Δ(b) − Δ(s))`, `Δ` the Stirling series'
    /// remainder; near `x = a/s` the two logarithms are summed as `a·(ln(1+u) − u) + b·(ln(1+v) − v)`
    /// (`au + bv = 0`).
    static func logPrefactor(_ a: Double, _ b: Double, _ x: Double, _ y: Double) -> Double {
        let s = a + b
        let u = (s * x - a) / a, v = (s * y - b) / b
        let main: Double
        if Swift.abs(u) < 0.5 && Swift.abs(v) < 0.5 {
            main = a * log1pmx(u) + b * log1pmx(v)
        } else {
            // ln x and ln y from whichever of x, y is small (the other is 1 − it, known to rounding).
            let logX = x < 0.5 ? log(x) : log1p(-y), logY = y < 0.5 ? log(y) : log1p(-x)
            main = a * (logX + log1p(b / a)) + b * (logY + log1p(a / b))
        }
        return main + 0.5 * (log(a) - log1p(a / b)) - 0.5 * log(2 * Double.pi) - (stirlingRemainder(a) + stirlingRemainder(b) - stirlingRemainder(s))
    }

    /// `ln(1 + u) − u`, accurate for small `u`: the series `−u²/2 + u³/3 − u⁴/4 + …` below
    /// `|u| = 1/4`.
    static func log1pmx(_ u: Double) -> Double {
        guard Swift.abs(u) < 0.25 else { return log1p(u) - u }
        var power = u * u
        var sum = -power / 2
        for k in 3...80 {
            power *= u
            let term = (k % 2 == 1 ? power : -power) / Double(k)
            sum += term
            if Swift.abs(term) <= Double.ulpOfOne / 8 * Swift.abs(sum) { break }
        }
        return sum
    }

    /// `Δ(x) = ln Γ(x) − ((x − ½)ln x − x + ½ ln 2π)`: the series `1/(12x) − 1/(360x³) + …` for
    /// `x ≥ 10`, the difference itself below.
    static func stirlingRemainder(_ x: Double) -> Double {
        guard x >= 10 else { return lgamma(x) - ((x - 0.5) * log(x) - x + 0.5 * log(2 * Double.pi)) }
        let r = 1 / x, r2 = r * r
        return r * (1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 - r2 * (1.0 / 1680 - r2 * (1.0 / 1188)))))
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
        // P(|T| > |t|) = I_x(ν/2, 1/2) with x = ν/(ν + t²), 1 − x = t²/(ν + t²), both exact to rounding.
        let x = nu / (nu + t * t), y = t * t / (nu + t * t)
        let twoSided = SpecialFunctions.regularizedIncompleteBeta(nu / 2, 0.5, x, complement: y)
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
        // P(F > f) = I_{d₂/(d₂ + d₁f)}(d₂/2, d₁/2), with the complement d₁f/(d₂ + d₁f) exact to rounding.
        return SpecialFunctions.regularizedIncompleteBeta(d2 / 2, d1 / 2, d2 / (d2 + d1 * f), complement: d1 * f / (d2 + d1 * f))
    }

    /// `P(F ≤ f)`.
    static func cdf(_ f: Double, numerator d1: Double, denominator d2: Double) -> Double {
        guard f > 0 else { return f.isNaN ? .nan : 0 }
        guard f.isFinite else { return 1 }
        return SpecialFunctions.regularizedIncompleteBeta(d1 / 2, d2 / 2, d1 * f / (d1 * f + d2), complement: d2 / (d1 * f + d2))
    }
}
