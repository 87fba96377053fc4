import Foundation
import Testing
@testable import Descent

/// One formula on one real table, from Resources/tables/generate.py (patsy, formulaic,
/// statsmodels) and generate.R (R's lm).
struct TableCase: Decodable, CustomTestStringConvertible, Sendable {
    struct OLS: Decodable, Sendable {
        let names: [String]
        let params, bse, tvalues, pvalues, conf_low, conf_high: [String]
        let rsquared, rsquared_adj, llf, aic, bic: String
        let fvalue: String?
        let nobs: Int
    }
    struct RFit: Decodable, Sendable {
        let formula, rFormula: String
        let names, coefficients, standardErrors: [String]
        let rSquared: String
        let nobs: Int
    }

    var table = ""
    let formula: String
    let names: [String]
    let intercept: Bool
    let targets: [String]
    let rows: [Int]
    let features: [String]
    let y: [String]
    let missingRows: Int
    let rank: Int
    let formulaicNames: [String]?
    let ols: OLS?
    var r: RFit? = nil

    enum CodingKeys: String, CodingKey {
        case formula, names, intercept, targets, rows, features, y, missingRows, rank, formulaicNames, ols
    }

    var testDescription: String { "\(table): \(formula)" }
    var path: String { Self.directory + "/\(table).csv" }
    var isFullRank: Bool { rank == names.count + (intercept ? 1 : 0) }

    static let directory = Bundle.module.url(forResource: "tables", withExtension: nil, subdirectory: "Resources")!.path

    /// Every case of the named tables.
    static func cases(_ tables: [String]) -> [TableCase] {
        struct File: Decodable { let cases: [TableCase] }
        struct RFile: Decodable { let cases: [RFit] }
        return tables.flatMap { table -> [TableCase] in
            let data = try! Data(contentsOf: URL(fileURLWithPath: directory + "/\(table).json"))
            let r = try! JSONDecoder().decode(RFile.self, from: Data(contentsOf: URL(fileURLWithPath: directory + "/\(table).R.json")))
            return try! JSONDecoder().decode(File.self, from: data).cases.map { item in
                var item = item
                item.table = table
                item.r = r.cases.first { $0.formula == item.formula }
                return item
            }
        }
    }

    /// The tables the implementation was written against, and the two held out of its tuning.
    static let tuning = cases(["grunfeld", "fair", "modechoice"])
    static let heldOut = cases(["anes96", "cpunish"])
}

/// A hexadecimal float (Python's `float.hex`) or decimal, to its exact `Double`.
func exact(_ text: String) -> Double { Double(text)! }
