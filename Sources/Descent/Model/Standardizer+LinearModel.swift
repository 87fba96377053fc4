/// A model `ŷ = zᵀv + c` on standardised features `zⱼ = (xⱼ − μⱼ)/σⱼ` is the model
/// `ŷ = xᵀw + b` with `wⱼ = vⱼ/σⱼ` and `b = c − Σⱼ μⱼwⱼ`: the maps between the two.
extension Standardizer {
    /// A model on the original features as the same model on standardised ones. Its training
    /// state is kept: it belongs to the standardised problem.
    ///
    /// - Throws: ``DescentError/weightCountMismatch(weights:features:)`` for a model of another width.
    public func standardized(_ model: LinearModel<Scalar>) throws(DescentError) -> LinearModel<Scalar> {
        guard model.weights.count == means.count else {
            throw .weightCountMismatch(weights: model.weights.count, features: means.count)
        }
        var result = model
        var bias = Double(model.bias)
        for j in 0..<means.count {
            bias += means[j] * Double(model.weights[j])
            result.weights[j] = Scalar(Double(model.weights[j]) * deviations[j])
        }
        result.bias = Scalar(bias)
        return result
    }

    /// A model on standardised features as the same model on the original ones.
    ///
    /// - Throws: ``DescentError/weightCountMismatch(weights:features:)`` for a model of another width.
    public func original(_ model: LinearModel<Scalar>) throws(DescentError) -> LinearModel<Scalar> {
        guard model.weights.count == means.count else {
            throw .weightCountMismatch(weights: model.weights.count, features: means.count)
        }
        var result = model
        var bias = Double(model.bias)
        for j in 0..<means.count {
            let w = Double(model.weights[j]) / deviations[j]
            result.weights[j] = Scalar(w)
            bias -= means[j] * w
        }
        result.bias = Scalar(bias)
        return result
    }
}

extension Standardizer {
    /// A multi-target model on the original features as the same model on standardised ones,
    /// target by target. Its training state and names are kept.
    func standardized(_ model: MultiLinearModel<Scalar>) throws(DescentError) -> MultiLinearModel<Scalar> {
        try model.mapTargets { (column) throws(DescentError) in try standardized(column) }
    }

    /// A multi-target model on standardised features as the same model on the original ones,
    /// target by target.
    func original(_ model: MultiLinearModel<Scalar>) throws(DescentError) -> MultiLinearModel<Scalar> {
        try model.mapTargets { (column) throws(DescentError) in try original(column) }
    }
}

extension MultiLinearModel {
    /// The model whose target `t` is `transform(column(t))`, with this model's training state and names.
    func mapTargets(_ transform: (LinearModel<Scalar>) throws(DescentError) -> LinearModel<Scalar>)
        throws(DescentError) -> MultiLinearModel {
        var columns = [LinearModel<Scalar>]()
        for t in 0..<targetCount { columns.append(try transform(column(t))) }
        var result = targetCount == 0 ? self : try MultiLinearModel(columns)
        result.trainingState = trainingState
        result.featureNames = featureNames
        result.targetNames = targetNames
        return result
    }
}
