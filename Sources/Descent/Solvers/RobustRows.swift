/// The rows of an M-estimation (IRLS, or Newton's method on a piecewise-quadratic loss) and the
/// passes over them: every pass computes the residuals `rᵢ = yᵢ − θᵀẑᵢ` of the shifted rows
/// `ẑᵢ = (1, xᵢ − μ)` (no leading 1 without an intercept), asks the caller what each row
/// contributes, and sums over blocks and parts (``SolverRows``, whose collective combines the
/// parts), so a matrix in memory, a streamed ``RowSource`` and MPI ranks run the same code.
///
/// `θ = (c, w)` are the coefficients in the shifted coordinates; the model's bias is
/// `b = c − μᵀw` (``coefficients(_:)``).
struct RobustRows<S: BLASScalar> {
    let rows: SolverRows<S>
    /// This part's sample weights `vᵢ` in row order (`nil`: all 1).
    let sampleWeights: [Double]?
    let intercept: Bool
    /// `μ`: the column means (zero without an intercept), from the first pass.
    let shift: [Double]
    /// `n`, over every part.
    let count: Int
    /// `Σvᵢ` over every part (`n` without weights).
    let totalWeight: Double

    /// `p = d + 1` with an intercept, `d` without.
    var parameters: Int { rows.columns + (intercept ? 1 : 0) }

    /// Checks the rows (shapes across parts, NaN or ±∞, via ``RowTotals``) and the weights.
    init(_ rows: SolverRows<S>, weights: [S]?, intercept: Bool) throws(DescentError) {
        let totals = try RowTotals.gather(rows, intercept: intercept)
        var weightError: DescentError?
        if let weights {
            if weights.count != rows.localRows {
                weightError = .invalidOption(name: "weights", value: "\(weights.count) weights",
                                             expected: "one weight per row (\(rows.localRows))")
            } else if let index = weights.firstIndex(where: { !$0.isFinite || $0 < 0 }) {
                weightError = .invalidOption(name: "weights", value: "weights[\(index)] = \(weights[index]) (zero-based)",
                                             expected: "finite weights ≥ 0")
            }
        }
        try rows.collective.agree(weightError)
        var total = [weights.map { $0.reduce(0.0) { $0 + Double($1) } } ?? Double(rows.localRows)]
        try rows.sum(&total)
        guard total[0] > 0, total[0].isFinite else {
            throw .invalidOption(name: "weights", value: "all zero", expected: "at least one weight > 0")
        }
        self.rows = rows
        sampleWeights = weights.map { $0.map(Double.init) }
        self.intercept = intercept
        shift = totals.shift
        count = totals.rows
        totalWeight = total[0]
    }

    /// What one row adds to a pass: `curvature·ẑẑᵀ` to the matrix, `gradient·ẑ` to the vector,
    /// and four scalars.
    struct Terms {
        var curvature = 0.0
        var gradient = 0.0
        var extras = SIMD4<Double>.zero
    }

    /// The sums of a pass, over every part: `Σ curvatureᵢ ẑᵢẑᵢᵀ` (row-major `p × p`, when asked
    /// for), `Σ gradientᵢ ẑᵢ` and the four scalar sums.
    struct Sums {
        var matrix: [Double]
        var vector: [Double]
        var extras: SIMD4<Double>
    }

    /// Visits this part's rows block by block: the block's shifted design `ẑ` (row-major `m × p`
    /// in the first `m·p` entries), its residuals at `θ` (the first `m`), `m`, and the index of
    /// its first row among this part's rows.
    private func forEachShiftedBlock(_ theta: [Double],
                                     _ body: (_ z: [Double], _ residual: [Double], _ m: Int, _ first: Int) -> Void)
        throws(DescentError) {
        let d = rows.columns, p = parameters, offset = intercept ? 1 : 0
        let blockRows = Swift.max(1, Swift.min(Swift.max(1, rows.localRows), 131_072 / p))
        var z = [Double](repeating: 0, count: blockRows * p)
        var residual = [Double](repeating: 0, count: blockRows)
        var next = 0
        try rows.forEachBlock(rows: blockRows) { (block) throws(DescentError) in
            let m = block.count
            // Double rows are read as Double (no generic conversion per value, whatever the caller's
            // specialisation); Float rows are widened.
            let targets = S._asDouble(block.targets)
            for i in 0..<m {
                let x = block.row(i)
                if intercept { z[i * p] = 1 }
                if let row = S._asDouble(x) {
                    for j in 0..<d { z[i * p + offset + j] = row[j] - shift[j] }
                } else {
                    for j in 0..<d { z[i * p + offset + j] = Double(x[j]) - shift[j] }
                }
                residual[i] = targets?[i * block.targetColumns] ?? Double(block.target(i, 0))
            }
            BLAS.gemv(z, rows: m, columns: p, alpha: -1, theta, beta: 1, &residual)
            body(z, residual, m, next)
            next += m
        }
    }

    /// Visits every row of this part with its index (in row order), residual at `θ` and sample
    /// weight.
    func forEachResidual(_ theta: [Double], _ body: (_ row: Int, _ residual: Double, _ weight: Double) -> Void)
        throws(DescentError) {
        try forEachShiftedBlock(theta) { _, residual, m, first in
            for i in 0..<m { body(first + i, residual[i], sampleWeights?[first + i] ?? 1) }
        }
    }

    /// One pass at `θ`: each row's ``Terms`` from `terms(row, residual, weight)`, summed. The
    /// matrix is formed only when `matrix` is true (a `gemm` per block), the vector by `gemv`.
    func pass(_ theta: [Double], matrix: Bool,
              _ terms: (_ row: Int, _ residual: Double, _ weight: Double) -> Terms) throws(DescentError) -> Sums {
        let p = parameters
        let blockRows = Swift.max(1, Swift.min(Swift.max(1, rows.localRows), 131_072 / p))
        var scaled = [Double](repeating: 0, count: matrix ? blockRows * p : 0)
        var gradient = [Double](repeating: 0, count: blockRows)
        // The matrix (p·p, when asked for), the vector (p), the extras (4): one collective sum.
        var sums = [Double](repeating: 0, count: (matrix ? p * p : 0) + p + 4)
        let vectorStart = matrix ? p * p : 0
        var extras = SIMD4<Double>.zero
        var curvature = [Double](repeating: 0, count: matrix ? blockRows : 0)
        try forEachShiftedBlock(theta) { z, residual, m, first in
            var nonNegative = true
            for i in 0..<m {
                let row = terms(first + i, residual[i], sampleWeights?[first + i] ?? 1)
                gradient[i] = row.gradient
                extras += row.extras
                if matrix {
                    curvature[i] = row.curvature
                    nonNegative = nonNegative && row.curvature >= 0
                }
            }
            sums.withUnsafeMutableBufferPointer { all in
                if matrix {
                    // Σ cᵢẑᵢẑᵢᵀ: `syrk` of the rows scaled by √cᵢ (its upper triangle), or `gemm` of
                    // ẑᵀ(c∘ẑ) when some cᵢ < 0 (ψ′ of Tukey's biweight).
                    if nonNegative {
                        for i in 0..<m {
                            let root = curvature[i].squareRoot()
                            for j in 0..<p { scaled[i * p + j] = root * z[i * p + j] }
                        }
                        BLAS.syrk(scaled, rows: m, columns: p, beta: 1, all.baseAddress!)
                    } else {
                        for i in 0..<m { for j in 0..<p { scaled[i * p + j] = curvature[i] * z[i * p + j] } }
                        BLAS.gemm(z, transposeA: true, scaled, m: p, n: p, k: m, beta: 1, all.baseAddress!)
                    }
                }
                BLAS.gemvTransposed(z, rows: m, columns: p, gradient, beta: 1, all.baseAddress! + vectorStart)
            }
        }
        // The upper triangle holds every block's sum: mirror it.
        if matrix { for i in 0..<p { for j in 0..<i { sums[i * p + j] = sums[j * p + i] } } }
        for k in 0..<4 { sums[vectorStart + p + k] = extras[k] }
        try rows.sum(&sums)
        return Sums(matrix: Array(sums[0..<vectorStart]), vector: Array(sums[vectorStart..<(vectorStart + p)]),
                    extras: SIMD4(sums[vectorStart + p], sums[vectorStart + p + 1], sums[vectorStart + p + 2],
                                  sums[vectorStart + p + 3]))
    }

    /// The weighted median of `|rᵢ|` at `θ` (weights `vᵢ`): the mean of the smallest `a` with
    /// `Σ_{|rᵢ|≤a} vᵢ ≥ Σv/2` and the smallest with `> Σv/2` — numpy's `median` for unit
    /// weights, and the median of the repeated rows for integer weights. Exact: in one process by
    /// sorting this pass's `|rᵢ|` (`n` pairs in memory), across parts by radix selection
    /// (``radixMedianAbsoluteResidual(_:)``).
    func medianAbsoluteResidual(_ theta: [Double]) throws(DescentError) -> Double {
        guard rows.collective.size == 1 else { return try radixMedianAbsoluteResidual(theta) }
        var pairs = [(Double, Double)]()
        pairs.reserveCapacity(rows.localRows)
        try forEachResidual(theta) { _, r, v in if v > 0 { pairs.append((Swift.abs(r), v)) } }
        pairs.sort { $0.0 < $1.0 }
        let half = totalWeight / 2
        var cumulative = 0.0, low: Double?, high: Double?
        for (value, weight) in pairs {
            cumulative += weight
            if low == nil && cumulative >= half { low = value }
            if cumulative > half { high = value; break }
        }
        // Rounding in the weights' sums can leave the target a hair beyond the last row.
        let last = pairs.last?.0 ?? 0
        return ((low ?? last) + (high ?? last)) / 2
    }

    /// ``medianAbsoluteResidual(_:)`` over rows split across parts, without gathering them: radix
    /// selection on the bit patterns of `|rᵢ|` (monotone for non-negative `Double`s), 16 bits a
    /// pass (four passes), each pass's weighted histograms summed over the parts.
    func radixMedianAbsoluteResidual(_ theta: [Double]) throws(DescentError) -> Double {
        let half = totalWeight / 2, buckets = 1 << 16
        var prefix: [UInt64] = [0, 0]
        var below: [Double] = [0, 0]
        for level in 0..<4 {
            let shift = UInt64(48 - 16 * level)
            var histogram = [Double](repeating: 0, count: 2 * buckets)
            try forEachResidual(theta) { _, r, v in
                guard v > 0 else { return }
                let bits = Swift.abs(r).bitPattern
                let digit = Int((bits >> shift) & 0xFFFF)
                for t in 0..<2 where level == 0 || bits >> (shift + 16) == prefix[t] >> (shift + 16) {
                    histogram[t * buckets + digit] += v
                }
            }
            try rows.sum(&histogram)
            for t in 0..<2 {
                var cumulative = below[t], chosen = -1, before = below[t]
                for digit in 0..<buckets {
                    let weight = histogram[t * buckets + digit]
                    guard weight > 0 else { continue }
                    before = cumulative
                    cumulative += weight
                    chosen = digit
                    if t == 0 ? cumulative >= half : cumulative > half { break }
                }
                // Rounding in the weights' sums can leave the target a hair beyond the last row:
                // the largest value is then the one.
                prefix[t] |= UInt64(Swift.max(chosen, 0)) << shift
                below[t] = before
            }
        }
        return (Double(bitPattern: prefix[0]) + Double(bitPattern: prefix[1])) / 2
    }

    /// Solves `H·δ = g` for the symmetric positive definite `H` (row-major `p × p`) by Cholesky on
    /// the matrix scaled to unit diagonal, refusing one that is singular or too close to it
    /// (``GramFactor``).
    func solve(_ matrix: [Double], _ vector: [Double], what: String) throws(DescentError) -> [Double] {
        let p = parameters
        var h = matrix
        switch GramFactor.factor(&h, rows: count, columns: p, intercept: false, ridge: 0) {
        case let .failed(reason, condition):
            throw .unsolvable(method: what, reason: reason.replacingOccurrences(of: "XᵀX", with: "XᵀWX"),
                              conditionEstimate: condition)
        case let .factored(factor):
            var v = (0..<p).map { vector[$0] * factor.scales[$0] }
            factor.factor.withUnsafeBufferPointer { f in v.withUnsafeMutableBufferPointer { LAPACK.choleskySolve(f, n: p, $0) } }
            return (0..<p).map { v[$0] * factor.scales[$0] }
        }
    }

    /// Least squares (the rows weighted by `vᵢ`), from zero in two residual-form steps (the
    /// second refines the first): the start of IRLS, as statsmodels' OLS start. Also returns the
    /// targets' weighted root mean square `√(Σvᵢyᵢ²/Σvᵢ)` (the first pass's residuals at zero),
    /// which sets the rounding floor of the residuals.
    func leastSquares(what: String) throws(DescentError) -> (theta: [Double], targetRMS: Double) {
        var theta = [Double](repeating: 0, count: parameters), targetRMS = 0.0
        for step in 0..<2 {
            let sums = try pass(theta, matrix: true) { _, r, v in
                Terms(curvature: v, gradient: v * r, extras: SIMD4(v * r * r, 0, 0, 0))
            }
            if step == 0 { targetRMS = (sums.extras[0] / totalWeight).squareRoot() }
            let correction = try solve(sums.matrix, sums.vector, what: what)
            for j in theta.indices { theta[j] += correction[j] }
        }
        return (theta, targetRMS)
    }

    /// `(b, w)` in the caller's coordinates from `θ = (c, w)`: `b = c − μᵀw`, in extended precision.
    func coefficients(_ theta: [Double]) -> (bias: Double, weights: [Double]) {
        guard intercept else { return (0, theta) }
        typealias E = Double.Accumulator
        var bias = E(theta[0])
        for j in 0..<rows.columns { bias -= E(shift[j]) * E(theta[j + 1]) }
        return (Double(bias), Array(theta.dropFirst()))
    }
}
