/// Checking a configuration and its inputs before training: each option type validates itself.
extension GradientDescent {
    /// Checks the configuration, the data and the model, and initialises an empty model.
    func prepare(_ model: inout LinearModel<Scalar>, features: Matrix<Scalar>, targets: [Scalar]) throws(DescentError) {
        try validateConfiguration()
        try Validation.checkShape(features, targets)
        try Validation.checkFinite(features)
        try Validation.checkFinite(targets)
        if model.weights.isEmpty { model = initialization.model(columns: features.columns, seed: seed) }
        try model.checkWidth(features.columns)
        try model.checkFinite()
    }

    /// Checks every option; each option type validates itself.
    func validateConfiguration() throws(DescentError) {
        if !automaticLearningRate {
            guard learningRate.isFinite, learningRate > 0 else { throw .invalidLearningRate(Double(learningRate)) }
        }
        try mode.validate()
        try optimizer.validate()
        try schedule.validate()
        try penalty.validate()
        try earlyStopping?.validate()
        try initialization.validate()
        if let tolerance, !(tolerance.isFinite && tolerance >= 0) {
            throw .invalidOption(name: "tolerance", value: "\(tolerance)", expected: "a finite number ≥ 0, or nil")
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
}
