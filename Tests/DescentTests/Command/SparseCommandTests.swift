import Foundation
import Testing
@testable import Descent

/// `descent solve` and `descent verify` on sparse files (LIBSVM text, scipy `.npz` with a targets
/// `.npy`), through the built binary: the same model as the library's sparse solve, the summary,
/// and refusals that exit non-zero with a message.
@Suite("The descent command on sparse data")
struct SparseCommandTests {
    func run(_ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        let result = try DescentCommandTests.launch(DescentCommandTests.executable, arguments)
        return (result.status, result.output, result.errors)
    }

    /// A new temporary folder, once the binary is known to be built.
    func folder() throws -> URL {
        try #require(FileManager.default.isExecutableFile(atPath: DescentCommandTests.executable.path), "descent is not built")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("descent-sparse-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test("solve and verify a LIBSVM file and an .npz file: the library's solution, the summary, the refusals")
    func solveAndVerify() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = ExactReference.shared
        let x: SparseMatrix<Double> = try r.features()
        let svm = dir.appendingPathComponent("exact.svm").path, npz = dir.appendingPathComponent("exact.npz").path
        let targets = dir.appendingPathComponent("y.npy").path, weights = dir.appendingPathComponent("w.npy").path
        try SparseDataset(features: x, targets: r.targets).writeLIBSVM(to: svm)
        try x.writeNPZ(to: npz)
        try Matrix(rows: r.rows, columns: 1, elements: r.targets).writeNPY(to: targets)
        try Matrix(rows: r.rows, columns: 1, elements: r.weights).writeNPY(to: weights)
        let exact = try LeastSquares.solve(x, r.targets), weighted = try LeastSquares.solve(x, r.targets, weights: r.weights)

        let model = dir.appendingPathComponent("model.json").path
        let solve = try run(["solve", svm, "--summary", "--cov-type", "hc1", "--output", model])
        #expect(solve.status == 0, "\(solve.errors)")
        #expect(solve.output.contains("method: normal equations") && solve.output.contains("Covariance type:                 HC1"))
        let saved = try LinearModel<Double>(contentsOf: model)
        #expect(saved.weights == exact.model.weights && saved.bias == exact.model.bias)
        let verify = try run(["verify", model, svm])
        #expect(verify.status == 0 && verify.output.contains("max |Δw| = 0.0"), "\(verify.errors)")

        let weightedModel = dir.appendingPathComponent("weighted.json").path
        let fromNPZ = try run(["solve", npz, "--targets", targets, "--weights", weights, "--output", weightedModel])
        #expect(fromNPZ.status == 0, "\(fromNPZ.errors)")
        let savedWeighted = try LinearModel<Double>(contentsOf: weightedModel)
        #expect(savedWeighted.weights == weighted.model.weights && savedWeighted.bias == weighted.model.bias)
        let verifyWeighted = try run(["verify", weightedModel, npz, "--targets", targets, "--weights", weights])
        #expect(verifyWeighted.status == 0 && verifyWeighted.output.contains("relative MSE gap = 0.0"), "\(verifyWeighted.errors)")

        // Refusals, each naming the option.
        for (arguments, words) in [(["solve", svm, "--targets", targets], "--targets"), (["solve", svm, "--method", "qr"], "--method"),
                                   (["solve", svm, "--summary", "--cov-type", "hac:2"], "covariance"),
                                   (["solve", npz], "--targets"), (["solve", svm, "--stream"], "streamed already"),
                                   (["solve", npz, "--targets", targets, "--stream"], "descent convert \(npz) data.svm --labels")] {
            let refused = try run(arguments)
            #expect(refused.status != 0 && refused.errors.contains(words), "\(arguments): \(refused.errors)")
        }
    }

    @Test("solve a Vowpal Wabbit file (streamed, hashed) and an .npz file with several targets: the library's solutions")
    func streamedAndSeveralTargets() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A VW file: hashed into 2^8 columns and solved from the stream, with its summary.
        let vw = try TestData.url("sparse/train.vw").path
        let stream = try SparseStreamingDataset<Double>(vwFile: vw, bits: 8)
        let exact = try LeastSquares.solve(from: stream, ridge: 0.01)
        let model = dir.appendingPathComponent("vw.json").path
        let solved = try run(["solve", vw, "--hash-bits", "8", "--ridge", "0.01", "--output", model])
        #expect(solved.status == 0, "\(solved.errors)")
        let saved = try LinearModel<Double>(contentsOf: model)
        #expect(saved.weights == exact.model.weights && saved.bias == exact.model.bias)
        // Several targets in one .npy: one sparse solve, a multi-target model.
        let r = ExactReference.shared
        let x: SparseMatrix<Double> = try r.features()
        let npz = dir.appendingPathComponent("exact.npz").path, targets = dir.appendingPathComponent("Y.npy").path
        try x.writeNPZ(to: npz)
        let y = try Matrix(rows: r.rows, columns: 2, elements: r.targets.indices.flatMap { [r.targets[$0], Double($0 % 5)] })
        try y.writeNPY(to: targets)
        let multi = dir.appendingPathComponent("multi.json").path
        let several = try run(["solve", npz, "--targets", targets, "--output", multi])
        #expect(several.status == 0, "\(several.errors)")
        let library = try LeastSquares.solve(x, y)
        let savedMulti = try MultiLinearModel<Double>(contentsOf: multi)
        #expect(savedMulti.weights == library.model.weights && savedMulti.biases == library.model.biases)
        let refused = try run(["solve", npz, "--targets", targets, "--summary"])
        #expect(refused.status != 0 && refused.errors.contains("--summary"), "\(refused.errors)")
    }
}
