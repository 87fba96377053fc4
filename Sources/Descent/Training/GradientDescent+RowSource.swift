/// Training from any ``RowSource``: a ``Dataset`` in memory, a file streamed in chunks, or one
/// part of rows split over processes (through a ``Collective``).
///
/// A fit from a source reads it once before training (every value checked finite, and the
/// column statistics when ``GradientDescent/standardize`` is set), then once per epoch, chunk by
/// chunk (plus the passes of the convergence check, see ``GradientDescent/stopWhenConverged``).
/// Memory beyond the source's own chunk buffers is O(largest chunk's rows + d).
///
/// What a chunked shuffle randomises: with ``Shuffling/blocks`` or ``Shuffling/uniform`` each
/// epoch visits the training chunks in a new random order drawn from the seed and the epoch
/// number, and inside each chunk the rows in the chosen shuffle (blocks of about 1 MiB of
/// consecutive rows, or single rows when the chunk holds at most 4 MiB; uniform: every row),
/// drawn from the seed, the epoch and the chunk's index. What it does not: rows never move from
/// one chunk to another, so a mini-batch or a run of stochastic updates only mixes rows of one
/// chunk, and rows stored in a meaningful order (by time, by target) stay grouped by chunk. If
/// the stored order means something, shuffle the rows once when writing the file.
///
/// Early stopping holds out whole chunks when the source has several: the chunks, in a random
/// order drawn from the seed, are held out one by one until they hold at least
/// ``EarlyStopping/validationFraction`` of the rows (at least one chunk, and at least one chunk
/// kept for training). A source of one chunk holds out rows, as a matrix does.
///
/// A mini-batch takes the next `B` rows of the epoch order, across a chunk's end if needed, so a
/// source read in stored order trains on the same batches as the matrix of its rows (to rounding:
/// a batch's gradient is summed chunk by chunk). The automatic learning rate samples evenly spaced
/// training rows of the chunks; convergence is measured over every training row, a pass each.
///
/// A source of several targets per row (``RowSource/targetColumns``, e.g. a ``StreamingDataset``
/// whose targets file is `n × k`) trains a ``MultiLinearModel``. Weighted training reads matrices
/// only (a ``RowSource`` carries no weights).
extension GradientDescent {
    /// Trains `model` in place on the rows of `source`, as ``fit(_:features:targets:onEpoch:)-(_,_,[Scalar],_)`` does
    /// on a matrix; the model takes the source's feature names.
    ///
    /// - Parameters:
    ///   - model: The model to train; an empty one is first initialised.
    ///   - source: The rows: a ``Dataset``, a file streamed in chunks, or a type of your own.
    ///   - onEpoch: Called after every epoch, e.g. to log progress.
    /// - Returns: The per-epoch losses and times, and why training stopped.
    /// - Throws: as ``fit(_:features:targets:onEpoch:)-(_,_,[Scalar],_)``, and the source's own
    ///   errors (an unreadable or changed file); a read that fails mid-epoch leaves the model as
    ///   the last whole epoch left it.
    /// - Complexity: O(epochs × n × d) time; O(largest chunk + d) memory besides the source's.
    @discardableResult
    public func fit<Source: RowSource>(_ model: inout LinearModel<Scalar>, from source: Source,
                                       onEpoch: ((EpochReport<Scalar>) -> Void)? = nil) throws(DescentError)
        -> FitHistory<Scalar> where Source.Scalar == Scalar {
        try fit(&model, from: source, collective: LocalCollective(), onEpoch: onEpoch)
    }

    /// Trains `model` for one epoch on the rows of `source`: for data that arrives in pieces (see
    /// ``partialFit(_:features:targets:)-(_,_,[Scalar])``). ``earlyStopping`` does not apply.
    ///
    /// - Parameters:
    ///   - model: The model to train; an empty one is first initialised.
    ///   - source: The rows.
    /// - Returns: The epoch's loss and time.
    /// - Throws: as ``fit(_:from:onEpoch:)-57pv5``.
    /// - Complexity: O(n × d) time; O(largest chunk + d) memory besides the source's.
    @discardableResult
    public func partialFit<Source: RowSource>(_ model: inout LinearModel<Scalar>, from source: Source)
        throws(DescentError) -> FitHistory<Scalar> where Source.Scalar == Scalar {
        try partialFit(&model, from: source, collective: LocalCollective())
    }

    /// Trains a model of several targets in place on the rows of `source`, whose rows carry
    /// ``RowSource/targetColumns`` targets each (a ``StreamingDataset`` with an `n × k` targets
    /// file), as ``fit(_:features:targets:onEpoch:)-(_,Matrix<Scalar>,Matrix<Scalar>,_)`` does on matrices; the
    /// model takes the source's feature names.
    ///
    /// ```swift
    /// let source = try StreamingDataset<Double>(npyFeatures: "X.npy", targets: "Y.npy")   // Y: n × k
    /// var multi = MultiLinearModel<Double>()
    /// try gd.fit(&multi, from: source)
    /// ```
    ///
    /// - Parameters:
    ///   - model: The model to train; an empty one is first initialised for the source's targets.
    ///   - source: The rows.
    ///   - onEpoch: Called after every epoch.
    /// - Returns: The per-epoch losses and times, and why training stopped.
    /// - Throws: as ``fit(_:from:onEpoch:)-57pv5``, and a model of another number of targets.
    /// - Complexity: O(epochs × n × d × k) time; O(largest chunk + d·k) memory besides the source's.
    @discardableResult
    public func fit<Source: RowSource>(_ model: inout MultiLinearModel<Scalar>, from source: Source,
                                       onEpoch: ((EpochReport<Scalar>) -> Void)? = nil) throws(DescentError)
        -> FitHistory<Scalar> where Source.Scalar == Scalar {
        try fit(&model, from: source, collective: LocalCollective(), onEpoch: onEpoch)
    }

    /// Trains a model of several targets for one epoch on the rows of `source` (see
    /// ``partialFit(_:from:)-(LinearModel<Scalar>,_)``).
    ///
    /// - Parameters:
    ///   - model: The model to train; an empty one is first initialised.
    ///   - source: The rows.
    /// - Returns: The epoch's loss and time.
    /// - Throws: as ``fit(_:from:onEpoch:)-57pv5``.
    @discardableResult
    public func partialFit<Source: RowSource>(_ model: inout MultiLinearModel<Scalar>, from source: Source)
        throws(DescentError) -> FitHistory<Scalar> where Source.Scalar == Scalar {
        try partialFit(&model, from: source, collective: LocalCollective())
    }

    /// Trains `model` on this part's rows `source`, combining with the other parts through
    /// `collective`: every part calls it with the same configuration and ends with the same model.
    ///
    /// Full batch: one sum of `d + 2` numbers per epoch; mini-batch: one per update, each global
    /// batch split over the parts in proportion to their rows (global batch `u` is every part's
    /// share of it in rank order); stochastic: local SGD with the models averaged every
    /// ``averagingInterval`` updates (once per epoch by default). Every statistic is global:
    /// standardisation, the automatic learning rate, held-out loss, loss history, convergence.
    /// A part may have no rows. An error on one part (bad data, divergence, a failed read) is
    /// thrown on every part (``Collective/agree(_:)``).
    @discardableResult
    package func fit<Source: RowSource>(_ model: inout LinearModel<Scalar>, from source: Source,
                                        collective: some Collective,
                                        onEpoch: ((EpochReport<Scalar>) -> Void)? = nil) throws(DescentError)
        -> FitHistory<Scalar> where Source.Scalar == Scalar {
        try run(&model, from: source, collective: collective, epochs: epochs, holdOut: true, whole: true, onEpoch: onEpoch)
    }

    /// Several targets on this part's rows `source`, across parts as ``fit(_:from:collective:onEpoch:)``.
    @discardableResult
    package func fit<Source: RowSource>(_ model: inout MultiLinearModel<Scalar>, from source: Source,
                                        collective: some Collective,
                                        onEpoch: ((EpochReport<Scalar>) -> Void)? = nil) throws(DescentError)
        -> FitHistory<Scalar> where Source.Scalar == Scalar {
        try run(&model, from: source, collective: collective, epochs: epochs, holdOut: true, whole: true, onEpoch: onEpoch)
    }

    /// One epoch on this part's rows `source`, across parts as ``fit(_:from:collective:onEpoch:)``.
    @discardableResult
    package func partialFit<Source: RowSource>(_ model: inout LinearModel<Scalar>, from source: Source,
                                               collective: some Collective) throws(DescentError)
        -> FitHistory<Scalar> where Source.Scalar == Scalar {
        try run(&model, from: source, collective: collective, epochs: 1, holdOut: false, whole: false, onEpoch: nil)
    }

    /// One epoch of several targets on this part's rows `source`.
    @discardableResult
    package func partialFit<Source: RowSource>(_ model: inout MultiLinearModel<Scalar>, from source: Source,
                                               collective: some Collective) throws(DescentError)
        -> FitHistory<Scalar> where Source.Scalar == Scalar {
        try run(&model, from: source, collective: collective, epochs: 1, holdOut: false, whole: false, onEpoch: nil)
    }

    /// Trains and names the model's features after the source's.
    func run<Model: TrainableModel, Source: RowSource>(_ model: inout Model, from source: Source,
                                                       collective: some Collective, epochs: Int, holdOut: Bool,
                                                       whole: Bool, onEpoch: ((EpochReport<Scalar>) -> Void)?)
        throws(DescentError) -> FitHistory<Scalar> where Source.Scalar == Scalar, Model.Scalar == Scalar {
        let history = try train(&model, from: source, collective: collective, epochs: epochs, holdOut: holdOut,
                                whole: whole, onEpoch: onEpoch)
        model.featureNames = source.featureNames
        return history
    }

    /// Checks everything on every part, measures the source, holds chunks out, standardises if
    /// asked, and runs the epoch driver over the chunks.
    func train<Model: TrainableModel, Source: RowSource>(_ model: inout Model, from source: Source,
                                                         collective: some Collective, epochs: Int, holdOut: Bool,
                                                         whole: Bool, onEpoch: ((EpochReport<Scalar>) -> Void)?)
        throws(DescentError) -> FitHistory<Scalar> where Source.Scalar == Scalar, Model.Scalar == Scalar {
        // Every check ends in `agree`, so that a bad part stops all of them, none waiting.
        var localError: DescentError? = nil
        do throws(DescentError) { try validateConfiguration() } catch { localError = error }
        try collective.agree(localError)
        let d = source.columns
        let widths = [try collective.maximum(Double(d)), -(try collective.maximum(-Double(d)))]
        if widths[0] != widths[1] {
            localError = .invalidOption(name: "columns", value: "\(d) on part \(collective.rank)",
                                        expected: "the same number of feature columns on every part "
                                            + "(\(Int(widths[1]))–\(Int(widths[0])) found)")
        } else if d == 0 {
            localError = .noFeatures
        }
        try collective.agree(localError)
        var moments = ColumnMoments()
        let preconditioning = preconditioning(whole: whole)
        do throws(DescentError) {
            moments = try ColumnMoments.measure(source, statistics: standardize || preconditioning != .none)
        } catch {
            localError = error
        }
        try collective.agree(localError)
        var counts = [Double(moments.rows)]
        try collective.sum(&counts)
        let total = Int(counts[0])
        if total == 0 { localError = .noRows }
        let k = source.targetColumns
        let targetCounts = [try collective.maximum(Double(k)), -(try collective.maximum(-Double(k)))]
        if targetCounts[0] != targetCounts[1] {
            localError = .invalidOption(name: "targetColumns", value: "\(k) on part \(collective.rank)",
                                        expected: "the same number of targets on every part")
        }
        if model.isEmpty { model = .initial(initialization, columns: d, targets: k, seed: seed) }
        if localError == nil {
            do throws(DescentError) { try model.check(columns: d, targets: k) } catch { localError = error }
        }
        try collective.agree(localError)
        let (measured, condition) = try featureMap(source, moments: moments, preconditioning: preconditioning,
                                                   rows: total, collective: collective)
        let map = loopMap(measured, rows: total)

        let chunkRows = (0..<source.chunkCount).map { source.chunkRows($0).count }
        let held = holdOut ? earlyStopping.map { heldOut(chunkRows, fraction: $0.validationFraction) } : nil
        // Alone, a source too small to hold rows out is an error; one part of several may simply
        // hold none out (the check below is on every part's rows).
        if let held, case let .failure(error) = held, collective.size == 1 { localError = error }
        try collective.agree(localError)
        let plan = (try? held?.get()) ?? HeldOut(training: Array(0..<chunkRows.count), validation: [],
                                                    members: nil, rows: [])
        var heldCounts = [Double(plan.heldRows(chunkRows)), 0]
        heldCounts[1] = Double(moments.rows) - heldCounts[0]
        try collective.sum(&heldCounts)
        if holdOut, let rule = earlyStopping, heldCounts[0] < 1 || heldCounts[1] < 1 {
            localError = .invalidOption(name: "earlyStopping.validationFraction", value: "\(rule.validationFraction)",
                                        expected: "a share that holds out at least one of the \(total) rows and keeps at least one")
        }
        try collective.agree(localError)

        let chunks = InMemoryChunks.of(source, training: plan.training, validation: plan.validation)
        var inner = try map.map { (map) throws(DescentError) in try model.inner(map) } ?? model
        defer {
            if let map { model = (try? inner.original(map)) ?? model } else { model = inner }
        }
        var history = try train(&inner, chunks: chunks, members: plan.members, validation: plan.rows,
                                rows: Int(heldCounts[1]), validating: heldCounts[0] > 0, scaling: map,
                                collective: collective,
                                epochs: epochs, whole: whole, onEpoch: onEpoch)
        history.recordPreconditioning(whitened: map?.whitened ?? false, condition: condition)
        return history
    }


    /// Which chunks (or, in a single chunk, which rows) are held out for early stopping.
    func heldOut(_ chunkRows: [Int], fraction: Double) -> Result<HeldOut, DescentError> {
        let n = chunkRows.reduce(0, +)
        if chunkRows.count <= 1 {
            guard n > 0 else { return .success(HeldOut(training: Array(chunkRows.indices), validation: [], members: nil, rows: [])) }
            do throws(DescentError) {
                let (members, validation) = try heldOutRows(n, holdOut: true)
                return .success(HeldOut(training: [0], validation: [], members: members, rows: validation))
            } catch {
                return .failure(error)
            }
        }
        var random = RandomSource(seed: seed ^ 0x5A17_0F0F_5A17_0F0F)
        var order = Array(chunkRows.indices)
        random.shuffle(&order)
        let wanted = Int((fraction * Double(n)).rounded())
        var held = [Int](), heldRows = 0
        for chunk in order where heldRows < Swift.max(1, wanted) {
            held.append(chunk)
            heldRows += chunkRows[chunk]
        }
        guard heldRows >= 1, heldRows < n else {
            return .failure(.invalidOption(
                name: "earlyStopping.validationFraction", value: "\(fraction)",
                expected: "a share that holds out whole chunks of the \(n) rows (\(chunkRows.count) chunks) "
                    + "and keeps at least one for training"))
        }
        let validation = held.sorted()
        return .success(HeldOut(training: chunkRows.indices.filter { !validation.contains($0) }, validation: validation,
                                members: nil, rows: []))
    }
}

/// The rows held out for early stopping: whole chunks, or in a single chunk its rows.
struct HeldOut {
    /// Chunks trained on and held out.
    let training: [Int]
    let validation: [Int]
    /// In a single chunk: the rows trained on (`nil`: all) and held out.
    let members: [Int]?
    let rows: [Int]

    /// The rows held out.
    func heldRows(_ chunkRows: [Int]) -> Int { rows.count + validation.reduce(0) { $0 + chunkRows[$1] } }
}
