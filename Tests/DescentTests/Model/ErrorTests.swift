import Foundation
import Testing
import Descent

/// Every bad input or configuration the core lists gets its typed error, with a message that says
/// what to do, and nothing traps.
@Suite("Typed errors")
struct ErrorTests {
    let x = try! Matrix<Double>(rows: 3, columns: 2, elements: [1, 2, 3, 4, 5, 7])
    let y: [Double] = [1, 2, 3]

    func expectError(_ expected: DescentError, _ body: () throws -> Void,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            try body()
            Issue.record("no error; expected \(expected)", sourceLocation: sourceLocation)
        } catch let error as DescentError {
            // NaN payloads compare unequal to themselves: compare their descriptions instead.
            #expect(error == expected || error.description == expected.description, sourceLocation: sourceLocation)
            #expect(error.description.count > 40, sourceLocation: sourceLocation)
            #expect(error.localizedDescription == error.description, sourceLocation: sourceLocation)
        } catch {
            Issue.record("untyped error \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test("bad matrix shapes")
    func matrixShapes() {
        expectError(.invalidMatrixShape(rows: 2, columns: 2, elementCount: 3)) { _ = try Matrix<Double>(rows: 2, columns: 2, elements: [1, 2, 3]) }
        expectError(.invalidMatrixShape(rows: -1, columns: 2, elementCount: 0)) { _ = try Matrix<Double>(rows: -1, columns: 2, elements: []) }
        expectError(.invalidMatrixShape(rows: Int.max, columns: 2, elementCount: 0)) { _ = try Matrix<Float>(rows: Int.max, columns: 2, elements: []) }
        expectError(.invalidMatrixShape(rows: 2, columns: 2, elementCount: 3)) { _ = try Matrix<Double>([[1, 2], [3]]) }
    }

    @Test("data errors, for training, prediction and every solver")
    func dataErrors() throws {
        let empty = try Matrix<Double>(rows: 0, columns: 2, elements: [])
        let noColumns = try Matrix<Double>(rows: 3, columns: 0, elements: [])
        let nan = try Matrix<Double>(rows: 3, columns: 2, elements: [1, 2, 3, .nan, 5, 7])
        let inf = try Matrix<Double>(rows: 3, columns: 2, elements: [1, 2, 3, 4, -.infinity, 7])
        let cases: [(DescentError, Matrix<Double>, [Double])] = [
            (.targetCountMismatch(rows: 3, targets: 2), x, [1, 2]),
            (.noRows, empty, []),
            (.noFeatures, noColumns, y),
            (.nonFiniteValue(at: .features(row: 1, column: 1)), nan, y),
            (.nonFiniteValue(at: .features(row: 2, column: 0)), inf, y),
            (.nonFiniteValue(at: .targets(index: 2)), x, [1, 2, .infinity]),
            (.nonFiniteValue(at: .targets(index: 0)), x, [.nan, 2, 3]),
        ]
        for (expected, features, targets) in cases {
            expectError(expected) { _ = try GradientDescent<Double>().fit(features: features, targets: targets) }
            for method in [LeastSquares.Method.automatic, .qr, .svd, .normalEquations] {
                expectError(expected) { _ = try LeastSquares.solve(features, targets, method: method) }
            }
        }
        expectError(.weightCountMismatch(weights: 3, features: 2)) { _ = try LinearModel<Double>(weights: [1, 2, 3]).predict(x) }
        expectError(.nonFiniteValue(at: .features(row: 1, column: 1))) { _ = try LinearModel<Double>(weights: [1, 2]).predict(nan) }
        expectError(.weightCountMismatch(weights: 1, features: 2)) {
            var model = LinearModel<Double>(weights: [1])
            try GradientDescent<Double>().fit(&model, features: x, targets: y)
        }
        expectError(.nonFiniteValue(at: .model(weight: 1))) {
            var model = LinearModel<Double>(weights: [1, .nan])
            try GradientDescent<Double>().fit(&model, features: x, targets: y)
        }
        expectError(.nonFiniteValue(at: .model(weight: nil))) {
            var model = LinearModel<Double>(weights: [1, 2], bias: .infinity)
            try GradientDescent<Double>().fit(&model, features: x, targets: y)
        }
    }

    @Test("configuration errors")
    func configurationErrors() {
        for rate in [0, -0.1, .nan, .infinity, -.infinity] as [Double] {
            expectError(.invalidLearningRate(rate)) { _ = try GradientDescent<Double>(learningRate: rate).fit(features: x, targets: y) }
        }
        for epochs in [0, -5] {
            expectError(.invalidEpochs(epochs)) { _ = try GradientDescent<Double>(epochs: epochs).fit(features: x, targets: y) }
        }
        for size in [0, -1] {
            expectError(.invalidBatchSize(size)) { _ = try GradientDescent<Double>(mode: .miniBatch(size: size)).fit(features: x, targets: y) }
        }
        do {
            _ = try GradientDescent<Double>(lossThreshold: -1).fit(features: x, targets: y)
            Issue.record("negative loss threshold accepted")
        } catch {
            guard case .invalidOption(name: "lossThreshold", _, _) = error else { Issue.record("\(error)"); return }
        }
        #expect(throws: DescentError.self) {
            _ = try GradientDescent<Double>(initialization: .truncatedNormal(standardDeviation: -1)).fit(features: x, targets: y)
        }
    }

    @Test("a batch size above n trains as full batch")
    func batchLargerThanRows() throws {
        var a = LinearModel<Double>(), b = LinearModel<Double>()
        try GradientDescent<Double>(mode: .miniBatch(size: 1000), epochs: 3).fit(&a, features: x, targets: y)
        try GradientDescent<Double>(mode: .batch, epochs: 3).fit(&b, features: x, targets: y)
        #expect(a == b)
    }

    @Test("systems a method cannot solve")
    func unsolvable() throws {
        // Two identical columns: rank 1 of 2.
        let collinear = try Matrix<Double>(rows: 4, columns: 2, elements: [1, 1, 2, 2, 3, 3, 4, 4])
        let targets: [Double] = [1, 2, 3, 5]
        for method in [LeastSquares.Method.normalEquations, .qr] {
            #expect(throws: DescentError.self) { try LeastSquares.solve(collinear, targets, method: method) }
            do { _ = try LeastSquares.solve(collinear, targets, method: method) } catch {
                guard case .unsolvable = error else { Issue.record("\(error)"); continue }
                #expect(error.description.contains(".svd"))
                #expect(error.description.contains("linear combination") && error.description.contains("zero-based"),
                        "\(error)")
            }
        }
        // A constant column is named, with an intercept, by both methods that throw.
        let constant = try Matrix<Double>(rows: 5, columns: 3, elements: [1, 7, 2, 2, 7, 1, 3, 7, 5, 4, 7, 3, 5, 7, 8])
        for method in [LeastSquares.Method.normalEquations, .qr] {
            do { _ = try LeastSquares.solve(constant, [1, 2, 3, 5, 4], method: method); Issue.record("\(method) solved") } catch {
                #expect(error.description.contains("column 1 is constant"), "\(method): \(error)")
            }
        }
        // The SVD and .automatic give the minimum-norm solution: equal weights, rank 1.
        for method in [LeastSquares.Method.svd, .automatic] {
            let solution = try LeastSquares.solve(collinear, targets, method: method)
            #expect(solution.rank == 1, "\(method)")
            #expect(solution.method == .svd)
            #expect(Swift.abs(solution.model.weights[0] - solution.model.weights[1]) < 1e-12)
            let single = try LeastSquares.solve(try Matrix(rows: 4, columns: 1, elements: [1, 2, 3, 4]), targets)
            #expect(Swift.abs(solution.model.weights[0] * 2 - single.model.weights[0]) < 1e-12)
            #expect(Swift.abs(solution.model.bias - single.model.bias) < 1e-12)
        }
        // One row with an intercept: nothing to fit a slope from.
        let oneRow = try Matrix<Double>(rows: 1, columns: 2, elements: [1, 2])
        #expect(throws: DescentError.self) { try LeastSquares.solve(oneRow, [3], method: .qr) }
        let minimal = try LeastSquares.solve(oneRow, [3])
        #expect(minimal.rank == 0 && minimal.model.bias == 3)
    }

    @Test("divergence names the epoch and suggests a remedy, for every mode")
    func divergence() throws {
        let problem = RandomProblem<Double>(rows: 64, columns: 4)
        for mode in [BatchMode.batch, .miniBatch(size: 8), .stochastic] {
            var model = LinearModel<Double>()
            do {
                try GradientDescent<Double>(mode: mode, learningRate: 50, epochs: 1000).fit(&model, features: problem.features, targets: problem.targets)
                Issue.record("\(mode) did not diverge")
            } catch {
                guard case let .diverged(epoch, _, rate, hint) = error else { Issue.record("\(error)"); continue }
                #expect(epoch >= 1 && epoch < 1000 && rate == 50)
                #expect(hint.contains("try a learning rate of about") && hint.contains("standardise"))
            }
            #expect(model.weights.allSatisfy(\.isFinite) && model.bias.isFinite, "\(mode)")
        }
    }

    @Test("divergence names the feature whose scale dwarfs the others, and a stable rate bound")
    func divergenceNamesFeature() throws {
        let base = RandomProblem<Double>(rows: 200, columns: 3)
        let x = try Matrix<Double>(rows: 200, columns: 3) { i, j in base.features[i, j] * (j == 1 ? 1000 : 1) }
        var model = LinearModel<Double>()
        var suggested = 0.0
        do {
            try GradientDescent<Double>(mode: .batch, learningRate: 0.1, epochs: 100).fit(&model, features: x, targets: base.targets)
            Issue.record("did not diverge")
        } catch {
            guard case let .diverged(epoch, _, _, hint) = error else { Issue.record("\(error)"); return }
            #expect(epoch < 100)
            #expect(hint.contains("Feature column 1 (zero-based) has a scale far above the others"), "\(hint)")
            // The bound 1/(1 + Σ mean(xⱼ²)) ≈ 1e-6 here, and half of it is suggested.
            let text = hint.split(separator: "try a learning rate of about ").last?.split(separator: ",").first ?? ""
            suggested = try #require(Double(text), "\(hint)")
            #expect(suggested > 2.5e-7 && suggested < 5.5e-7, "\(hint)")
        }
        #expect(model.weights.allSatisfy(\.isFinite) && model.bias.isFinite)
        // Training at the suggested rate makes progress.
        var safe = LinearModel<Double>()
        let history = try GradientDescent<Double>(mode: .batch, learningRate: suggested, epochs: 100)
            .fit(&safe, features: x, targets: base.targets)
        #expect(history.losses.last! < history.losses.first!)
    }
}
