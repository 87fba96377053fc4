extension GradientDescent {
    /// Trains `model` in place on weighted rows: the objective is the weighted MSE
    /// `Σwᵢ(ŷᵢ − yᵢ)² / Σwᵢ` (plus the penalty).
    ///
    /// Internally the weights are normalised to mean 1 over the training rows, `ŵᵢ = wᵢ/mean(w)`,
    /// and a batch of `m` rows steps along `(2/m)·Σŵᵢrᵢ[xᵢ 1]`: the exact gradient for a full
    /// batch, an unbiased estimate of it for mini-batches and single rows. Scaling every weight by
    /// the same factor changes nothing; integer weights train like duplicated rows in full-batch
    /// mode. This is scikit-learn's `sample_weight` of `SGDRegressor` with the step size divided
    /// by the mean weight. Zero weights are allowed (such rows count for nothing).
    ///
    /// - Parameters:
    ///   - model: The model to train.
    ///   - features: `n × d` features, row-major.
    ///   - targets: `n` targets.
    ///   - weights: `n` sample weights, finite and ≥ 0, not all zero.
    ///   - onEpoch: Called after every epoch.
    /// - Returns: The per-epoch (weighted) losses and times, and why training stopped.
    /// - Throws: as ``fit(_:features:targets:onEpoch:)-(_,_,[Scalar],_)``, and
    ///   ``DescentError/invalidOption(name:value:expected:)`` for weights of the wrong count,
    ///   negative or non-finite weights, or all zero.
    @discardableResult
    public func fit(_ model: inout LinearModel<Scalar>, features: Matrix<Scalar>, targets: [Scalar], weights: [Scalar],
                    onEpoch: ((EpochReport<Scalar>) -> Void)? = nil) throws(DescentError) -> FitHistory<Scalar> {
        try prepare(&model, features: features, targets: targets, targetColumns: 1)
        try Validation.checkWeights(weights, rows: features.rows)
        return try train(&model, features: features, targets: targets, targetColumns: 1, weights: weights, epochs: epochs,
                         holdOut: true, whole: true, onEpoch: onEpoch)
    }

    /// One epoch on weighted rows that arrive in pieces; see ``partialFit(_:features:targets:)-(_,_,[Scalar])`` and
    /// ``fit(_:features:targets:weights:onEpoch:)-(_,Matrix<Scalar>,[Scalar],[Scalar],_)``. The weights are normalised within each call.
    ///
    /// - Parameters:
    ///   - model: The model to train.
    ///   - features: The piece's features.
    ///   - targets: Its targets.
    ///   - weights: Its sample weights.
    /// - Returns: The epoch's loss and time.
    /// - Throws: as ``fit(_:features:targets:weights:onEpoch:)-(_,Matrix<Scalar>,[Scalar],[Scalar],_)``.
    @discardableResult
    public func partialFit(_ model: inout LinearModel<Scalar>, features: Matrix<Scalar>, targets: [Scalar],
                           weights: [Scalar]) throws(DescentError) -> FitHistory<Scalar> {
        try prepare(&model, features: features, targets: targets, targetColumns: 1)
        try Validation.checkWeights(weights, rows: features.rows)
        return try train(&model, features: features, targets: targets, targetColumns: 1, weights: weights, epochs: 1,
                         holdOut: false, whole: false, onEpoch: nil)
    }
}
