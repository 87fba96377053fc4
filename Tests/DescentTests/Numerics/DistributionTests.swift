import Testing
@testable import Descent

/// The special functions and distributions against `Resources/distributions/reference.json`:
/// twelve significant digits (``RelativeError/twelveDigits``) at every grid point whose value is
/// at least the smallest normal `Double`, the extreme tails included, and agreement at that
/// boundary's absolute scale below it.
///
/// The grids (the generator's): a, b ∈ {0.5, 1, 2.5, 10, 100, 10⁴, 10⁶} with
/// x ∈ {10⁻³⁰⁰, 10⁻¹⁰, 0.001, 0.1, 0.5, 0.9, 0.999, 1 − 10⁻¹⁰}; t ∈ {0, ±10⁻⁸, ±0.5, ±1.96, ±5,
/// ±40, ±10³} with ν ∈ {1, 2, 3, 4.5, 10, 30, 100, 10⁴, 10⁶, 10⁸}; p ∈ {10⁻¹², 0.001, 0.025, 0.5,
/// 0.975, 0.995, 1 − 10⁻¹⁰}; F ∈ {0.01, 1, 3, 50, 10⁴} with (d₁, d₂) ∈ {(1, 1), (3, 10),
/// (10, 3), (20, 1000), (1, 10⁶)}; and beyond them t up to 10³⁰⁰, ν up to 10²⁰ and ∞, p down to
/// 10⁻³⁰⁰, and F p-values down to the subnormals. These are `Double`-only functions (the
/// inference layer works in `Double` whatever the model's precision), so there is no `Float` run.
///
/// Worst relative errors measured (glibc 2.36 libm, x86-64), all against the 50-digit values:
/// - incomplete beta 1.8·10⁻¹³ (1 − I at a = 0.5, b = 100, x = 0.999, a value of 5.6·10⁻³⁰²);
/// - Student t 3.0·10⁻¹⁴ on the grid (t = ±10³, ν = 30) and 1.5·10⁻¹³ beyond it (t = 10¹⁵⁰,
///   ν = 1.5, a value of 3.8·10⁻²²⁶);
/// - quantiles 3.5·10⁻¹⁵ on the grid (p = 1 − 10⁻¹⁰, ν = 2) and 3.4·10⁻¹⁴ beyond it
///   (p = 10⁻³⁰⁰, ν = 3);
/// - F 5.8·10⁻¹⁴ on the grid (f = 50, (20, 1000)) and 1.4·10⁻¹³ beyond it (f = 10⁶⁰, (3, 10),
///   a p-value of 1.1·10⁻²⁹⁷);
/// - log B 3 ulps.
///
/// The largest errors are in values near 10⁻³⁰⁰, whose logarithm (≈ −690) carries a few
/// hundred ulps into the exponential.
@Suite("Distribution references")
struct DistributionTests {
    let reference: DistributionReference

    init() throws {
        reference = try DistributionReference.load()
    }

    @Test("I_x(a, b) and 1 − I_x(a, b) on the grid")
    func incompleteBeta() throws {
        #expect(reference.incompleteBeta.count == 392)
        var worst = WorstError()
        for row in reference.incompleteBeta {
            let (a, b, x) = try (number(row.a), number(row.b), number(row.x))
            let value = SpecialFunctions.regularizedIncompleteBeta(a, b, x)
            let complement = SpecialFunctions.complementedIncompleteBeta(a, b, x)
            for (name, computed, expected) in [("I", value, row.value), ("1 − I", complement, row.complement)] {
                let error = RelativeError.of(computed, expected.double)
                worst.record(error, at: "\(name) a=\(row.a) b=\(row.b) x=\(row.x)")
                #expect(error <= RelativeError.twelveDigits,
                        "\(name)_x(a, b) at a=\(row.a) b=\(row.b) x=\(row.x): \(computed) vs \(expected.reference) (\(expected.oracle))")
            }
        }
        #expect(worst.error <= RelativeError.twelveDigits, "\(worst)")
    }

    @Test("log B(a, b) on the grid")
    func logBeta() throws {
        for row in reference.logBeta {
            let (a, b) = try (number(row.a), number(row.b))
            let computed = SpecialFunctions.logBeta(a, b)
            // Relative to max(|log B|, 1): exp(log B) needs the absolute error near 0.
            let expected = row.value.double
            let error = Swift.abs(computed - expected) / Swift.max(Swift.abs(expected), 1)
            #expect(error <= Double.ulps(16), "log B(\(row.a), \(row.b)): \(computed) vs \(row.value.reference)")
        }
    }

    @Test("Student t cdf, survival and two-sided p-value on the grid and in the far tails")
    func studentT() throws {
        #expect(reference.studentT.count >= 130)
        var worst = WorstError()
        for row in reference.studentT {
            let (t, nu) = try (number(row.t), number(row.nu))
            let checks = [
                ("cdf", StudentT.cdf(t, degreesOfFreedom: nu), row.cdf),
                ("survival", StudentT.survival(t, degreesOfFreedom: nu), row.survival),
                ("two-sided", StudentT.twoSidedPValue(t, degreesOfFreedom: nu), row.twoSided),
            ]
            for (name, computed, expected) in checks {
                let error = RelativeError.of(computed, expected.double)
                worst.record(error, at: "\(name) t=\(row.t) ν=\(row.nu)")
                #expect(error <= RelativeError.twelveDigits,
                        "\(name) at t=\(row.t) ν=\(row.nu): \(computed) vs \(expected.reference) (\(expected.oracle))")
            }
        }
        #expect(worst.error <= RelativeError.twelveDigits, "\(worst)")
    }

    @Test("Student t quantiles on the grid and at extreme p")
    func studentTQuantile() throws {
        #expect(reference.studentTQuantile.count >= 70)
        var worst = WorstError()
        for row in reference.studentTQuantile {
            let (p, nu) = try (number(row.p), number(row.nu))
            let computed = StudentT.quantile(p, degreesOfFreedom: nu)
            let error = RelativeError.of(computed, row.quantile.double)
            worst.record(error, at: "p=\(row.p) ν=\(row.nu)")
            #expect(error <= RelativeError.twelveDigits,
                    "quantile at p=\(row.p) ν=\(row.nu): \(computed) vs \(row.quantile.reference) (\(row.quantile.oracle))")
        }
        #expect(worst.error <= RelativeError.twelveDigits, "\(worst)")
    }

    @Test("F survival and cdf on the grid and down to the subnormal p-values")
    func fisherF() throws {
        #expect(reference.fisherF.count >= 25)
        var worst = WorstError()
        for row in reference.fisherF {
            let (f, d1, d2) = try (number(row.f), number(row.d1), number(row.d2))
            let checks = [
                ("survival", FisherF.survival(f, numerator: d1, denominator: d2), row.survival),
                ("cdf", FisherF.cdf(f, numerator: d1, denominator: d2), row.cdf),
            ]
            for (name, computed, expected) in checks {
                let error = RelativeError.of(computed, expected.double)
                worst.record(error, at: "\(name) f=\(row.f) d1=\(row.d1) d2=\(row.d2)")
                #expect(error <= RelativeError.twelveDigits,
                        "\(name) at f=\(row.f) (\(row.d1), \(row.d2)): \(computed) vs \(expected.reference) (\(expected.oracle))")
            }
        }
        #expect(worst.error <= RelativeError.twelveDigits, "\(worst)")
    }

    private func number(_ text: String) throws -> Double {
        try DistributionReference.number(text)
    }
}
