import Foundation
import Testing
@testable import Descent

/// One data set of Resources/robust/reference.json (see its generate.py): the exact optima of the
/// robust losses and the ecosystem's robust fits on it.
struct RobustReference: Decodable, Sendable {
    struct Case: Decodable, Sendable {
        let loss: String
        let delta: Double?
        let epsilon: Double?
        let objective: Double
        let intercept: Double
        let weights: [Double]
        let unique: Bool
        var coefficients: [Double] { [intercept] + weights }
    }

    struct RLM: Decodable, Sendable {
        let intercept: Double?
        let weights: [Double]?
        let scale: Double?
        let bseH1, bseH2, bseH3: [Double]?
        let pvaluesH1: [Double]?
        let covH1: [[Double]]?
        let error: String?
        var coefficients: [Double]? { intercept.map { [$0] + weights! } }

        enum CodingKeys: String, CodingKey {
            case intercept, weights, scale, error
            case bseH1 = "bse_H1", bseH2 = "bse_H2", bseH3 = "bse_H3", pvaluesH1 = "pvalues_H1", covH1 = "cov_H1"
        }
    }

    struct MASS: Decodable, Sendable {
        let intercept: Double
        let weights: [Double]
        let scale: Double
        var coefficients: [Double] { [intercept] + weights }
    }

    let n: Int
    let d: Int
    let cases: [Case]
    let rlmHuber: RLM
    let rlmTukey: RLM
    let massRlm: MASS

    enum CodingKeys: String, CodingKey {
        case n, d, cases
        case rlmHuber = "rlm_huber", rlmTukey = "rlm_tukey", massRlm = "mass_rlm"
    }

    static let all: [String: RobustReference] = {
        struct File: Decodable { let datasets: [String: RobustReference] }
        let url = Bundle.module.url(forResource: "reference", withExtension: "json", subdirectory: "Resources/robust")!
        return try! JSONDecoder().decode(File.self, from: Data(contentsOf: url)).datasets
    }()

    static let names = all.keys.sorted()

    /// The data set's features and targets (diabetes_outliers: diabetes with rows i % 20 == 7
    /// shifted by +1540, the recipe of generate.py).
    static func data<S: BLASScalar>(_ name: String, as _: S.Type = Double.self) throws -> (Matrix<S>, [S]) {
        let base = name == "diabetes_outliers" ? "diabetes" : name
        let data = try Dataset<Double>(npyFeatures: TestData.url("realdata/\(base)_X.npy").path,
                                       targets: TestData.url("realdata/\(base)_y.npy").path)
        var y = data.targets
        if name == "diabetes_outliers" { for i in y.indices where i % 20 == 7 { y[i] += 1540 } }
        let x = data.features
        let elements = (0..<x.rows).flatMap { i in (0..<x.columns).map { S(x[i, $0]) } }
        return (try Matrix(rows: x.rows, columns: x.columns, elements: elements), y.map { S($0) })
    }
}

/// The fewest correct digits (``digits(_:_:)``) of `values` against `reference`, position by position.
func leastDigits(_ values: [Double], _ reference: [Double]) -> Double {
    zip(values, reference).map { digits($0, $1) }.min() ?? 15
}
