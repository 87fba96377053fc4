extension GradientDescent {
    /// Trains `model` in place on a ``Dataset``, as ``fit(_:features:targets:onEpoch:)-(_,_,[Scalar],_)`` does, and
    /// gives the model the data set's feature names.
    ///
    /// - Parameters:
    ///   - model: The model to train.
    ///   - dataset: The features, targets and names.
    ///   - onEpoch: Called after every epoch, e.g. to log progress.
    /// - Returns: The per-epoch losses and times, and why training stopped.
    /// - Throws: as ``fit(_:features:targets:onEpoch:)-(_,_,[Scalar],_)``.
    @discardableResult
    public func fit(_ model: inout LinearModel<Scalar>, from dataset: Dataset<Scalar>,
                    onEpoch: ((EpochReport<Scalar>) -> Void)? = nil) throws(DescentError) -> FitHistory<Scalar> {
        let history = try LeastSquares.naming(dataset.featureNames) { () throws(DescentError) in
            try fit(&model, features: dataset.features, targets: dataset.targets, onEpoch: onEpoch)
        }
        model.featureNames = dataset.featureNames
        return history
    }
}
