extension LeastSquares {
    /// The SVD for `k` targets: one streaming QR (reflections applied to all targets), one SVD of
    /// its `R` (`gelsd` with `k` right-hand sides), then each full-rank, well-conditioned target
    /// refined as ``svd(_:_:_:)`` refines one. Rank-deficient problems get each target's
    /// minimum-norm solution in the caller's units. With fewer rows than columns the design itself
    /// is factored (``wideMinimumNorm(_:_:targetMeans:)``).
    static func svd<S: BLASScalar>(_ p: CenteredProblem, _ x: UnsafeBufferPointer<S>,
                                   targets y: TargetColumns<S>) throws(DescentError) -> MultiSolverOutcome {
        let n = p.rows, d = p.columns, k = y.count
        let rcondSVD = Double(Swift.max(n, d)) * p.dataEpsilon
        let targetMeans = y.means(intercept: p.intercept)
        if factorsDesign(rows: n, columns: d, intercept: p.intercept, parts: 1) {
            guard let wide = try wideMinimumNorm(p, SolverRows(x, y, columns: d), targetMeans: targetMeans) else {
                return .failed(reason: "the SVD did not converge", condition: nil)
            }
            return .finite((0..<k).map { c in
                var target = p
                target.targetMean = targetMeans[c]
                let model = target.model(v: Array(wide.v[(c * d)..<((c + 1) * d)]), c: target.targetMean, scaled: false)
                return RawSolution(weights: model.weights, bias: model.bias, method: .svd, rank: wide.rank,
                                   condition: .infinity, singularValues: wide.singularValues)
            })
        }
        let streamed = StreamingQR(p, x, targets: y, means: targetMeans)
        func run(unscaled: Bool) throws(DescentError) -> (v: [Double], rank: Int, singularValues: [Double])? {
            var r = streamed.r
            if unscaled { for j in 0..<d { for i in 0..<d { r[i + j * d] /= p.scales[j] } } }
            var b = streamed.z
            let result = try r.withUnsafeMutableBufferPointer { (a) throws(DescentError) in
                try b.withUnsafeMutableBufferPointer { (b) throws(DescentError) in
                    try LAPACK.minimumNormSolve(a, m: d, n: d, b, rcond: rcondSVD, nrhs: k)
                }
            }
            return result.map { (b, $0.rank, $0.singularValues) }
        }
        guard let scaled = try run(unscaled: false) else {
            return .failed(reason: "the SVD did not converge", condition: nil)
        }
        let smallest = scaled.singularValues.last ?? 0
        let condition = smallest > 0 ? scaled.singularValues[0] / smallest : .infinity
        var solved = scaled.v
        if scaled.rank < d {
            // The minimum-norm solution must be minimal in the caller's units, not the scaled ones.
            guard let unscaled = try run(unscaled: true) else { return .failed(reason: "the SVD did not converge", condition: nil) }
            solved = unscaled.v
        }
        let solutions = (0..<k).map { c in
            var target = p
            target.targetMean = targetMeans[c]
            let column = Array(solved[(c * d)..<((c + 1) * d)])
            var steps = 0
            let model: (weights: [Double], bias: Double)
            if scaled.rank < d {
                model = target.model(v: column, c: target.targetMean, scaled: false)
            } else {
                var v = column.map { Double.Accumulator($0) }
                var intercept = Double.Accumulator(target.targetMean)
                if condition <= streamingConditionLimit {
                    steps = y.column(c).withUnsafeBufferPointer { streamed.refine(target, x, $0, v: &v, c: &intercept) }
                }
                model = target.model(v: v, c: intercept)
            }
            return RawSolution(weights: model.weights, bias: model.bias, method: .svd, rank: scaled.rank,
                               condition: scaled.rank < d ? .infinity : condition,
                               singularValues: scaled.singularValues, refinementSteps: steps)
        }
        return .finite(solutions)
    }
}
