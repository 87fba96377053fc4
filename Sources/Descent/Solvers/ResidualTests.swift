#if canImport(Glibc)
import Glibc
#endif

/// The tests on a fit's residuals that statsmodels prints under its summary (for WLS, on the
/// `√w`-scaled residuals, as statsmodels' `wresid`).
///
/// - Skew `m₃/m₂^{3/2}` and kurtosis `m₄/m₂²` (Pearson's, 3 for a normal sample) from the central
///   moments `mₖ = Σ(eᵢ − ē)ᵏ/n`.
/// - Jarque–Bera `n/6·(S² + (K − 3)²/4)`, its p-value from χ²(2): `exp(−JB/2)`.
/// - Omnibus: D'Agostino and Pearson's `K² = Z_skew² + Z_kurt²` (scipy's `normaltest`, which
///   statsmodels calls; its z-scores need `n ≥ 8`, else NaN), p-value `exp(−K²/2)`.
/// - Durbin–Watson `Σ(eᵢ − eᵢ₋₁)²/Σeᵢ²` in the rows' order.
public struct ResidualTests: Sendable, Hashable {
    /// D'Agostino–Pearson's omnibus normality statistic `K²`.
    public let omnibus: Double
    /// Its p-value, `P(χ²₂ > K²)`.
    public let omnibusPValue: Double
    /// The residuals' skewness (biased, as scipy's `skew`).
    public let skew: Double
    /// Their kurtosis (Pearson's, not excess).
    public let kurtosis: Double
    /// The Jarque–Bera statistic.
    public let jarqueBera: Double
    /// Its p-value, `P(χ²₂ > JB)`.
    public let jarqueBeraPValue: Double
    /// The Durbin–Watson statistic (2 for uncorrelated residuals).
    public let durbinWatson: Double

    /// From `n`, the power sums `Σeᵢᵏ` (`k = 1…4`) and `Σ(eᵢ − eᵢ₋₁)²`.
    init(rows: Int, powers: [Double.Accumulator], differenceSquares: Double) {
        typealias E = Double.Accumulator
        let count = E(rows)
        let mean = powers[0] / count
        let m2 = powers[1] / count - mean * mean
        let m3 = powers[2] / count - 3 * mean * powers[1] / count + 2 * mean * mean * mean
        let m4 = powers[3] / count - 4 * mean * powers[2] / count + 6 * mean * mean * powers[1] / count
            - 3 * mean * mean * mean * mean
        let s = Double(m3) / Double(m2) / Double(m2).squareRoot(), k = Double(m4) / Double(m2) / Double(m2)
        skew = s
        kurtosis = k
        let n = Double(rows)
        jarqueBera = n / 6 * (s * s + (k - 3) * (k - 3) / 4)
        jarqueBeraPValue = exp(-jarqueBera / 2)
        omnibus = Self.skewZ(s, n: n).map { z in Self.kurtosisZ(k, n: n).map { z * z + $0 * $0 } ?? .nan } ?? .nan
        omnibusPValue = exp(-omnibus / 2)
        durbinWatson = differenceSquares / Double(powers[1])
    }

    /// scipy's `skewtest` z-score (D'Agostino 1970), for `n ≥ 8`.
    static func skewZ(_ skew: Double, n: Double) -> Double? {
        guard n >= 8 else { return nil }
        var y = skew * ((n + 1) * (n + 3) / (6 * (n - 2))).squareRoot()
        let beta2 = 3 * (n * n + 27 * n - 70) * (n + 1) * (n + 3) / ((n - 2) * (n + 5) * (n + 7) * (n + 9))
        let w2 = -1 + (2 * (beta2 - 1)).squareRoot()
        let delta = 1 / (0.5 * log(w2)).squareRoot()
        let alpha = (2 / (w2 - 1)).squareRoot()
        if y == 0 { y = 1 }
        return delta * log(y / alpha + ((y / alpha) * (y / alpha) + 1).squareRoot())
    }

    /// scipy's `kurtosistest` z-score (Anscombe and Glynn 1983), for `n ≥ 5`.
    static func kurtosisZ(_ kurtosis: Double, n: Double) -> Double? {
        guard n >= 5 else { return nil }
        let expected = 3 * (n - 1) / (n + 1)
        let variance = 24 * n * (n - 2) * (n - 3) / ((n + 1) * (n + 1) * (n + 3) * (n + 5))
        let x = (kurtosis - expected) / variance.squareRoot()
        let beta1 = 6 * (n * n - 5 * n + 2) / ((n + 7) * (n + 9)) * (6 * (n + 3) * (n + 5) / (n * (n - 2) * (n - 3))).squareRoot()
        let a = 6 + 8 / beta1 * (2 / beta1 + (1 + 4 / (beta1 * beta1)).squareRoot())
        let denominator = 1 + x * (2 / (a - 4)).squareRoot()
        guard denominator != 0 else { return nil }
        let term2 = (denominator < 0 ? -1.0 : 1.0) * cbrt((1 - 2 / a) / Swift.abs(denominator))
        return ((1 - 2 / (9 * a)) - term2) / (2 / (9 * a)).squareRoot()
    }
}
