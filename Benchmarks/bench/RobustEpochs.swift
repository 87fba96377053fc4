import Descent

extension SyntheticData {
    /// Every `outlierPeriod`-th row (rows `i` with `i % 20 == 7`, 5 %) has a gross outlier.
    static let outlierPeriod = 20
    static let outlierOffset = 7
    /// The outliers' shift of the target: 50 times the noise's standard deviation.
    static let outlierShift = 50 * noiseScale

    /// The targets with gross outliers: `y` shifted by ``outlierShift`` on rows `i % 20 == 7`, a
    /// deterministic rule a peer reproduces on its own data (`y[7::20] += 5.0` in numpy).
    var targetsWithOutliers: [Double] {
        var shifted = y
        for i in stride(from: Self.outlierOffset, to: rows, by: Self.outlierPeriod) { shifted[i] += Self.outlierShift }
        return shifted
    }
}

extension Workload {
    /// Huber's threshold: 1.35 noise standard deviations, in target units (statsmodels' `t = 1.345`
    /// at the true scale; scikit-learn's `SGDRegressor(loss='huber', epsilon=0.135)` minimises half of it).
    static var huberDelta: Double { 1.35 * SyntheticData.noiseScale }
    /// The pinball loss's quantile.
    static var quantileTau: Double { 0.9 }

    /// Epochs of the robust losses against the squared loss's, on the targets with outliers
    /// (`SyntheticData.targetsWithOutliers`): per mode, one model per loss, each repetition a
    /// one-epoch `partialFit` with the mode's fixed learning rate (the losses' subgradient steps, no
    /// convergence measurement, as the plain epoch rows), timed as the training loop records the
    /// epoch, after a warm-up epoch each. The losses take turns repetition by repetition, each
    /// right after its streaming read, so `ratio_to_squared`, the median of the per-repetition
    /// ratios loss ÷ squared, compares epochs that saw the machine in the same state.
    func measureRobustEpochs(_ pairing: StreamPairing, readOnce: Double) throws -> [Measurement] {
        let groups: [(BatchMode, [(name: BenchmarkName, loss: Loss)])] = [
            (.batch, [(.huberEpoch, .huber(delta: Self.huberDelta)), (.quantileEpoch, .quantile(Self.quantileTau))]),
            (.stochastic, [(.huberStochasticEpoch, .huber(delta: Self.huberDelta))]),
        ]
        guard groups.contains(where: { $0.1.contains { settings.selected($0.name) } }) else { return [] }
        let robustTargets = data.targetsWithOutliers.map { S($0) }
        var results = [Measurement]()
        for (mode, runs) in groups {
            let selected = runs.filter { settings.selected($0.name) }
            guard !selected.isEmpty else { continue }
            let losses = [Loss.squared] + selected.map(\.loss)
            let label = selected.map(\.name.rawValue).joined(separator: ", ")
            let times = try Progress.phase("\(precision) \(label) vs squared ×\(settings.epochs)") {
                var fits = losses.map { loss in
                    var gd = GradientDescent<S>(mode: mode, learningRate: learningRate(mode), epochs: 1,
                                                seed: settings.seed)
                    gd.loss = loss
                    return (gd: gd, model: LinearModel<S>())
                }
                for k in fits.indices {
                    _ = try fits[k].gd.partialFit(&fits[k].model, features: features, targets: robustTargets)
                }
                var times = [PairedTimes](repeating: PairedTimes(), count: fits.count)
                for _ in 1..<settings.epochs {
                    for k in fits.indices {
                        let paired = try pairing.interleave(repetitions: 1, warmUp: false) {
                            try fits[k].gd.partialFit(&fits[k].model, features: features, targets: robustTargets)
                                .elapsedSeconds.last
                        }
                        times[k].stream += paired.stream
                        times[k].workload += paired.workload
                    }
                }
                return times
            }
            let squared = times[0].workload
            for (k, run) in selected.enumerated() {
                var result = measurement(run.name, times[k + 1], readOnce: readOnce)
                result.loss = run.loss.description
                result.squaredSeconds = median(squared)
                result.ratioToSquared = median(zip(times[k + 1].workload, squared).map { $0 / $1 })
                results.append(result)
            }
        }
        return results
    }
}
