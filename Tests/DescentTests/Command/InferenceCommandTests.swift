import Foundation
import Testing
@testable import Descent

/// `descent solve --summary --cov-type`, `descent predict --intervals` and `descent influence`
/// through the binary, against the library on the same data.
@Suite("The descent command, inference")
struct InferenceCommandTests {
    let cli = DescentCommandTests()
    static let reference = InferenceCase.all.first { $0.name == "stackloss" }!
    static let names = ["x0", "x1", "x2"]

    /// Runs `body` with a fresh folder holding ``files(_:)``, removed afterwards.
    func withFiles(_ body: (URL, (data: String, plain: String, new: String)) throws -> Void) throws {
        try #require(FileManager.default.isExecutableFile(atPath: DescentCommandTests.executable.path), "descent is not built")
        let dir = try cli.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        try body(dir, try files(dir))
    }

    /// stackloss as CSV with a cluster label column `firm` (row mod 7, plus 10), the same without
    /// it (`plain`), and new rows.
    func files(_ dir: URL) throws -> (data: String, plain: String, new: String) {
        let r = Self.reference
        let data = dir.appendingPathComponent("data.csv").path, new = dir.appendingPathComponent("new.csv").path
        let plain = dir.appendingPathComponent("plain.csv").path
        for (path, firm) in [(data, true), (plain, false)] {
            let rows = (0..<r.rows).map { i in
                (r.x[i].map { "\($0)" } + ["\(r.y[i])"] + (firm ? ["\(i % 7 + 10)"] : [])).joined(separator: ",")
            }
            try ((Self.names + ["y"] + (firm ? ["firm"] : [])).joined(separator: ",") + "\n" + rows.joined(separator: "\n") + "\n")
                .write(toFile: path, atomically: true, encoding: .utf8)
        }
        try (Self.names.joined(separator: ",") + "\n" + r.newX.map { $0.map { "\($0)" }.joined(separator: ",") }.joined(separator: "\n")
             + "\n").write(toFile: new, atomically: true, encoding: .utf8)
        return (data, plain, new)
    }

    static func csv(_ text: String) -> [[Double]] {
        text.split(separator: "\n").dropFirst().map { $0.split(separator: ",").compactMap { Double($0) } }
    }

    @Test("solve --summary --cov-type prints the library's robust summary; cluster:COLUMN takes labels out of the features")
    func summaries() throws {
        try withFiles { _, files in
            let (data, plain) = (files.data, files.plain)
            let r = Self.reference, x = r.features
            let fit = try LeastSquares.solve(x, r.y)
            for (argument, covariance) in [("hc3", LeastSquares.Covariance.hc3), ("hac:2", .hac(lags: 2)),
                                           ("cluster:firm", .cluster(groups: r.groups))] {
                let run = try cli.run(["solve", argument.hasPrefix("cluster") ? data : plain, "--target", "y", "--summary",
                                       "--cov-type", argument])
                #expect(run.status == 0, "\(run.errors)")
                let library = try fit.summary(features: x, targets: r.y, featureNames: Self.names, covariance: covariance)
                #expect(run.output.contains(library.description), "\(argument): \(run.output)")
                #expect(run.output.contains("Covariance type:") && run.output.contains("P>|z|") && run.output.contains("Durbin-Watson:"))
            }
            for (arguments, flag) in [(["--cov-type", "hc4"], "--cov-type"), (["--cov-type", "hac:-1"], "--cov-type"),
                                      (["--cov-type", "cluster:nope"], "nope")] {
                let run = try cli.run(["solve", data, "--target", "y", "--summary"] + arguments)
                #expect(run.status != 0 && run.errors.contains(flag), "\(arguments): \(run.errors)")
            }
        }
    }

    @Test("solve --output saves the inference; predict --intervals writes the library's frame")
    func intervals() throws {
        try withFiles { dir, files in
            let (data, new) = (files.plain, files.new)
            let model = dir.appendingPathComponent("m.json").path, out = dir.appendingPathComponent("p.csv").path
            let solved = try cli.run(["solve", data, "--target", "y", "--cov-type", "hc3", "--output", model])
            #expect(solved.status == 0, "\(solved.errors)")
            let run = try cli.run(["predict", model, new, "--intervals", "0.9", "--output", out])
            #expect(run.status == 0, "\(run.errors)")
            let text = try String(contentsOfFile: out, encoding: .utf8)
            #expect(text.hasPrefix("prediction,mean_lo,mean_hi,obs_lo,obs_hi\n"))
            let r = Self.reference, x = r.features
            let library = try LeastSquares.solve(x, r.y).prediction(for: try Matrix(r.newX), features: x, targets: r.y,
                                                                     level: 0.9, covariance: .hc3)
            let rows = Self.csv(text)
            #expect(rows.count == r.newX.count)
            for (i, row) in rows.enumerated() {
                #expect(worstDigits(row, [library.mean[i], library.meanIntervals[i].lower, library.meanIntervals[i].upper,
                                          library.observationIntervals[i].lower, library.observationIntervals[i].upper]) >= 12)
            }
            // Without a level the column is the prediction alone, as before.
            let plain = try cli.run(["predict", model, new])
            #expect(plain.status == 0 && plain.output.hasPrefix("prediction\n") && !plain.output.contains("mean_lo"))
            // A model without inference (trained by descent fit) cannot give intervals.
            let trained = dir.appendingPathComponent("gd.json").path
            #expect(try cli.run(["fit", data, "--target", "y", "--epochs", "2", "--output", trained]).status == 0)
            let refused = try cli.run(["predict", trained, new, "--intervals", "0.95"])
            #expect(refused.status != 0 && refused.errors.contains("--intervals"), "\(refused.errors)")
            let level = try cli.run(["predict", model, new, "--intervals", "95"])
            #expect(level.status != 0 && level.errors.contains("--intervals"), "\(level.errors)")
        }
    }

    @Test("influence writes the library's leverage, studentised residuals, Cook's distance and DFFITS")
    func influence() throws {
        try withFiles { dir, files in
            let plain = files.plain
            let out = dir.appendingPathComponent("influence.csv").path
            let run = try cli.run(["influence", plain, "--target", "y", "--output", out])
            #expect(run.status == 0, "\(run.errors)")
            let text = try String(contentsOfFile: out, encoding: .utf8)
            #expect(text.hasPrefix("row,residual,leverage,studentized,externally_studentized,cooks_distance,dffits\n"))
            let rows = Self.csv(text), e = Self.reference.exact.influence
            #expect(rows.count == Self.reference.rows)
            #expect(worstDigits(rows.map { $0[2] }, e.leverage) >= 9 && worstDigits(rows.map { $0[5] }, e.cooksDistance) >= 9
                    && worstDigits(rows.map { $0[6] }, e.dffits) >= 9)
        }
    }
}
