import Foundation
import Testing
@testable import Descent

/// Resources/robust/reference.json (see its generate.py): the exact optima of the robust and
/// quantile objectives on the ten real data sets, and the ecosystem's statistics beside them.
enum QuantileReference {
    /// The data sets, in the file's order.
    static let names = ["ccard", "copper", "cpunish", "diabetes", "diabetes_outliers", "fair", "linnerud", "longley",
                        "stackloss", "star98"]

    nonisolated(unsafe) static let json: [String: Any] = {
        let url = Bundle.module.url(forResource: "reference", withExtension: "json", subdirectory: "Resources/robust")!
        return try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }()

    /// Resources/robust/quantile.json (generate_quantile.py): kernel standard errors at the exact
    /// vertex, weighted R fits.
    nonisolated(unsafe) static let quantile: [String: Any] = {
        let url = Bundle.module.url(forResource: "quantile", withExtension: "json", subdirectory: "Resources/robust")!
        return try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }()

    /// One data set's entry.
    static func entry(_ name: String) -> [String: Any] {
        (json["datasets"] as! [String: Any])[name] as! [String: Any]
    }

    /// The features and (first) targets of `name`; "diabetes_outliers" is diabetes with the targets
    /// of rows i % 20 == 7 shifted by +1540, the recipe of generate.py.
    static func data<S: BLASScalar>(_ name: String, as _: S.Type = Double.self) throws -> (Matrix<S>, [S]) {
        let base = name == "diabetes_outliers" ? "diabetes" : name
        let x = try Matrix<Double>(npyFile: TestData.url("realdata/\(base)_X.npy").path)
        let yMatrix = try Matrix<Double>(npyFile: TestData.url("realdata/\(base)_y.npy").path)
        var y = (0..<yMatrix.rows).map { yMatrix[$0, 0] }
        if name == "diabetes_outliers" { for i in y.indices where i % 20 == 7 { y[i] += 1540 } }
        return (try Matrix(rows: x.rows, columns: x.columns, elements: x.elements.map { S($0) }), y.map { S($0) })
    }

    /// The exact case of `loss` (with `tau` for the quantile loss).
    static func exactCase(_ name: String, loss: String, tau: Double? = nil) -> [String: Any] {
        let cases = entry(name)["cases"] as! [[String: Any]]
        return cases.first { $0["loss"] as? String == loss && (tau == nil || $0["tau"] as? Double == tau) }!
    }

    /// Intercept first, then the weights.
    static func coefficients(_ exact: [String: Any]) -> [Double] {
        [exact["intercept"] as! Double] + (exact["weights"] as! [Double])
    }
}
