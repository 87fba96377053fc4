import Testing
@testable import Descent

/// Per-target inference summaries of a multi-target fit: each against the single-target summary of
/// that target (the same numbers from the shared factorisation, and within rounding of the
/// single-target solve's), statsmodels' WLS on linnerud's three weighted targets, and typed errors.
@Suite("Multi-target summaries")
struct MultiTargetSummaryTests {
    /// Every number a summary reports, in a fixed order.
    static func numbers(_ s: RegressionSummary) -> [Double] {
        s.coefficients + s.standardErrors + s.tStatistics + s.pValues
            + [s.rSquared, s.adjustedRSquared, s.fStatistic, s.fPValue, s.logLikelihood, s.aic, s.bic,
               s.residualStandardError, s.conditionNumber, s.scaledConditionNumber]
    }

    @Test("each target's summary is the single-target summary of its column, weighted or not, with and without intercept",
          arguments: Precision.allCases)
    func matchesSingleTarget(_ precision: Precision) throws {
        try compare(precision.scalar)
    }

    func compare<S: BLASScalar>(_: S.Type) throws {
        let n = 80, d = 4, k = 3
        let problem = RandomMultiProblem<S>(rows: n, columns: d, targets: k, noise: 0.5, seed: 31)
        let w: [S] = WeightedMultiTargetSolveTests.weights(n)
        for weights in [nil, w] {
            for intercept in [true, false] {
                let label = "\(S.self) weighted \(weights != nil) intercept \(intercept)"
                let multi = try weights.map { try LeastSquares.solve(problem.features, problem.targets, weights: $0, intercept: intercept) }
                    ?? LeastSquares.solve(problem.features, problem.targets, intercept: intercept)
                let summaries = try weights.map { try multi.summaries(features: problem.features, targets: problem.targets, weights: $0) }
                    ?? multi.summaries(features: problem.features, targets: problem.targets)
                #expect(summaries.count == k)
                for t in 0..<k {
                    let y = problem.targets.column(t)
                    // The same fit summarised alone: identical numbers (the shared factorisation is the
                    // one each target would compute).
                    let alone = try weights.map { try multi.solution(for: t).summary(features: problem.features, targets: y, weights: $0) }
                        ?? multi.solution(for: t).summary(features: problem.features, targets: y)
                    let ours = Self.numbers(summaries[t])
                    #expect(ours.elementsEqual(Self.numbers(alone)), "\(label) target \(t)")
                    #expect(summaries[t].names == alone.names && summaries[t].description == alone.description)
                    #expect(summaries[t].isWeighted == (weights != nil) && summaries[t].hasIntercept == intercept)
                    // The single-target solve, summarised: within the solvers' agreement (Double) or one
                    // rounding of the coefficients (Float).
                    let single = try weights.map { try LeastSquares.solve(problem.features, y, weights: $0, intercept: intercept) }
                        ?? LeastSquares.solve(problem.features, y, intercept: intercept)
                    let reference = try weights.map { try single.summary(features: problem.features, targets: y, weights: $0) }
                        ?? single.summary(features: problem.features, targets: y)
                    let tolerance = Swift.max(1e-10, S.ulps(64))
                    for (index, (a, b)) in zip(ours, Self.numbers(reference)).enumerated() {
                        #expect(Swift.abs(a - b) <= tolerance * Swift.max(1, Swift.abs(b)), "\(label) target \(t) number \(index): \(a) vs \(b)")
                    }
                }
            }
        }
    }

    /// As ``RegressionSummaryTests/statsmodelsDigits`` (p-values 7).
    static let statsmodelsDigits = RegressionSummaryTests.statsmodelsDigits

    @Test("linnerud weighted, all three targets: statsmodels' WLS of each", arguments: WeightedMultiTargetSolveTests.methods)
    func linnerudWLS(method: LeastSquares.Method) throws {
        let data = WeightedLinnerud.data
        let fit = try LeastSquares.solve(data.features, data.targets, weights: data.weights, method: method)
        let summaries = try fit.summaries(features: data.features, targets: data.targets, weights: data.weights,
                                          featureNames: data.featureNames)
        #expect(summaries.count == 3)
        for (t, (s, reference)) in zip(summaries, data.wls).enumerated() {
            func check(_ label: String, _ ours: [Double], _ theirs: [Double], _ minimum: Double = Self.statsmodelsDigits) {
                #expect(ours.count == theirs.count, "\(data.targetNames[t]) \(label)")
                for (k, (a, b)) in zip(ours, theirs).enumerated() {
                    #expect(digits(a, b) >= minimum, "\(method) \(data.targetNames[t]) \(label)[\(k)]: \(a) vs \(b)")
                }
            }
            check("params", s.coefficients, reference.params)
            check("bse", s.standardErrors, reference.bse)
            check("t", s.tStatistics, reference.tvalues)
            check("p", s.pValues, reference.pvalues, 7)
            check("fit", [s.rSquared, s.fStatistic], [reference.rsquared, reference.fvalue])
            #expect(s.names == ["const"] + data.featureNames && s.observations == 20 && s.degreesOfFreedom == 16)
        }
    }

    @Test("data of another shape than the fit is a typed error")
    func errors() throws {
        let problem = RandomMultiProblem<Double>(rows: 12, columns: 2, targets: 3)
        let fit = try LeastSquares.solve(problem.features, problem.targets)
        let two = try Matrix<Double>(rows: 12, columns: 2) { i, j in problem.targets[i, j] }
        expectDescentError(.invalidOption(name: "targets", value: "2 target columns", expected: "one per target of the model (3)")) {
            _ = try fit.summaries(features: problem.features, targets: two)
        }
        expectDescentError(.targetCountMismatch(rows: 12, targets: 11)) {
            _ = try fit.summaries(features: problem.features, targets: problem.targets.rows(0..<11))
        }
        expectDescentError(.invalidOption(name: "featureNames", value: "1 names", expected: "one per feature (2)")) {
            _ = try fit.summaries(features: problem.features, targets: problem.targets, featureNames: ["a"])
        }
        let wide = try Matrix<Double>(rows: 12, columns: 3) { i, j in problem.features[i, j % 2] + Double(j) }
        expectDescentError(.weightCountMismatch(weights: 2, features: 3)) {
            _ = try fit.summaries(features: wide, targets: problem.targets)
        }
    }
}
