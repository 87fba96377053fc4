import Foundation
import Testing
@testable import Descent

/// Saved models last: save → load → continue training equals never stopping, bit for bit, for
/// every optimiser and both precisions; another format version, precision or width is refused.
@Suite("Saved models and histories")
struct ModelFileTests {
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("descent-model-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static let optimizers: [Optimizer] = [.sgd, .momentum(0.9), .nesterov(0.5), .adam(), .averaged(startingAfter: 3)]

    func continues<S: BLASScalar>(_: S.Type, mode: BatchMode, optimizer: Optimizer) throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let problem = RandomProblem<S>(rows: 96, columns: 5)
        let gd = GradientDescent<S>(mode: mode, learningRate: 0.01, epochs: 3, optimizer: optimizer,
                                    schedule: .adaptive(tolerance: 1e-3, patience: 1))
        var straight = LinearModel<S>()
        try GradientDescent<S>(mode: mode, learningRate: 0.01, epochs: 6, optimizer: optimizer,
                               schedule: .adaptive(tolerance: 1e-3, patience: 1))
            .fit(&straight, features: problem.features, targets: problem.targets)
        var first = LinearModel<S>()
        try gd.fit(&first, features: problem.features, targets: problem.targets)
        let file = directory.appendingPathComponent("model.json")
        try first.save(to: file)
        var loaded = try LinearModel<S>(contentsOf: file)
        #expect(loaded == first && loaded.trainingState == first.trainingState)
        try gd.fit(&loaded, features: problem.features, targets: problem.targets)
        #expect(identical(loaded.weights + [loaded.bias], straight.weights + [straight.bias]), "\(S.self) \(mode) \(optimizer)")
        #expect(loaded.trainingState == straight.trainingState)
    }

    @Test("save, load, continue = never stopping, bit for bit", arguments: [BatchMode.batch, .miniBatch(size: 16), .stochastic], optimizers)
    func saveLoadContinue(mode: BatchMode, optimizer: Optimizer) throws {
        try continues(Float.self, mode: mode, optimizer: optimizer)
        try continues(Double.self, mode: mode, optimizer: optimizer)
    }

    @Test("the JSON holds the format, version, precision and names; numbers round-trip exactly")
    func document() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var model = LinearModel<Double>(weights: [0.1, -1e-300, Double.leastNonzeroMagnitude, 1.7976931348623157e308], bias: -0.0)
        model.featureNames = ["a", "b", "c", "d"]
        let path = directory.appendingPathComponent("m.json").path
        try model.save(to: path)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any]
        #expect(json?["format"] as? String == "descent.linear-model" && json?["version"] as? Int == 1)
        #expect(json?["precision"] as? String == "float64" && json?["featureNames"] as? [String] == ["a", "b", "c", "d"])
        let back = try LinearModel<Double>(contentsOf: path)
        #expect(back.weights.map(\.bitPattern) == model.weights.map(\.bitPattern) && back.bias.bitPattern == model.bias.bitPattern)
        #expect(back.featureNames == model.featureNames)
        let float = LinearModel<Float>(weights: [.pi, Float.leastNonzeroMagnitude, -3.4028235e38], bias: 0.1)
        try float.save(to: path)
        let floatBack = try LinearModel<Float>(contentsOf: path)
        #expect(floatBack.weights.map(\.bitPattern) == float.weights.map(\.bitPattern) && floatBack.bias == float.bias)
    }

    @Test("another precision, version, format or width is a typed error that says what the file holds")
    func refusals() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("m.json").path
        try LinearModel<Double>(weights: [1, 2], bias: 3).save(to: path)
        func refusal(_ body: () throws -> Void) -> String? {
            do { try body(); return nil } catch {
                guard case let .invalidFile(_, _, reason)? = error as? DescentError else { return "\(error)" }
                return reason
            }
        }
        #expect(refusal { _ = try LinearModel<Float>(contentsOf: path) }?.contains("float64") == true)
        #expect(refusal { _ = try LinearModel<Double>(contentsOf: path, features: 3) }?.contains("2 features") == true)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(of: "\"version\" : 1", with: "\"version\" : 7").write(toFile: path, atomically: true, encoding: .utf8)
        #expect(refusal { _ = try LinearModel<Double>(contentsOf: path) }?.contains("version 7") == true)
        try "{\"hello\": 1}".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(refusal { _ = try LinearModel<Double>(contentsOf: path) }?.contains("format") == true)
        try "not json".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(refusal { _ = try LinearModel<Double>(contentsOf: path) } != nil)
        #expect(throws: DescentError.self) { try LinearModel<Double>(contentsOf: directory.path) }
        #expect(throws: DescentError.nonFiniteValue(at: .model(weight: 0))) {
            try LinearModel<Double>(weights: [.nan]).save(to: path)
        }
        #expect(throws: DescentError.self) { try LinearModel<Double>(weights: [1]).save(to: "/nonexistent-folder/m.json") }
    }

    @Test("a history is Codable and writes as CSV")
    func historyCSV() throws {
        let problem = RandomProblem<Double>(rows: 200, columns: 3)
        var gd = GradientDescent<Double>(mode: .miniBatch(size: 20), learningRate: 0.05, epochs: 4)
        gd.earlyStopping = EarlyStopping(validationFraction: 0.2, patience: 10)
        var model = LinearModel<Double>()
        let history = try gd.fit(&model, features: problem.features, targets: problem.targets)
        let lines = history.csv.split(separator: "\n").map(String.init)
        #expect(lines.count == 5 && lines[0] == "epoch,loss,validation_loss,learning_rate,seconds")
        let cells = lines[2].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        #expect(cells[0] == "2" && Double(cells[1]) == history.losses[1] && Double(cells[2]) == history.validationLosses[1])
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try history.writeCSV(to: directory.appendingPathComponent("h.csv"))
        #expect(try String(contentsOf: directory.appendingPathComponent("h.csv"), encoding: .utf8) == history.csv)
        let decoded = try JSONDecoder().decode(FitHistory<Double>.self, from: JSONEncoder().encode(history))
        #expect(decoded.losses == history.losses && decoded.stopReason == history.stopReason && decoded.bestEpoch == history.bestEpoch)
    }

    @Test("a data set from .npy files trains a model that keeps its names; slicing matches naive indexing")
    func datasetAndSlicing() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let problem = RandomProblem<Double>(rows: 50, columns: 4)
        try problem.features.writeNPY(to: directory.appendingPathComponent("X.npy"))
        try problem.targets.writeNPY(to: directory.appendingPathComponent("y.npy").path)
        let data = try Dataset<Double>(npyFeatures: directory.appendingPathComponent("X.npy"),
                                       targets: directory.appendingPathComponent("y.npy"))
        #expect(data.featureNames == ["x0", "x1", "x2", "x3"] && data.targets == problem.targets && data.features.isMemoryMapped)
        let exact = try LeastSquares.solve(from: data)
        let fromMatrix = try LeastSquares.solve(problem.features, problem.targets)
        #expect(exact.model.featureNames == data.featureNames && exact.model == fromMatrix.model)
        var model = LinearModel<Double>()
        try GradientDescent<Double>(epochs: 3).fit(&model, from: data)
        #expect(model.featureNames == data.featureNames)
        let x = problem.features
        #expect(x.column(2) == (0..<50).map { x[$0, 2] } && x.row(3) == (0..<4).map { x[3, $0] })
        let part = x.selecting(columns: [3, 0])
        #expect(part.columns == 2 && (0..<50).allSatisfy { part[$0, 0] == x[$0, 3] && part[$0, 1] == x[$0, 0] })
        let top = x.rows(5..<9)
        #expect(top.rows == 4 && (0..<4).allSatisfy { i in (0..<4).allSatisfy { top[i, $0] == x[5 + i, $0] } })
        #expect(x.selecting(rows: [7, 7]).row(1) == x.row(7))
        let sub = data.selecting(columns: [1]).rows(0..<10)
        #expect(sub.featureNames == ["x1"] && sub.rowCount == 10 && sub.targets == Array(problem.targets[0..<10]))
    }
}

/// Whether two arrays hold the same values bit for bit (signed zeros and NaN payloads included).
func identical<S: BinaryFloatingPoint>(_ a: [S], _ b: [S]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy {
        $0.sign == $1.sign && $0.exponentBitPattern == $1.exponentBitPattern && $0.significandBitPattern == $1.significandBitPattern
    }
}
