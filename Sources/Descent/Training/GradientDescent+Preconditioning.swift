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

    /// What training applies to each block of `features`: nothing, standardisation, or (per
    /// ``preconditioning``, only for a whole fit) whitening, measured in one pass; and the
    /// condition estimate ``Preconditioning/automatic`` decided on.
    func featureMap(_ features: Matrix<Scalar>, weights: [Scalar]?, whole: Bool) throws(DescentError)
        -> (map: FeatureMap<Scalar>?, condition: Double?) {
        let preconditioning = preconditioning(whole: whole)
        guard standardize || preconditioning != .none else { return (nil, nil) }
        let scaling = try Standardizer(fitting: features)
        guard preconditioning != .none else { return (FeatureMap(scaling: scaling), nil) }
        var measurement = CorrelationMeasurement(columns: features.columns)
        features.withUnsafeBufferPointer { x in
            (weights ?? []).withUnsafeBufferPointer { w in
                measurement.add(x.baseAddress!, weights: weights == nil ? nil : w.baseAddress!, rows: features.rows,
                                scaling: scaling)
            }
        }
        let (map, condition) = measurement.map(preconditioning, scaling: scaling, standardize: standardize)
        return (map, condition)
    }

    /// What training applies to each block read from `source`: nothing, standardisation, or
    /// whitening (per `preconditioning`), from the columns `moments` measured and, to whiten, a
    /// second pass for the correlation matrix summed over every part; and the condition estimate
    /// ``Preconditioning/automatic`` decided on.
    func featureMap<Source: RowSource>(_ source: Source, moments: ColumnMoments, preconditioning: Preconditioning,
                                       collective: some Collective) throws(DescentError)
        -> (map: FeatureMap<Scalar>?, condition: Double?) where Source.Scalar == Scalar {
        guard standardize || preconditioning != .none else { return (nil, nil) }
        let scaling: Standardizer<Scalar> = try moments.standardizer(collective)
        guard preconditioning != .none else { return (FeatureMap(scaling: scaling), nil) }
        var measurement = CorrelationMeasurement(columns: source.columns)
        var localError: DescentError? = nil
        do throws(DescentError) {
            try source.forEachChunk { (chunk) throws(DescentError) in
                guard let x = chunk.features.baseAddress, !chunk.rows.isEmpty else { return }
                measurement.add(x, weights: nil, rows: chunk.rows.count, scaling: scaling)
            }
        } catch { localError = error }
        try collective.agree(localError)
        try measurement.combine(collective)
        let (map, condition) = measurement.map(preconditioning, scaling: scaling, standardize: standardize)
        return (map, condition)
    }

    /// `measured` as the single-target loop applies it to `rows` training rows: full and
    /// mini-batches precondition their gradients, single rows read whitened rows.
    func loopMap(_ measured: FeatureMap<Scalar>?, rows: Int) -> FeatureMap<Scalar>? {
        mode.batchSize(rows: rows) > 1 ? measured?.preconditioningGradients() : measured
    }
}
