/// Checking a fit's inputs before training (the configuration itself is checked in
/// `GradientDescent+Preparation.swift`).
extension GradientDescent {
    /// Checks the configuration, the data (`targets` row-major `n × targetColumns`; for several
    /// targets also as the caller's `targetMatrix`, whose errors name its cells) and the model,
    /// and initialises an empty model.
    func prepare<Model: TrainableModel>(_ model: inout Model, features: Matrix<Scalar>, targets: [Scalar],
                                        targetColumns k: Int, targetMatrix: Matrix<Scalar>? = nil)
        throws(DescentError) where Model.Scalar == Scalar {
        try validateConfiguration()
        if let targetMatrix {
            try Validation.checkShape(features, targets: targetMatrix)
            try Validation.checkFinite(features)
            try Validation.checkFinite(targets: targetMatrix)
        } else {
            try Validation.checkShape(features, targets)
            try Validation.checkFinite(features)
            try Validation.checkFinite(targets)
        }
        if model.isEmpty { model = .initial(initialization, columns: features.columns, targets: k, seed: seed) }
        try model.check(columns: features.columns, targets: k)
    }
}
