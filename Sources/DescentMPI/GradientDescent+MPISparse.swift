import Descent

/// Gradient descent on sparse rows spread over MPI ranks, as on dense rows
/// (``GradientDescent/fit(_:features:targets:across:onEpoch:)-(LinearModel<Scalar>,_,_,_,_)``):
/// every rank holds its own CSR rows and ends with the same model, the same bits. Mini-batch and
/// full-batch updates sum the dense gradient (`d + 2` numbers) over the ranks each update;
/// stochastic updates stay local (and lazy) between the models' averagings.
extension GradientDescent {
    /// Trains `model` on every rank's sparse rows, in place; every rank gets the same model.
    ///
    /// - Parameters:
    ///   - model: The same starting model on every rank (rank 0's is used if they differ).
    ///   - features: This rank's `n × d` CSR rows (`n` may be 0; `d` the same on every rank).
    ///   - targets: This rank's `n` targets.
    ///   - weights: This rank's `n` sample weights, or `nil` (its rows weigh 1).
    ///   - world: The ranks that share the data set.
    ///   - onEpoch: Called on every rank after each epoch.
    /// - Returns: The fit's history, the same on every rank.
    /// - Throws: the same `DescentError` on every rank: a single-process error found on any rank,
    ///   `DescentError/ranksDisagree(quantity:values:)`, or `DescentError/communicationFailed(reason:)`.
    /// - Complexity: O(epochs · nnz) on each rank for lazy stochastic steps, plus the sums of the other modes.
    public func fit(_ model: inout LinearModel<Scalar>, features: SparseMatrix<Scalar>, targets: [Scalar],
                    weights: [Scalar]? = nil, across world: MPICommunicator,
                    onEpoch: ((EpochReport<Scalar>) -> Void)? = nil) throws(DescentError) -> FitHistory<Scalar> {
        let data: SparseDataset<Scalar>
        do {
            // A rank without rows has no weights to check (a share of the data may be empty).
            data = try SparseDataset(features: features, targets: targets,
                                     weights: weights.flatMap { $0.isEmpty && features.rows == 0 ? nil : $0 })
        } catch {
            try world.agreeOnShape(.failure(error))
            fatalError("unreachable: agreeOnShape throws the local error")
        }
        return try fit(&model, from: data, across: world, onEpoch: onEpoch)
    }

    /// Trains `model` on every rank's sparse rows read from a source (a `SparseDataset`, a
    /// `SparseStreamingDataset`), in place; every rank gets the same model.
    ///
    /// - Parameters:
    ///   - model: The same starting model on every rank (rank 0's is used if they differ).
    ///   - source: This rank's rows (any number, 0 allowed).
    ///   - world: The ranks that share the data set.
    ///   - onEpoch: Called on every rank after each epoch.
    /// - Returns: The fit's history, the same on every rank.
    /// - Throws: as ``fit(_:features:targets:weights:across:onEpoch:)``, and the source's read errors.
    public func fit<Source: SparseRowSource>(_ model: inout LinearModel<Scalar>, from source: Source,
                                             across world: MPICommunicator,
                                             onEpoch: ((EpochReport<Scalar>) -> Void)? = nil)
        throws(DescentError) -> FitHistory<Scalar> where Source.Scalar == Scalar {
        try world.agreeOnShape(.success(MPICommunicator.LocalShape(
            columns: source.columns, rows: source.rowCount, modelWeights: model.weights.isEmpty ? nil : model.weights.count)))
        try world.sameModelEverywhere(&model)
        return try fit(&model, from: source, collective: world, onEpoch: onEpoch)
    }
}
