/// How a fit chooses and measures its preconditioning (``Preconditioning``): the option as
/// resolved for a fit, and the pass that decides, for rows in memory and for a ``RowSource``.
extension GradientDescent {
    /// How the problem is conditioned before training: see ``Preconditioning``.
    ///
    /// Unless set, ``Preconditioning/automatic`` for a configuration created without a learning
    /// rate (whitening ill-conditioned features, so that a first fit converges on correlated
    /// data), and ``Preconditioning/none`` for one that names its learning rate, which trains
    /// exactly as written. It applies to every form of `fit`; `partialFit` sees one piece of the
    /// data at a time and trains on the features as given (standardised per ``standardize``).
    /// ``FitHistory/whitened`` says whether a fit whitened. Full and mini-batches whiten by
    /// preconditioning their gradients, which takes the same steps as training on whitened rows for
    /// every optimiser linear in the gradient; Adam, coordinate-wise, then adapts to the
    /// preconditioned gradient instead.
    public var preconditioning: Preconditioning {
        get { chosenPreconditioning ?? (learningRateGiven ? .none : .automatic) }
        set { chosenPreconditioning = newValue }
    }

    /// The preconditioning a fit applies: none for `partialFit` (`whole` false), and
    /// ``Preconditioning/automatic`` leaves penalised fits as they are, so that the penalty keeps
    /// measuring the weights it was set for.
    func preconditioning(whole: Bool) -> Preconditioning {
        guard whole else { return .none }
        if preconditioning == .automatic, penalty.strengths != (0, 0) { return .none }
        return preconditioning
    }

    /// Whether whitening goes ahead for `n` rows of `d` columns and `k` targets: `nil` to measure (and, for
    /// ``Preconditioning/automatic``, decide on the condition), or why ``Preconditioning/automatic``
    /// skips it — its cost against the fit (``WhiteningCost``) or its memory.
    ///
    /// - Throws: ``DescentError/insufficientMemory(needed:available:what:remedies:)`` when
    ///   ``Preconditioning/whitened`` asks for matrices that cannot be allocated.
    func whiteningSkip(_ preconditioning: Preconditioning, rows n: Int, columns d: Int,
                       targets k: Int) throws(DescentError) -> WhiteningSkip? {
        let bytes = WhiteningCost.bytes(columns: d, scalar: Scalar.self)
        if preconditioning == .whitened {
            try MemoryBudget.reserve(bytes, for: "whitening's \(d) × \(d) matrices (the correlation matrix, its "
                                         + "Cholesky factor, its inverse and the preconditioner)",
                                     remedies: [.withoutWhitening,
                                                .fewerColumns(atMost: Swift.min(d - 1, MemoryBudget.columns(
                                                    fitting: MemoryBudget.available(), perSquare: bytes / Swift.max(1, d) / Swift.max(1, d))))])
            return nil
        }
        let cost = WhiteningCost(rows: n, columns: d, targets: k, rowsPerUpdate: mode.batchSize(rows: n))
        guard cost.affordable else { return .cost(setupEpochs: cost.setupEpochs, epochFactor: cost.epochFactor) }
        guard MemoryBudget.fits(bytes) else { return .memory(needed: bytes, available: MemoryBudget.available()) }
        return nil
    }

    /// What training applies to each block of `features`: nothing, standardisation, or (per
    /// ``preconditioning``, only for a whole fit) whitening, measured in one pass; and the
    /// condition estimate ``Preconditioning/automatic`` decided on, or why it skipped whitening.
    /// `k`, the targets trained together, enters the cost rule (one, the cautious count, unless
    /// given).
    func featureMap(_ features: Matrix<Scalar>, weights: [Scalar]?, whole: Bool, targets k: Int = 1) throws(DescentError)
        -> (map: FeatureMap<Scalar>?, condition: PreconditioningOutcome) {
        var preconditioning = preconditioning(whole: whole)
        var skipped: WhiteningSkip? = nil
        if preconditioning != .none {
            skipped = try whiteningSkip(preconditioning, rows: features.rows, columns: features.columns, targets: k)
            if skipped != nil { preconditioning = .none }
        }
        guard standardize || preconditioning != .none else { return (nil, PreconditioningOutcome(skipped: skipped)) }
        let scaling = try Standardizer(fitting: features)
        guard preconditioning != .none else {
            return (FeatureMap(scaling: scaling), PreconditioningOutcome(skipped: skipped))
        }
        var measurement = CorrelationMeasurement(columns: features.columns)
        features.withUnsafeBufferPointer { x in
            (weights ?? []).withUnsafeBufferPointer { w in
                measurement.add(RowBlock(features: x.baseAddress!, sampleWeights: weights == nil ? nil : w.baseAddress!,
                                         count: features.rows, columns: features.columns), scaling: scaling)
            }
        }
        let (map, condition) = measurement.map(preconditioning, scaling: scaling, standardize: standardize,
                                                        threshold: loss.whiteningThreshold)
        return (map, PreconditioningOutcome(estimate: condition))
    }

    /// What training applies to each block read from `source`: nothing, standardisation, or
    /// whitening (per `preconditioning`), from the columns `moments` measured and, to whiten, a
    /// second pass for the correlation matrix summed over every part; and the condition estimate
    /// ``Preconditioning/automatic`` decided on, or why it skipped whitening. `rows` is the rows
    /// of every part: every part decides alike.
    func featureMap<Source: RowSource>(_ source: Source, moments: ColumnMoments, preconditioning: Preconditioning,
                                       rows: Int, collective: some Collective) throws(DescentError)
        -> (map: FeatureMap<Scalar>?, condition: PreconditioningOutcome) where Source.Scalar == Scalar {
        var preconditioning = preconditioning
        var skipped: WhiteningSkip? = nil
        if preconditioning != .none {
            var localError: DescentError? = nil
            do throws(DescentError) {
                skipped = try whiteningSkip(preconditioning, rows: rows, columns: source.columns,
                                            targets: source.targetColumns)
            } catch { localError = error }
            try collective.agree(localError)
            // A part without the memory skips for all (the cost is the same on every part).
            var short = [skipped == nil ? 0.0 : 1]
            try collective.sum(&short)
            if short[0] > 0, skipped == nil {
                skipped = .memory(needed: WhiteningCost.bytes(columns: source.columns, scalar: Scalar.self),
                                  available: MemoryBudget.available())
            }
            if skipped != nil { preconditioning = .none }
        }
        guard standardize || preconditioning != .none else { return (nil, PreconditioningOutcome(skipped: skipped)) }
        let scaling: Standardizer<Scalar> = try moments.standardizer(collective)
        guard preconditioning != .none else {
            return (FeatureMap(scaling: scaling), PreconditioningOutcome(skipped: skipped))
        }
        var measurement = CorrelationMeasurement(columns: source.columns)
        var localError: DescentError? = nil
        do throws(DescentError) {
            try source.forEachChunk { (chunk) throws(DescentError) in
                guard let x = chunk.features.baseAddress, !chunk.rows.isEmpty else { return }
                measurement.add(RowBlock(features: x, count: chunk.rows.count, columns: chunk.columns), scaling: scaling)
            }
        } catch { localError = error }
        try collective.agree(localError)
        try measurement.combine(collective)
        let (map, condition) = measurement.map(preconditioning, scaling: scaling, standardize: standardize,
                                                        threshold: loss.whiteningThreshold)
        return (map, PreconditioningOutcome(estimate: condition))
    }

    /// `measured` as the single-target loop applies it to `rows` training rows: full and
    /// mini-batches precondition their gradients, single rows read whitened rows.
    func loopMap(_ measured: FeatureMap<Scalar>?, rows: Int) -> FeatureMap<Scalar>? {
        mode.batchSize(rows: rows) > 1 ? measured?.preconditioningGradients() : measured
    }
}
