import Foundation
import Testing
@testable import Descent

/// The summary of a streamed source and of parts of a collective equals the in-memory one: the
/// meat, the HAC lag products across chunk and part boundaries, the cluster sums merged by label.
@Suite("Inference on row sources and across parts")
struct SourceSummaryTests {
    static let reference = InferenceCase.all.first { $0.name == "diabetes" }!

    /// Every covariance type with the labels of rows `range`.
    static func covariances(_ range: Range<Int>) -> [LeastSquares.Covariance] {
        let g1 = Array(reference.groups[range]), g2 = Array(reference.secondGroups[range])
        return [.nonrobust, .hc1, .hc3, .hac(lags: 4), .hac(lags: nil, smallSampleCorrection: true),
                .cluster(groups: g1), .twoWayCluster(g1, g2)]
    }

    static func agree(_ ours: RegressionSummary, _ memory: RegressionSummary, _ label: String) {
        #expect(worstDigits(ours.standardErrors, memory.standardErrors) >= 12, "\(label) standard errors")
        #expect(worstDigits(ours.pValues, memory.pValues) >= 10, "\(label) p-values")
        let tests = ours.residualTests!, expected = memory.residualTests!
        #expect(worstDigits([tests.durbinWatson, tests.jarqueBera, tests.omnibus, tests.skew, tests.kurtosis, ours.fStatistic,
                             ours.rSquared, ours.logLikelihood, ours.conditionNumber],
                            [expected.durbinWatson, expected.jarqueBera, expected.omnibus, expected.skew, expected.kurtosis,
                             memory.fStatistic, memory.rSquared, memory.logLikelihood, memory.conditionNumber]) >= 11, "\(label) fit")
    }

    @Test("a source in uneven chunks gives the in-memory summary")
    func streamed() throws {
        let r = Self.reference, x = r.features
        let fit = try LeastSquares.solve(x, r.y)
        let source = SplitRows(x, r.y, chunkSizes: [37, 1, 3, 120])
        for covariance in Self.covariances(0..<r.rows) {
            let memory = try fit.summary(features: x, targets: r.y, covariance: covariance)
            let streamed = try fit.summary(from: source, covariance: covariance)
            Self.agree(streamed, memory, "\(covariance)")
            if let exact = r.exact.bse[Self.key(covariance)] { #expect(worstDigits(streamed.standardErrors, exact) >= 9) }
        }
    }

    static func key(_ covariance: LeastSquares.Covariance) -> String {
        switch covariance {
        case .hac(nil, _): "hac_auto_corrected"
        case .twoWayCluster: "cluster2"
        default: covariance.description.lowercased()
        }
    }

    @Test("three parts (one shorter than the lags) give the in-memory summary, the same bits on every part")
    func parts() throws {
        let r = Self.reference, x = r.features
        let fit = try LeastSquares.solve(x, r.y)
        let ranges = [0..<200, 200..<202, 202..<r.rows]
        for (k, covariance) in Self.covariances(0..<r.rows).enumerated() {
            let memory = try fit.summary(features: x, targets: r.y, covariance: covariance)
            let results = ThreadsWorld(size: 3).run { collective in
                Result { () throws(DescentError) in
                    let range = ranges[collective.rank]
                    let source = SplitRows(x, r.y, rows: range, starts: [0, range.count / 2])
                    return try fit.summary(from: source, covariance: Self.covariances(range)[k], collective: collective)
                }
            }
            let summaries = try results.map { try $0.get() }
            for s in summaries.dropFirst() {
                #expect(s.standardErrors.map(\.bitPattern) == summaries[0].standardErrors.map(\.bitPattern) && s.fStatistic.bitPattern == summaries[0].fStatistic.bitPattern
                        && s.residualTests == summaries[0].residualTests, "\(covariance): parts differ")
            }
            Self.agree(summaries[0], memory, "\(covariance) across parts")
        }
    }
}
