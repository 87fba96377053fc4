/// Checking a single-target fit's inputs before training (the configuration itself is checked in
/// `GradientDescent+Preparation.swift`).
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
}
