extension LeastSquares {
    /// The SVD of `R` from the streaming QR: `A = QR` has the singular values of `R`, and
    /// `min‖Av − b‖` is `min‖Rv − z‖`, so no copy of `X` is needed. Scaling commutes with QR
    /// (`R` of `A·S` is `R·S`), so the unscaled minimum-norm solution uses `R·S⁻¹`. With fewer
    /// rows than columns the design itself is factored instead
    /// (``wideMinimumNorm(_:_:targetMeans:)``): its copy is smaller than `R`.
    static func svd<S: BLASScalar>(_ rows: SolverRows<S>, _ totals: RowTotals,
                                   intercept: Bool) throws(DescentError) -> SolverOutcome {
        let p = try CenteredProblem(rows, totals, intercept: intercept)
        let n = p.rows, d = p.columns
        if factorsDesign(rows: n, columns: d, intercept: intercept, parts: rows.collective.size) {
            guard let wide = try wideMinimumNorm(p, rows, targetMeans: [p.targetMean]) else {
                return .failed(reason: "the SVD did not converge", condition: nil)
            }
            let model = p.model(v: wide.v, c: p.targetMean, scaled: false)
            return .finite(RawSolution(weights: model.weights, bias: model.bias, method: .svd, rank: wide.rank,
                                       condition: .infinity, singularValues: wide.singularValues))
        }
        let rcondSVD = Double(Swift.max(n, d)) * p.dataEpsilon
        let streamed = try StreamingQR(p, rows, means: [p.targetMean])
        func run(unscaled: Bool) throws(DescentError) -> (v: [Double], rank: Int, singularValues: [Double])? {
            var r = streamed.r
            if unscaled { for j in 0..<d { for i in 0..<d { r[i + j * d] /= p.scales[j] } } }
            var b = streamed.z
            let result = try r.withUnsafeMutableBufferPointer { (a) throws(DescentError) in
                try b.withUnsafeMutableBufferPointer { (b) throws(DescentError) in try LAPACK.minimumNormSolve(a, m: d, n: d, b, rcond: rcondSVD) }
            }
            return result.map { (b, $0.rank, $0.singularValues) }
        }
        guard let scaled = try run(unscaled: false) else {
            return .failed(reason: "the SVD did not converge", condition: nil)
        }
        let smallest = scaled.singularValues.last ?? 0
        let condition = smallest > 0 ? scaled.singularValues[0] / smallest : .infinity
        var steps = 0
        let model: (weights: [Double], bias: Double)
        if scaled.rank < d {
            // The minimum-norm solution must be minimal in the caller's units, not the scaled ones.
            guard let unscaled = try run(unscaled: true) else { return .failed(reason: "the SVD did not converge", condition: nil) }
            model = p.model(v: unscaled.v, c: p.targetMean, scaled: false)
        } else {
            var v = scaled.v.map { Double.Accumulator($0) }
            var c = Double.Accumulator(p.targetMean)
            if condition <= streamingConditionLimit { steps = try StreamingQR.refine(r: streamed.r, p, rows, v: &v, c: &c).steps }
            model = p.model(v: v, c: c)
        }
        return .finite(RawSolution(weights: model.weights, bias: model.bias, method: .svd, rank: scaled.rank,
                                  condition: scaled.rank < d ? .infinity : condition,
                                  singularValues: scaled.singularValues, refinementSteps: steps))
    }
}
