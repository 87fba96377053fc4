import Foundation
import Testing
@testable import Descent

/// The reference values in `Resources/distributions/reference.json`, written by `generate.py`
/// beside it: scipy's values where they agree with a 50-digit mpmath oracle, the oracle's where
/// they do not (each value says which). Numbers are stored as the shortest decimal strings that
/// read back to the `Double`s, so nothing depends on a JSON parser's rounding.
struct DistributionReference: Decodable {
    /// One reference value and where it came from.
    struct Value: Decodable {
        let reference: String
        let oracle: String
        let scipy: String
        let mpmath: String

        /// The reference as a `Double` (exactly the generator's).
        var double: Double { Double(reference) ?? .nan }
    }

    struct IncompleteBeta: Decodable {
        let a: String, b: String, x: String
        let value: Value, complement: Value
    }

    struct LogBeta: Decodable {
        let a: String, b: String
        let value: Value
    }

    struct StudentT: Decodable {
        let t: String, nu: String
        let cdf: Value, survival: Value, twoSided: Value
    }

    struct StudentTQuantile: Decodable {
        let p: String, nu: String
        let quantile: Value
    }

    struct FisherF: Decodable {
        let f: String, d1: String, d2: String
        let survival: Value, cdf: Value
    }

    let incompleteBeta: [IncompleteBeta]
    let logBeta: [LogBeta]
    let studentT: [StudentT]
    let studentTQuantile: [StudentTQuantile]
    let fisherF: [FisherF]

    /// The decoded file.
    static func load() throws -> DistributionReference {
        let data = try Data(contentsOf: TestData.url("distributions/reference.json"))
        return try JSONDecoder().decode(DistributionReference.self, from: data)
    }

    /// A stored number (`"1e-300"`, `"inf"`) as a `Double`.
    static func number(_ text: String) throws -> Double {
        try #require(Double(text), "not a number: \(text)")
    }
}

/// Relative error in units a distribution's user cares about.
enum RelativeError {
    /// Twelve significant digits: the agreement every value must reach (`≈ 1.0·10⁻¹²`).
    static let twelveDigits = Double.ulps(4503)

    /// `|computed − expected| / |expected|`, with references below the smallest normal `Double`
    /// measured against that boundary instead (a subnormal has fewer digits to agree with, and
    /// 0 stands for a true value below the smallest subnormal). Equal values, infinities
    /// included, have error 0; a NaN on one side only has infinite error.
    static func of(_ computed: Double, _ expected: Double) -> Double {
        if computed == expected || (computed.isNaN && expected.isNaN) { return 0 }
        guard computed.isFinite, expected.isFinite else { return .infinity }
        return Swift.abs(computed - expected) / Swift.max(Swift.abs(expected), Double.leastNormalMagnitude)
    }
}

/// The worst error of a sweep and where it happened, for one expectation that names the culprit.
struct WorstError: CustomStringConvertible {
    private(set) var error = 0.0
    private(set) var location = "nowhere"

    mutating func record(_ error: Double, at location: @autoclosure () -> String) {
        if error > self.error || error.isNaN {
            self.error = error
            self.location = location()
        }
    }

    var description: String { "\(error) at \(location)" }
}
