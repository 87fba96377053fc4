extension LeastSquares {
    /// Normal equations on centred, scaled data: after the first pass (``RowTotals``), one pass
    /// builds the Gram matrix, and refinement passes follow when they are worth it. Rows are
    /// centred by a shift `μ̃` (the column means in the data's precision); the exact column sums
    /// of the shifted rows make the Gram matrix exactly centred afterwards:
    /// `Xcᵀ Xc = (X − μ̃)ᵀ(X − μ̃) − n·δδᵀ` with `δ = mean(X − μ̃)`. Every sum goes through the
    /// rows' collective.
    /// `gram` is the Gram pass when the caller has made it already (`.automatic`).
    static func normalEquations<S: BLASScalar>(_ rows: SolverRows<S>, _ totals: RowTotals, intercept: Bool,
                                               ridge: Double = 0, gram: GramPass? = nil) throws(DescentError) -> SolverOutcome {
        let n = totals.rows, d = rows.columns
        guard !totals.sumsOverflow else { return .failed(reason: "sums of the features overflow", condition: nil) }
        guard ridge > 0 || hasRowsForNormalEquations(rows: n, columns: d, intercept: intercept) else {
            return .failed(reason: "there are \(n) rows, too few for \(d + (intercept ? 1 : 0)) unknowns", condition: .infinity)
        }
        let shift = totals.shift
        var gramPass: GramPass
        if let gram { gramPass = gram } else { gramPass = try centredGram(rows, shift: shift, targetMeans: totals.targetMeans) }
        let targetMean = totals.targetMeans[0] + (intercept ? gramPass.targetDeviation[0] / Double(n) : 0)
        let deviation = gramPass.deviation
        let means = (0..<d).map { shift[$0] + deviation[$0] / Double(n) }
        guard gramPass.rhs.allSatisfy(\.isFinite) else { return .failed(reason: GramFactor.overflow, condition: nil) }
        let gramFactor: GramFactor
        switch GramFactor.factor(&gramPass.gram, rows: n, columns: d, intercept: intercept, ridge: ridge) {
        case let .factored(factored): gramFactor = factored
        case let .failed(reason, condition): return .failed(reason: reason, condition: condition)
        }
        let (factor, scales, rcond) = (gramFactor.factor, gramFactor.scales, gramFactor.reciprocalCondition)
        var v = (0..<d).map { gramPass.rhs[$0] * scales[$0] }
        factor.withUnsafeBufferPointer { f in v.withUnsafeMutableBufferPointer { LAPACK.choleskySolve(f, n: d, $0) } }

        // Refinement, v ← v + G⁻¹·S·Zᵀ(t − Z·S·v), when it is worth a pass over the data: when
        // the condition, or the cancellation in b = ȳ − μᵀw, would cost more than three digits.
        var steps = 0
        var u = (0..<d).map { v[$0] * scales[$0] }
        let interceptTerms = intercept ? (0..<d).reduce(0.0) { Swift.max($0, Swift.abs(means[$1] * u[$1])) } : 0
        let cancellation = interceptTerms / Swift.max(Swift.abs(targetMean - (0..<d).reduce(0.0) { $0 + means[$1] * u[$1] }),
                                                      .leastNormalMagnitude)
        let worthRefining = epsilon / rcond > 1e-13 || cancellation > 1e3
        let residuals = ResidualPass(shift: shift, deviation: deviation, rows: n, targetMean: totals.targetMeans[0])
        while worthRefining && steps < 2 {
            var correction = try residuals.gradient(rows, u: u).g
            for j in 0..<d { correction[j] = (correction[j] - Double(n) * ridge * u[j]) * scales[j] }
            factor.withUnsafeBufferPointer { f in
                correction.withUnsafeMutableBufferPointer { LAPACK.choleskySolve(f, n: d, $0) }
            }
            steps += 1
            let size = correction.reduce(0) { Swift.max($0, Swift.abs($1)) }
            for j in 0..<d { v[j] += correction[j] }
            u = (0..<d).map { v[$0] * scales[$0] }
            if size <= epsilon * v.reduce(0.0, { Swift.max($0, Swift.abs($1)) }) { break }
        }
        // b = ȳ − μᵀw, in extended precision.
        typealias E = Double.Accumulator
        var bias = E(targetMean)
        if intercept { for j in 0..<d { bias -= E(means[j]) * E(u[j]) } }
        return .finite(RawSolution(weights: u, bias: intercept ? Double(bias) : 0, method: .normalEquations, rank: d,
                                  condition: (1 / rcond).squareRoot(), refinementSteps: steps))
    }

    /// The column sums of `X` over `n`: the shift that centres the rows (``RowTotals``' pass over
    /// rows in memory). `nil` when a sum is not finite (NaN or ±∞ in its column, or an overflow).
    static func columnShift<S: BLASScalar>(_ x: UnsafeBufferPointer<S>, rows n: Int, columns d: Int) -> [Double]? {
        var shift = [Double](repeating: 0, count: d)
        let chunk = Swift.min(n, 1 << 16)
        let ones = [S](repeating: 1, count: chunk)
        var partial = [S](repeating: 0, count: d)
        var start = 0
        while start < n {
            let m = Swift.min(chunk, n - start)
            BLAS.gemvTransposed(x.baseAddress! + start * d, rows: m, columns: d, ones, beta: 0, &partial)
            for j in 0..<d { shift[j] += Double(partial[j]) }
            start += m
        }
        guard shift.allSatisfy(\.isFinite) else { return nil }
        for j in 0..<d { shift[j] /= Double(n) }
        return shift
    }

    /// ``centredGram(_:shift:targetMeans:)`` of rows in memory (one part).
    static func centredGram<S: BLASScalar>(_ x: UnsafeBufferPointer<S>, _ y: TargetColumns<S>, columns d: Int,
                                           shift: [Double], targetMeans: [Double])
        -> (gram: [Double], rhs: [Double], deviation: [Double]) {
        let pass = orNothing { () throws(DescentError) in
            try centredGram(SolverRows(x, y, columns: d), shift: shift, targetMeans: targetMeans)
        }
        return (pass.gram, pass.rhs, pass.deviation)
    }

    /// The result of a Gram pass.
    struct GramPass {
        /// `Xcᵀ Xc`, row-major `d × d`, symmetric.
        var gram: [Double]
        /// `Xcᵀ(Y − 1ȳᵀ)`, row-major `d × k`.
        var rhs: [Double]
        /// Column sums of `X − shift` (zero when the rows were used in place).
        var deviation: [Double]
        /// `Σᵢ(yᵢₜ − ȳₜ)` for each target, to correct the one-pass means.
        var targetDeviation: [Double]
        /// How much accuracy centring after the product cost (1 when the rows were centred first).
        var cancellation: Double
        /// Whether the rows were used in place (Double data, centred after the product).
        var inPlace: Bool
    }

    /// The centred Gram matrix, right-hand sides and column deviations of ``gramOfRows(_:shift:targetMeans:centre:)``:
    /// Double data first tries the Gram matrix of the rows as they are, with no copy, centred
    /// afterwards (G = XᵀX − n·μμᵀ); that subtraction loses a factor diag(XᵀX)/diag(G) of
    /// accuracy, so when it loses more than a factor of 4 (0.6 digit) the pass is redone on
    /// centred rows. Data whose means are small next to its spread takes the fast path.
    static func centredGram<S: BLASScalar>(_ rows: SolverRows<S>, shift: [Double], targetMeans: [Double])
        throws(DescentError) -> GramPass {
        if S.self == Double.self {
            let pass = try gramOfRows(rows, shift: shift, targetMeans: targetMeans, centre: false)
            if pass.cancellation <= 4 { return pass }
        }
        // The first pass is released before the second: one d × d sum at a time.
        return try gramOfRows(rows, shift: shift, targetMeans: targetMeans, centre: true)
    }

    /// The centred Gram matrix `Xcᵀ Xc` (full, symmetric), `Xcᵀ(Y − 1ȳᵀ)` (row-major `d × k`, one
    /// column per target), the column sums of `X − shift`, and how much accuracy centring after the
    /// product cost (1 when the rows were centred first). Row-major, `d × d`. Blocks of rows are
    /// centred into a `Double` buffer when `centre` is set (and always for `Float` data); otherwise
    /// `Double` rows are used in place. One target takes `gemv` for the right-hand side, several
    /// `gemm`. The sums of every part are added by the rows' collective.
    static func gramOfRows<S: BLASScalar>(_ rows: SolverRows<S>, shift: [Double], targetMeans: [Double],
                                          centre: Bool) throws(DescentError) -> GramPass {
        let d = rows.columns, k = rows.targets
        let inPlace = !centre && S.self == Double.self
        let blockRows = Swift.max(1, Swift.min(Swift.max(1, rows.localRows), (inPlace ? 819_200 : 131_072) / d))
        var z = [Double](repeating: 0, count: inPlace ? 0 : blockRows * d)
        var t = [Double](repeating: 0, count: blockRows * k)
        let ones = [Double](repeating: 1, count: blockRows)
        // One buffer for every sum: Gram (d²), right-hand sides (d·k), deviation (d), targets (k).
        var sums = [Double](repeating: 0, count: d * d + d * k + d + k)
        try rows.forEachBlock(rows: blockRows) { (block) throws(DescentError) in
            let m = block.count, x = block.features, y = block.targets
            for i in 0..<m { for c in 0..<k { t[i * k + c] = Double(y[i * k + c]) - targetMeans[c] } }
            let rows: UnsafePointer<Double>
            if inPlace {
                rows = S.doubles(x)!
            } else {
                for i in 0..<m {
                    let row = i * d
                    for j in 0..<d { z[row + j] = Double(x[row + j]) - shift[j] }
                }
                rows = z.withUnsafeBufferPointer { UnsafePointer($0.baseAddress!) }
            }
            sums.withUnsafeMutableBufferPointer { s in
                let base = s.baseAddress!
                BLAS.syrk(rows, rows: m, columns: d, beta: 1, base)
                if k == 1 {
                    BLAS.gemvTransposed(rows, rows: m, columns: d, t, beta: 1, base + d * d)
                } else {
                    BLAS.gemm(rows, transposeA: true, t, m: d, n: k, k: m, beta: 1, base + d * d)
                }
                if !inPlace { BLAS.gemvTransposed(rows, rows: m, columns: d, ones, beta: 1, base + d * d + d * k) }
                for i in 0..<m { for c in 0..<k { base[d * d + d * k + d + c] += t[i * k + c] } }
            }
        }
        try rows.sum(&sums)
        let n = Double(try totalRows(rows))
        let rhs = Array(sums[(d * d)..<(d * d + d * k)])
        let deviation = Array(sums[(d * d + d * k)..<(d * d + d * k + d)])
        let targetDeviation = Array(sums[(d * d + d * k + d)...])
        // The Gram matrix keeps the sums' storage (no second d × d buffer).
        sums.removeSubrange((d * d)...)
        var gram = sums
        sums = []
        // Centre: in place, the rows were not shifted, so the shift itself is the deviation from 0.
        let offset = inPlace ? shift.map { $0 * n } : deviation
        var cancellation = 1.0
        for i in 0..<d {
            let before = gram[i * d + i]
            for j in i..<d {
                let value = gram[i * d + j] - offset[i] * offset[j] / n
                gram[i * d + j] = value
                gram[j * d + i] = value
            }
            if before > 0 { cancellation = Swift.max(cancellation, gram[i * d + i] > 0 ? before / gram[i * d + i] : .infinity) }
        }
        if inPlace {
            // Xᵀ(y − ȳ) needs no correction: Σ(y − ȳ) = 0. The deviation from the shift is zero.
            return GramPass(gram: gram, rhs: rhs, deviation: [Double](repeating: 0, count: d),
                            targetDeviation: targetDeviation, cancellation: cancellation, inPlace: true)
        }
        return GramPass(gram: gram, rhs: rhs, deviation: deviation, targetDeviation: targetDeviation,
                        cancellation: 1, inPlace: false)
    }

    /// The number of rows over every part.
    static func totalRows<S: BLASScalar>(_ rows: SolverRows<S>) throws(DescentError) -> Int {
        guard rows.collective.size > 1 else { return rows.localRows }
        var count = [Double(rows.localRows)]
        try rows.sum(&count)
        return Int(count[0])
    }
}

/// The value of work on rows in memory, which cannot fail (no source to read, one part).
func orNothing<T>(_ body: () throws(DescentError) -> T) -> T {
    do { return try body() } catch { preconditionFailure("rows in memory on one part cannot fail: \(error)") }
}
