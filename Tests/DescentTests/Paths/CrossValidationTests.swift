import Foundation
import Testing
@testable import Descent

/// K-fold cross-validation against R's `cv.glmnet` with the same five folds (row i in fold
/// i mod 5), α = 0.5, at the default path's λ: the mean errors (`cvm`) and standard errors
/// (`cvsd`) to 5 digits (glmnet's own fits are 4 to 6 digits from the exact optimum, see the
/// path tests), the same `lambda.min` and `lambda.1se`; and seeded folds reproducible.
@Suite("Cross-validation")
struct CrossValidationTests {
    struct Reference: Decodable {
        let lambdas: [Double]
        let cvm: [Double]
        let cvsd: [Double]
        let lambdaMin: Double
        let lambda1se: Double
    }

    static let reference: [String: Reference] = {
        try! JSONDecoder().decode([String: Reference].self, from: Data(contentsOf: TestData.url("paths/cv-glmnet.json")))
    }()

    @Test("a gradient-descent configuration: each fold fitted as the configuration fits it, scored by its own loss (Huber)")
    func gradientDescent() throws {
        let (x, y) = try PathReference.data("stackloss")
        var gd = GradientDescent<Double>(mode: .batch)
        gd.loss = .huber(delta: 2)
        gd.epochs = 400
        let lambdas = [1e-1, 1e-3]
        let folds = (0..<x.rows).map { $0 % 3 }
        let cv = try CrossValidation(folds: 3).evaluate(gd.candidates(lambdas: lambdas) { .l2($0) },
                                                         features: x, targets: y, folds: folds)
        #expect(cv.lambdas == lambdas && cv.foldErrors.count == 3)
        for k in 0..<3 {
            let train = (0..<x.rows).filter { folds[$0] != k }, test = (0..<x.rows).filter { folds[$0] == k }
            let trainX = try Matrix(rows: train.count, columns: x.columns) { i, j in x[train[i], j] }
            for (l, lambda) in lambdas.enumerated() {
                var manual = gd
                manual.penalty = .l2(lambda)
                var model = LinearModel<Double>()
                try manual.fit(&model, features: trainX, targets: train.map { y[$0] })
                // Huber's loss in Descent's convention, written out: r² inside δ, 2δ|r| − δ² outside.
                let error = test.reduce(0.0) { sum, i in
                    let r = zip(model.weights, (0..<x.columns).map { x[i, $0] }).reduce(model.bias) { $0 + $1.0 * $1.1 } - y[i]
                    return sum + (Swift.abs(r) <= 2 ? r * r : 4 * Swift.abs(r) - 4)
                } / Double(test.count)
                #expect(Swift.abs(cv.foldErrors[k][l] - error) <= 1e-9 * error, "fold \(k), λ = \(lambda)")
            }
        }
        #expect(throws: DescentError.self) {
            _ = try CrossValidation(folds: 3).evaluate(gd.candidates(lambdas: lambdas) { .l2($0) },
                                                       features: try Matrix<Float>(rows: x.rows, columns: x.columns) { Float(x[$0, $1]) }, targets: y.map { Float($0) },
                                                       folds: folds)
        }
    }

    @Test("cv.glmnet's errors, standard errors and choices with the same folds", arguments: ["diabetes", "stackloss", "fair"])
    func glmnet(name: String) throws {
        let (x, y) = try PathReference.data(name)
        let reference = Self.reference[name]!
        let folds = (0..<x.rows).map { $0 % 5 }
        let cv = try CrossValidation(folds: 5).evaluate(ElasticNet.path(alpha: 0.5), features: x, targets: y, folds: folds)
        try #require(cv.lambdas.count == reference.lambdas.count)
        let meanError = RidgeCrossValidationTests.relative(cv.meanErrors, reference.cvm)
        let standardError = RidgeCrossValidationTests.relative(cv.standardErrors, reference.cvsd)
        print("cv \(name): cvm \(-log10(meanError)) digits, cvsd \(-log10(standardError)) digits")
        #expect(meanError <= 1e-5)
        #expect(standardError <= 1e-4)
        #expect(Swift.abs(cv.bestLambda - reference.lambdaMin) <= 1e-12 * reference.lambdaMin)
        #expect(Swift.abs(cv.oneStandardErrorLambda - reference.lambda1se) <= 1e-12 * reference.lambda1se)
        #expect(cv.model == cv.models[cv.bestIndex])
        #expect(cv.folds == folds)
    }

    @Test("seeded folds: reproducible, balanced, grouped rows kept together; ridge grids too")
    func folds() throws {
        let a = try CrossValidation(folds: 10, seed: 7).assignments(rows: 103)
        #expect(a == (try CrossValidation(folds: 10, seed: 7).assignments(rows: 103)))
        #expect(a != (try CrossValidation(folds: 10, seed: 8).assignments(rows: 103)))
        let sizes = (0..<10).map { k in a.filter { $0 == k }.count }
        #expect(sizes.max()! - sizes.min()! <= 1)
        let groups = (0..<60).map { $0 / 4 }
        let grouped = try CrossValidation(folds: 5, seed: 1).assignments(groups: groups)
        for g in 0..<15 { #expect(Set((0..<4).map { grouped[g * 4 + $0] }).count == 1) }
        #expect(throws: DescentError.self) { try CrossValidation(folds: 1).assignments(rows: 10) }
        #expect(throws: DescentError.self) { try CrossValidation(folds: 20).assignments(groups: groups) }

        let (x, y) = try PathReference.data("diabetes")
        let ridge = try CrossValidation(folds: 5, seed: 3).evaluate(RidgeRegression.grid([1e-4, 1e-3, 1e-2, 1e-1]), features: x, targets: y)
        #expect(ridge.meanErrors.count == 4 && ridge.standardErrors.allSatisfy { $0 > 0 })
        let exact = try LeastSquares.solve(x, y, ridge: ridge.bestLambda).model
        #expect(PathReference.digits(ridge.model.weights + [ridge.model.bias], exact.weights + [exact.bias]) >= 11)
    }
}

@Suite("Cross-validation of a streamed source")
struct StreamedCrossValidationTests {
    @Test("folds of whole chunks: the same errors, choices and refit as the in-memory evaluation with those folds",
          arguments: ["path", "ridge"])
    func chunkAligned(kind: String) throws {
        let (x, y) = try PathReference.data("diabetes")
        // Uneven chunks, as a file read in pieces.
        let starts = stride(from: 0, to: x.rows, by: 37).map { $0 } + [x.rows - 5]
        let source = SplitRows(x, y, starts: starts.sorted())
        let validation = CrossValidation(folds: 4, seed: 3)
        func compare<C: CrossValidationCandidates>(_ candidates: C) throws {
            let streamed = try validation.evaluate(candidates, from: source)
            // Every chunk's rows share a fold, and the folds are the seed's deal of the chunks.
            let chunkFold = try validation.assignments(rows: source.chunkCount)
            for c in 0..<source.chunkCount { #expect(source.chunkRows(c).allSatisfy { streamed.folds[$0] == chunkFold[c] }) }
            let memory = try validation.evaluate(candidates, features: x, targets: y, folds: streamed.folds)
            // The λ sequence from one Gram pass over the chunks, or over the matrix: equal to rounding.
            try #require(streamed.lambdas.count == memory.lambdas.count)
            #expect(zip(streamed.lambdas, memory.lambdas).allSatisfy { Swift.abs($0 - $1) <= 1e-12 * $1 })
            let gap = zip(streamed.meanErrors, memory.meanErrors).map { Swift.abs($0 - $1) / $1 }.max()!
            #expect(gap <= 1e-9, "\(kind): \(gap)")
            #expect(streamed.bestIndex == memory.bestIndex && streamed.oneStandardErrorIndex == memory.oneStandardErrorIndex)
        }
        if kind == "path" { try compare(ElasticNet.path(alpha: 1)) } else { try compare(RidgeRegression.grid([1e-3, 1e-1, 10])) }
        #expect(throws: DescentError.self) { _ = try CrossValidation(folds: 40).evaluate(ElasticNet.path(), from: source) }
        #expect(throws: DescentError.self) {
            _ = try validation.evaluate(GradientDescent<Double>().candidates(lambdas: [0.1]) { .l2($0) }, from: source)
        }
    }
}
