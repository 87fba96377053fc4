import Foundation
import Testing
@testable import Descent

/// The residual table, influence measures, VIF and prediction frames against the
/// extended-precision reference (statsmodels and R within their own measured error).
@Suite("Diagnostics, influence and prediction")
struct DiagnosticsTests {
    static let exactDigits = 9.0

    @Test("residual tests and condition number, as statsmodels' summary", arguments: InferenceCase.all)
    func residualTests(reference: InferenceCase) throws {
        let fit = try reference.fit()
        let s = try reference.summary(fit, .nonrobust)
        let t = try #require(s.residualTests)
        let e = reference.exact.diagnostics
        for (label, ours, theirs) in [("omnibus", t.omnibus, e.omnibus), ("P(omnibus)", t.omnibusPValue, e.omnibusP),
                                      ("skew", t.skew, e.skew), ("kurtosis", t.kurtosis, e.kurtosis),
                                      ("JB", t.jarqueBera, e.jarqueBera), ("P(JB)", t.jarqueBeraPValue, e.jarqueBeraP),
                                      ("DW", t.durbinWatson, e.durbinWatson)] {
            #expect(digits(ours, theirs) >= Self.exactDigits, "\(reference) \(label): \(ours) vs \(theirs)")
        }
        // The raw condition number: the summary's comes from the singular values of the raw design.
        #expect(digits(s.conditionNumber, e.conditionNumber) >= Self.exactDigits, "\(reference) condition number")
        #expect(s.description.contains("Durbin-Watson:") && s.description.contains("Covariance type:"))
    }

    @Test("influence: leverage, studentised residuals, Cook's distance, DFFITS", arguments: InferenceCase.all)
    func influence(reference: InferenceCase) throws {
        let fit = try reference.fit()
        let d = try fit.diagnostics(features: reference.features, targets: reference.y, weights: reference.weights)
        let e = reference.exact.influence
        for (label, ours, exact, r) in [("leverage", d.leverage, e.leverage, reference.r.influence.leverage),
                                        ("studentized", d.studentizedResiduals, e.studentized, reference.r.influence.studentized),
                                        ("external", d.externallyStudentizedResiduals, e.externallyStudentized,
                                         reference.r.influence.externallyStudentized),
                                        ("Cook", d.cooksDistance, e.cooksDistance, reference.r.influence.cooksDistance),
                                        ("DFFITS", d.dffits, e.dffits, reference.r.influence.dffits)] {
            let reached = worstDigits(ours, exact)
            #expect(reached >= Self.exactDigits, "\(reference) \(label): \(reached) digits")
            let rDigits = worstDigits(r, exact)
            #expect(worstDigits(ours, r) >= Swift.min(Self.exactDigits, rDigits) - 0.5, "\(reference) \(label) against R")
        }
        #expect(d.durbinWatson == (try reference.summary(fit, .nonrobust)).residualTests!.durbinWatson)
    }

    @Test("VIF with and without an intercept", arguments: InferenceCase.all.filter { $0.weights == nil })
    func varianceInflation(reference: InferenceCase) throws {
        let centred = try LeastSquares.varianceInflationFactors(reference.features)
        let uncentred = try LeastSquares.varianceInflationFactors(reference.features, intercept: false)
        #expect(worstDigits(centred, reference.exact.vif) >= Self.exactDigits, "\(reference) VIF")
        #expect(worstDigits(uncentred, reference.exact.vifUncentred) >= Self.exactDigits, "\(reference) uncentred VIF")
        #expect(worstDigits(centred, reference.r.vif) >= 9 && worstDigits(centred, reference.statsmodels.vif) >= 9)
        let single = try Matrix(rows: 3, columns: 1, elements: [1.0, 2, 4])
        #expect(try LeastSquares.varianceInflationFactors(single) == [1])
    }

    @Test("prediction frames under nonrobust, HC3 and clustered covariances", arguments: InferenceCase.all)
    func predictionFrames(reference: InferenceCase) throws {
        let fit = try reference.fit()
        let newX = try Matrix(reference.newX)
        for (key, covariance) in [("nonrobust", LeastSquares.Covariance.nonrobust), ("hc3", .hc3),
                                  ("cluster", .cluster(groups: reference.groups))] {
            let exact = try #require(reference.exact.prediction[key])
            for level in [0.95, 0.9] {
                let p = try fit.prediction(for: newX, features: reference.features, targets: reference.y,
                                           weights: reference.weights, level: level, covariance: covariance)
                #expect(worstDigits(p.mean, exact.mean) >= Self.exactDigits, "\(reference) \(key) mean")
                #expect(worstDigits(p.standardErrors, exact.seMean) >= Self.exactDigits, "\(reference) \(key) se")
                #expect(worstDigits(p.observationStandardErrors, exact.seObs) >= Self.exactDigits, "\(reference) \(key) obs se")
                // The frame statsmodels prints: its bounds use its own quantile, ours agree as far as its numbers do.
                let frame = try #require(reference.statsmodels.prediction[key]?[level == 0.95 ? "0.05" : "0.1"])
                for (label, ours) in [("mean_ci_lower", p.meanIntervals.map(\.lower)), ("mean_ci_upper", p.meanIntervals.map(\.upper)),
                                      ("obs_ci_lower", p.observationIntervals.map(\.lower)),
                                      ("obs_ci_upper", p.observationIntervals.map(\.upper))] {
                    #expect(worstDigits(ours, frame[label]!) >= 9, "\(reference) \(key) \(level) \(label)")
                }
            }
        }
    }

    @Test("a model saved with its inference predicts the same intervals; version 1 files still load")
    func savedInference() throws {
        let reference = InferenceCase.all[0]
        let fit = try reference.fit()
        var model = fit.model
        model.inference = try fit.summary(features: reference.features, targets: reference.y, covariance: .hc3).inference
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("inference-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try model.save(to: url)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        #expect(json?["version"] as? Int == 2 && json?["inference"] != nil)
        let loaded = try LinearModel<Double>(contentsOf: url)
        #expect(loaded.inference == model.inference)
        let newX = try Matrix(reference.newX)
        let direct = try fit.prediction(for: newX, features: reference.features, targets: reference.y, covariance: .hc3)
        let saved = try loaded.prediction(for: newX)
        #expect(saved.meanIntervals.map(\.lower) == direct.meanIntervals.map(\.lower))
        #expect(saved.observationIntervals.map(\.upper) == direct.observationIntervals.map(\.upper))
        let old = #"{"format": "descent.linear-model", "version": 1, "precision": "float64", "weights": [1, 2], "bias": 0.5}"#
        let decoded = try JSONDecoder().decode(LinearModel<Double>.self, from: Data(old.utf8))
        #expect(decoded.weights == [1, 2] && decoded.inference == nil)
        expectDescentError(.invalidOption(name: "inference", value: "nil",
                                          expected: "a model with its inference (a least-squares fit's summary(...).inference)")) {
            _ = try decoded.prediction(for: try Matrix(rows: 1, columns: 2, elements: [1.0, 1]))
        }
    }

    @Test("Float data gets Double-quality inference")
    func floatData() throws {
        let reference = InferenceCase.all[1]
        let x = try Matrix(rows: reference.rows, columns: reference.x[0].count,
                           elements: reference.x.flatMap { $0.map { Float($0) } })
        let y = reference.y.map { Float($0) }
        let fit = try LeastSquares.solve(x, y)
        let s = try fit.summary(features: x, targets: y, covariance: .hc3)
        let xd = try Matrix(reference.x.map { $0.map { Double(Float($0)) } }), yd = y.map(Double.init)
        let double = try LeastSquares.solve(xd, yd).summary(features: xd, targets: yd, covariance: .hc3)
        #expect(worstDigits(s.standardErrors, double.standardErrors) >= 5)
    }
}
