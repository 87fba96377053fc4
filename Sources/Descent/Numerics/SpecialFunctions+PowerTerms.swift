#if canImport(Glibc)
import Glibc
#endif

extension SpecialFunctions {
    /// `λ = a − (a + b)·x = (a + b)·y − b`: how far x lies below the mean `a/(a + b)`, scaled by
    /// a + b.
    ///
    /// The continued fraction and the power terms need it to full relative precision when x is
    /// within rounding of the mean of a distribution with a, b near 10⁷. So it is formed from
    /// the smaller of x and y (the one known exactly) with error-free transformations: `a + b`
    /// as a sum plus its rounding error, and the product with x as a product plus its rounding
    /// error (one fused multiply-add).
    static func meanOffset(_ a: Double, _ b: Double, x: Double, y: Double) -> Double {
        let (sum, sumError) = twoSum(a, b)
        if x <= y {
            let (product, productError) = twoProduct(sum, x)
            return ((a - product) - productError) - sumError * x
        }
        let (product, productError) = twoProduct(sum, y)
        return ((product - b) + productError) + sumError * y
    }

    /// `log(xᵃ yᵇ / B(a, b))`, with `λ = a − (a + b)x` from ``meanOffset(_:_:x:y:)``.
    ///
    /// For a, b ≥ 8 (DiDonato and Morris's BRCOMP, in logarithms): with `x₀ = a/(a + b)`,
    /// `x/x₀ = 1 − λ/a` and `y/y₀ = 1 + λ/b`, so Stirling's series gives
    ///
    ///     log(xᵃyᵇ/B) = ½·log(ab/(a+b)) − ½·log(2π) − a·φ(−λ/a) − b·φ(λ/b) − Δ(a, b),
    ///
    /// where `φ(e) = e − log(1 + e)` (``log1pResidual(_:)``) and Δ is
    /// ``stirlingRemainderDifference(_:_:)``. The terms of size a and b that cancel in
    /// `a·log x + b·log y − log B` never appear: at a = b = 10⁶ and x = ½ the result is exact
    /// to a few ulps where the naive sum loses 10⁻¹⁰.
    ///
    /// Below 8: `a·log x + b·log y − log B(a, b)`, taking the logarithm of whichever of x, y is
    /// near 1 as `log1p` of the other.
    static func logPowerTerms(_ a: Double, _ b: Double, x: Double, y: Double, meanOffset lambda: Double) -> Double {
        guard Swift.min(a, b) >= 8 else {
            let logX = x <= y ? log(x) : log1p(-y)
            let logY = y < x ? log(y) : log1p(-x)
            return a * logX + b * logY - logBeta(a, b)
        }
        let e = -lambda / a
        let f = lambda / b
        // Far below the mean (e or f < −0.6) the ratio x/x₀ (or y/y₀) is small and 1 + e would
        // cancel: take its logarithm from x (or y), which is then the smaller and exact.
        let u = e < -0.6 ? e - logScaledRatio(x, a, b) : log1pResidual(e)
        let v = f < -0.6 ? f - logScaledRatio(y, b, a) : log1pResidual(f)
        let reduced = b * (a / (a + b))   // ab/(a + b) without overflow
        return -(a * u + b * v) + (0.5 * log(reduced) - halfLogTwoPi) - stirlingRemainderDifference(a, b)
    }

    /// `φ(e) = e − log(1 + e)` for e > −1, without the cancellation of the two terms near 0.
    ///
    /// For |e| ≤ 0.6, with `r = e/(2 + e)`: `log(1 + e) = 2·atanh r`, so
    /// `φ(e) = r·e − 2(r³/3 + r⁵/5 + …)`, all terms of one sign after the first and
    /// `r² ≤ 0.19`: 24 terms reach full precision. Beyond, the subtraction loses at most two
    /// bits.
    static func log1pResidual(_ e: Double) -> Double {
        guard Swift.abs(e) <= 0.6 else { return e - log1p(e) }
        let r = e / (2 + e)
        let r2 = r * r
        var series = 0.0   // 1/3 + r²/5 + r⁴/7 + …
        for k in stride(from: 24, through: 1, by: -1) {
            series = series * r2 + 1 / Double(2 * k + 1)
        }
        return r * e - 2 * r * r2 * series
    }

    /// `log(x·(a + b)/a)` for the smaller of x, y, to about one ulp: the product is carried as a
    /// sum of two doubles and only the quotient rounds.
    private static func logScaledRatio(_ x: Double, _ a: Double, _ b: Double) -> Double {
        let (sum, sumError) = twoSum(a, b)
        let (product, productError) = twoProduct(sum, x)
        let high = product / a
        return log(high) + (productError + sumError * x) / product
    }

    /// `a + b` and its rounding error, exactly (Knuth's TwoSum).
    static func twoSum(_ a: Double, _ b: Double) -> (sum: Double, error: Double) {
        let sum = a + b
        let bVirtual = sum - a
        let aVirtual = sum - bVirtual
        return (sum, (a - aVirtual) + (b - bVirtual))
    }

    /// `a·b` and its rounding error, exactly (one fused multiply-add) unless the product
    /// underflows.
    static func twoProduct(_ a: Double, _ b: Double) -> (product: Double, error: Double) {
        let product = a * b
        return (product, (-product).addingProduct(a, b))
    }
}
