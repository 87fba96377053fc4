import Descent

extension Workload {
    /// `summary-hc3`: the least-squares fit and its summary with HC3 standard errors, end to end
    /// through the public entry points — `LeastSquares.solve(X, y)` then
    /// `summary(features:targets:covariance: .hc3)` (the QR for the standard errors, statsmodels'
    /// condition number, the pass for the leverages and the meat, the residual tests) — as
    /// statsmodels users write `OLS(y, X).fit(cov_type="HC3")`. One run, after a streaming read.
    func measureSummary(_ pairing: StreamPairing, readOnce: Double) throws -> [Measurement] {
        guard let (times, summary) = try timeExact(.summaryHC3, pairing, repetitions: 1, {
            try LeastSquares.solve(features, targets).summary(features: features, targets: targets, covariance: .hc3)
        }) else { return [] }
        var result = measurement(.summaryHC3, times, readOnce: readOnce)
        result.condition = summary.conditionNumber
        return [result]
    }
}
