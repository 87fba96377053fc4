import Foundation
import Testing
@testable import Descent

/// `descent solve --robust`: the M-estimate through the binary, in memory and streamed, its
/// summary, and bad values as errors naming the flag.
@Suite("The descent command, robust regression")
struct RobustCommandTests {
    let cli = DescentCommandTests()

    /// The `(intercept)` and feature rows of a coefficient table.
    static func coefficients(_ output: String) -> [Double] {
        output.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            return fields.count == 2 ? Double(fields[1]) : nil
        }
    }

    @Test("solve --robust prints the library's M-estimate, streamed or not, and its summary")
    func solveRobust() throws {
        try #require(FileManager.default.isExecutableFile(atPath: DescentCommandTests.executable.path), "descent is not built")
        let dir = try cli.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (x, y) = try RobustReference.data("stackloss")
        // C-order .npy copies, which --stream can read.
        let xPath = dir.appendingPathComponent("X.npy").path, yPath = dir.appendingPathComponent("y.npy").path
        try x.writeNPY(to: xPath)
        try Matrix(rows: y.count, columns: 1, elements: y).writeNPY(to: yPath)
        let huber = try RobustRegression.fit(x, y, norm: .huber(t: 1.345))
        for extra in [[String](), ["--stream"]] {
            let run = try cli.run(["solve", xPath, "--targets", yPath, "--robust", "huber"] + extra)
            #expect(run.status == 0, "\(run.errors)")
            #expect(Self.coefficients(run.output) == huber.coefficients, "\(extra): \(run.output)")
            #expect(run.output.contains("HuberT(t = 1.345), scale mad") && run.output.contains("converged"))
        }
        let mass = try #require(RobustReference.all["stackloss"]).massRlm
        let fixed = try cli.run(["solve", xPath, "--targets", yPath, "--robust", "huber:1.345", "--scale", "fixed:\(mass.scale)"])
        #expect(fixed.status == 0 && leastDigits(Self.coefficients(fixed.output), mass.coefficients) >= 8, "\(fixed.output)")
        let model = dir.appendingPathComponent("tukey.json").path
        let tukey = try cli.run(["solve", xPath, "--targets", yPath, "--robust", "tukey", "--summary", "--covariance", "h3",
                                 "--output", model])
        #expect(tukey.status == 0, "\(tukey.errors)")
        let library = try RobustRegression.fit(x, y, norm: .tukeyBiweight(c: 4.685))
        #expect(tukey.output.contains(try library.summary(covariance: .h3, featureNames: ["x0", "x1", "x2"]).description))
        #expect(tukey.output.contains("Norm:                   TukeyBiweight") && tukey.output.contains("Cov Type:                          H3"))
        let saved = try LinearModel<Double>(contentsOf: model)
        #expect(saved.weights == library.model.weights && saved.bias == library.model.bias)
    }

    @Test("bad robust options exit non-zero naming the flag", arguments: [
        (["--robust", "hub"], "--robust"), (["--robust", "huber:0"], "--robust"), (["--robust", "tukey:nan"], "--robust"),
        (["--robust", "huber", "--scale", "fixed:-2"], "--scale"), (["--robust", "huber", "--scale", "iqr"], "--scale"),
        (["--robust", "huber", "--summary", "--covariance", "h4"], "--covariance"), (["--scale", "mad"], "--robust"),
        (["--robust", "huber", "--ridge", "0.1"], "--ridge"), (["--robust", "huber", "--method", "qr"], "--method"),
    ])
    func badOptions(arguments: [String], flag: String) throws {
        try #require(FileManager.default.isExecutableFile(atPath: DescentCommandTests.executable.path), "descent is not built")
        let data = try TestData.url("seed-example.csv").path
        let run = try cli.run(["solve", data, "--target", "y"] + arguments)
        #expect(run.status != 0 && run.errors.contains("descent: error: The option \(flag)"), "\(arguments): \(run.errors)")
    }
}
