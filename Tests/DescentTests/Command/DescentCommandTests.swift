import Foundation
import Testing
@testable import Descent

/// The `descent` executable run end to end, as a user would, on the seed example and NIST's
/// Longley data: fit, solve, predict, verify, and errors that exit non-zero with a message.
@Suite("The descent command")
struct DescentCommandTests {
    /// The built `descent` next to the test binary.
    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("descent")
    }

    /// Runs `descent` with `arguments`; its exit status, stdout and stderr.
    func run(_ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        let result = try Self.launch(Self.executable, arguments)
        return (result.status, result.output, result.errors)
    }

    /// Runs `executable` with `arguments`: whether a signal ended it, its status, stdout and stderr.
    static func launch(_ executable: URL, _ arguments: [String]) throws
        -> (signalled: Bool, status: Int32, output: String, errors: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile(), errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationReason == .uncaughtSignal, process.terminationStatus,
                String(decoding: output, as: UTF8.self), String(decoding: errors, as: UTF8.self))
    }

    func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("descent-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("fit, verify, predict and solve the seed example from its CSV")
    func seedExample() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable.path), "descent is not built")
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = try TestData.url("seed-example.csv").path
        let model = dir.appendingPathComponent("model.json").path
        let fit = try run(["fit", data, "--target", "y", "--mode", "stochastic", "--learning-rate", "0.01", "--epochs", "500",
                           "--seed", "42", "--output", model, "--history", dir.appendingPathComponent("h.csv").path,
                           "--plot", dir.appendingPathComponent("loss.svg").path])
        #expect(fit.status == 0, "\(fit.errors)")
        let saved = try LinearModel<Double>(contentsOf: model)
        #expect(saved.featureNames == ["x1", "x2"])
        #expect(Swift.abs(saved.weights[0] - 1) < 1e-3 && Swift.abs(saved.weights[1] + 2) < 1e-3 && Swift.abs(saved.bias) < 1e-3)
        let svg = try String(contentsOfFile: dir.appendingPathComponent("loss.svg").path, encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.contains("polyline"))
        let history = try String(contentsOfFile: dir.appendingPathComponent("h.csv").path, encoding: .utf8)
        #expect(history.hasPrefix("epoch,loss,validation_loss,learning_rate,seconds\n1,"))
        let verify = try run(["verify", model, data, "--target", "y"])
        #expect(verify.status == 0 && verify.output.contains("relative MSE gap"))
        let predict = try run(["predict", model, data])
        let predictions = predict.output.split(separator: "\n").dropFirst().compactMap { Double($0) }
        let expected = try saved.predict(try TestData.seedExample(Double.self).0)
        #expect(predict.status == 0 && predictions == expected)
        let solve = try run(["solve", data, "--target", "y"])
        #expect(solve.status == 0 && solve.output.contains("x1") && solve.output.contains("(intercept)"))
    }

    @Test("several targets and sample weights from CSV columns: solve, fit, predict and verify match the library")
    func severalTargetsAndWeights() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable.path), "descent is not built")
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        // linnerud with a weight column, written as a user's CSV: the weights are not a feature.
        let linnerud = Linnerud.data
        let weights = (0..<20).map { Double($0 % 4) * 0.5 + 0.5 }
        var text = (linnerud.featureNames + linnerud.targetNames + ["w"]).joined(separator: ",") + "\n"
        for i in 0..<20 { text += (linnerud.x[i] + linnerud.y[i] + [weights[i]]).map { "\($0)" }.joined(separator: ",") + "\n" }
        let data = dir.appendingPathComponent("linnerud.csv").path
        try text.write(toFile: data, atomically: true, encoding: .utf8)
        let targets = linnerud.targetNames.joined(separator: ",")
        let exact = try LeastSquares.solve(linnerud.features, linnerud.targets, weights: weights)

        let solved = dir.appendingPathComponent("solved.json").path
        let solve = try run(["solve", data, "--target", targets, "--weights", "w", "--output", solved])
        #expect(solve.status == 0, "\(solve.errors)")
        let model = try MultiLinearModel<Double>(contentsOf: solved)
        #expect(model.weights.elements == exact.model.weights.elements && model.biases == exact.model.biases)
        #expect(model.featureNames == linnerud.featureNames && model.targetNames == linnerud.targetNames)
        #expect(linnerud.targetNames.allSatisfy { solve.output.contains($0) } && !solve.output.contains("\nw "))
        let summary = try run(["solve", data, "--target", targets, "--weights", "w", "--summary"])
        let expectedSummaries = try exact.summaries(features: linnerud.features, targets: linnerud.targets, weights: weights,
                                                    featureNames: linnerud.featureNames)
        #expect(summary.status == 0 && expectedSummaries.allSatisfy { summary.output.contains("\($0)") })

        let fitted = dir.appendingPathComponent("fitted.json").path
        let fit = try run(["fit", data, "--target", targets, "--weights", "w", "--output", fitted, "--quiet"])
        #expect(fit.status == 0, "\(fit.errors)")
        let trained = try MultiLinearModel<Double>(contentsOf: fitted)
        for t in 0..<3 {
            #expect(relativeDifference(trained.column(t), exact.model.column(t)) <= 1e-6, "target \(t)")
        }
        let verify = try run(["verify", fitted, data, "--target", targets, "--weights", "w"])
        #expect(verify.status == 0 && verify.output.split(separator: "\n").count == 3, "\(verify.errors)")
        let predict = try run(["predict", solved, data])
        let rows = predict.output.split(separator: "\n")
        let expected = try exact.model.predict(linnerud.features)
        #expect(predict.status == 0 && rows.first == Substring(targets) && rows.count == 21)
        for (i, row) in rows.dropFirst().enumerated() {
            #expect(row.split(separator: ",").map { Double($0)! } == (0..<3).map { expected[i, $0] }, "row \(i)")
        }

        // Mistakes are typed messages, not crashes.
        let weightIsTarget = try run(["solve", data, "--target", targets, "--weights", linnerud.targetNames[0]])
        #expect(weightIsTarget.status != 0 && weightIsTarget.errors.contains("not a target"))
        let unknown = try run(["solve", data, "--target", linnerud.targetNames[0] + ",nope"])
        #expect(unknown.status != 0 && unknown.errors.contains("nope"))
        let streamed = try run(["fit", data, "--target", targets, "--stream", "--output", fitted])
        #expect(streamed.status != 0 && !streamed.errors.isEmpty)
    }

    @Test("solve and its summary on NIST Longley match the library")
    func longley() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable.path), "descent is not built")
        let data = try TestData.url("nist/Longley.csv").path
        let solve = try run(["solve", data, "--target", "y", "--method", "qr"])
        #expect(solve.status == 0, "\(solve.errors)")
        let dataset = try Dataset<Double>(csvFile: data, target: "y")
        let exact = try LeastSquares.solve(from: dataset, method: .qr)
        for (name, value) in zip(dataset.featureNames, exact.model.weights) {
            let line = try #require(solve.output.split(separator: "\n").first { $0.hasPrefix(name + " ") })
            let printed = try #require(Double(line.split(separator: " ").last.map(String.init) ?? ""))
            #expect(printed == value, "\(name)")
        }
        let summary = try run(["solve", data, "--target", "y", "--summary"])
        #expect(summary.status == 0 && summary.output.contains("P>|t|") && summary.output.contains("Condition number"))
    }

    @Test("bad files, columns and options exit non-zero with the message, no stack trace")
    func errors() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable.path), "descent is not built")
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = dir.appendingPathComponent("bad.csv").path
        try "a,b,y\n1,2,3\n4,x,6\n".write(toFile: bad, atomically: true, encoding: .utf8)   // "x": line 3, field 2 (b)
        let cell = try run(["fit", bad, "--target", "y", "--output", dir.appendingPathComponent("m.json").path])
        #expect(cell.status != 0 && cell.errors.contains("line 3, field 2 ('b')") && !cell.errors.contains("Fatal"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("m.json").path))
        let column = try run(["solve", try TestData.url("seed-example.csv").path, "--target", "nope"])
        #expect(column.status != 0 && column.errors.contains("no column named 'nope'"))
        let missing = try run(["predict", dir.appendingPathComponent("none.json").path, bad])
        #expect(missing.status != 0 && missing.errors.contains("Cannot read"))
        let option = try run(["fit", bad, "--target", "y", "--epochs", "0", "--output", "x.json"])
        #expect(option.status != 0 && option.errors.contains("--epochs"))
        let help = try run(["--help"])
        #expect(help.status == 0 && help.output.contains("fit") && help.output.contains("verify"))
    }

    @Test("a diverging elastic net exits non-zero and writes no model; a converged fit prints its certificate")
    func divergenceAndCertificate() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable.path), "descent is not built")
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = try TestData.url("seed-example.csv").path
        let model = dir.appendingPathComponent("m.json").path
        // Full batch is stable only below η = 0.0326 on this data: 0.05 grows the loss geometrically.
        let diverged = try run(["fit", data, "--target", "y", "--learning-rate", "0.05", "--epochs", "300",
                                "--penalty", "elastic:0.1:0.5", "--output", model])
        #expect(diverged.status != 0 && diverged.errors.contains("diverged") && diverged.errors.contains("grew"),
                "\(diverged.status): \(diverged.errors)")
        #expect(!FileManager.default.fileExists(atPath: model))
        let fit = try run(["fit", data, "--target", "y", "--penalty", "l1:0.1", "--output", model])
        #expect(fit.status == 0 && fit.errors.contains("converged: yes (objective gap")
                && fit.errors.contains("≤ 1e-06"), "\(fit.errors)")
        let help = try run(["fit", "--help"])
        #expect(help.output.contains("Lasso(alpha=λ/2)") && help.output.contains("--variance-reduction"))
    }

    @Test("descent fit --stream trains several targets from an n × k targets .npy, as the library does")
    func streamedSeveralTargets() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable.path), "descent is not built")
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let problem = RandomMultiProblem<Double>(rows: 80, columns: 3, targets: 2, noise: 0.2, seed: 4)
        let x = dir.appendingPathComponent("X.npy").path, y = dir.appendingPathComponent("Y.npy").path
        try problem.features.writeNPY(to: x)
        try problem.targets.writeNPY(to: y)
        let output = dir.appendingPathComponent("m.json").path
        let fit = try run(["fit", x, "--targets", y, "--stream", "--learning-rate", "0.05", "--epochs", "20",
                           "--output", output, "--quiet"])
        #expect(fit.status == 0, "\(fit.errors)")
        let saved = try MultiLinearModel<Double>(contentsOf: output)
        var expected = MultiLinearModel<Double>()
        try GradientDescent<Double>(mode: .batch, learningRate: 0.05, epochs: 20)
            .fit(&expected, from: try StreamingDataset<Double>(npyFeatures: x, targets: y))
        #expect(saved.weights == expected.weights && saved.biases == expected.biases)
    }

    @Test("descent fit --loss quantile:τ reaches the exact optimum and says how it is certified; bad losses name the flag")
    func robustLoss() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable.path), "descent is not built")
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let x = try TestData.url("realdata/stackloss_X.npy").path, y = try TestData.url("realdata/stackloss_y.npy").path
        let model = dir.appendingPathComponent("model.json").path
        let fit = try run(["fit", x, "--targets", y, "--loss", "quantile:0.5", "--output", model])
        #expect(fit.status == 0, "\(fit.errors)")
        #expect(fit.errors.contains("converged: yes (objective gap") && fit.errors.contains("duality gap"), "\(fit.errors)")
        // The library's fit of the same loss (the same defaults, the same bits).
        let data = try Dataset<Double>(npyFeatures: x, targets: y)
        var gd = GradientDescent<Double>()
        gd.loss = .quantile(0.5)
        var expected = LinearModel<Double>()
        try gd.fit(&expected, features: data.features, targets: data.targets)
        let saved = try LinearModel<Double>(contentsOf: model)
        #expect(saved.weights == expected.weights && saved.bias == expected.bias)
        let verify = try run(["verify", model, x, "--targets", y, "--loss", "quantile:0.5"])
        let library = try RobustRegression.verify(saved, features: data.features, targets: data.targets, loss: .quantile(0.5))
        #expect(verify.status == 0 && verify.output.contains("objective gap = \(library.objectiveGap)"), "\(verify.output)\(verify.errors)")
        for bad in ["quantile:1.5", "huber:0", "epsilon:-1", "pinball"] {
            let refused = try run(["fit", x, "--targets", y, "--loss", bad, "--output", model, "--quiet"])
            #expect(refused.status != 0 && refused.errors.contains("--loss"), "\(bad): \(refused.errors)")
        }
    }
}
