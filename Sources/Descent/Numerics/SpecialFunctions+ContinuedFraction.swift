extension SpecialFunctions {
    /// The most terms ``incompleteBetaFraction(_:_:x:y:meanOffset:)`` evaluates: enough at the
    /// mean for a + b up to about 10¹² (the count there grows like 4.4·(a + b)^(1/3): 1200 at
    /// a = b = 10⁷, 12 000 at 10¹⁰). A fraction that has not converged by then gives NaN, not a
    /// value with unknown digits (at a = b = 10¹⁵ near the mean it would be far off).
    static let fractionTermLimit = 50_000

    /// The continued fraction `F` with `I_x(a, b) = xᵃ yᵇ / B(a, b) · F`, for `λ = a − (a + b)x`
    /// from ``meanOffset(_:_:x:y:)`` above −1. It converges quickly for
    /// `x ≤ (a + 1)/(a + b + 2)` (where λ > −1 holds), slowly beyond.
    ///
    /// This is DiDonato and Morris's form (their BFRAC): the classical fraction
    /// `1/(1 + d₁/(1 + d₂/(1 + …)))` with `d₂ₘ₊₁ = −(a + m)(a + b + m)x / ((a + 2m)(a + 2m + 1))`,
    /// `d₂ₘ = m(b − m)x / ((a + 2m − 1)(a + 2m))` contracted pairwise and rewritten with λ, so
    /// that the near-cancelling `1 + d₂ₘ₊₁` of the classical form (x near 1 with a large: the
    /// Student t tail at ν = 10⁸) never appear:
    ///
    ///     F = 1 / (β₀ + α₁/(β₁ + α₂/(β₂ + …))),   β₀ = a(1 + λ)/(a + 1),   sₙ = a + 2n − 1,
    ///     αₙ = (a + n − 1)(a + b + n − 1)·n(b − n)x² / sₙ²,
    ///     βₙ = n + n(b − n)x/sₙ + (a + n)/(sₙ + 2)·(1 + λ + n(1 + y)).
    ///
    /// (Their coefficients are written with `b/a` and `1/a`, which overflow for a below 10⁻³⁰⁸·b;
    /// these are the same numbers without the divisions by a, grouped so that no intermediate
    /// overflows for parameters up to 10³⁰⁰ either.) Evaluated forwards by the
    /// modified Lentz method (Thompson and Barnett, 1986) until a step changes the value by
    /// less than an ulp; NaN if that takes more than ``fractionTermLimit`` terms.
    ///
    /// - Complexity: a handful of terms away from the mean, about 4.4·(a + b)^(1/3) at it.
    static func incompleteBetaFraction(_ a: Double, _ b: Double, x: Double, y: Double, meanOffset lambda: Double) -> Double {
        let tiny = 1e-300   // Lentz's stand-in for a zero denominator
        let c = 1 + lambda
        let yPlusOne = y + 1
        var value = c * (a / (a + 1))
        if value == 0 { value = tiny }
        var upper = value   // Cₙ = Aₙ/Aₙ₋₁
        var lower = 0.0     // Dₙ = Bₙ₋₁/Bₙ
        var converged = false
        for term in 1...fractionTermLimit {
            let n = Double(term)
            let s = a + (2 * n - 1)
            let w = n * (b - n) * x
            let shifted = a + (n - 1)
            let alpha = (shifted / s) * ((shifted + b) / s) * (w * x)
            let beta = n + w / s + (a + n) / (s + 2) * (c + n * yPlusOne)
            lower = beta + alpha * lower
            if Swift.abs(lower) < tiny { lower = tiny }
            lower = 1 / lower
            upper = beta + alpha / upper
            if Swift.abs(upper) < tiny { upper = tiny }
            let step = upper * lower
            value *= step
            if !(Swift.abs(step - 1) > Double.ulpOfOne) {   // converged, or NaN
                converged = true
                break
            }
        }
        return converged ? 1 / value : .nan
    }
}
