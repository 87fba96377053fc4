import Foundation
import Testing
@testable import Descent

/// The regularised incomplete beta function and the t and F distributions against scipy (Boost's
/// `ibeta`) over a grid with extreme tails and large degrees of freedom.
@Suite("Distributions against a scipy grid")
struct ScipyGridTests {
    struct Reference: Decodable {
        let beta: [[Double]]
        let t: [[Double]]
        let quantiles: [[Double]]
        let f: [[Double]]
    }

    static let reference: Reference = {
        let url = Bundle.module.url(forResource: "reference", withExtension: "json", subdirectory: "Resources/scipy-grid")!
        return try! JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }()

    /// Agreement required wherever the reference is a normal number: 12 significant digits.
    static let relative = Double.ulps(4096)   // ≈ 9.1e-13

    func close(_ ours: Double, _ theirs: Double) -> Bool {
        if theirs < Double.leastNormalMagnitude { return ours < Double.leastNormalMagnitude * 4 }
        return Swift.abs(ours - theirs) <= Self.relative * Swift.abs(theirs)
    }

    @Test("I_x(a, b) and its complement, a and b from 0.5 to 1e6, x from 1e-300 to 1 − 1e-10")
    func incompleteBeta() {
        var worst = 0.0
        for row in Self.reference.beta {
            let (a, b, x) = (row[0], row[1], row[2])
            let ours = SpecialFunctions.regularizedIncompleteBeta(a, b, x)
            let complement = SpecialFunctions.complementedIncompleteBeta(a, b, x)
            #expect(close(ours, row[3]), "I(\(a), \(b), \(x)) = \(ours), scipy \(row[3])")
            #expect(close(complement, row[4]), "1 − I(\(a), \(b), \(x)) = \(complement), scipy \(row[4])")
            if row[3] >= Double.leastNormalMagnitude { worst = Swift.max(worst, Swift.abs(ours - row[3]) / row[3]) }
        }
        print("incomplete beta: worst relative error \(worst)")
    }

    /// Large degrees of freedom are held to the same 12 digits.
    static let largeDegreesRelative = Double.ulps(4096)

    @Test("Student's t: both tails, ν from 1 to 1e8")
    func studentT() {
        for row in Self.reference.t {
            let (nu, t) = (row[0], row[1])
            let tolerance = nu > 1e4 ? Self.largeDegreesRelative : Self.relative
            func near(_ a: Double, _ b: Double) -> Bool {
                b < Double.leastNormalMagnitude ? a < 4 * Double.leastNormalMagnitude : Swift.abs(a - b) <= tolerance * Swift.abs(b)
            }
            #expect(near(StudentT.survival(t, degreesOfFreedom: nu), row[2]), "sf(\(t); \(nu))")
            #expect(near(StudentT.cdf(t, degreesOfFreedom: nu), row[3]), "cdf(\(t); \(nu))")
            #expect(near(StudentT.twoSidedPValue(t, degreesOfFreedom: nu), Swift.min(1, 2 * Swift.min(row[2], row[3]))))
        }
        for row in Self.reference.quantiles {
            let (nu, p) = (row[0], row[1])
            let q = StudentT.quantile(p, degreesOfFreedom: nu)
            let tolerance = nu > 1e4 ? Self.largeDegreesRelative : Self.relative
            #expect(Swift.abs(q - row[2]) <= tolerance * Swift.max(1e-300, Swift.abs(row[2])), "ppf(\(p); \(nu)) = \(q), scipy \(row[2])")
        }
    }

    @Test("Fisher's F: survival and distribution, every denominator df to 12 digits")
    func fisherF() {
        for row in Self.reference.f where row[1] > 1e4 {
            let ours = FisherF.survival(row[2], numerator: row[0], denominator: row[1])
            #expect(Swift.abs(ours - row[3]) <= Self.largeDegreesRelative * row[3], "sf(\(row[2]); \(row[0]), \(row[1]))")
        }
        for row in Self.reference.f where row[1] <= 1e4 {
            #expect(close(FisherF.survival(row[2], numerator: row[0], denominator: row[1]), row[3]), "sf(\(row[2]); \(row[0]), \(row[1]))")
            #expect(close(FisherF.cdf(row[2], numerator: row[0], denominator: row[1]), row[4]), "cdf(\(row[2]); \(row[0]), \(row[1]))")
        }
    }

    @Test("out of the domain gives NaN or the limit, never a hang")
    func domain() {
        #expect(SpecialFunctions.regularizedIncompleteBeta(-1, 1, 0.5).isNaN)
        #expect(SpecialFunctions.regularizedIncompleteBeta(1, 1, 1.5).isNaN)
        #expect(StudentT.survival(.infinity, degreesOfFreedom: 3) == 0 && StudentT.survival(-.infinity, degreesOfFreedom: 3) == 1)
        #expect(StudentT.quantile(0.5, degreesOfFreedom: 7) == 0 && StudentT.quantile(2, degreesOfFreedom: 7).isNaN)
        #expect(FisherF.survival(0, numerator: 2, denominator: 3) == 1)
    }
}
