extension GradientDescent {
    /// Trains a model of several targets in place on `features` and `targets` (`n × k`).
    ///
    /// The objective is the sum over targets of each target's objective (its MSE plus the
    /// penalty on its weights), so every target's weights and bias take the steps a fit of that
    /// target alone would take: the same mode, rate, schedule, optimiser, penalty and row order.
    /// Each block of rows is read once for all targets: residuals `R = X_b·W + 1bᵀ − Y_b` and the
    /// gradient `X_bᵀR` are two `gemm`. The history's loss is the mean over targets of their MSEs
    /// (for one target, the single-target loss), and so are the loss-based stop rules'
    /// (``lossThreshold``, ``tolerance``, the adaptive schedule, early stopping's validation
    /// loss); the convergence criterion measures the gradient of the summed objective. The
    /// automatic learning rate depends on the features alone, and is the single-target one.
    ///
    /// A model with weights continues from them and from its training state (its shape must match
    /// the data); an empty model (``MultiLinearModel/init()``) is first initialised per
    /// ``initialization``, target by target. One target trains as
    /// ``fit(_:features:targets:onEpoch:)-(_,_,[Scalar],_)`` does, bit for bit whenever
    /// that fit computes its gradients on one partition (full batches under 2¹⁷ elements,
    /// mini-batches under 2¹²): the multi-target loop runs on the calling thread, with `gemm`
    /// (threaded by OpenBLAS for large blocks) where the single-target loop splits large batches
    /// between threads.
    ///
    /// ```swift
    /// var model = MultiLinearModel<Double>()
    /// let history = try gd.fit(&model, features: X, targets: Y)
    /// ```
    ///
    /// - Parameters:
    ///   - model: The model to train.
    ///   - features: `n × d` features, row-major.
    ///   - targets: `n × k` targets, one column per target.
    ///   - onEpoch: Called after every epoch, e.g. to log progress.
    /// - Returns: The per-epoch losses and times, and why training stopped.
    /// - Throws: ``DescentError`` for inconsistent shapes (rows of targets and features differ, no
    ///   target column, a model of another width or number of targets), empty data, NaN or ±∞ in
    ///   the data or the model, an invalid configuration, or divergence
    ///   (``DescentError/diverged(epoch:update:learningRate:hint:)``, which leaves the model at its
    ///   last finite state).
    /// - Complexity: O(epochs × n × d × k) time; O(block × (d + k) + d × k) memory besides the data.
    @specialized(where Scalar == Float)
    @specialized(where Scalar == Double)
    @discardableResult
    public func fit(_ model: inout MultiLinearModel<Scalar>, features: Matrix<Scalar>, targets: Matrix<Scalar>,
                    onEpoch: ((EpochReport<Scalar>) -> Void)? = nil) throws(DescentError) -> FitHistory<Scalar> {
        let values = targets.elements
        try prepare(&model, features: features, targets: values, targetColumns: targets.columns, targetMatrix: targets)
        return try train(&model, features: features, targets: values, targetColumns: targets.columns, weights: nil,
                         epochs: epochs, holdOut: true, whole: true, onEpoch: onEpoch)
    }

    /// Trains a model of several targets on weighted rows: every target's objective is its
    /// weighted MSE `Σwᵢ(ŷᵢₜ − yᵢₜ)² / Σwᵢ` (plus the penalty), with the conventions of the
    /// single-target ``fit(_:features:targets:weights:onEpoch:)``: weights normalised to mean 1
    /// over the training rows, zero weights allowed, integer weights train like duplicated rows in
    /// full-batch mode. Each target trains as a weighted fit of that target alone.
    ///
    /// ```swift
    /// var model = MultiLinearModel<Double>()
    /// let history = try gd.fit(&model, features: X, targets: Y, weights: w)
    /// ```
    ///
    /// - Parameters:
    ///   - model: The model to train.
    ///   - features: `n × d` features, row-major.
    ///   - targets: `n × k` targets, one column per target.
    ///   - weights: `n` sample weights, finite and ≥ 0, not all zero.
    ///   - onEpoch: Called after every epoch.
    /// - Returns: The per-epoch (weighted) losses and times, and why training stopped.
    /// - Throws: as ``fit(_:features:targets:onEpoch:)-(_,Matrix<Scalar>,Matrix<Scalar>,_)``, and
    ///   ``DescentError/invalidOption(name:value:expected:)`` for weights of the wrong count,
    ///   negative or non-finite weights, or all zero.
    /// - Complexity: as the unweighted fit, plus O(n) per epoch.
    @discardableResult
    public func fit(_ model: inout MultiLinearModel<Scalar>, features: Matrix<Scalar>, targets: Matrix<Scalar>,
                    weights: [Scalar], onEpoch: ((EpochReport<Scalar>) -> Void)? = nil) throws(DescentError)
        -> FitHistory<Scalar> {
        let values = targets.elements
        try prepare(&model, features: features, targets: values, targetColumns: targets.columns, targetMatrix: targets)
        try Validation.checkWeights(weights, rows: features.rows)
        return try train(&model, features: features, targets: values, targetColumns: targets.columns, weights: weights,
                         epochs: epochs, holdOut: true, whole: true, onEpoch: onEpoch)
    }

    /// Trains a model of several targets for one epoch on `features` and `targets` only: for data
    /// that arrives in pieces, as the single-target ``partialFit(_:features:targets:)`` does (the
    /// optimiser state and counters carry over between calls; no early stopping, no
    /// preconditioning, no convergence measurement).
    ///
    /// - Parameters:
    ///   - model: The model to train; an empty one is first initialised.
    ///   - features: The piece's `n × d` features.
    ///   - targets: Its `n × k` targets.
    /// - Returns: The epoch's loss and time.
    /// - Throws: as ``fit(_:features:targets:onEpoch:)-(_,Matrix<Scalar>,Matrix<Scalar>,_)``.
    @discardableResult
    public func partialFit(_ model: inout MultiLinearModel<Scalar>, features: Matrix<Scalar>,
                           targets: Matrix<Scalar>) throws(DescentError) -> FitHistory<Scalar> {
        let values = targets.elements
        try prepare(&model, features: features, targets: values, targetColumns: targets.columns, targetMatrix: targets)
        return try train(&model, features: features, targets: values, targetColumns: targets.columns, weights: nil,
                         epochs: 1, holdOut: false, whole: false, onEpoch: nil)
    }

    /// One epoch on weighted rows of several targets that arrive in pieces; see
    /// ``partialFit(_:features:targets:)-(_,_,Matrix<Scalar>)`` and
    /// ``fit(_:features:targets:weights:onEpoch:)-(_,_,Matrix<Scalar>,_,_)``. The weights are
    /// normalised within each call.
    ///
    /// - Parameters:
    ///   - model: The model to train.
    ///   - features: The piece's features.
    ///   - targets: Its targets.
    ///   - weights: Its sample weights.
    /// - Returns: The epoch's loss and time.
    /// - Throws: as ``fit(_:features:targets:weights:onEpoch:)-(_,_,Matrix<Scalar>,_,_)``.
    @discardableResult
    public func partialFit(_ model: inout MultiLinearModel<Scalar>, features: Matrix<Scalar>, targets: Matrix<Scalar>,
                           weights: [Scalar]) throws(DescentError) -> FitHistory<Scalar> {
        let values = targets.elements
        try prepare(&model, features: features, targets: values, targetColumns: targets.columns, targetMatrix: targets)
        try Validation.checkWeights(weights, rows: features.rows)
        return try train(&model, features: features, targets: values, targetColumns: targets.columns, weights: weights,
                         epochs: 1, holdOut: false, whole: false, onEpoch: nil)
    }
}
