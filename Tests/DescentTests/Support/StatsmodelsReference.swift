import Foundation
import Testing
@testable import Descent

/// One statsmodels fit stored in Resources/statsmodels/reference.json (see its generate.py).
struct StatsmodelsCase: Decodable, CustomTestStringConvertible, Sendable {
    let name: String
    let intercept: Bool
    let weights: [Double]?
    let weighting: String?
    let featureNames: [String]
    let x: [[Double]]
    let y: [Double]
    let params, bse, tvalues, pvalues: [Double]
    let ci95, ci90: [[Double]]
    let rsquared, rsquaredAdj, fvalue, fPValue, llf, aic, bic, residualStandardError, dfResid, dfModel: Double
    let conditionNumber: Double

    var testDescription: String { name + (weighting.map { " WLS (\($0))" } ?? " OLS") + (intercept ? "" : " no constant") }
    var features: Matrix<Double> { try! Matrix(x) }

    static let all: [StatsmodelsCase] = {
        struct File: Decodable { let cases: [StatsmodelsCase] }
        let url = Bundle.module.url(forResource: "reference", withExtension: "json", subdirectory: "Resources/statsmodels")!
        return try! JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases
    }()
}

/// Correct significant digits of `value` against `reference` (15 when equal), as NIST's LRE.
func digits(_ value: Double, _ reference: Double) -> Double {
    if value == reference { return 15 }
    let error = reference == 0 ? Swift.abs(value) : Swift.abs(value - reference) / Swift.abs(reference)
    return Swift.min(15, -log10(error))
}
