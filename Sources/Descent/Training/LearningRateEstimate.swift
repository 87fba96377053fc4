/// The automatic learning rate (``GradientDescent/automaticLearningRate``).
enum LearningRateEstimate {
    /// Rows beyond this many elements are subsampled (evenly spaced rows) for the estimate.
    static let sampleElements = 1 << 22

    /// With `scaling`, the sampled rows are standardised first (the rate of the standardised problem).
    ///
    /// `curvature` is the loss's `sup ℓ''` (``Loss/curvature``; 2 for the squared loss).
    static func rate<Source: RowBlockSource>(for mode: BatchMode, source: Source, members: [Int]?, seed: UInt64,
                                             scaling: FeatureMap<Source.Scalar>? = nil, curvature: Double = 2) -> Double {
        let all = members ?? Array(0..<source.rowCount)
        let count = Swift.min(all.count, Swift.max(1, sampleElements / SampledRows<Source.Scalar>.width(of: source)))
        var sample = SampledRows<Source.Scalar>(columns: source.columns, sparse: source.isSparse)
        var weights = [Source.Scalar]()
        for n in 0..<count {
            let row = all[n * all.count / count], block = source.block(row..<(row + 1))
            sample.append(block, row: 0)
            weights.append(block.sampleWeights?[0] ?? 1)
        }
        if let scaling { sample.scale(scaling) }
        if mode == .stochastic {
            // One row's Hessian is 2ŵ(xxᵀ) plus 2ŵ for the bias: stable below 1/(ŵ(‖x‖² + 1)).
            return 1 / (curvature * sample.largestRow(weights: weights))
        }
        let lambda = (try? largestEigenvalue(sample, seed: seed, sampleWeights: source.isWeighted ? weights : nil,
                                             collective: LocalCollective(), curvature: curvature)) ?? 1
        guard case let .miniBatch(size) = mode, size > 1, size < all.count else { return 1 / lambda }
        return miniBatchRate(lambda: lambda, largestRow: curvature * sample.largestRow(weights: weights),
                             batch: size, rows: all.count)
    }

    /// The mini-batch rate `1/L(b)` from the expected smoothness of batches of `b` of `n` rows
    /// (Gower et al., "SGD: general analysis and improved rates", 2019):
    /// `L(b) = n(b − 1)/(b(n − 1))·λ + (n − b)/(b(n − 1))·L_max`, between the full batch's
    /// `λ = λ_max` of the Hessian (`b = n`) and one row's largest `L_max = 2ŵ(‖x‖² + 1)` (`b = 1`).
    /// On features whose Hessian is flat (whitened), a batch's own Hessian can be several times
    /// the full one's, and `1/λ` alone would diverge.
    static func miniBatchRate(lambda: Double, largestRow: Double, batch b: Int, rows n: Int) -> Double {
        let batch = Double(b), rows = Double(n)
        let smoothness = rows * (batch - 1) / (batch * (rows - 1)) * lambda
            + (rows - batch) / (batch * (rows - 1)) * largestRow
        return 1 / Swift.max(lambda, smoothness)
    }

    /// The rate from the training chunks of every part: in one chunk in one process exactly
    /// ``rate(for:source:members:seed:scaling:curvature:)``; otherwise each part samples evenly spaced rows of its
    /// training chunks (up to ``sampleElements`` elements) and the power iteration sums over the
    /// parts (one sum of `d + 2` numbers per step); stochastic mode takes the largest row norm of
    /// any part.
    static func rate<Source: RowBlockSource>(for mode: BatchMode, chunks: EpochChunks<Source>, members: [Int]?,
                                             seed: UInt64, scaling: FeatureMap<Source.Scalar>?, collective: any Collective,
                                             curvature: Double = 2) throws(DescentError) -> Double {
        if chunks.training.count == 1 && collective.size == 1 {
            var rate = 0.0
            try chunks.visit(chunks.training) { (_, source) throws(DescentError) in
                rate = Self.rate(for: mode, source: source, members: members, seed: seed, scaling: scaling,
                                 curvature: curvature)
            }
            return rate
        }
        let n = chunks.trainingRows
        var sample = SampledRows<Source.Scalar>(columns: chunks.placeholder.columns, sparse: chunks.placeholder.isSparse)
        var weights = [Source.Scalar]()   // the sampled rows' normalised weights (1 when unweighted)
        var next = 0, offset = 0, count = n   // the next sample, and the training rows before this chunk
        try chunks.visit(chunks.training) { (_, source) throws(DescentError) in
            if next == 0 { count = Swift.min(n, Swift.max(1, sampleElements / SampledRows<Source.Scalar>.width(of: source))) }
            while next < count {
                let row = next * n / count - offset
                guard row < source.rowCount else { break }
                let block = source.block(row..<(row + 1))
                sample.append(block, row: 0)
                weights.append(block.sampleWeights?[0] ?? 1)
                next += 1
            }
            offset += source.rowCount
        }
        if let scaling { sample.scale(scaling) }
        let sampleWeights = chunks.placeholder.isWeighted ? weights : nil
        if mode == .stochastic {
            return 1 / (curvature * (try collective.maximum(sample.largestRow(weights: sampleWeights))))
        }
        let lambda = try largestEigenvalue(sample, seed: seed, sampleWeights: sampleWeights, collective: collective,
                                           curvature: curvature)
        var rows = [Double(n)]
        try collective.sum(&rows)
        let total = Int(rows[0])
        guard case let .miniBatch(size) = mode, size > 1, size < total else { return 1 / lambda }
        let largest = try collective.maximum(sample.largestRow(weights: sampleWeights))
        return miniBatchRate(lambda: lambda, largestRow: curvature * largest, batch: size, rows: total)
    }

    /// `λ_max((2/n)·AᵀŴA)` for `A = [X 1]` (`Ŵ` the normalised sample weights, `I` unweighted), by
    /// power iteration with two gemv per step.
    static func largestEigenvalue<S: BLASScalar>(_ x: [S], rows n: Int, columns d: Int, seed: UInt64,
                                                 sampleWeights: [S]? = nil, curvature: Double = 2) -> Double {
        (try? largestEigenvalue(SampledRows(dense: x, columns: d), seed: seed, sampleWeights: sampleWeights,
                                collective: LocalCollective(), curvature: curvature)) ?? 1
    }

    /// The same over the rows of every part (`n` of them here, possibly none): `Xᵀu` and `Σu` are
    /// summed over the parts each step, and `n` is their total.
    static func largestEigenvalue<S: BLASScalar>(_ x: SampledRows<S>, seed: UInt64,
                                                 sampleWeights: [S]? = nil, collective: some Collective,
                                                 curvature: Double = 2) throws(DescentError) -> Double {
        let local = x.count, d = x.columns
        var total = [Double(local)]
        if collective.size > 1 { try collective.sum(&total) }
        let n = Int(total[0])
        guard n > 0 else { return 1 }
        var random = RandomSource(seed: seed ^ 0xE16E_0000)
        var v = (0...d).map { _ in S(random.nextNormal()) }
        var u = [S](repeating: 0, count: local)
        var w = [S](repeating: 0, count: d)
        var lambda = 0.0
        for _ in 0..<500 {
            let norm = v.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            guard norm > 0 else { return 1 }
            for j in 0...d { v[j] = S(Double(v[j]) / norm) }
            // u = X·v_w + v_b;  w = Xᵀu;  v ← (2/n)·(w, Σu)
            var uSum = S.zero
            if local > 0 {
                for i in 0..<local { u[i] = v[d] }
                x.multiply(v, into: &u)
                if let sampleWeights { for i in 0..<local { u[i] *= sampleWeights[i] } }
                x.transposeMultiply(u, into: &w)
                uSum = u.reduce(S.zero, +)
            } else {
                for j in 0..<d { w[j] = 0 }
            }
            if collective.size > 1 {
                var packed = w.map { Double($0) } + [Double(uSum)]
                try collective.sum(&packed)
                for j in 0..<d { w[j] = S(packed[j]) }
                uSum = S(packed[d])
            }
            let scale = S(curvature) / S(n)
            for j in 0..<d { v[j] = scale * w[j] }
            v[d] = scale * uSum
            let next = v.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            if Swift.abs(next - lambda) <= 1e-6 * next { return next }
            lambda = next
        }
        return lambda
    }
}
