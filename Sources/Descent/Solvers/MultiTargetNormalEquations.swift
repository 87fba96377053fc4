extension LeastSquares {
    /// The normal equations for `k` targets at once: one pass over `X` builds the Gram matrix and
    /// `Xcᵀ(Y − 1ȳᵀ)` (`syrk` and `gemm`), one Cholesky factor serves every target (`potrs` with
    /// `k` right-hand sides), and refinement, where the single-target rule asks for it, corrects
    /// every target that needs it in the same pass (`R = T − Z·U` and `Zᵀ·R` by `gemm`). Each
    /// target gets what ``normalEquations(_:_:columns:intercept:ridge:)`` gives it alone, to rounding.
    static func normalEquations<S: BLASScalar>(_ x: UnsafeBufferPointer<S>, targets y: TargetColumns<S>,
                                               columns d: Int, intercept: Bool, ridge: Double = 0) -> MultiSolverOutcome {
        let n = y.rows, k = y.count
        var shift = [Double](repeating: 0, count: d)
        if intercept {
            // A NaN or ±∞ anywhere in X makes its column's sum non-finite.
            guard let sums = columnShift(x, rows: n, columns: d) else { return .nonFiniteFeatures }
            shift = sums
        }
        let targetMeans = y.means(intercept: intercept)
        var (gram, rhs, deviation) = centredGram(x, y, columns: d, shift: shift, targetMeans: targetMeans)
        let means = (0..<d).map { shift[$0] + deviation[$0] / Double(n) }
        guard rhs.allSatisfy(\.isFinite) else { return .failed(reason: GramFactor.overflow, condition: nil) }
        let gramFactor: GramFactor
        switch GramFactor.factor(&gram, rows: n, columns: d, intercept: intercept, ridge: ridge) {
        case let .factored(factored): gramFactor = factored
        case let .failed(reason, condition): return .failed(reason: reason, condition: condition)
        }
        let (factor, scales, rcond) = (gramFactor.factor, gramFactor.scales, gramFactor.reciprocalCondition)
        // V: column-major d × k, target c in v[c·d ..< (c + 1)·d].
        var v = [Double](repeating: 0, count: d * k)
        for j in 0..<d { for c in 0..<k { v[c * d + j] = rhs[j * k + c] * scales[j] } }
        factor.withUnsafeBufferPointer { f in v.withUnsafeMutableBufferPointer { LAPACK.choleskySolve(f, n: d, $0, nrhs: k) } }

        // U = S·V as a row-major d × k matrix (gemm's operand), u[j·k + c].
        var u = [Double](repeating: 0, count: d * k)
        func scaleBack() { for j in 0..<d { for c in 0..<k { u[j * k + c] = v[c * d + j] * scales[j] } } }
        scaleBack()
        // Each target refines under the single-target rule: when the condition, or the
        // cancellation in its b = ȳ − μᵀw, would cost more than three digits; at most two steps,
        // fewer once its correction is below Double's resolution.
        var active = (0..<k).map { c in
            let interceptTerms = intercept ? (0..<d).reduce(0.0) { Swift.max($0, Swift.abs(means[$1] * u[$1 * k + c])) } : 0
            let prediction = (0..<d).reduce(0.0) { $0 + means[$1] * u[$1 * k + c] }
            let cancellation = interceptTerms / Swift.max(Swift.abs(targetMeans[c] - prediction), .leastNormalMagnitude)
            return epsilon / rcond > 1e-13 || cancellation > 1e3
        }
        var steps = [Int](repeating: 0, count: k)
        if active.contains(true) {
            let blockRows = Swift.max(1, Swift.min(n, 131_072 / Swift.max(d, k)))
            var z = [Double](repeating: 0, count: blockRows * d)
            var t = [Double](repeating: 0, count: blockRows * k)
            var residual = [Double](repeating: 0, count: blockRows * k)
            var correction = [Double](repeating: 0, count: d * k)
            var delta = [Double](repeating: 0, count: d * k)
            while active.contains(true) {
                for i in correction.indices { correction[i] = 0 }
                // Rows were shifted by μ̃, not μ: the model's intercept absorbs the difference.
                let offsets = (0..<k).map { c in (0..<d).reduce(0.0) { $0 + deviation[$1] / Double(n) * u[$1 * k + c] } }
                var start = 0
                while start < n {
                    let m = Swift.min(blockRows, n - start)
                    for i in 0..<m {
                        let row = (start + i) * d
                        for j in 0..<d { z[i * d + j] = Double(x[row + j]) - shift[j] }
                        for c in 0..<k { t[i * k + c] = Double(y[start + i, c]) - targetMeans[c] }
                    }
                    // R = T − Z·U + 1·offsetᵀ;  correction += ZᵀR.
                    residual.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: t, count: m * k) }
                    BLAS.gemm(z, u, m: m, n: k, k: d, alpha: -1, beta: 1, &residual)
                    for i in 0..<m { for c in 0..<k { residual[i * k + c] += offsets[c] } }
                    BLAS.gemm(z, transposeA: true, residual, m: d, n: k, k: m, beta: 1, &correction)
                    start += m
                }
                for j in 0..<d {
                    for c in 0..<k { delta[c * d + j] = (correction[j * k + c] - Double(n) * ridge * u[j * k + c]) * scales[j] }
                }
                factor.withUnsafeBufferPointer { f in
                    delta.withUnsafeMutableBufferPointer { LAPACK.choleskySolve(f, n: d, $0, nrhs: k) }
                }
                for c in 0..<k where active[c] {
                    steps[c] += 1
                    var size = 0.0, magnitude = 0.0
                    for j in 0..<d {
                        size = Swift.max(size, Swift.abs(delta[c * d + j]))
                        v[c * d + j] += delta[c * d + j]
                        magnitude = Swift.max(magnitude, Swift.abs(v[c * d + j]))
                    }
                    if steps[c] == 2 || size <= epsilon * magnitude { active[c] = false }
                }
                scaleBack()
            }
        }
        // b = ȳ − μᵀw, in extended precision, for each target.
        typealias E = Double.Accumulator
        let condition = (1 / rcond).squareRoot()
        let solutions = (0..<k).map { c in
            var bias = E(targetMeans[c])
            if intercept { for j in 0..<d { bias -= E(means[j]) * E(u[j * k + c]) } }
            return RawSolution(weights: (0..<d).map { u[$0 * k + c] }, bias: intercept ? Double(bias) : 0,
                               method: .normalEquations, rank: d, condition: condition, refinementSteps: steps[c])
        }
        return .finite(solutions)
    }
}
