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
        if case let (times, fit)? = try timeExact(.huberIRLS, pairing, repetitions: repetitions, {
            try RobustRegression.fit(features, robustTargets, norm: .huber(t: Self.huberT))
        }) {
            var result = measurement(.huberIRLS, times, readOnce: readOnce)
            result.loss = "huber-t:\(Self.huberT), mad scale"
            (result.iterations, result.converged, result.scale) = (fit.iterations, fit.converged, fit.scale)
            results.append(result)
        }
        if case let (times, fit)? = try timeExact(.quantileExact, pairing, repetitions: repetitions, {
            try QuantileRegression<S>.fit(features, robustTargets, quantile: Self.exactQuantile)
        }) {
            var result = measurement(.quantileExact, times, readOnce: readOnce)
            result.loss = "quantile:\(Self.exactQuantile)"
            (result.iterations, result.converged, result.dualityGap) = (fit.iterations, fit.converged, fit.dualityGap)
            results.append(result)
        }
        return results
    }

    /// `fit` timed as benchmark `name` if it was selected: `repetitions` runs, each right after a
    /// streaming read, after a warm-up when there are several; the times and the last fit.
    func timeExact<Fit>(_ name: BenchmarkName, _ pairing: StreamPairing, repetitions: Int,
                        _ fit: () throws -> Fit) throws -> (PairedTimes, Fit)? {
        guard settings.selected(name) else { return nil }
        var last: Fit? = nil
        let times = try Progress.phase("\(precision) \(name.rawValue) ×\(repetitions)") {
            try pairing.interleave(repetitions: repetitions, warmUp: repetitions > 1) {
                last = try fit()
                return nil
            }
        }
        return last.map { (times, $0) }
    }
}
