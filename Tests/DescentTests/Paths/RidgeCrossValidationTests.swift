import Foundation
import Testing
@testable import Descent

/// Ridge over a grid against scikit-learn's `RidgeCV` (leave-one-out squared errors with
/// `store_cv_results`, `gcv_mode='svd'`) and GCV from the SVD of the centred design (numpy), on the
/// nine real data sets: scores to ≥ 9 digits, the same chosen α (`λ = α/n`).
@Suite("Ridge for every λ")
struct RidgeCrossValidationTests {
    static func relative(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).reduce(0.0) { Swift.max($0, Swift.abs($1.0 - $1.1) / Swift.abs($1.1)) }
    }

    @Test("GCV and leave-one-out scores, and the chosen λ, as scikit-learn's RidgeCV", arguments: PathReference.names)
    func scores(name: String) throws {
        let (x, y) = try PathReference.data(name)
        let reference = PathReference.sklearn[name]!.ridge
        let n = Double(x.rows)
        let lambdas = reference.alphas.map { $0 / n }
        let loo = try RidgeRegression.crossValidated(x, y, lambdas: lambdas, criterion: .leaveOneOut)
        let gcv = try RidgeRegression.crossValidated(x, y, lambdas: lambdas)
        let looError = Self.relative(loo.scores, reference.leaveOneOut), gcvError = Self.relative(gcv.scores, reference.gcv)
        print("ridge \(name): leave-one-out \(-log10(looError)) digits, GCV \(-log10(gcvError)) digits")
        #expect(looError <= 1e-9, "\(name) leave-one-out")
        #expect(gcvError <= 1e-9, "\(name) GCV")
        #expect(Swift.abs(loo.lambda * n - reference.chosenAlpha) <= 1e-12 * reference.chosenAlpha)
        #expect(Swift.abs(gcv.lambda * n - reference.gcvChosenAlpha) <= 1e-12 * reference.gcvChosenAlpha)
        let exact = try LeastSquares.solve(x, y, ridge: loo.lambda)
        #expect(loo.model == exact.model)
        #expect(PathReference.digits(loo.model.weights, reference.coefficients) >= 9)
    }

    @Test("a streamed file scores as in memory; bad λ throws")
    func streamed() throws {
        let (x, y) = try PathReference.data("diabetes")
        let lambdas = [1e-4, 1e-3, 1e-2, 0.1]
        let memory = try RidgeRegression.crossValidated(x, y, lambdas: lambdas, criterion: .leaveOneOut)
        let stream = try StreamingDataset<Double>(npyFeatures: TestData.url("realdata/diabetes_X.npy").path,
                                                  targets: TestData.url("realdata/diabetes_y.npy").path, chunkBytes: 4000)
        let streamed = try RidgeRegression.crossValidated(from: stream, lambdas: lambdas, criterion: .leaveOneOut)
        #expect(Self.relative(streamed.scores, memory.scores) <= 1e-12)
        #expect(streamed.index == memory.index)
        #expect(throws: DescentError.self) { try RidgeRegression.crossValidated(x, y, lambdas: [0]) }
        #expect(throws: DescentError.self) { try RidgeRegression.crossValidated(x, y, lambdas: []) }
    }
}
