/// Fisher's F distribution with d₁ (numerator) and d₂ (denominator) degrees of freedom: the
/// p-value of a regression's F statistic.
///
/// With `x = d₂/(d₂ + d₁f)` and `y = d₁f/(d₂ + d₁f)`,
///
///     P(F > f) = I_x(d₂/2, d₁/2),    P(F ≤ f) = I_y(d₁/2, d₂/2),
///
/// one incomplete beta pair from ``SpecialFunctions/incompleteBeta(_:_:ratio:_:)``, each side
/// without cancellation and x formed as its own quotient, so a p-value of 10⁻³⁰⁰ keeps its
/// digits; 0 is returned only where the true value is below the smallest subnormal `Double`.
enum FisherF {
    /// `P(F > f)` for d₁, d₂ > 0 (finite; non-integer allowed).
    ///
    /// 1 for f ≤ 0, 0 at f = +∞; NaN when an argument is NaN or a degree of freedom is not
    /// positive and finite.
    static func survival(_ f: Double, numerator d1: Double, denominator d2: Double) -> Double {
        split(f, d1, d2).value
    }

    /// `P(F ≤ f)` for d₁, d₂ > 0, accurate near 0 (small f) as `survival` is in the tail.
    ///
    /// 0 for f ≤ 0, 1 at f = +∞; NaN as for ``survival(_:numerator:denominator:)``.
    static func cdf(_ f: Double, numerator d1: Double, denominator d2: Double) -> Double {
        split(f, d1, d2).complement
    }

    /// `(P(F > f), P(F ≤ f))`.
    private static func split(_ f: Double, _ d1: Double, _ d2: Double) -> SpecialFunctions.IncompleteBeta {
        guard !f.isNaN, d1 > 0, d2 > 0, d1.isFinite, d2.isFinite else { return (.nan, .nan) }
        if f <= 0 { return (1, 0) }
        if f == .infinity { return (0, 1) }
        // x = d₂ : d₁f, scaled by 1/d₁ where d₁f would overflow.
        let scaled = d1 * f
        let (p, q) = scaled.isFinite ? (d2, scaled) : (d2 / d1, f)
        return SpecialFunctions.incompleteBeta(d2 / 2, d1 / 2, ratio: p, q)
    }
}
