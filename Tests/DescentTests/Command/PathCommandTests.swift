import Foundation
import Testing
@testable import Descent

/// `descent path` and `descent cv` run end to end on stackloss (.npy and streamed): the saved
/// models equal the library's, the plots are SVG, bad flags exit non-zero naming the flag.
@Suite("descent path and cv")
struct PathCommandTests {
    func run(_ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        let result = try DescentCommandTests.launch(DescentCommandTests.executable, arguments)
        return (result.status, result.output, result.errors)
    }

    @Test func pathAndCrossValidation() throws {
        try #require(FileManager.default.isExecutableFile(atPath: DescentCommandTests.executable.path), "descent is not built")
        let x = try TestData.url("realdata/stackloss_X.npy").path, y = try TestData.url("realdata/stackloss_y.npy").path
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("descent-path-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let (features, targets) = try PathReference.data("stackloss")
        let library = try ElasticNet.path(features, targets, alpha: 0.5, count: 20)

        let saved = dir.appendingPathComponent("path.json").path, plot = dir.appendingPathComponent("path.svg").path
        let path = try run(["path", x, "--targets", y, "--alpha", "0.5", "--lambdas", "20", "--plot", plot, "--output", saved,
                            "--lambda", "\(library.lambdas[7])"])
        #expect(path.status == 0, "\(path.errors)")
        #expect(path.output.contains("every λ certified"))
        let atSeven = try LinearModel<Double>(contentsOf: saved)
        #expect(atSeven == library.models[7])
        let svg = try String(contentsOfFile: plot, encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.contains("polyline") && svg.contains("λ (log scale)"))

        // Streamed (diabetes: stackloss's .npy is in Fortran order, which cannot be streamed by rows).
        let dx = try TestData.url("realdata/diabetes_X.npy").path, dy = try TestData.url("realdata/diabetes_y.npy").path
        let streamed = try run(["path", dx, "--targets", dy, "--lambdas", "20", "--stream", "--chunk-mb", "1", "--output", saved])
        #expect(streamed.status == 0, "\(streamed.errors)")
        let last = try LinearModel<Double>(contentsOf: saved)
        let (diabetesX, diabetesY) = try PathReference.data("diabetes")
        let inMemory = try ElasticNet.path(diabetesX, diabetesY, count: 20)
        #expect(PathReference.digits(last.weights, inMemory.models.last!.weights) >= 10)

        let cvModel = dir.appendingPathComponent("cv.json").path, cvPlot = dir.appendingPathComponent("cv.svg").path
        let cv = try run(["cv", x, "--targets", y, "--alpha", "0.5", "--folds", "5", "--seed", "3", "--lambdas", "20",
                          "--plot", cvPlot, "--output", cvModel])
        #expect(cv.status == 0, "\(cv.errors)")
        let expected = try CrossValidation(folds: 5, seed: 3).evaluate(ElasticNet.path(alpha: 0.5, count: 20), features: features,
                                                                      targets: targets)
        let chosen = try LinearModel<Double>(contentsOf: cvModel)
        #expect(chosen == expected.model)
        let cvSVG = try String(contentsOfFile: cvPlot, encoding: .utf8)
        #expect(cv.output.contains("← min") && cvSVG.contains("<svg"))

        let ridge = try run(["cv", x, "--targets", y, "--ridge", "gcv", "--lambdas", "5", "--output", cvModel])
        #expect(ridge.status == 0 && ridge.output.contains("ridge by gcv"), "\(ridge.errors)")

        for bad in [["path", x, "--targets", y, "--alpha", "2"], ["cv", x, "--targets", y, "--folds", "1"],
                    ["cv", x, "--targets", y, "--ridge", "aic"]] {
            let failed = try run(bad)
            #expect(failed.status != 0 && !failed.errors.isEmpty, "\(bad)")
        }
    }
}
