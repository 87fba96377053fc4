/// The automatic learning rate (``GradientDescent/automaticLearningRate``).
enum LearningRateEstimate {
    /// Rows beyond this many elements are subsampled (evenly spaced rows) for the estimate.
    static let sampleElements = 1 << 22

    static func rate<Source: RowBlockSource>(for mode: BatchMode, source: Source, members: [Int]?, seed: UInt64) -> Double {
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
                    }
                }
            }
        }
        if mode == .stochastic {
            // One row's Hessian is 2ŵ(xxᵀ) plus 2ŵ for the bias: stable below 1/(ŵ(‖x‖² + 1)).
            var largest = 0.0
            for i in 0..<count {
                var norm = 1.0
                for j in 0..<d { let v = Double(x[i * d + j]); norm += v * v }
                largest = Swift.max(largest, norm * Double(weights[i]))
            }
            return 0.5 / largest
        }
        return 1 / largestEigenvalue(x, rows: count, columns: d, seed: seed,
                                     sampleWeights: source.isWeighted ? weights : nil)
    }

    /// `λ_max((2/n)·AᵀŴA)` for `A = [X 1]` (`Ŵ` the normalised sample weights, `I` unweighted), by
    /// power iteration with two gemv per step.
    static func largestEigenvalue<S: BLASScalar>(_ x: [S], rows n: Int, columns d: Int, seed: UInt64,
                                                 sampleWeights: [S]? = nil) -> Double {
        var random = RandomSource(seed: seed ^ 0xE16E_0000)
        var v = (0...d).map { _ in S(random.nextNormal()) }
        var u = [S](repeating: 0, count: n)
        var w = [S](repeating: 0, count: d)
        var lambda = 0.0
        for _ in 0..<500 {
            let norm = v.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            guard norm > 0 else { return 1 }
            for j in 0...d { v[j] = S(Double(v[j]) / norm) }
            // u = X·v_w + v_b;  w = Xᵀu;  v ← (2/n)·(w, Σu)
            for i in 0..<n { u[i] = v[d] }
            BLAS.gemv(x, rows: n, columns: d, v, beta: 1, &u)
            if let sampleWeights { for i in 0..<n { u[i] *= sampleWeights[i] } }
            BLAS.gemvTransposed(x, rows: n, columns: d, u, beta: 0, &w)
            let scale = 2 / S(n)
            for j in 0..<d { v[j] = scale * w[j] }
            v[d] = scale * u.reduce(S.zero, +)
            let next = v.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            if Swift.abs(next - lambda) <= 1e-6 * next { return next }
            lambda = next
        }
        return lambda
    }
}
