import Testing
@testable import Descent

/// Properties the distributions must keep everywhere, not only at reference points: the two
/// tails add to one, the cdf never decreases, the quantile inverts the cdf, the distribution
/// is symmetric, and every input, however extreme, returns (NaN for NaN and out of domain).
@Suite("Distribution properties")
struct DistributionPropertyTests {
    static let degrees: [Double] = [0.3, 1, 2, 3, 4.5, 10, 30, 100, 1e4, 1e6, 1e8, 1e12, .infinity]

    /// t from −60 to 60 in steps of 0.05, and a few far ones.
    static let ts: [Double] = (-1200...1200).map { Double($0) / 20 } + [-1e6, -1e3, 1e3, 1e6, 1e100]

    @Test("cdf + survival = 1 wherever neither is tiny", arguments: degrees)
    func tailsAddToOne(nu: Double) {
        for t in Self.ts {
            let cdf = StudentT.cdf(t, degreesOfFreedom: nu), survival = StudentT.survival(t, degreesOfFreedom: nu)
            guard Swift.min(cdf, survival) >= 1e-3 else { continue }
            // Each side is accurate to a few ulps of itself; their sum rounds twice.
            #expect(Swift.abs(cdf + survival - 1) <= Double.ulps(8), "t=\(t) ν=\(nu): \(cdf) + \(survival)")
        }
        for (d1, d2) in [(1.0, 1.0), (3, 10), (10, 3), (20, 1000), (1, 1e6)] {
            for f in stride(from: 0.01, through: 20, by: 0.01) {
                let cdf = FisherF.cdf(f, numerator: d1, denominator: d2)
                let survival = FisherF.survival(f, numerator: d1, denominator: d2)
                guard Swift.min(cdf, survival) >= 1e-3 else { continue }
                #expect(Swift.abs(cdf + survival - 1) <= Double.ulps(8), "f=\(f) (\(d1), \(d2))")
            }
        }
    }

    @Test("the cdf never decreases in t, the survival function never increases", arguments: degrees)
    func monotone(nu: Double) {
        var previous = (cdf: 0.0, survival: 1.0)
        for t in Self.ts.sorted() {
            let cdf = StudentT.cdf(t, degreesOfFreedom: nu), survival = StudentT.survival(t, degreesOfFreedom: nu)
            #expect(cdf >= previous.cdf && survival <= previous.survival, "t=\(t) ν=\(nu)")
            #expect((0...1).contains(cdf) && (0...1).contains(survival), "t=\(t) ν=\(nu)")
            previous = (cdf, survival)
        }
    }

    @Test("cdf(−t) = survival(t) exactly, and the two-sided p-value is twice the smaller tail", arguments: degrees)
    func symmetric(nu: Double) {
        for t in Self.ts {
            #expect(StudentT.cdf(-t, degreesOfFreedom: nu) == StudentT.survival(t, degreesOfFreedom: nu), "t=\(t) ν=\(nu)")
            let tail = StudentT.survival(Swift.abs(t), degreesOfFreedom: nu)
            let twoSided = StudentT.twoSidedPValue(t, degreesOfFreedom: nu)
            #expect(RelativeError.of(twoSided, 2 * tail) <= Double.ulps(1), "t=\(t) ν=\(nu)")
        }
    }

    /// `quantile(cdf(t))` is t up to twelve digits plus what rounding p to a `Double` moves it:
    /// half an ulp of p over the density at t (p at least the smallest normal `Double`: a
    /// subnormal p has too few digits to pin t down).
    @Test("quantile(cdf(t)) ≈ t", arguments: degrees)
    func quantileInvertsCdf(nu: Double) {
        for t in Self.ts where Swift.abs(t) < 1e6 {
            let p = StudentT.cdf(t, degreesOfFreedom: nu)
            guard p >= .leastNormalMagnitude, p < 1 else { continue }   // 1: no finite quantile
            let roundTrip = StudentT.quantile(p, degreesOfFreedom: nu)
            let allowed = RelativeError.twelveDigits * Swift.abs(t) + p.ulp / StudentT.density(t, degreesOfFreedom: nu)
            #expect(Swift.abs(roundTrip - t) <= allowed, "t=\(t) ν=\(nu): p=\(p) → \(roundTrip)")
        }
    }

    @Test("quantiles are monotone in p and odd: quantile(1 − p) = −quantile(p) exactly", arguments: degrees)
    func quantileShape(nu: Double) {
        let ps: [Double] = [1e-300, 1e-100, 1e-12, 1e-6, 0.001, 0.01, 0.025, 0.1, 0.25, 0.4, 0.49, 0.5]
        var previous = -Double.infinity
        for p in ps {
            let t = StudentT.quantile(p, degreesOfFreedom: nu)
            #expect(t >= previous, "p=\(p) ν=\(nu)")
            // 1 − p rounds; 1 − (1 − p) does not, so that pair is exactly symmetric.
            let upper = 1 - p
            #expect(StudentT.quantile(upper, degreesOfFreedom: nu) == -StudentT.quantile(1 - upper, degreesOfFreedom: nu),
                    "p=\(p) ν=\(nu)")
            previous = t
        }
    }

    @Test("NaN in gives NaN out; arguments outside the domain give NaN; the edges are exact")
    func domain() {
        let nan = Double.nan
        for (a, b, x) in [(nan, 1, 0.5), (1, nan, 0.5), (1, 1, nan), (0, 1, 0.5), (1, -1, 0.5), (1, 1, -0.1),
                          (1, 1, 1.1), (.infinity, 1, 0.5), (1, .infinity, 0.5), (1e308, 1e308, 0.5)] {
            #expect(SpecialFunctions.regularizedIncompleteBeta(a, b, x).isNaN, "a=\(a) b=\(b) x=\(x)")
            #expect(SpecialFunctions.complementedIncompleteBeta(a, b, x).isNaN, "a=\(a) b=\(b) x=\(x)")
        }
        #expect(SpecialFunctions.logBeta(nan, 1).isNaN && SpecialFunctions.logBeta(0, 1).isNaN)
        #expect(SpecialFunctions.regularizedIncompleteBeta(2, 3, 0) == 0 && SpecialFunctions.complementedIncompleteBeta(2, 3, 0) == 1)
        #expect(SpecialFunctions.regularizedIncompleteBeta(2, 3, 1) == 1 && SpecialFunctions.complementedIncompleteBeta(2, 3, 1) == 0)

        for (t, nu) in [(nan, 3.0), (1, nan), (1, 0), (1, -2)] {
            #expect(StudentT.cdf(t, degreesOfFreedom: nu).isNaN && StudentT.survival(t, degreesOfFreedom: nu).isNaN)
            #expect(StudentT.twoSidedPValue(t, degreesOfFreedom: nu).isNaN)
        }
        #expect(StudentT.cdf(-.infinity, degreesOfFreedom: 3) == 0 && StudentT.cdf(.infinity, degreesOfFreedom: 3) == 1)
        #expect(StudentT.survival(0, degreesOfFreedom: 3) == 0.5 && StudentT.twoSidedPValue(0, degreesOfFreedom: 3) == 1)
        for (p, nu) in [(nan, 3.0), (0.3, nan), (-0.1, 3), (1.1, 3), (0.3, 0)] {
            #expect(StudentT.quantile(p, degreesOfFreedom: nu).isNaN, "p=\(p) ν=\(nu)")
        }
        #expect(StudentT.quantile(0, degreesOfFreedom: 3) == -.infinity && StudentT.quantile(1, degreesOfFreedom: 3) == .infinity)
        #expect(StudentT.quantile(0.5, degreesOfFreedom: 3) == 0)

        for (f, d1, d2) in [(nan, 1.0, 1.0), (1, nan, 1), (1, 1, nan), (1, 0, 1), (1, 1, -1), (1, .infinity, 1)] {
            #expect(FisherF.survival(f, numerator: d1, denominator: d2).isNaN && FisherF.cdf(f, numerator: d1, denominator: d2).isNaN)
        }
        #expect(FisherF.survival(0, numerator: 3, denominator: 10) == 1 && FisherF.cdf(-1, numerator: 3, denominator: 10) == 0)
        #expect(FisherF.survival(.infinity, numerator: 3, denominator: 10) == 0)
        // F(2, 2) has P(F > f) = 1/(1 + f): a p-value of 10⁻³⁰⁰ in closed form, to twelve digits.
        #expect(RelativeError.of(FisherF.survival(1e300, numerator: 2, denominator: 2), 1e-300) <= RelativeError.twelveDigits)
    }

    @Test("extreme arguments terminate with a probability (NaN only near the mean of a + b > 10¹²)")
    func extremesTerminate() {
        let shapes: [Double] = [1e-300, 1e-10, 1e-3, 0.5, 7.99, 8, 1e7, 1e10, 1e15, 1e300]
        let xs: [Double] = [Double.leastNonzeroMagnitude, 1e-300, 1e-16, 0.3, 0.5, 0.7, 1 - 1e-16, 1]
        for a in shapes {
            for b in shapes {
                for x in xs {
                    let value = SpecialFunctions.regularizedIncompleteBeta(a, b, x)
                    let complement = SpecialFunctions.complementedIncompleteBeta(a, b, x)
                    // Past a + b ≈ 10¹² the fraction cannot converge near the mean: NaN, not a guess.
                    if a + b > 1e12, value.isNaN, complement.isNaN { continue }
                    #expect((0...1).contains(value) && (0...1).contains(complement), "a=\(a) b=\(b) x=\(x): \(value), \(complement)")
                }
            }
        }
        for nu in [1e-3, 0.1, 0.999, 1.5, 1e15, 1e300, .infinity] {
            for p in [Double.leastNonzeroMagnitude, 1e-300, 1e-12, 0.3, 0.7, 1 - 1e-16] {
                let t = StudentT.quantile(p, degreesOfFreedom: nu)
                #expect(!t.isNaN && (t < 0) == (p < 0.5), "p=\(p) ν=\(nu): \(t)")
                if t.isFinite, t != 0 {
                    // Wherever it is finite it inverts the tail it was asked for.
                    let q = Swift.min(p, 1 - p)
                    let tail = StudentT.cdf(-Swift.abs(t), degreesOfFreedom: nu)
                    #expect(RelativeError.of(tail, q) <= 1e-9 || tail == 0, "p=\(p) ν=\(nu): \(t) has tail \(tail)")
                }
            }
            for t in [-1e308, -1e150, -1e-300, 1e-300, 1e150, 1e308] {
                let cdf = StudentT.cdf(t, degreesOfFreedom: nu)
                #expect((0...1).contains(cdf), "t=\(t) ν=\(nu): \(cdf)")
            }
        }
        for d in [1e-300, 1e-3, 1, 1e15, 1e300] {
            for f in [Double.leastNonzeroMagnitude, 1e-300, 1, 1e300, 1.7e308] {
                let survival = FisherF.survival(f, numerator: d, denominator: 2)
                let cdf = FisherF.cdf(f, numerator: 2, denominator: d)
                #expect((0...1).contains(survival) && (0...1).contains(cdf), "f=\(f) d=\(d)")
            }
        }
    }
}
