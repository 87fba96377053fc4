import Foundation
import Testing
@testable import Descent

/// `descent solve --quantile` run end to end on stackloss (.npy) and diabetes with outliers:
/// the coefficients, summary and saved model match the library; bad values exit non-zero
/// naming the flag.
@Suite("descent solve --quantile")
struct QuantileCommandTests {
    func run(_ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        let result = try DescentCommandTests.launch(DescentCommandTests.executable, arguments)
        return (result.status, result.output, result.errors)
    }

    @Test func solvesTheQuantileAndPrintsItsSummary() throws {
        try #require(FileManager.default.isExecutableFile(atPath: DescentCommandTests.executable.path), "descent is not built")
        let x = try TestData.url("realdata/stackloss_X.npy").path, y = try TestData.url("realdata/stackloss_y.npy").path
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("descent-quantile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let saved = dir.appendingPathComponent("q.json").path
        let solve = try run(["solve", x, "--targets", y, "--quantile", "0.9", "--output", saved])
        #expect(solve.status == 0, "\(solve.errors)")
        let (features, targets) = try QuantileReference.data("stackloss")
        let exact = try QuantileRegression.fit(features, targets, quantile: 0.9)
        let model = try LinearModel<Double>(contentsOf: saved)
        #expect(model.weights == exact.model.weights && model.bias == exact.model.bias)
        #expect(solve.output.contains("(intercept)") && solve.output.contains("quantile 0.9") && solve.output.contains("converged"))
        let printed = try #require(solve.output.split(separator: "\n").first { $0.hasPrefix("(intercept) ") })
        #expect(Double(printed.split(separator: " ").last.map(String.init) ?? "") == exact.model.bias)

        let summary = try run(["solve", x, "--targets", y, "--quantile", "0.5", "--summary", "--standard-errors", "nid"])
        #expect(summary.status == 0, "\(summary.errors)")
        let nid = try QuantileRegression.fit(features, targets, quantile: 0.5).summary(standardErrors: .nid)
        #expect(summary.output.contains("QuantReg Regression Results") && summary.output.contains("nid (R summary.rq)"))
        let constLine = try #require(summary.output.split(separator: "\n").first { $0.hasPrefix("const ") })
        #expect(constLine.contains(String(format: "%.6g", nid.standardErrors[0])))
        // Streamed from C-order copies (the stored .npy are Fortran order): the same summary.
        let cx = dir.appendingPathComponent("x.npy").path, cy = dir.appendingPathComponent("y.npy").path
        try features.writeNPY(to: cx)
        try targets.writeNPY(to: cy)
        let kernel = try run(["solve", cx, "--targets", cy, "--quantile", "0.5", "--summary", "--stream"])
        #expect(kernel.status == 0 && kernel.output.contains("kernel (statsmodels)") && kernel.output.contains("Sparsity"),
                "\(kernel.errors)")
    }

    @Test func badValuesNameTheFlag() throws {
        try #require(FileManager.default.isExecutableFile(atPath: DescentCommandTests.executable.path), "descent is not built")
        let x = try TestData.url("realdata/stackloss_X.npy").path, y = try TestData.url("realdata/stackloss_y.npy").path
        for value in ["0", "1", "1.5", "-0.1", "nan"] {
            let result = try run(["solve", x, "--targets", y, "--quantile", value])
            #expect(result.status != 0 && result.errors.contains("--quantile") && !result.errors.contains("Fatal"), "\(value)")
        }
        let ridge = try run(["solve", x, "--targets", y, "--quantile", "0.5", "--ridge", "1"])
        #expect(ridge.status != 0 && ridge.errors.contains("--ridge"))
        let errors = try run(["solve", x, "--targets", y, "--standard-errors", "nid"])
        #expect(errors.status != 0 && errors.errors.contains("--standard-errors"))
        let unknown = try run(["solve", x, "--targets", y, "--quantile", "0.5", "--standard-errors", "bootstrap"])
        #expect(unknown.status != 0 && unknown.errors.contains("--standard-errors"))
    }
}
