import Foundation
import Testing
@testable import Descent

/// `descent convert`, then `fit`, `solve` and `verify` with `--stream`: the same answers as the
/// commands give reading the CSV file in memory.
@Suite("The descent command, streamed")
struct StreamingCommandTests {
    let cli = DescentCommandTests()

    /// The coefficients of a `solve` table, in order (intercept first).
    static func coefficients(_ output: String) -> [Double] {
        output.split(separator: "\n").dropFirst().filter { !$0.hasPrefix("method:") }.compactMap { line in
            line.split(separator: " ").last.flatMap { Double($0) }
        }
    }

    @Test("convert, then solve, fit and verify --stream agree with the in-memory commands")
    func convertAndStream() throws {
        try #require(FileManager.default.isExecutableFile(atPath: DescentCommandTests.executable.path), "descent is not built")
        let folder = StreamingDatasetTests.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let csv = folder + "/data.csv", x = folder + "/X.npy", y = folder + "/y.npy"
        try CSVConversionTests.awkwardCSV(rows: 3000).write(toFile: csv, atomically: true, encoding: .utf8)
        let convert = try cli.run(["convert", csv, x, y, "--target", "target"])
        #expect(convert.status == 0, "\(convert.errors)")
        #expect(convert.output.contains("wrote 3000 rows × 3 features") && convert.output.contains("features: a,"))

        // Exact: every method, streamed in chunks of 1 MiB (3000 × 32 bytes: one chunk) and in memory.
        for method in ["normal-equations", "qr", "svd", "automatic"] {
            let inMemory = try cli.run(["solve", csv, "--target", "target", "--method", method])
            let streamed = try cli.run(["solve", x, "--targets", y, "--stream", "--chunk-mb", "1", "--method", method])
            #expect(inMemory.status == 0 && streamed.status == 0, "\(streamed.errors)")
            let a = Self.coefficients(inMemory.output), b = Self.coefficients(streamed.output)
            #expect(a.count == 4 && b.count == 4)
            for (u, v) in zip(a, b) { #expect(Swift.abs(u - v) <= 1e-12 * Swift.max(1, Swift.abs(u)), "\(method): \(u) vs \(v)") }
        }

        // Gradient descent: the streamed fit saves the model the in-memory fit saves.
        let common = ["--mode", "minibatch", "--batch-size", "64", "--learning-rate", "0.001", "--epochs", "3",
                      "--standardize", "--quiet"]
        let fitMemory = try cli.run(["fit", x, "--targets", y, "--output", folder + "/m1.json"] + common)
        let fitStream = try cli.run(["fit", x, "--targets", y, "--stream", "--output", folder + "/m2.json"] + common)
        #expect(fitMemory.status == 0 && fitStream.status == 0, "\(fitStream.errors)")
        let m1 = try LinearModel<Double>(contentsOf: folder + "/m1.json"), m2 = try LinearModel<Double>(contentsOf: folder + "/m2.json")
        for (u, v) in zip(m1.weights + [m1.bias], m2.weights + [m2.bias]) {
            #expect(Swift.abs(u - v) <= 1e-9 * Swift.max(1, Swift.abs(u)), "\(u) vs \(v)")
        }
        let verify = try cli.run(["verify", folder + "/m2.json", x, "--targets", y, "--stream"])
        let verifyMemory = try cli.run(["verify", folder + "/m2.json", x, "--targets", y])
        #expect(verify.status == 0 && verify.output.contains("relative MSE gap"), "\(verify.errors)")
        func firstNumber(_ text: String) -> Double? { text.split(separator: "\n").first?.split(separator: " ").last.flatMap { Double($0) } }
        let dw = try #require(firstNumber(verify.output)), dwMemory = try #require(firstNumber(verifyMemory.output))
        #expect(Swift.abs(dw - dwMemory) <= 1e-6 * Swift.max(dwMemory, 1e-12), "\(dw) vs \(dwMemory)")

        // --stream reads .npy files only; its --summary (HC3 here) is the in-memory one.
        let refused = try cli.run(["solve", csv, "--target", "target", "--stream"])
        #expect(refused.status != 0 && refused.errors.contains("descent convert"))
        // (On targets with noise: this file's targets are an exact fit, whose standard errors are rounding.)
        let exactTargets = try Matrix<Double>(npyFile: y).elements
        let noisy = folder + "/noisy.npy"
        try Matrix<Double>(rows: exactTargets.count, columns: 1) { i, _ in exactTargets[i] + sin(Double(i) * 1.7) }
            .writeNPY(to: noisy)
        let summary = try cli.run(["solve", x, "--targets", noisy, "--stream", "--summary", "--cov-type", "hc3"])
        let memorySummary = try cli.run(["solve", x, "--targets", noisy, "--summary", "--cov-type", "hc3"])
        #expect(summary.status == 0 && summary.output.contains("HC3"), "\(summary.errors)")
        func table(_ text: String) -> [String] {   // the coefficient table's rows: after "coef … std err", to the next rule
            let lines = text.split(separator: "\n").map(String.init)
            guard let header = lines.firstIndex(where: { $0.contains("std err") }) else { return [] }
            return Array(lines[(header + 2)...].prefix { !$0.hasPrefix("===") })
        }
        #expect(!table(summary.output).isEmpty && table(summary.output) == table(memorySummary.output),
                "\(table(summary.output))\n\(table(memorySummary.output))")
        let clustered = try cli.run(["solve", x, "--targets", y, "--stream", "--summary", "--cov-type", "cluster:x0"])
        #expect(clustered.status == 1 && clustered.errors.contains("--cov-type"))
        // A file truncated since conversion: a typed error, exit 1.
        #expect(truncate(x, 1000) == 0)
        let truncated = try cli.run(["solve", x, "--targets", y, "--stream"])
        #expect(truncated.status == 1 && truncated.errors.contains("descent: error:"), "\(truncated.errors)")
    }
}
