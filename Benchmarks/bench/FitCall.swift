import Descent

extension Workload {
    /// The entry point a user calls, timed as the user sees it: the wall time of
    /// `GradientDescent.fit` (full batch, the run's epochs, every default but the rate), which
    /// validates the input, trains and certifies the result (the convergence certificate's Gram
    /// pass included), two calls after a warm-up, each right after a streaming read. The epoch
    /// rows time the epochs alone (`partialFit`, as the training loop records them); this row
    /// shows what a call costs around them (`epochs_seconds`: the median its epochs recorded).
    func measureFitCall(_ pairing: StreamPairing, readOnce: Double) throws -> [Measurement] {
        guard settings.selected(.fitCall) else { return [] }
        var inside = [Double]()
        let times = try Progress.phase("\(precision) fit-call ×2") {
            try pairing.interleave(repetitions: 2) {
                var model = LinearModel<S>()
                let gd = GradientDescent<S>(mode: .batch, learningRate: learningRate(.batch), epochs: settings.epochs,
                                            seed: settings.seed)
                inside.append(try gd.fit(&model, features: features, targets: targets).elapsedSeconds.last ?? 0)
                return nil   // timed by its wall time
            }
        }
        var result = measurement(.fitCall, times, readOnce: readOnce)
        result.mode = "batch"
        result.epochsSeconds = median(Array(inside.suffix(times.workload.count)))
        return [result]
    }
}
