import Descent

extension Workload {
    /// statsmodels' default Huber threshold for `huber-irls`: `RLM(y, X, M=HuberT())`, `t = 1.345`.
    static var huberT: Double { 1.345 }
    /// The quantile `quantile-exact` fits: the median, least absolute deviations.
    static var exactQuantile: Double { 0.5 }

    /// The exact robust solvers on the targets with outliers (`SyntheticData.targetsWithOutliers`),
    /// timed end to end through their public entry points (validation, every pass, the result's
    /// construction): `huber-irls`, `RobustRegression.fit(X, y, norm: .huber(t: 1.345))` with the
    /// MAD scale, iterated to its fixed point; `quantile-exact`, `QuantileRegression.fit(X, y,
    /// quantile: 0.5)`, the Frisch–Newton interior point finished at a certified vertex.
    /// `repetitions` fits each (the median reported), each right after a streaming read, after a
    /// warm-up fit when there are several (a single fit is a large shape's, where a warm-up would
    /// double a long phase); each row says how many iterations the fit took and whether it converged.
    func measureRobustExact(_ pairing: StreamPairing, readOnce: Double, repetitions: Int) throws -> [Measurement] {
        guard !settings.skipSolvers, settings.selected(.huberIRLS) || settings.selected(.quantileExact) else { return [] }
        let robustTargets = data.targetsWithOutliers.map { S($0) }
        var results = [Measurement]()
        if settings.selected(.huberIRLS) {
            var fit: RobustRegressionFit<S>? = nil
            let times = try Progress.phase("\(precision) \(BenchmarkName.huberIRLS.rawValue) ×\(repetitions)") {
                try pairing.interleave(repetitions: repetitions, warmUp: repetitions > 1) {
                    fit = try RobustRegression.fit(features, robustTargets, norm: .huber(t: Self.huberT))
                    return nil
                }
            }
            if let fit {
                var result = measurement(.huberIRLS, times, readOnce: readOnce)
                result.loss = "huber-t:\(Self.huberT), mad scale"
                result.iterations = fit.iterations
                result.converged = fit.converged
                result.scale = fit.scale
                results.append(result)
            }
        }
        if settings.selected(.quantileExact) {
            var fit: QuantileRegression<S>? = nil
            let times = try Progress.phase("\(precision) \(BenchmarkName.quantileExact.rawValue) ×\(repetitions)") {
                try pairing.interleave(repetitions: repetitions, warmUp: repetitions > 1) {
                    fit = try QuantileRegression<S>.fit(features, robustTargets, quantile: Self.exactQuantile)
                    return nil
                }
            }
            if let fit {
                var result = measurement(.quantileExact, times, readOnce: readOnce)
                result.loss = "quantile:\(Self.exactQuantile)"
                result.iterations = fit.iterations
                result.converged = fit.converged
                result.dualityGap = fit.dualityGap
                results.append(result)
            }
        }
        return results
    }
}
