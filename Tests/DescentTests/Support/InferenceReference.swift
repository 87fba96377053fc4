import Foundation
import Testing
@testable import Descent

/// One case of Resources/inference/reference.json (see its generate.py): the data, an
/// extended-precision (mpmath, 50 digits) computation of every number, statsmodels' and R's.
struct InferenceCase: Decodable, CustomTestStringConvertible, Sendable {
    struct Prediction: Decodable, Sendable { let mean, seMean, seObs: [Double] }
    struct Influence: Decodable, Sendable {
        let leverage, studentized, externallyStudentized, cooksDistance, dffits: [Double]
    }
    struct Diagnostics: Decodable, Sendable {
        let omnibus, omnibusP, skew, kurtosis, jarqueBera, jarqueBeraP, durbinWatson, conditionNumber: Double
    }
    struct Exact: Decodable, Sendable {
        let params: [Double]
        let bse: [String: [Double?]]
        let bandwidth: Double
        let autoLags: Int
        let prediction: [String: Prediction]
        let diagnostics: Diagnostics
        let influence: Influence
        let vif, vifUncentred: [Double]
    }
    struct Statsmodels: Decodable, Sendable {
        let bse, pvalues: [String: [Double?]]
        let fvalue, fPValue: [String: Double?]
        let pvaluesT: [String: [Double]]
        let prediction: [String: [String: [String: [Double]]]]
        let influence: Influence
        let diagnostics: Diagnostics
        let vif, vifUncentred: [Double]
    }
    struct R: Decodable, Sendable {
        let bse: [String: [Double?]]
        let bandwidth: Double
        let influence: Influence
        let vif: [Double]
    }
    let name: String
    let heldOut: Bool
    let lags: Int
    let x: [[Double]]
    let y: [Double]
    let weights: [Double]?
    let newX: [[Double]]
    let exact: Exact
    let statsmodels: Statsmodels
    let r: R

    var testDescription: String { name + (heldOut ? " (held out)" : "") }
    var features: Matrix<Double> { try! Matrix(x) }
    var rows: Int { y.count }
    /// The cluster labels the reference used: `i mod 7`, and `i mod 5` for the second way.
    var groups: [Int] { (0..<rows).map { $0 % 7 } }
    var secondGroups: [Int] { (0..<rows).map { $0 % 5 } }

    /// The covariance types, keyed as in the reference.
    var covariances: [(key: String, covariance: LeastSquares.Covariance)] {
        [("nonrobust", .nonrobust), ("hc0", .hc0), ("hc1", .hc1), ("hc2", .hc2), ("hc3", .hc3),
         ("hac", .hac(lags: lags)), ("hac_corrected", .hac(lags: lags, smallSampleCorrection: true)),
         ("hac_auto", .hac(lags: nil)), ("cluster", .cluster(groups: groups)),
         ("cluster2", .twoWayCluster(groups, secondGroups))]
    }

    func fit() throws -> LeastSquaresSolution<Double> {
        try weights.map { try LeastSquares.solve(features, y, weights: $0) } ?? LeastSquares.solve(features, y)
    }

    func summary(_ fit: LeastSquaresSolution<Double>, _ covariance: LeastSquares.Covariance,
                 useT: Bool? = nil) throws -> RegressionSummary {
        try weights.map { try fit.summary(features: features, targets: y, weights: $0, covariance: covariance, useT: useT) }
            ?? fit.summary(features: features, targets: y, covariance: covariance, useT: useT)
    }

    static let all: [InferenceCase] = {
        struct File: Decodable { let cases: [InferenceCase] }
        let url = Bundle.module.url(forResource: "reference", withExtension: "json", subdirectory: "Resources/inference")!
        return try! JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases
    }()
}

/// The fewest digits of `ours` against `reference`, entry by entry (`nil` reference entries —
/// variances below zero — must be NaN in `ours`).
func worstDigits(_ ours: [Double], _ reference: [Double?]) -> Double {
    guard ours.count == reference.count else { return -1 }
    return zip(ours, reference).reduce(15.0) { worst, pair in
        guard let theirs = pair.1 else { return pair.0.isNaN ? worst : -1 }
        return Swift.min(worst, digits(pair.0, theirs))
    }
}
