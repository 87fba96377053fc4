/// Where a fit starts. Every public `fit` and `partialFit` (one target or several, a matrix or a
/// ``RowSource``, in one process or across parts) checks its inputs and then comes here:
///
/// - a matrix in memory: ``train(_:features:targets:targetColumns:weights:epochs:holdOut:whole:onEpoch:)``
///   measures the feature map (standardising, whitening), holds rows out and normalises the
///   weights;
/// - a ``RowSource``: `train(_:from:collective:epochs:holdOut:whole:onEpoch:)` in
///   `GradientDescent+RowSource.swift` reads the source once, holds chunks out, and agrees with the
///   other parts;
///
/// and both end in ``train(_:chunks:members:validation:rows:validating:scaling:collective:epochs:whole:onEpoch:)``,
/// which picks the learning rate, resolves the settings and runs the one ``EpochDriver`` for any
/// number of targets.
extension GradientDescent {
    /// Trains `model` (one target, or `targetColumns` of them: `targets` row-major `n × k`) on a
    /// matrix in memory: standardises or whitens if asked (measuring the columns; the rows are
    /// mapped block by block as the loop reads them, never copied whole), holds rows out for early
    /// stopping, normalises the sample weights, and runs the epoch loop.
    func train<Model: TrainableModel>(_ model: inout Model, features: Matrix<Scalar>, targets: [Scalar],
                                      targetColumns: Int, weights: [Scalar]?, epochs: Int, holdOut: Bool, whole: Bool,
                                      onEpoch: ((EpochReport<Scalar>) -> Void)?) throws(DescentError)
        -> FitHistory<Scalar> where Model.Scalar == Scalar {
        let (measured, condition) = try featureMap(features, weights: weights, whole: whole, targets: targetColumns)
        let map = loopMap(measured, rows: features.rows)
        var inner = try map.map { (map) throws(DescentError) in try model.inner(map) } ?? model
        defer { if let map { model = (try? inner.original(map)) ?? model } else { model = inner } }
        let n = features.rows
        let (members, validation) = try heldOutRows(n, holdOut: holdOut)
        let normalized = try normalizedWeights(weights, members: members)
        let result: Result<FitHistory<Scalar>, DescentError> = features.withUnsafeBufferPointer { x in
            targets.withUnsafeBufferPointer { y in
                (normalized ?? []).withUnsafeBufferPointer { w in
                    let source = InMemoryRows(features: x, targets: y, columns: features.columns,
                                              targetColumns: targetColumns, sampleWeights: normalized == nil ? nil : w)
                    return Result { () throws(DescentError) in
                        try train(&inner, chunks: InMemoryChunks.pinned(source), members: members, validation: validation,
                                  rows: members?.count ?? n, validating: !validation.isEmpty, scaling: map,
                                  collective: LocalCollective(), epochs: epochs, whole: whole, onEpoch: onEpoch)
                    }
                }
            }
        }
        var history = try result.get()
        history.recordPreconditioning(whitened: map?.whitened ?? false, condition: condition)
        return history
    }

    /// Picks the learning rate on every part's rows and runs the epoch driver.
    ///
    /// The automatic rate is a share of `1/(L + 2λ₂)` (``automaticRateShare(rows:)``): `L` the
    /// smoothness of the loss the mode steps on (``LearningRateEstimate``, with the loss's
    /// curvature) and `2λ₂` the curvature the penalty's squared-norm term adds, so that a strong
    /// ridge or elastic-net term cannot make the steps unstable.
    @specialized(where Model == LinearModel<Double>, Source == InMemoryRows<Double>)
    @specialized(where Model == LinearModel<Float>, Source == InMemoryRows<Float>)
    @specialized(where Model == MultiLinearModel<Double>, Source == InMemoryRows<Double>)
    @specialized(where Model == MultiLinearModel<Float>, Source == InMemoryRows<Float>)
    @specialized(where Model == LinearModel<Double>, Source == SparseMatrixRows<Double>)
    @specialized(where Model == LinearModel<Float>, Source == SparseMatrixRows<Float>)
    @specialized(where Model == MultiLinearModel<Double>, Source == SparseMatrixRows<Double>)
    @specialized(where Model == MultiLinearModel<Float>, Source == SparseMatrixRows<Float>)
    func train<Model: TrainableModel, Source: RowBlockSource>(_ model: inout Model, chunks: EpochChunks<Source>, members: [Int]?,
                                      validation: [Int], rows: Int, validating: Bool, scaling: FeatureMap<Scalar>?,
                                      collective: any Collective, epochs: Int, whole: Bool,
                                      onEpoch: ((EpochReport<Scalar>) -> Void)?) throws(DescentError)
        -> FitHistory<Scalar> where Model.Scalar == Scalar, Source.Scalar == Scalar {
        var localError: DescentError? = nil
        var rate = Double(learningRate)
        if automaticLearningRate {
            do throws(DescentError) {
                let estimate = try LearningRateEstimate.rate(for: mode, chunks: chunks, members: members, seed: seed,
                                                             scaling: scaling, collective: collective,
                                                             curvature: loss.curvature)
                rate = automaticRateShare(rows: rows) / (1 / estimate + 2 * penalty.strengths.l2)
            } catch { localError = error }
        }
        if localError == nil, !(rate.isFinite && rate > 0 && Scalar(rate) > 0) {
            localError = .invalidOption(name: "automaticLearningRate", value: "an estimate of \(rate)",
                                        expected: "data whose scale allows a step (standardise the features)")
        }
        try collective.agree(localError)
        let localRows = chunks.training.count == 1 && members != nil ? members!.count : chunks.trainingRows
        let partRows = try collective.gather(Double(localRows)).map { Int($0) }
        let settings = TrainingSettings(self, rows: rows, columns: chunks.placeholder.columns, epochs: epochs,
                                        baseRate: rate, validating: validating, orderSeed: seed,
                                        measuresConvergence: whole)
        var driver = EpochDriver(chunks: chunks, settings: settings, members: members, validation: validation,
                                 validating: validating, collective: collective, averagingInterval: averagingInterval,
                                 scaling: scaling, partRows: partRows)
        return try driver.run(&model, onEpoch: onEpoch)
    }

}
