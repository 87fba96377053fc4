/// Training on sparse rows (``SparseMatrix``, or any ``SparseRowSource`` such as a file streamed in
/// chunks): the same epoch driver, configuration and results as for dense rows, its kernels
/// reading CSR rows (work proportional to the nonzeros they touch).
///
/// What differs from dense rows:
/// - ``standardize`` **scales without centring**: each column is divided by its standard
///   deviation (population, about its mean; 1 for a constant column) and never shifted, so the
///   rows stay sparse (scikit-learn's `StandardScaler(with_mean: false)`). The model is returned
///   in the original units, as for dense rows.
/// - Whitening (``Preconditioning/whitened``) needs a `d × d` map and is refused;
///   ``Preconditioning/automatic`` never whitens sparse rows.
/// - The certificate's exact reference (``FitHistory/converged``) is measured only up to
///   4,096 columns; beyond, a penalised fit is certified by its duality gap and an
///   unpenalised one is reported as not certified, saying why.
///
/// A CSR fit and the dense fit of the same rows agree to rounding in every mode, optimiser, loss
/// and penalty, given the same row order (no shuffling or ``Shuffling/uniform``: block shuffling
/// sizes its blocks in bytes, which differ between the layouts).
extension GradientDescent {
    /// Trains `model` in place on sparse `features` and their `targets`, optionally weighted.
    ///
    /// - Parameters:
    ///   - model: The model to train; an empty one is first initialised.
    ///   - features: `n × d` features in CSR.
    ///   - targets: `n` targets.
    ///   - weights: `n` sample weights (≥ 0, finite, not all zero), or `nil`.
    ///   - onEpoch: Called after every epoch.
    /// - Returns: The per-epoch losses and times, and why training stopped.
    /// - Throws: as ``fit(_:features:targets:onEpoch:)-(_,_,[Scalar],_)``, and
    ///   ``DescentError/invalidOption(name:value:expected:)`` for ``Preconditioning/whitened``.
    /// - Complexity: O(epochs × nnz) time for the plain steps; O(nnz + d) memory besides the data.
    @specialized(where Scalar == Float)
    @specialized(where Scalar == Double)
    @discardableResult
    public func fit(_ model: inout LinearModel<Scalar>, features: SparseMatrix<Scalar>, targets: [Scalar],
                    weights: [Scalar]? = nil, onEpoch: ((EpochReport<Scalar>) -> Void)? = nil)
        throws(DescentError) -> FitHistory<Scalar> {
        try trainSparse(&model, features: features, targets: targets, targetColumns: 1, weights: weights,
                        epochs: epochs, holdOut: true, whole: true, onEpoch: onEpoch)
    }

    /// Trains `model` for one epoch on sparse `features` and `targets` only (see
    /// ``partialFit(_:features:targets:)-(_,_,[Scalar])``).
    ///
    /// - Parameters:
    ///   - model: The model to train; an empty one is first initialised.
    ///   - features: `n × d` features in CSR.
    ///   - targets: `n` targets.
    ///   - weights: `n` sample weights, or `nil`.
    /// - Returns: The epoch's loss and time.
    /// - Throws: as ``fit(_:features:targets:weights:onEpoch:)-(_,SparseMatrix<Scalar>,_,_,_)``.
    @specialized(where Scalar == Float)
    @specialized(where Scalar == Double)
    @discardableResult
    public func partialFit(_ model: inout LinearModel<Scalar>, features: SparseMatrix<Scalar>, targets: [Scalar],
                           weights: [Scalar]? = nil) throws(DescentError) -> FitHistory<Scalar> {
        try trainSparse(&model, features: features, targets: targets, targetColumns: 1, weights: weights,
                        epochs: 1, holdOut: false, whole: false, onEpoch: nil)
    }

    /// Trains a model of several targets in place on sparse `features` and the `n × k` `targets`.
    ///
    /// - Parameters:
    ///   - model: The model to train; an empty one is first initialised.
    ///   - features: `n × d` features in CSR.
    ///   - targets: `n × k` targets.
    ///   - onEpoch: Called after every epoch.
    /// - Returns: The per-epoch losses (the mean over targets) and why training stopped.
    /// - Throws: as ``fit(_:features:targets:weights:onEpoch:)-(_,SparseMatrix<Scalar>,_,_,_)``.
    @specialized(where Scalar == Float)
    @specialized(where Scalar == Double)
    @discardableResult
    public func fit(_ model: inout MultiLinearModel<Scalar>, features: SparseMatrix<Scalar>, targets: Matrix<Scalar>,
                    onEpoch: ((EpochReport<Scalar>) -> Void)? = nil) throws(DescentError) -> FitHistory<Scalar> {
        guard targets.rows == features.rows else {
            throw .targetCountMismatch(rows: features.rows, targets: targets.rows)
        }
        return try trainSparse(&model, features: features, targets: targets.withUnsafeBufferPointer { Array($0) },
                               targetColumns: targets.columns, weights: nil, epochs: epochs, holdOut: true, whole: true,
                               onEpoch: onEpoch)
    }

    /// Trains `model` in place on the sparse rows of `source` (a ``SparseDataset``, a file streamed
    /// in chunks, or a type of your own), as ``fit(_:from:onEpoch:)-57pv5``
    /// does on dense chunks: early stopping holds out whole chunks when there are several.
    ///
    /// - Parameters:
    ///   - model: The model to train; an empty one is first initialised.
    ///   - source: The rows.
    ///   - onEpoch: Called after every epoch.
    /// - Returns: The per-epoch losses and times, and why training stopped.
    /// - Throws: as ``fit(_:features:targets:weights:onEpoch:)-(_,SparseMatrix<Scalar>,_,_,_)``, and the
    ///   source's own errors; a read that fails mid-epoch leaves the model as the last whole epoch left it.
    /// - Complexity: O(epochs × nnz) time for the plain steps; O(largest chunk + d) memory besides the source's.
    @discardableResult
    public func fit<Source: SparseRowSource>(_ model: inout LinearModel<Scalar>, from source: Source,
                                             onEpoch: ((EpochReport<Scalar>) -> Void)? = nil) throws(DescentError)
        -> FitHistory<Scalar> where Source.Scalar == Scalar {
        try fit(&model, from: source, collective: LocalCollective(), onEpoch: onEpoch)
    }

    /// Trains `model` on this part's sparse rows `source`, combining with the other parts through
    /// `collective` as the dense ``fit(_:from:collective:onEpoch:)-(LinearModel<Scalar>,_,_,_)`` does:
    /// every part ends with the same model.
    @discardableResult
    package func fit<Source: SparseRowSource>(_ model: inout LinearModel<Scalar>, from source: Source,
                                              collective: some Collective,
                                              onEpoch: ((EpochReport<Scalar>) -> Void)? = nil) throws(DescentError)
        -> FitHistory<Scalar> where Source.Scalar == Scalar {
        let chunkRows = (0..<source.chunkCount).map { source.chunkRows($0).count }
        return try trainSparse(&model, columns: source.columns, chunkRows: chunkRows, weighted: source.isWeighted,
                               collective: collective, onEpoch: onEpoch) { order, body throws(DescentError) in
            try source.forEachChunk(order) { (chunk: SparseRowChunk<Scalar>) throws(DescentError) in
                guard !chunk.rows.isEmpty else { return }
                try (chunk.weights ?? []).withUnsafeBufferPointer { (w) throws(DescentError) in
                    try chunk.features.withRows(targets: chunk.targets, targetColumns: 1,
                                                weights: chunk.weights == nil ? nil : w.baseAddress) { rows throws(DescentError) in
                        try body(chunk.index, rows)
                    }
                }
            }
        }
    }

    /// One target from chunks that `visit` pins: the source's type erased here, so that this
    /// entry (and the whole training loop under it) is specialised for `Float` and `Double`
    /// whatever the source.
    @specialized(where Scalar == Float)
    @specialized(where Scalar == Double)
    func trainSparse(_ model: inout LinearModel<Scalar>, columns d: Int, chunkRows: [Int], weighted: Bool,
                     collective: any Collective, onEpoch: ((EpochReport<Scalar>) -> Void)?,
                     visit: @escaping ([Int], (Int, SparseMatrixRows<Scalar>) throws(DescentError) -> Void)
                         throws(DescentError) -> Void) throws(DescentError) -> FitHistory<Scalar> {
        try trainSparse(&model, columns: d, targetColumns: 1, chunkRows: chunkRows, weighted: weighted, epochs: epochs,
                        holdOut: true, whole: true, collective: collective, onEpoch: onEpoch, visit: visit)
    }

    /// A matrix in memory: one chunk, pinned for the fit.
    func trainSparse<Model: TrainableModel>(_ model: inout Model, features: SparseMatrix<Scalar>, targets: [Scalar],
                                            targetColumns k: Int, weights: [Scalar]?, epochs: Int, holdOut: Bool,
                                            whole: Bool, onEpoch: ((EpochReport<Scalar>) -> Void)?)
        throws(DescentError) -> FitHistory<Scalar> where Model.Scalar == Scalar {
        guard targets.count == features.rows * k else {
            throw .targetCountMismatch(rows: features.rows, targets: targets.count / Swift.max(1, k))
        }
        try Validation.checkFinite(targets)
        if let weights { try Validation.checkWeights(weights, rows: features.rows) }
        return try trainSparse(&model, columns: features.columns, targetColumns: k, chunkRows: [features.rows],
                               weighted: weights != nil, epochs: epochs, holdOut: holdOut, whole: whole,
                               collective: LocalCollective(), onEpoch: onEpoch) {
            order, body throws(DescentError) in
            for index in order {
                try (weights ?? []).withUnsafeBufferPointer { (w) throws(DescentError) in
                    try features.withRows(targets: targets, targetColumns: k,
                                          weights: weights == nil ? nil : w.baseAddress) { rows throws(DescentError) in
                        try body(index, rows)
                    }
                }
            }
        }
    }
}
