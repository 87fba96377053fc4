/// What every fit does before its loop, whatever the model: check the configuration, hold rows
/// out for early stopping, and resolve the learning rate.
extension GradientDescent {
    /// Checks every option; each option type validates itself.
    func validateConfiguration() throws(DescentError) {
        if !automaticLearningRate {
            guard learningRate.isFinite, learningRate > 0 else { throw .invalidLearningRate(Double(learningRate)) }
        }
        try mode.validate()
        try optimizer.validate()
        try schedule.validate()
        try penalty.validate()
        try loss.validate()
        if preconditioning == .whitened, penalty.strengths != (0, 0) {
            throw .invalidOption(name: "preconditioning", value: "whitened with the penalty \(penalty)",
                                 expected: "no penalty (whitening would move the penalty onto the whitened weights, "
                                     + "another objective), or preconditioning .automatic or .none")
        }
        try earlyStopping?.validate()
        try initialization.validate()
        if let tolerance, !(tolerance.isFinite && tolerance >= 0) {
            throw .invalidOption(name: "tolerance", value: "\(tolerance)", expected: "a finite number ≥ 0, or nil")
        }
        if let averagingInterval, averagingInterval < 1 {
            throw .invalidOption(name: "averagingInterval", value: "\(averagingInterval)", expected: "at least 1, or nil")
        }
        guard patience >= 1 else { throw .invalidOption(name: "patience", value: "\(patience)", expected: "at least 1") }
        guard epochs >= 1 else { throw .invalidEpochs(epochs) }
        guard convergenceTolerance.isFinite, convergenceTolerance >= 0 else {
            throw .invalidOption(name: "convergenceTolerance", value: "\(convergenceTolerance)", expected: "a finite number ≥ 0")
        }
        if let threshold = lossThreshold, !(threshold.isFinite && threshold >= 0) {
            throw .invalidOption(name: "lossThreshold", value: "\(threshold)", expected: "a finite number ≥ 0, or nil")
        }
    }

    /// The training rows (`nil`: all `n`) and the rows held out for early stopping (none unless
    /// `holdOut` and ``earlyStopping`` is set): a seeded partition.
    func heldOutRows(_ n: Int, holdOut: Bool) throws(DescentError) -> (members: [Int]?, validation: [Int]) {
        guard holdOut, let rule = earlyStopping else { return (nil, []) }
        let held = Int((rule.validationFraction * Double(n)).rounded())
        guard held >= 1, held < n else {
            throw .invalidOption(name: "earlyStopping.validationFraction", value: "\(rule.validationFraction)",
                                 expected: "a share that holds out at least one of the \(n) rows and keeps at least one")
        }
        var random = RandomSource(seed: seed ^ 0x5A17_0F0F_5A17_0F0F)
        let parts = random.partition(n, sizes: [held])
        return (parts[1], parts[0])
    }

    /// The share of the stability bound the automatic rate takes: ½ for averaged SGD on batches
    /// smaller than the data, Bach and Moulines' `1/(4R²)` for constant-step averaging (2013),
    /// whose average is biased by `O(η²)` when each epoch visits every row once; 1 otherwise,
    /// variance-reduced steps included: SVRG's `1/L_max` (`1/L(b)` for mini-batches) converged on
    /// every real data set of the tests where ⅓ and ½ of it (the theory's safer steps) needed up
    /// to three times the epochs, and its epochs check their objective and halve the rate if an
    /// epoch ever goes uphill (``SnapshotSchedule``).
    func automaticRateShare(rows: Int) -> Double {
        let batch = mode.batchSize(rows: rows)
        guard batch < rows else { return 1 }
        if varianceReduction == .svrg { return 1 }
        let averaging = chosenOptimizer?.isAveraging ?? !learningRateGiven
        return averaging ? 0.5 : 1
    }

    /// Sample weights normalised to mean 1 over the training rows `members` (all when `nil`):
    /// `ŵᵢ = wᵢ / mean(w)`; `nil` for unweighted rows.
    ///
    /// - Throws: ``DescentError/invalidOption(name:value:expected:)`` when every training row weighs zero.
    func normalizedWeights(_ weights: [Scalar]?, members: [Int]?) throws(DescentError) -> [Scalar]? {
        guard let weights else { return nil }
        let training = members.map { $0.reduce(0.0) { $0 + Double(weights[$1]) } / Double($0.count) }
            ?? weights.reduce(0.0) { $0 + Double($1) } / Double(weights.count)
        guard training > 0 else {
            throw .invalidOption(name: "weights", value: "zero on every training row",
                                 expected: "at least one training row (not held out) with a weight > 0")
        }
        return weights.map { Scalar(Double($0) / training) }
    }
}
