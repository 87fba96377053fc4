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

    /// Checks, holds rows or chunks out, measures the scaling, and runs the epoch driver over the
    /// chunks that `visit` pins one at a time. When `weighted`, the chunks' rows carry their raw
    /// sample weights: one pass measures their mean over the training rows, and every visit hands
    /// the driver the weights normalised by it (mean 1, as for dense rows).
    func trainSparse<Model: TrainableModel>(
        _ model: inout Model, columns d: Int, targetColumns k: Int, chunkRows: [Int], weighted: Bool, epochs: Int,
        holdOut: Bool, whole: Bool, collective: any Collective, onEpoch: ((EpochReport<Scalar>) -> Void)?,
        visit: @escaping ([Int], (Int, SparseMatrixRows<Scalar>) throws(DescentError) -> Void) throws(DescentError) -> Void
    ) throws(DescentError) -> FitHistory<Scalar> where Model.Scalar == Scalar {
        // Every check ends in `agree`, so that a bad part stops all of them, none waiting.
        var localError: DescentError? = nil
        do throws(DescentError) {
            try validateConfiguration()
            if preconditioning == .whitened {
                throw .invalidOption(name: "preconditioning", value: "whitened on sparse features",
                                     expected: ".automatic or .none (whitening needs a dense d × d map; "
                                         + "standardize scales sparse columns without centring)")
            }
            guard d > 0 else { throw .noFeatures }
        } catch { localError = error }
        try collective.agree(localError)
        var counts = [Double(chunkRows.reduce(0, +)), weighted ? 1 : 0]
        try collective.sum(&counts)
        let total = Int(counts[0])
        if total == 0 { localError = .noRows }
        if localError == nil {
            if model.isEmpty { model = .initial(initialization, columns: d, targets: k, seed: seed) }
            do throws(DescentError) { try model.check(columns: d, targets: k) } catch { localError = error }
        }
        try collective.agree(localError)
        var plan = HeldOut(training: Array(chunkRows.indices), validation: [], members: nil, rows: [])
        if holdOut, let rule = earlyStopping {
            switch heldOut(chunkRows, fraction: rule.validationFraction) {
            case let .success(held): plan = held
            case let .failure(error): if collective.size == 1 { localError = error }
            }
        }
        var heldCounts = [Double(plan.heldRows(chunkRows)), 0]
        heldCounts[1] = Double(chunkRows.reduce(0, +)) - heldCounts[0]
        try collective.sum(&heldCounts)
        if holdOut, let rule = earlyStopping, localError == nil, heldCounts[0] < 1 || heldCounts[1] < 1 {
            localError = .invalidOption(name: "earlyStopping.validationFraction", value: "\(rule.validationFraction)",
                                        expected: "a share that holds out at least one of the \(total) rows and keeps at least one")
        }
        try collective.agree(localError)
        // Weights on some parts only: the others' rows weigh 1.
        let weightedAnywhere = counts[1] > 0
        var visits = visit
        if weightedAnywhere {
            let mean = try Self.meanWeight(visit, training: plan.training, members: plan.members, collective: collective)
            visits = { order, body throws(DescentError) in
                try visit(order) { (index, rows) throws(DescentError) in
                    let normalized = (0..<rows.rowCount).map { Scalar(Double(rows.sampleWeights?[$0] ?? 1) / mean) }
                    try normalized.withUnsafeBufferPointer { (w) throws(DescentError) in
                        try body(index, rows.weighted(w.baseAddress!))
                    }
                }
            }
        }
        let placeholder = SparseMatrixRows<Scalar>(columns: d, targetColumns: k, weighted: weightedAnywhere)
        let chunks = EpochChunks(rowCounts: chunkRows, training: plan.training, validation: plan.validation,
                                 placeholder: placeholder, visit: visits)
        let map = standardize ? FeatureMap(scaling: try Self.sparseScaling(chunks, columns: d, collective: collective)) : nil
        var inner = try map.map { (map) throws(DescentError) in try model.inner(map) } ?? model
        defer { if let map { model = (try? inner.original(map)) ?? model } else { model = inner } }
        var history = try train(&inner, chunks: chunks, members: plan.members, validation: plan.rows,
                                rows: Int(heldCounts[1]), validating: heldCounts[0] > 0, scaling: map,
                                collective: collective, epochs: epochs, whole: whole, onEpoch: onEpoch)
        history.recordPreconditioning(whitened: false, condition: PreconditioningOutcome.none)
        return history
    }

    /// The mean raw sample weight over the training rows (`members` of a single chunk, all when
    /// `nil`).
    ///
    /// - Throws: ``DescentError/invalidOption(name:value:expected:)`` when every training row weighs zero.
    static func meanWeight(_ visit: ([Int], (Int, SparseMatrixRows<Scalar>) throws(DescentError) -> Void) throws(DescentError) -> Void,
                           training: [Int], members: [Int]?, collective: some Collective) throws(DescentError) -> Double {
        var totals = [0.0, 0.0]   // Σw, rows
        try visit(training) { (_, rows) throws(DescentError) in
            let w = rows.sampleWeights
            for i in members ?? Array(0..<rows.rowCount) { totals[0] += Double(w?[i] ?? 1) }
            totals[1] += Double(members?.count ?? rows.rowCount)
        }
        try collective.sum(&totals)
        let sum = totals[0], count = totals[1]
        guard count > 0, sum > 0 else {
            throw .invalidOption(name: "weights", value: "zero on every training row",
                                 expected: "at least one training row (not held out) with a weight > 0")
        }
        return sum / count
    }

    /// The scaling of sparse columns: their standard deviations about their means (two passes
    /// over every row's nonzeros, in `Double`; the zeros counted in closed form) and no centring.
    static func sparseScaling(_ chunks: EpochChunks<SparseMatrixRows<Scalar>>, columns d: Int,
                              collective: some Collective) throws(DescentError) -> Standardizer<Scalar> {
        // Σx and the nonzeros per column, then the rows; Σ(x − μ)² over the nonzeros.
        var sums = [Double](repeating: 0, count: 2 * d + 1), squares = [Double](repeating: 0, count: d)
        let all = Array(chunks.rowCounts.indices)
        sums[2 * d] = Double(chunks.rowCounts.reduce(0, +))
        func each(_ body: (Int, Scalar) -> Void) throws(DescentError) {
            try chunks.visit(all) { (_, source) throws(DescentError) in
                let block = source.block(0..<source.rowCount)
                for i in 0..<block.count { block.forEachEntry(i, body) }
            }
        }
        try each { j, v in sums[j] += Double(v); sums[d + j] += 1 }
        try collective.sum(&sums)
        let n = sums[2 * d]
        let means = (0..<d).map { sums[$0] / n }
        try each { j, v in let e = Double(v) - means[j]; squares[j] += e * e }
        try collective.sum(&squares)
        let deviations = (0..<d).map { j in
            let variance = (squares[j] + (n - sums[d + j]) * means[j] * means[j]) / n
            return variance > 0 ? variance.squareRoot() : 1
        }
        return Standardizer(means: [Double](repeating: 0, count: d), deviations: deviations)
    }
}

extension SparseMatrix {
    /// Calls `body` with these rows pinned as a row source with `targets` (`targetColumns` per row).
    func withRows<R>(targets: [Scalar], targetColumns: Int, weights: UnsafePointer<Scalar>?,
                     _ body: (SparseMatrixRows<Scalar>) throws(DescentError) -> R) throws(DescentError) -> R {
        try withSparseRows { (rows) throws(DescentError) in
            try targets.withUnsafeBufferPointer { (y) throws(DescentError) in
                let none = UnsafeMutablePointer<Scalar>.allocate(capacity: 1)   // no rows: one unread target
                defer { none.deallocate() }
                return try body(SparseMatrixRows(rows: rows, rowCount: self.rows, columns: columns,
                                                 targets: y.baseAddress ?? UnsafePointer(none),
                                                 targetColumns: targetColumns, sampleWeights: weights))
            }
        }
    }

    /// Calls `body` with these rows' CSR buffers pinned. A matrix without nonzeros has no index or
    /// value buffer: one unread element stands in for each.
    func withSparseRows<R, E: Error>(_ body: (SparseRows<Scalar>) throws(E) -> R) throws(E) -> R {
        try rowOffsets.withUnsafeBufferPointer { (offsets) throws(E) in
            try columnIndices.withUnsafeBufferPointer { (indices) throws(E) in
                try values.withUnsafeBufferPointer { (values) throws(E) in
                    let noIndex = UnsafeMutablePointer<Int>.allocate(capacity: 1)
                    defer { noIndex.deallocate() }
                    let noValue = UnsafeMutablePointer<Scalar>.allocate(capacity: 1)
                    defer { noValue.deallocate() }
                    return try body(SparseRows(offsets: offsets.baseAddress!, indices: indices.baseAddress ?? UnsafePointer(noIndex),
                                               values: values.baseAddress ?? UnsafePointer(noValue)))
                }
            }
        }
    }
}
