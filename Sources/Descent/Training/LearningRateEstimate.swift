/// The automatic learning rate (``GradientDescent/automaticLearningRate``).
enum LearningRateEstimate {
    /// Rows beyond this many elements are subsampled (evenly spaced rows) for the estimate.
    static let sampleElements = 1 << 22

    /// With `scaling`, the sampled rows are standardised first (the rate of the standardised problem).
    ///
    /// `curvature` is the loss's `sup ℓ''` (``Loss/curvature``; 2 for the squared loss).
    static func rate<Source: RowBlockSource>(for mode: BatchMode, source: Source, members: [Int]?, seed: UInt64,
                                             scaling: FeatureMap<Source.Scalar>? = nil, curvature: Double = 2) -> Double {
        let d = source.columns
        let all = members ?? Array(0..<source.rowCount)
        let count = Swift.min(all.count, Swift.max(1, sampleElements / d))
        let sample = (0..<count).map { all[$0 * all.count / count] }
        var x = [Source.Scalar](repeating: 0, count: count * d)
        var y = [Source.Scalar](repeating: 0, count: count * source.targetColumns)   // gathered, not used
        var weights = [Source.Scalar](repeating: 1, count: count)
        sample.withUnsafeBufferPointer { indices in
            x.withUnsafeMutableBufferPointer { xs in
                y.withUnsafeMutableBufferPointer { ys in
                    weights.withUnsafeMutableBufferPointer { ws in
                        source.gather(indices, features: xs.baseAddress!, targets: ys.baseAddress!, sampleWeights: ws.baseAddress!)
                        if let scaling {
                            EpochOrder<Source>.standardize(xs.baseAddress!, from: xs.baseAddress!, rows: count, scaling)
                        }
                    }
                }
            }
        }
        if mode == .stochastic {
            // One row's Hessian is 2ŵ(xxᵀ) plus 2ŵ for the bias: stable below 1/(ŵ(‖x‖² + 1)).
            return 1 / (curvature * largestRow(x, columns: d, weights: weights))
        }
        let lambda = largestEigenvalue(x, rows: count, columns: d, seed: seed,
                                       sampleWeights: source.isWeighted ? weights : nil, curvature: curvature)
        guard case let .miniBatch(size) = mode, size > 1, size < all.count else { return 1 / lambda }
        return miniBatchRate(lambda: lambda, largestRow: curvature * largestRow(x, columns: d, weights: weights),
                             batch: size, rows: all.count)
    }

    /// `maxᵢ ŵᵢ(‖xᵢ‖² + 1)` over the sampled rows `x` (dense, `columns` wide; `ŵᵢ = 1` without
    /// weights): one row's curvature, bias included, over the loss's `ℓ''`.
    static func largestRow<S: BLASScalar>(_ x: [S], columns d: Int, weights: [S]?) -> Double {
        var largest = 0.0
        for (i, start) in stride(from: 0, to: x.count, by: Swift.max(1, d)).enumerated() {
            var norm = 1.0
            for value in x[start..<(start + d)] { let v = Double(value); norm += v * v }
            largest = Swift.max(largest, norm * Double(weights?[i] ?? 1))
        }
        return largest
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
    /// ``rate(for:source:members:seed:)``; otherwise each part samples evenly spaced rows of its
    /// training chunks (up to ``sampleElements`` elements) and the power iteration sums over the
    /// parts (one sum of `d + 2` numbers per step); stochastic mode takes the largest row norm of
    /// any part.
    static func rate<S: BLASScalar>(for mode: BatchMode, chunks: EpochChunks<InMemoryRows<S>>, members: [Int]?,
                                    seed: UInt64, scaling: FeatureMap<S>?, collective: any Collective,
                                    curvature: Double = 2) throws(DescentError) -> Double {
        if chunks.training.count == 1 && collective.size == 1 {
            var rate = 0.0
            try chunks.visit(chunks.training) { (_, source) throws(DescentError) in
                rate = Self.rate(for: mode, source: source, members: members, seed: seed, scaling: scaling,
                                 curvature: curvature)
            }
            return rate
        }
        let d = chunks.placeholder.columns
        let n = chunks.trainingRows
        let count = Swift.min(n, Swift.max(1, sampleElements / d))
        var x = [S](repeating: 0, count: count * d)
        var next = 0, offset = 0   // the next sample, and the training rows before this chunk
        try chunks.visit(chunks.training) { (_, source) throws(DescentError) in
            while next < count {
                let row = next * n / count - offset
                guard row < source.rowCount else { break }
                let values = source.block(row..<(row + 1)).row(0)
                for j in 0..<d { x[next * d + j] = values[j] }
                next += 1
            }
            offset += source.rowCount
        }
        if let scaling {
            x.withUnsafeMutableBufferPointer { xs in
                EpochOrder<InMemoryRows<S>>.standardize(xs.baseAddress!, from: xs.baseAddress!, rows: count, scaling)
            }
        }
        if mode == .stochastic {
            return 1 / (curvature * (try collective.maximum(largestRow(x, columns: d, weights: nil))))
        }
        let lambda = try largestEigenvalue(x, rows: count, columns: d, seed: seed, collective: collective,
                                           curvature: curvature)
        var rows = [Double(n)]
        try collective.sum(&rows)
        let total = Int(rows[0])
        guard case let .miniBatch(size) = mode, size > 1, size < total else { return 1 / lambda }
        let largest = try collective.maximum(largestRow(x, columns: d, weights: nil))
        return miniBatchRate(lambda: lambda, largestRow: curvature * largest, batch: size, rows: total)
    }

    /// `λ_max((2/n)·AᵀŴA)` for `A = [X 1]` (`Ŵ` the normalised sample weights, `I` unweighted), by
    /// power iteration with two gemv per step.
    static func largestEigenvalue<S: BLASScalar>(_ x: [S], rows n: Int, columns d: Int, seed: UInt64,
                                                 sampleWeights: [S]? = nil, curvature: Double = 2) -> Double {
        (try? largestEigenvalue(x, rows: n, columns: d, seed: seed, sampleWeights: sampleWeights,
                                collective: LocalCollective(), curvature: curvature)) ?? 1
    }

    /// The same over the rows of every part (`n` of them here, possibly none): `Xᵀu` and `Σu` are
    /// summed over the parts each step, and `n` is their total.
    static func largestEigenvalue<S: BLASScalar>(_ x: [S], rows local: Int, columns d: Int, seed: UInt64,
                                                 sampleWeights: [S]? = nil, collective: some Collective,
                                                 curvature: Double = 2) throws(DescentError) -> Double {
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
                BLAS.gemv(x, rows: local, columns: d, v, beta: 1, &u)
                if let sampleWeights { for i in 0..<local { u[i] *= sampleWeights[i] } }
                BLAS.gemvTransposed(x, rows: local, columns: d, u, beta: 0, &w)
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
