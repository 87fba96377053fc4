extension LeastSquares {
    /// The SVD of `R` from the streaming QR, for `k ≥ 1` targets: `A = QR` has the singular values
    /// of `R`, and `min‖Av − b‖` is `min‖Rv − z‖` for each target, so no copy of `X` is needed
    /// (`gelsd` with `k` right-hand sides). Scaling commutes with QR (`R` of `A·S` is `R·S`), so the
    /// unscaled minimum-norm solutions use `R·S⁻¹`. Full-rank, well-conditioned solutions are
    /// refined, each target by its own rule. With fewer rows than columns the design itself is
    /// factored instead (``wideMinimumNorm(_:_:)``): its copy is smaller than `R`. Full-rank
    /// problems the fast path certifies take its `R` instead (``fastSVD(_:_:intercept:rcond:)``).
    static func svd<S: BLASScalar>(_ rows: SolverRows<S>, _ totals: RowTotals,
                                   intercept: Bool) throws(DescentError) -> SolverOutcome {
        let n = totals.rows, d = rows.columns, k = rows.targets
        let wide = factorsDesign(rows: n, columns: d, intercept: intercept, parts: rows.collective.size)
        let rcondSVD = Double(Swift.max(n, d)) * Double(S.ulpOfOne)
        if !wide, n * d > smallProblem, let fast = try fastSVD(rows, totals, intercept: intercept, rcond: rcondSVD) { return .solved(fast) }
        let p = try CenteredProblem(rows, totals, intercept: intercept)
        if wide {
            guard let wide = try wideMinimumNorm(p, rows) else {
                return .failed(reason: "the SVD did not converge", condition: nil)
            }
            return .finite((0..<k).map { t in
                let model = p.model(target: t, v: wide.v, c: p.targetMeans[t], scaled: false)
                return RawSolution(weights: model.weights, bias: model.bias, method: .svd, rank: wide.rank,
                                   condition: .infinity, singularValues: wide.singularValues)
            })
        }
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

    /// The largest error in a singular value, relative to it, that the fast path's `R` may carry:
    /// a Cholesky factor of the Gram matrix holds `σᵢ` to about `κ²·ε` relative.
    static let fastSVDAccuracy = 1e-8

    /// Full-rank problems the fast path certifies (``choleskyQR(_:_:intercept:gram:)``) have one
    /// solution, which that path has already found; their singular values are those of its `R`
    /// (the same centred, unit-norm-column design), whose `d × d` SVD costs nothing next to a pass
    /// over the rows. Taken when `R` has full rank at `rcond` and its singular values are accurate
    /// to ``fastSVDAccuracy`` (`κ²·ε` from the Gram's factor, `κ·ε` after a CholeskyQR pass);
    /// `nil` otherwise, and the streaming Householder `R` is factored instead. Small problems
    /// (≤ ``smallProblem`` elements) skip it: there the Householder `R` costs little and its
    /// singular values and solution keep their last digits (NIST's Wampler sets).
    static func fastSVD<S: BLASScalar>(_ rows: SolverRows<S>, _ totals: RowTotals, intercept: Bool,
                                       rcond: Double) throws(DescentError) -> [RawSolution]? {
        let d = rows.columns
        guard let fast = try choleskyQR(rows, totals, intercept: intercept) else { return nil }
        var r = fast.r
        var b = [Double](repeating: 0, count: d)
        let factored = try r.withUnsafeMutableBufferPointer { (a) throws(DescentError) in
            try b.withUnsafeMutableBufferPointer { (b) throws(DescentError) in
                try LAPACK.minimumNormSolve(a, m: d, n: d, b, rcond: rcond)
            }
        }
        guard let factored, factored.rank == d, let largest = factored.singularValues.first,
              let smallest = factored.singularValues.last, smallest > 0 else { return nil }
        let condition = largest / smallest
        let error = (fast.secondPass ? condition : condition * condition) * epsilon
        guard error <= fastSVDAccuracy else { return nil }
        return fast.solutions.map { solution in
            var svd = solution
            svd.method = .svd
            svd.condition = condition
            svd.singularValues = factored.singularValues
            return svd
        }
    }
}
