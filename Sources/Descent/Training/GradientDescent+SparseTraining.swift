/// Every sparse fit after its entry point: the checks all parts agree on, held-out rows, weights, scaling, the epoch driver.
extension GradientDescent {
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
