import Descent
import Foundation

extension Workload {
    /// Epochs on whitened features, each repetition a one-epoch `fit` (whitening applies to
    /// whole fits, not to `partialFit`) timed as the training loop records its epoch: the
    /// correlation pass and the factorisation before it are not part of the epoch, and are timed
    /// on their own as `whitening-setup` (a whole one-epoch fit minus its epoch). The models start
    /// from zero each time, so every repetition does the same work.
    func measureWhitenedEpochs(_ pairing: StreamPairing, readOnce: Double) throws -> [Measurement] {
        var results = [Measurement]()
        let runs: [(BenchmarkName, BatchMode)] = [(.batchEpochWhitened, .batch),
                                                  (.minibatchEpochWhitened, .miniBatch(size: settings.batchSize))]
        var setups = [Double]()
        for (name, mode) in runs where settings.selected(name) || (mode == .batch && settings.selected(.whiteningSetup)) {
            var gd = GradientDescent<S>(mode: mode, learningRate: learningRate(mode), epochs: 1, seed: settings.seed)
            gd.preconditioning = .whitened
            gd.stopWhenConverged = false
            let times = try Progress.phase("\(precision) \(name.rawValue) ×\(settings.epochs)") {
                try pairing.interleave(repetitions: settings.epochs - 1) {
                    var model = LinearModel<S>()
                    let start = ContinuousClock.now
                    let history = try gd.fit(&model, features: features, targets: targets)
                    let whole = (ContinuousClock.now - start).seconds
                    guard history.whitened, let epoch = history.elapsedSeconds.last else { return nil }
                    // The fit's measurement of convergence after the epoch is one more gradient
                    // pass: setup = whole − epoch − that pass (≈ one plain batch gradient, not
                    // counted here, so the setup row is an upper bound).
                    if mode == .batch { setups.append(whole - epoch) }
                    return epoch
                }
            }
            if settings.selected(name) { results.append(measurement(name, times, readOnce: readOnce)) }
        }
        if settings.selected(.whiteningSetup), !setups.isEmpty {
            let setup = Measurement(benchmark: .whiteningSetup, precision: precision, rows: rows, features: columns,
                                    seconds: median(setups), bytes: bytes, readOnceSeconds: readOnce)
            results.append(setup)
        }
        return results
    }
}
