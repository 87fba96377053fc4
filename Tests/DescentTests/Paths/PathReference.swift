import Foundation
import Testing
@testable import Descent

/// The stored references of Resources/paths (generate.py, generate.R): R glmnet's paths,
/// scikit-learn's `enet_path` and `RidgeCV` on the real data sets.
enum PathReference {
    struct GlmnetCase: Decodable {
        let kind: String
        let alpha: Double
        let standardize: Bool
        let weighted: Bool
        let lambdas: [Double]
        let intercepts: [Double]
        let coefficients: [[Double]]
        let devianceExplained: [Double]
        let converged: Bool
        let polished: [[Double]]
        let polishedIntercepts: [Double]
        let polishedExact: Bool
    }
    struct SklearnPath: Decodable {
        let l1Ratio: Double
        let alphas: [Double]
        let coefficients: [[Double]]
        let converged: Bool
    }
    struct SklearnRidge: Decodable {
        let alphas: [Double]
        let leaveOneOut: [Double]
        let chosenAlpha: Double
        let gcv: [Double]
        let gcvChosenAlpha: Double
        let coefficients: [Double]
        let intercept: Double
    }
    struct SklearnSet: Decodable {
        let paths: [SklearnPath]
        let ridge: SklearnRidge
    }

    static let names = ["ccard", "copper", "cpunish", "diabetes", "fair", "linnerud", "longley", "stackloss", "star98"]

    static let glmnet: [String: [GlmnetCase]] = {
        try! JSONDecoder().decode([String: [GlmnetCase]].self, from: Data(contentsOf: TestData.url("paths/glmnet.json")))
    }()

    static let sklearn: [String: SklearnSet] = {
        let data = try! Data(contentsOf: TestData.url("paths/sklearn.json"))
        var object = try! JSONSerialization.jsonObject(with: data) as! [String: Any]
        object["version"] = nil
        let cleaned = try! JSONSerialization.data(withJSONObject: object)
        return try! JSONDecoder().decode([String: SklearnSet].self, from: cleaned)
    }()

    static let weights: [String: [Double]] = {
        try! JSONDecoder().decode([String: [Double]].self, from: Data(contentsOf: TestData.url("paths/weights.json")))
    }()

    static func data(_ name: String) throws -> (x: Matrix<Double>, y: [Double]) {
        let x = try Matrix<Double>(npyFile: TestData.url("realdata/\(name)_X.npy").path)
        let y = try Matrix<Double>(npyFile: TestData.url("realdata/\(name)_y.npy").path)
        return (x, y.elements)
    }

    /// The agreement in digits of `value` with `reference`, on the scale of the largest reference
    /// coefficient: `−log₁₀(maxⱼ|Δⱼ| / maxⱼ|refⱼ|)` (∞ when equal).
    static func digits(_ value: [Double], _ reference: [Double]) -> Double {
        let scale = reference.reduce(0.0) { Swift.max($0, Swift.abs($1)) }
        let error = zip(value, reference).reduce(0.0) { Swift.max($0, Swift.abs($1.0 - $1.1)) }
        guard error > 0 else { return .infinity }
        return scale > 0 ? -log10(error / scale) : -log10(error)
    }
}
