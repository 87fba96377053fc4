import Foundation
import Testing
@testable import Descent

/// Robust, HAC and clustered standard errors against an extended-precision reference (and
/// statsmodels and R, within their own measured error) on nine real-data cases, two held out.
@Suite("Covariance types")
struct CovarianceTests {
    /// Digits every standard error must reach against the extended-precision reference.
    static let exactDigits = 9.0

    @Test("standard errors of every covariance type", arguments: InferenceCase.all)
    func standardErrors(reference: InferenceCase) throws {
        let fit = try reference.fit()
        for (key, covariance) in reference.covariances {
            let s = try reference.summary(fit, covariance)
            let exact = reference.exact.bse[key]!
            let reached = worstDigits(s.standardErrors, exact)
            #expect(reached >= Self.exactDigits, "\(reference) \(key): \(reached) digits")
            #expect(s.covarianceType == covariance.description)
            // The peers reach the reference to their own measured digits; ours agree with theirs as far.
            if let theirs = reference.statsmodels.bse[key] {
                let theirDigits = worstDigits(theirs.map { $0 ?? .nan }, exact)
                #expect(worstDigits(s.standardErrors, theirs) >= Swift.min(Self.exactDigits, theirDigits) - 0.5,
                        "\(reference) \(key) against statsmodels")
            }
            if let theirs = reference.r.bse[key] {
                let theirDigits = worstDigits(theirs.map { $0 ?? .nan }, exact)
                #expect(worstDigits(s.standardErrors, theirs) >= Swift.min(Self.exactDigits, theirDigits) - 0.5,
                        "\(reference) \(key) against R")
            }
        }
    }

    @Test("statsmodels' tests: z by default, t on request (G − 1 for clusters), the robust Wald F",
          arguments: InferenceCase.all)
    func testConventions(reference: InferenceCase) throws {
        let fit = try reference.fit()
        for (key, covariance) in reference.covariances where reference.statsmodels.pvalues[key] != nil {
            let s = try reference.summary(fit, covariance)
            #expect(s.usesNormalDistribution == (covariance != .nonrobust))
            #expect(worstDigits(s.pValues, reference.statsmodels.pvalues[key]!) >= 7, "\(reference) \(key) p-values")
            if let f = reference.statsmodels.fvalue[key]!, let fp = reference.statsmodels.fPValue[key]! {
                #expect(digits(s.fStatistic, f) >= 8 && digits(s.fPValue, fp) >= 7, "\(reference) \(key) F: \(s.fStatistic) vs \(f)")
            }
        }
        let hc3 = try reference.summary(fit, .hc3, useT: true)
        #expect(!hc3.usesNormalDistribution && hc3.testDegreesOfFreedom == reference.rows - reference.x[0].count - 1)
        #expect(worstDigits(hc3.pValues, reference.statsmodels.pvaluesT["hc3"]!) >= 7)
        let cluster = try reference.summary(fit, .cluster(groups: reference.groups), useT: true)
        #expect(cluster.testDegreesOfFreedom == 6)
        #expect(worstDigits(cluster.pValues, reference.statsmodels.pvaluesT["cluster"]!) >= 7)
    }

    @Test("the automatic bandwidth is R's bwNeweyWest(prewhite = FALSE)", arguments: InferenceCase.all)
    func automaticBandwidth(reference: InferenceCase) throws {
        let fit = try reference.fit()
        let s = try reference.summary(fit, .hac(lags: nil))
        #expect(worstDigits(s.standardErrors, reference.exact.bse["hac_auto"]!) >= Self.exactDigits)
        let manual = try reference.summary(fit, .hac(lags: reference.exact.autoLags))
        #expect(manual.standardErrors == s.standardErrors)
    }

    @Test("several targets: each target's summary is the single-target one")
    func multiTarget() throws {
        let reference = InferenceCase.all[1]
        let x = reference.features, n = reference.rows
        let y2 = (0..<n).map { reference.y[$0] * 0.5 + Double($0 % 3) }
        let targets = try Matrix(rows: n, columns: 2, elements: (0..<n).flatMap { [reference.y[$0], y2[$0]] })
        let multi = try LeastSquares.solve(x, targets)
        let all = try multi.summaries(features: x, targets: targets, covariance: .hc3)
        let single = try LeastSquares.solve(x, y2).summary(features: x, targets: y2, covariance: .hc3)
        #expect(worstDigits(all[1].standardErrors, single.standardErrors) >= 12)
        #expect(worstDigits(all[0].standardErrors, reference.exact.bse["hc3"]!) >= Self.exactDigits)
    }

    @Test("bad options throw")
    func badOptions() throws {
        let reference = InferenceCase.all[1]
        let fit = try reference.fit()
        expectDescentError(.invalidOption(name: "groups", value: "3 labels", expected: "one cluster label per row (21)")) {
            _ = try fit.summary(features: reference.features, targets: reference.y, covariance: .cluster(groups: [1, 2, 3]))
        }
        expectDescentError(.invalidOption(name: "groups", value: "1 cluster", expected: "at least two clusters")) {
            _ = try fit.summary(features: reference.features, targets: reference.y,
                                covariance: .cluster(groups: [Int](repeating: 4, count: reference.rows)))
        }
        expectDescentError(.invalidOption(name: "covariance", value: ".hac(lags: -1)",
                                   expected: "lags ≥ 0, or nil for the automatic bandwidth")) {
            _ = try fit.summary(features: reference.features, targets: reference.y, covariance: .hac(lags: -1))
        }
    }
}
