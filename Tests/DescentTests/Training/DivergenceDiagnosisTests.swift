import Testing
import Descent

/// A diverging run is stopped with a typed error that names the epoch and says what to do.
@Suite("Divergence diagnosis")
struct DivergenceDiagnosisTests {
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
            // The bound 1/(1 + Σ mean(xⱼ²)) ≈ 1e-6 here, and half of it is suggested: an expected
            // value (within the open interval below), not a tolerance.
            let expected = (above: 2.5e-7, below: 5.5e-7)
            let text = hint.split(separator: "try a learning rate of about ").last?.split(separator: ",").first ?? ""
            suggested = try #require(Double(text), "\(hint)")
            #expect(suggested > expected.above && suggested < expected.below, "\(hint)")
        }
        #expect(model.weights.allSatisfy(\.isFinite) && model.bias.isFinite)
        // Training at the suggested rate makes progress.
        var safe = LinearModel<Double>()
        let history = try GradientDescent<Double>(mode: .batch, learningRate: suggested, epochs: 100)
            .fit(&safe, features: x, targets: base.targets)
        #expect(history.losses.last! < history.losses.first!)
        // Fitted on a named data set, the hint names the column.
        var named = LinearModel<Double>()
        let data = try Dataset(features: x, targets: base.targets, featureNames: ["carat", "depth", "table"])
        do {
            try GradientDescent<Double>(mode: .batch, learningRate: 0.1, epochs: 100).fit(&named, from: data)
            Issue.record("did not diverge")
        } catch {
            guard case let .diverged(_, _, _, hint) = error else { Issue.record("\(error)"); return }
            #expect(hint.contains("Feature column 'depth' has a scale far above the others"), "\(hint)")
        }
    }
}
