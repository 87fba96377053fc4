import Foundation
import Testing
@testable import Descent

/// The inference summary against statsmodels' OLS and WLS on real data, and against NIST's
/// certified standard deviations, residual standard deviation, R² and F for all eleven StRD sets.
@Suite("Inference summary")
struct RegressionSummaryTests {
    /// Digits every summary number must reach against statsmodels (its own arithmetic is Double
    /// throughout, so agreement is limited by the problem's conditioning as much as by ours).
    static let statsmodelsDigits = 9.0

    @Test("every number statsmodels reports, OLS and WLS", arguments: StatsmodelsCase.all)
    func matchesStatsmodels(reference: StatsmodelsCase) throws {
        let x = reference.features
        let fit = try reference.weights.map { try LeastSquares.solve(x, reference.y, weights: $0, intercept: reference.intercept) }
            ?? LeastSquares.solve(x, reference.y, intercept: reference.intercept)
        let s = try reference.weights.map { try fit.summary(features: x, targets: reference.y, weights: $0) }
            ?? fit.summary(features: x, targets: reference.y)
        func check(_ label: String, _ ours: [Double], _ theirs: [Double], _ minimum: Double = Self.statsmodelsDigits) {
            #expect(ours.count == theirs.count, "\(reference) \(label)")
            for (k, (a, b)) in zip(ours, theirs).enumerated() {
                #expect(digits(a, b) >= minimum, "\(reference) \(label)[\(k)]: \(a) vs \(b)")
            }
        }
        check("params", s.coefficients, reference.params)
        check("bse", s.standardErrors, reference.bse)
        check("t", s.tStatistics, reference.tvalues)
        // p-values inherit t's relative error times |t|·(density/tail), a few digits fewer in far tails.
        check("p", s.pValues, reference.pvalues, 7)
        check("ci95", s.confidenceIntervals(level: 0.95).flatMap { [$0.lower, $0.upper] }, reference.ci95.flatMap { $0 })
        check("ci90", s.confidenceIntervals(level: 0.90).flatMap { [$0.lower, $0.upper] }, reference.ci90.flatMap { $0 })
        check("fit", [s.rSquared, s.adjustedRSquared, s.fStatistic, s.logLikelihood, s.aic, s.bic, s.residualStandardError],
              [reference.rsquared, reference.rsquaredAdj, reference.fvalue, reference.llf, reference.aic, reference.bic,
               reference.residualStandardError])
        check("F p-value", [s.fPValue], [reference.fPValue], 7)
        #expect(Double(s.degreesOfFreedom) == reference.dfResid && Double(s.modelDegreesOfFreedom) == reference.dfModel)
        // statsmodels takes √(λmax/λmin) from the eigenvalues of XᵀX, which loses λmin's digits as the
        // condition grows; ours comes from singular values. They agree to what XᵀX can hold.
        let conditionDigits = Swift.max(1, 12 - 2 * log10(reference.conditionNumber))
        check("condition", [s.conditionNumber], [reference.conditionNumber], conditionDigits)
        #expect(s.description.contains(reference.intercept ? "const" : "x1") && s.description.contains("P>|t|"))
        #expect(s.hasIntercept == reference.intercept && s.isWeighted == (reference.weights != nil))
    }

    /// Per set, the digits NIST's certified standard deviations, residual SD, R² and F are
    /// reproduced to (measured, rounded down); polynomial sets through `polynomialFit`.
    static let nistFloors: [String: Double] = [
        "Norris": 13.9, "Pontius": 13.7, "NoInt1": 15, "NoInt2": 14.9, "Filip": 14.7, "Longley": 14.7,
        "Wampler1": 15, "Wampler2": 15, "Wampler3": 14.4, "Wampler4": 14.4, "Wampler5": 13.0,
    ]

    @Test("NIST's certified standard deviations, residual SD, R² and F", arguments: NISTDataset.names)
    func nistCertified(name: String) throws {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: TestData.url("nist/certified.json")))
        let entry = try #require((json as? [String: Any])?[name] as? [String: Any])
        let parameters = try #require(entry["parameters"] as? [String])
        let sd = try #require(entry["certified_sd"] as? [String: String])
        let certifiedSD = parameters.compactMap { sd[$0].flatMap(Double.init) }
        #expect(certifiedSD.count == parameters.count)
        let residualSDText = try #require(entry["residual_sd"] as? String)
        let rSquaredText = try #require(entry["r_squared"] as? String)
        let residualSD = try #require(Double(residualSDText))
        let rSquared = try #require(Double(rSquaredText))
        let columns = try #require(entry["design_columns"] as? [String])
        let data = try NISTDataset.load(name)
        let summary: RegressionSummary
        if columns.contains(where: { $0.contains("^") }) {
            let x = data.features.column(0)
            summary = try LeastSquares.polynomialFit(x: x, y: data.targets, degree: data.features.columns).summary()
        } else {
            summary = try LeastSquares.solve(data.features, data.targets, intercept: data.intercept)
                .summary(features: data.features, targets: data.targets)
        }
        let floor = try #require(Self.nistFloors[name])
        var worst = 15.0
        for (k, value) in summary.standardErrors.enumerated() {
            // A certified SD of exactly 0 (Wampler1) is met by an absolute error below 1e-15.
            let d = certifiedSD[k] == 0 ? (Swift.abs(value) < 1e-15 ? 15 : 0) : digits(value, certifiedSD[k])
            worst = Swift.min(worst, d)
        }
        worst = Swift.min(worst, residualSD == 0 ? (summary.residualStandardError < 1e-15 ? 15 : 0)
                                                 : digits(summary.residualStandardError, residualSD))
        worst = Swift.min(worst, digits(summary.rSquared, rSquared))
        print("NIST \(name): summary digits \(String(format: "%.2f", worst))")
        #expect(worst >= floor, "\(name): \(worst) digits")
    }

    @Test("rank deficiency and no degrees of freedom are typed errors; names default to x1, x2, …")
    func refusals() throws {
        let collinear = try Matrix<Double>(rows: 5, columns: 2, elements: [1, 2, 2, 4, 3, 6, 4, 8, 5, 10])
        let y: [Double] = [1, 2, 2, 4, 5]
        let fit = try LeastSquares.solve(collinear, y)   // the SVD's minimum-norm solution
        #expect(throws: DescentError.self) { try fit.summary(features: collinear, targets: y) }
        let two = try Matrix<Double>(rows: 2, columns: 1, elements: [1, 2])
        #expect(throws: DescentError.self) { try LeastSquares.solve(two, [1, 3]).summary(features: two, targets: [1, 3]) }
        let problem = RandomProblem<Double>(rows: 30, columns: 2)
        let s = try LeastSquares.solve(problem.features, problem.targets).summary(features: problem.features, targets: problem.targets)
        #expect(s.names == ["const", "x1", "x2"])
        #expect(s.confidenceIntervals(level: 1.5).allSatisfy { $0.lower.isNaN })
    }
}
