import Descent

/// Gradient descent on rows spread over MPI ranks: every rank holds its own rows, and every rank
/// ends with the same model, the same bits.
///
/// ```swift
/// let world = try MPICommunicator.world()
/// var model = LinearModel<Double>()
/// let history = try gd.fit(&model, features: localX, targets: localY, across: world)
/// if world.isRoot { try model.save(to: "model.json") }     // one writer; the save is atomic
/// ```
///
/// - `.batch`: each epoch, every rank computes the gradient and loss of its rows; one sum across
///   the ranks (`d + 2` numbers); every rank applies the same update. The fit equals the
///   single-process fit on the ranks' rows concatenated in rank order, to rounding.
/// - `.miniBatch(size:)`: synchronous data parallel: each update uses a global batch of about
///   `size` rows split over the ranks in proportion to their rows, one sum per update.
/// - `.stochastic`: local SGD on each rank, with the models averaged across the ranks (the
///   training loop's `averagingInterval`, by default once per epoch), as Vowpal Wabbit's
///   allreduce mode does.
///
/// Standardisation, the automatic learning rate, early stopping, penalties, optimisers, the loss
/// history and convergence use statistics over every rank's rows. Before any exchange whose size
/// depends on the data, the ranks agree on the column count and the model's width, and make the
/// starting model rank 0's if theirs differ; bad data on one rank (NaN, a target count that does
/// not match) makes every rank throw the same error.
extension GradientDescent {
    /// Trains `model` on every rank's rows, in place; every rank gets the same model.
    ///
    /// Every rank of `world` must call it, with its own rows (any number, 0 allowed) of the same
    /// columns. See the extension's discussion for what each mode does across ranks.
    ///
    /// - Parameters:
    ///   - model: The same starting model on every rank (rank 0's is used if they differ); empty
    ///     (`LinearModel()`) to start from the data's width.
    ///   - features: This rank's `n × d` features (`n` may be 0).
    ///   - targets: This rank's `n` targets.
    ///   - world: The ranks that share the data set.
    ///   - onEpoch: Called on every rank after each epoch, with the same report on every rank.
    /// - Returns: The fit's history, the same on every rank.
    /// - Throws: the same `DescentError` on every rank: the single-process errors of
    ///   `GradientDescent/fit(_:features:targets:onEpoch:)` (found on any rank), or
    ///   `DescentError/ranksDisagree(quantity:values:)` when the ranks' column counts or model
    ///   widths differ, or `DescentError/communicationFailed(reason:)`.
    /// - Complexity: O(epochs · n · d) on each rank, plus O(log size) messages per update.
    public func fit(_ model: inout LinearModel<Scalar>, features: Matrix<Scalar>, targets: [Scalar],
                    across world: MPICommunicator,
                    onEpoch: ((EpochReport<Scalar>) -> Void)? = nil) throws(DescentError) -> FitHistory<Scalar> {
        let data = try world.localDataset(features, targets)
        return try fit(&model, from: data, across: world, onEpoch: onEpoch)
    }

    /// Trains `model` on every rank's rows read from a row source (a `Dataset`, a stream from
    /// files), in place; every rank gets the same model.
    ///
    /// - Parameters:
    ///   - model: The same starting model on every rank (rank 0's is used if they differ).
    ///   - source: This rank's rows (any number, 0 allowed).
    ///   - world: The ranks that share the data set.
    ///   - onEpoch: Called on every rank after each epoch.
    /// - Returns: The fit's history, the same on every rank.
    /// - Throws: as ``fit(_:features:targets:across:onEpoch:)-(LinearModel<Scalar>,_,_,_,_)``, and the source's read errors.
    /// - Complexity: O(epochs · n · d) on each rank, plus O(log size) messages per update.
    public func fit<Source: RowSource>(_ model: inout LinearModel<Scalar>, from source: Source,
                                       across world: MPICommunicator,
                                       onEpoch: ((EpochReport<Scalar>) -> Void)? = nil)
        throws(DescentError) -> FitHistory<Scalar> where Source.Scalar == Scalar {
        try world.prepare(&model, source)
        return try fit(&model, from: source, collective: world, onEpoch: onEpoch)
    }

    /// One epoch on every rank's rows, continuing from the state the model carries: for data that
    /// arrives in pieces on every rank.
    ///
    /// - Parameters:
    ///   - model: The same model on every rank (rank 0's is used if they differ).
    ///   - features: This rank's new rows (`n` may be 0).
    ///   - targets: Their targets.
    ///   - world: The ranks that share the data set.
    /// - Returns: The epoch's history, the same on every rank.
    /// - Throws: as ``fit(_:features:targets:across:onEpoch:)-(LinearModel<Scalar>,_,_,_,_)``.
    /// - Complexity: O(n · d) on each rank, plus O(log size) messages per update.
    @discardableResult
    public func partialFit(_ model: inout LinearModel<Scalar>, features: Matrix<Scalar>, targets: [Scalar],
                           across world: MPICommunicator) throws(DescentError) -> FitHistory<Scalar> {
        let data = try world.localDataset(features, targets)
        return try partialFit(&model, from: data, across: world)
    }

    /// One epoch on every rank's rows read from a row source, continuing from the model's state.
    ///
    /// - Parameters:
    ///   - model: The same model on every rank (rank 0's is used if they differ).
    ///   - source: This rank's new rows.
    ///   - world: The ranks that share the data set.
    /// - Returns: The epoch's history, the same on every rank.
    /// - Throws: as ``fit(_:features:targets:across:onEpoch:)-(LinearModel<Scalar>,_,_,_,_)``, and the source's read errors.
    /// - Complexity: O(n · d) on each rank, plus O(log size) messages per update.
    @discardableResult
    public func partialFit<Source: RowSource>(_ model: inout LinearModel<Scalar>, from source: Source,
                                              across world: MPICommunicator) throws(DescentError) -> FitHistory<Scalar>
        where Source.Scalar == Scalar {
        try world.prepare(&model, source)
        return try partialFit(&model, from: source, collective: world)
    }

    /// Trains a model of several targets on this rank's rows `features` and `targets` (`n × k`),
    /// combining with every other rank of `world`, as the single-target
    /// ``fit(_:features:targets:across:onEpoch:)-(LinearModel<Scalar>,_,_,_,_)`` does: every rank passes its own rows (possibly
    /// none) and ends with the same model, equal to the single-process fit of all rows.
    ///
    /// - Parameters:
    ///   - model: The model to train; an empty one is first initialised (the same on every rank).
    ///   - features: This rank's `n × d` features.
    ///   - targets: This rank's `n × k` targets.
    ///   - world: The ranks that share the data set.
    ///   - onEpoch: Called after every epoch.
    /// - Returns: The per-epoch losses and times (every rank's rows), and why training stopped.
    /// - Throws: as the single-target fit, and `DescentError/ranksDisagree(quantity:values:)` when
    ///   the ranks' numbers of targets differ.
    @discardableResult
    public func fit(_ model: inout MultiLinearModel<Scalar>, features: Matrix<Scalar>, targets: Matrix<Scalar>,
                    across world: MPICommunicator,
                    onEpoch: ((EpochReport<Scalar>) -> Void)? = nil) throws(DescentError) -> FitHistory<Scalar> {
        let data = try world.localRows(features, targets)
        return try fit(&model, from: data, across: world, onEpoch: onEpoch)
    }

    /// Trains a model of several targets on this rank's rows `source` (`RowSource.targetColumns`
    /// targets per row), combining with every other rank of `world`.
    ///
    /// - Parameters:
    ///   - model: The model to train.
    ///   - source: This rank's rows.
    ///   - world: The ranks that share the data set.
    ///   - onEpoch: Called after every epoch.
    /// - Returns: The per-epoch losses and times, and why training stopped.
    /// - Throws: as ``fit(_:features:targets:across:onEpoch:)-(MultiLinearModel<Scalar>,_,_,_,_)``.
    @discardableResult
    public func fit<Source: RowSource>(_ model: inout MultiLinearModel<Scalar>, from source: Source,
                                       across world: MPICommunicator,
                                       onEpoch: ((EpochReport<Scalar>) -> Void)? = nil)
        throws(DescentError) -> FitHistory<Scalar> where Source.Scalar == Scalar {
        try world.prepare(&model, source)
        return try fit(&model, from: source, collective: world, onEpoch: onEpoch)
    }
}
