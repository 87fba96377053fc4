import Foundation
import Testing
@testable import Descent

/// The multi-target model: predictions (one gemm) against each target's single-target model and a
/// naive product, metrics per target, its columns, the file round trip and its refusals, and the
/// typed errors of a model of the wrong shape.
@Suite("Multi-target model")
struct MultiTargetModelTests {
    /// A `gemm` prediction against the `gemv` of the same column, or a naive `Double` sum: the
    /// rounding of a `d`-term dot product, relative to `Σ|xⱼwⱼ| + |b|`.
    static let predictionUlps = 16.0

    func predictions<S: BLASScalar>(_: S.Type) throws {
        let problem = RandomMultiProblem<S>(rows: 50, columns: 4, targets: 3)
        let model = try LeastSquares.solve(problem.features, problem.targets).model
        let yHat = try model.predict(problem.features)
        #expect(yHat.rows == 50 && yHat.columns == 3)
        for t in 0..<3 {
            let single = try model.column(t).predict(problem.features)
            for i in 0..<50 {
                let terms = (0..<4).map { Double(problem.features[i, $0]) * Double(model.weights[$0, t]) }
                let naive = terms.reduce(Double(model.biases[t]), +)
                let scale = terms.reduce(Swift.abs(Double(model.biases[t]))) { $0 + Swift.abs($1) }
                #expect(Swift.abs(Double(yHat[i, t]) - naive) <= S.ulps(Self.predictionUlps) * scale)
                #expect(Swift.abs(Double(yHat[i, t]) - Double(single[i])) <= S.ulps(Self.predictionUlps) * scale)
            }
        }
        // Metrics: one per target, each the single-target model's on that column (up to the
        // predictions' rounding).
        let metrics = try model.metrics(features: problem.features, targets: problem.targets)
        #expect(metrics.count == 3)
        for t in 0..<3 {
            let single = try model.column(t).metrics(features: problem.features, targets: problem.targets.column(t))
            #expect(Swift.abs(metrics[t].r2 - single.r2) <= S.ulps(64), "\(S.self) \(t)")
            #expect(Swift.abs(metrics[t].meanSquaredError - single.meanSquaredError) <= S.ulps(64) * single.meanSquaredError + S.ulps(64))
            #expect(metrics[t].r2 > 0.99)
        }
        // Columns and the model assembled from them.
        let columns = (0..<3).map { model.column($0) }
        #expect(try MultiLinearModel(columns) == model)
        #expect(model.featureCount == 4 && model.targetCount == 3)
    }

    @Test("predict is XW + 1bᵀ (one gemm); metrics and columns are the single-target ones", arguments: Precision.allCases)
    func predictAndMetrics(_ precision: Precision) throws {
        try predictions(precision.scalar)
    }

    @Test("save and load: the same bits, names and training state; another format, precision or shape is refused")
    func fileRoundTrip() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("descent-multi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("m.json").path
        let problem = RandomMultiProblem<Double>(rows: 40, columns: 3, targets: 2)
        var model = MultiLinearModel<Double>()
        try GradientDescent<Double>(mode: .miniBatch(size: 8), learningRate: 0.05, epochs: 3, optimizer: .adam())
            .fit(&model, features: problem.features, targets: problem.targets)
        model.featureNames = ["a", "b", "c"]
        model.targetNames = ["y", "z"]
        try model.save(to: path)
        let back = try MultiLinearModel<Double>(contentsOf: path)
        #expect(identical(back.weights.elements, model.weights.elements) && identical(back.biases, model.biases))
        #expect(back.featureNames == ["a", "b", "c"] && back.targetNames == ["y", "z"])
        #expect(back.trainingState == model.trainingState && back.trainingState?.updates == 15)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("\"format\" : \"descent.multi-linear-model\""))

        let float = try MultiLinearModel<Float>(weights: try Matrix(rows: 2, columns: 2, elements: [0.1, 1e-8, -3, 7]),
                                                biases: [0.3, -0.7])
        let floatPath = directory.appendingPathComponent("f.json").path
        try float.save(to: floatPath)
        let floatBack = try MultiLinearModel<Float>(contentsOf: floatPath, features: 2, targets: 2)
        #expect(identical(floatBack.weights.elements, float.weights.elements) && floatBack.biases == float.biases)

        func refusal(_ body: () throws -> Void) -> String? {
            do { try body(); return nil } catch {
                guard case let .invalidFile(_, _, reason)? = error as? DescentError else { return "\(error)" }
                return reason
            }
        }
        #expect(refusal { _ = try MultiLinearModel<Float>(contentsOf: path) }?.contains("float64") == true)
        #expect(refusal { _ = try MultiLinearModel<Double>(contentsOf: path, features: 4) }?.contains("3 features") == true)
        #expect(refusal { _ = try MultiLinearModel<Double>(contentsOf: path, targets: 3) }?.contains("2 targets") == true)
        try LinearModel<Double>(weights: [1, 2], bias: 3).save(to: floatPath)
        #expect(refusal { _ = try MultiLinearModel<Double>(contentsOf: floatPath) }?.contains("load it as LinearModel") == true)
        #expect(refusal { _ = try LinearModel<Double>(contentsOf: path) }?.contains("descent.multi-linear-model") == true)
        try text.replacingOccurrences(of: "\"version\" : 1", with: "\"version\" : 3").write(toFile: path, atomically: true, encoding: .utf8)
        #expect(refusal { _ = try MultiLinearModel<Double>(contentsOf: path) }?.contains("version 3") == true)
        let ragged = "{\"format\": \"descent.multi-linear-model\", \"version\": 1, \"precision\": \"float64\", "
            + "\"weights\": [[1, 2], [3]], \"biases\": [0, 0]}"
        try ragged.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(refusal { _ = try MultiLinearModel<Double>(contentsOf: path) }?.contains("weight row 1") == true)
        var bad = model
        bad.weights[1, 1] = .nan
        expectDescentError(.nonFiniteValue(at: .multiModel(feature: 1, target: 1))) { try bad.save(to: path) }
    }

    @Test("a model of the wrong shape, mismatched biases or NaN is a typed error")
    func shapeErrors() throws {
        let problem = RandomMultiProblem<Double>(rows: 10, columns: 3, targets: 2)
        let x = problem.features, y = problem.targets
        expectDescentError(.invalidOption(name: "biases", value: "3 biases", expected: "one per column of the 3 × 2 weights")) {
            _ = try MultiLinearModel<Double>(weights: try Matrix(rows: 3, columns: 2, elements: [Double](repeating: 0, count: 6)),
                                             biases: [0, 0, 0])
        }
        let narrow = try MultiLinearModel<Double>(weights: try Matrix(rows: 2, columns: 2, elements: [1, 2, 3, 4]), biases: [0, 0])
        expectDescentError(.weightCountMismatch(weights: 2, features: 3)) { _ = try narrow.predict(x) }
        let three = try MultiLinearModel<Double>(weights: try Matrix(rows: 3, columns: 3, elements: [Double](repeating: 1, count: 9)),
                                                 biases: [0, 0, 0])
        expectDescentError(.invalidOption(name: "model", value: "a model of 3 targets",
                                          expected: "one target per column of the targets (2); start from MultiLinearModel() to take the data's shape")) {
            _ = try three.metrics(features: x, targets: y)
        }
        var broken = three
        broken.biases = [0]
        expectDescentError(.invalidOption(name: "model", value: "3 × 3 weights and 1 biases", expected: "one bias per column of the weights")) {
            _ = try broken.predict(x)
        }
        var nan = three
        nan.biases[2] = .infinity
        expectDescentError(.nonFiniteValue(at: .multiModel(feature: nil, target: 2))) { _ = try nan.predict(x) }
        expectDescentError(.targetCountMismatch(rows: 10, targets: 4)) { _ = try three.metrics(features: x, targets: y.rows(0..<4)) }
        #expect(try MultiLinearModel<Double>().predict(try Matrix(rows: 2, columns: 0, elements: [])).columns == 0)
    }
}
