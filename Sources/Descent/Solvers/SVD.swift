extension LeastSquares {
    /// The SVD of `R` from the streaming QR, for `k ≥ 1` targets: `A = QR` has the singular values
    /// of `R`, and `min‖Av − b‖` is `min‖Rv − z‖` for each target, so no copy of `X` is needed
    /// (`gelsd` with `k` right-hand sides). Scaling commutes with QR (`R` of `A·S` is `R·S`), so the
    /// unscaled minimum-norm solutions use `R·S⁻¹`. Full-rank, well-conditioned solutions are
    /// refined, each target by its own rule. With fewer rows than columns the design itself is
    /// factored instead (``wideMinimumNorm(_:_:)``): its copy is smaller than `R`.
    static func svd<S: BLASScalar>(_ rows: SolverRows<S>, _ totals: RowTotals,
                                   intercept: Bool) throws(DescentError) -> SolverOutcome {
        let p = try CenteredProblem(rows, totals, intercept: intercept)
        let n = p.rows, d = p.columns, k = rows.targets
        if factorsDesign(rows: n, columns: d, intercept: intercept, parts: rows.collective.size) {
            guard let wide = try wideMinimumNorm(p, rows) else {
                return .failed(reason: "the SVD did not converge", condition: nil)
            }
            return .finite((0..<k).map { t in
                let model = p.model(target: t, v: wide.v, c: p.targetMeans[t], scaled: false)
                return RawSolution(weights: model.weights, bias: model.bias, method: .svd, rank: wide.rank,
                                   condition: .infinity, singularValues: wide.singularValues)
            })
        }
        let rcondSVD = Double(Swift.max(n, d)) * p.dataEpsilon
        let streamed = try StreamingQR(p, rows)
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
        let models: [(weights: [Double], bias: Double)]
        var steps = [Int](repeating: 0, count: k)
        if scaled.rank < d {
            // The minimum-norm solution must be minimal in the caller's units, not the scaled ones.
            guard let unscaled = try run(unscaled: true) else { return .failed(reason: "the SVD did not converge", condition: nil) }
            models = (0..<k).map { p.model(target: $0, v: unscaled.v, c: p.targetMeans[$0], scaled: false) }
        } else {
            var v = scaled.v.map { Double.Accumulator($0) }
            var c = p.targetMeans.map { Double.Accumulator($0) }
            if condition <= streamingConditionLimit {
                steps = try StreamingQR.refine(r: streamed.r, p, rows, v: &v, c: &c).map(\.steps)
            }
            models = (0..<k).map { p.model(target: $0, v: v, c: c[$0]) }
        }
        return .finite(models.enumerated().map { t, model in
            RawSolution(weights: model.weights, bias: model.bias, method: .svd, rank: scaled.rank,
                        condition: scaled.rank < d ? .infinity : condition,
                        singularValues: scaled.singularValues, refinementSteps: steps[t])
        })
    }
}
