#if canImport(Glibc)
import Glibc
#endif

extension LeastSquares {
    /// Normal equations on centred, scaled data, for `k ≥ 1` targets at once: after the first pass
    /// (``RowTotals``), one pass builds the Gram matrix and `Xcᵀ(Y − 1ȳᵀ)`, one Cholesky factor
    /// serves every target, and refinement passes follow for the targets where they are worth it.
    /// Rows are centred by a shift `μ̃` (the column means in the data's precision); the exact
    /// column sums of the shifted rows make the Gram matrix exactly centred afterwards:
    /// `Xcᵀ Xc = (X − μ̃)ᵀ(X − μ̃) − n·δδᵀ` with `δ = mean(X − μ̃)`. Every sum goes through the
    /// rows' collective. `gram` is the Gram pass when the caller has made it already (`.automatic`).
    ///
    /// Each target is solved and refined as it would be alone (one `potrs` per target, the
    /// refinement rule per target); only the passes over the rows are shared, `gemv` for one
    /// target and `gemm` for several.
    static func normalEquations<S: BLASScalar>(_ rows: SolverRows<S>, _ totals: RowTotals, intercept: Bool,
                                               ridge: Double = 0, gram: GramPass? = nil) throws(DescentError) -> SolverOutcome {
        let n = totals.rows, d = rows.columns, k = rows.targets
        guard !totals.sumsOverflow else { return .failed(reason: "sums of the features overflow", condition: nil) }
        guard ridge > 0 || hasRowsForNormalEquations(rows: n, columns: d, intercept: intercept) else {
            return .failed(reason: "there are \(n) rows, too few for \(d + (intercept ? 1 : 0)) unknowns", condition: .infinity)
        }
        let shift = totals.shift
        let gramPass: GramPass
        if let gram { gramPass = gram } else { gramPass = try centredGram(rows, shift: shift, targetMeans: totals.targetMeans) }
        let residuals = ResidualPass(shift: shift, deviation: gramPass.deviation, rows: n, targetMeans: totals.targetMeans)
        return try normalEquations(consume gramPass, rows: n, columns: d, targets: k, shift: shift, targetMeans: totals.targetMeans,
                                   intercept: intercept, ridge: ridge) { (u) throws(DescentError) in
            try residuals.gradientAndNorm(rows, u: u).g
        }
    }

    /// The normal equations from a Gram pass made by any layout of rows (dense blocks, or the sparse
    /// Gram of ``SparseGram``): one Cholesky factor for the `k` targets, then refinement where it is
    /// worth it, each step asking `gradient(U)` for `G = Zᵀ(T − Z·U + offset)` (row-major `d × k`,
    /// ``ResidualPass``'s definition) with `Z = X − shift` and `T = Y − 1·targetMeansᵀ`, summed over
    /// every part. Refinement is forced when the Gram pass lost more than 0.6 digit to centring
    /// after the product (``GramPass/cancellation`` > 4), which only a sparse Gram keeps; such a
    /// Gram matrix may take up to `refinementLimit` steps, and fails when they do not converge.
    static func normalEquations(_ gramPass: consuming GramPass, rows n: Int, columns d: Int, targets k: Int, shift: [Double],
                                targetMeans totalsMeans: [Double], intercept: Bool, ridge: Double,
                                refinementLimit: Int = 2, gradient: ([Double]) throws(DescentError) -> [Double]) throws(DescentError) -> SolverOutcome {
        let targetMeans = (0..<k).map { totalsMeans[$0] + (intercept ? gramPass.targetDeviation[$0] / Double(n) : 0) }
        let deviation = gramPass.deviation
        let means = (0..<d).map { shift[$0] + deviation[$0] / Double(n) }
        guard gramPass.rhs.allSatisfy(\.isFinite) else { return .failed(reason: GramFactor.overflow, condition: nil) }
        let gramFactor: GramFactor
        switch GramFactor.factor(&gramPass.gram, rows: n, columns: d, intercept: intercept, ridge: ridge) {
        case let .factored(factored): gramFactor = factored
        case let .failed(reason, condition): return .failed(reason: reason, condition: condition)
        }
        let (factor, scales, rcond) = (gramFactor.factor, gramFactor.scales, gramFactor.reciprocalCondition)
        func solve(_ b: inout [Double]) {
            factor.withUnsafeBufferPointer { f in b.withUnsafeMutableBufferPointer { LAPACK.choleskySolve(f, n: d, $0) } }
        }
        // V: one column of d values per target; U = S·V, row-major d × k (the passes' gemm operand).
        var v = (0..<k).map { t in (0..<d).map { gramPass.rhs[$0 * k + t] * scales[$0] } }
        for t in 0..<k { solve(&v[t]) }
        var u = [Double](repeating: 0, count: d * k)
        func scaleBack(_ t: Int) { for j in 0..<d { u[j * k + t] = v[t][j] * scales[j] } }
        for t in 0..<k { scaleBack(t) }

        // Refinement, v ← v + G⁻¹·S·Zᵀ(t − Z·S·v), for each target where it is worth a pass over
        // the data: when the condition, or the cancellation in its b = ȳ − μᵀw, would cost more
        // than three digits; at most two steps, fewer once its correction is below Double's resolution.
        var steps = [Int](repeating: 0, count: k)
        var refining = (0..<k).map { t in
            let interceptTerms = intercept ? (0..<d).reduce(0.0) { Swift.max($0, Swift.abs(means[$1] * u[$1 * k + t])) } : 0
            let cancellation = interceptTerms / Swift.max(Swift.abs(targetMeans[t] - (0..<d).reduce(0.0) { $0 + means[$1] * u[$1 * k + t] }),
                                                          .leastNormalMagnitude)
            return epsilon / rcond > 1e-13 || cancellation > 1e3 || gramPass.cancellation > 4
        }
        // A Gram matrix centred after the product (a sparse one) may need more steps: up to
        // `refinementLimit`, until the correction stops shrinking by half; it must then be below
        // 10⁻⁸ of the solution, or the Gram matrix was too inexact to trust.
        let limit = gramPass.cancellation > 4 ? refinementLimit : 2
        var previous = [Double](repeating: .infinity, count: k)
        while refining.contains(true) {
            let g = try gradient(u)
            for t in 0..<k where refining[t] {
                var correction = (0..<d).map { (g[$0 * k + t] - Double(n) * ridge * u[$0 * k + t]) * scales[$0] }
                solve(&correction)
                steps[t] += 1
                let size = correction.reduce(0) { Swift.max($0, Swift.abs($1)) }
                for j in 0..<d { v[t][j] += correction[j] }
                scaleBack(t)
                let largest = v[t].reduce(0.0, { Swift.max($0, Swift.abs($1)) })
                let stalled = limit > 2 && steps[t] >= 2 && size > previous[t] / 2
                previous[t] = size
                if steps[t] == limit || stalled || size <= epsilon * largest {
                    refining[t] = false
                    if limit > 2 && size > 1e-8 * largest {
                        return .failed(reason: "centring the sparse Gram matrix after the product lost \(Int(log10(gramPass.cancellation))) "
                                           + "digits and refinement did not recover them (a column's mean is large next to its "
                                           + "spread: subtract it before making the features sparse, or use LeastSquares.lsmr)",
                                       condition: (1 / rcond).squareRoot())
                    }
                }
            }
        }
        // b = ȳ − μᵀw, in extended precision.
        typealias E = Double.Accumulator
        return .finite((0..<k).map { t in
            var bias = E(targetMeans[t])
            if intercept { for j in 0..<d { bias -= E(means[j]) * E(u[j * k + t]) } }
            return RawSolution(weights: (0..<d).map { u[$0 * k + t] }, bias: intercept ? Double(bias) : 0, method: .normalEquations,
                               rank: d, condition: (1 / rcond).squareRoot(), refinementSteps: steps[t])
        })
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
        /// `Σᵢ(yᵢₜ − ȳₜ)²` for each target (about the one-pass means `ȳₜ`).
        var targetSquares: [Double]
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

    /// Rows per block of ``gramOfRows(_:shift:targetMeans:centre:)``: about 6.5 MB (3.3 MB
    /// centred) per block, so the right-hand sides' product finds it in cache; at least 2048 rows
    /// up to 4 Mi elements, so wide rows still give the Gram product (``GramProduct``) four parts
    /// to run on the threads.
    static func gramBlockRows(localRows: Int, columns d: Int, inPlace: Bool) -> Int {
        let d = Swift.max(1, d)
        let wanted = Swift.max((inPlace ? 819_200 : 409_600) / d, Swift.min(2048, 4_194_304 / d))
        return Swift.max(1, Swift.min(Swift.max(1, localRows), wanted))
    }

    /// The centred Gram matrix `Xcᵀ Xc` (full, symmetric), `Xcᵀ(Y − 1ȳᵀ)` (row-major `d × k`, one
    /// column per target), the column sums of `X − shift`, and how much accuracy centring after the
    /// product cost (1 when the rows were centred first). Row-major, `d × d`. Blocks of rows are
    /// centred into a `Double` buffer when `centre` is set (and always for `Float` data); otherwise
    /// `Double` rows are used in place. Where the AVX-512 kernels run, ``GramProduct`` makes the
    /// Gram matrix, the right-hand sides and the column sums in one pass over each block;
    /// elsewhere `syrk`, then `gemv` for one target or `gemm` for several. The sums of every part
    /// are added by the rows' collective.
    static func gramOfRows<S: BLASScalar>(_ rows: SolverRows<S>, shift: [Double], targetMeans: [Double],
                                          centre: Bool) throws(DescentError) -> GramPass {
        let d = rows.columns, k = rows.targets
        let inPlace = !centre && S.self == Double.self
        let blockRows = gramBlockRows(localRows: rows.localRows, columns: d, inPlace: inPlace)
        let z = UnsafeMutablePointer<Double>.allocate(capacity: inPlace ? 0 : blockRows * d)
        defer { z.deallocate() }
        let t = UnsafeMutablePointer<Double>.allocate(capacity: blockRows * k)
        defer { t.deallocate() }
        let ones = [Double](repeating: 1, count: blockRows)
        let partSums = UnsafeMutablePointer<Double>.allocate(capacity: GramProduct.scratchCount(rows: blockRows, columns: d, k: k))
        defer { partSums.deallocate() }
        // One buffer for every sum: Gram (d²), right-hand sides (d·k), deviation (d), targets (k),
        // targets' squares (k).
        var sums = [Double](repeating: 0, count: d * d + d * k + d + 2 * k)
        try rows.forEachBlock(rows: blockRows) { (block) throws(DescentError) in
            let m = block.count
            block.centredTargets(means: targetMeans, into: t)
            // Rows centred into z where the kernel runs: each part of the block on its own thread.
            let rows: UnsafePointer<Double> = inPlace ? S.doubles(block.features)! : UnsafePointer(z)
            sums.withUnsafeMutableBufferPointer { s in
                let base = s.baseAddress!
                let prepare: ((Int, Int) -> Void)? = inPlace ? nil : { block.centredFeatures($0..<$1, shift: shift, into: z) }
                if !GramProduct.product(rows, rows: m, columns: d, beta: 1, base, targets: UnsafePointer(t), k: k,
                                        xt: base + d * d, sums: inPlace ? nil : base + d * d + d * k, scratch: partSums,
                                        prepare: prepare) {
                    if !inPlace { block.centredFeatures(shift: shift, into: z) }
                    BLAS.syrk(rows, rows: m, columns: d, beta: 1, base)
                    if k == 1 {
                        BLAS.gemvTransposed(rows, rows: m, columns: d, t, beta: 1, base + d * d)
                    } else {
                        BLAS.gemm(rows, transposeA: true, t, m: d, n: k, k: m, beta: 1, base + d * d)
                    }
                    if !inPlace { BLAS.gemvTransposed(rows, rows: m, columns: d, ones, beta: 1, base + d * d + d * k) }
                }
                for i in 0..<m {
                    for c in 0..<k {
                        base[d * d + d * k + d + c] += t[i * k + c]
                        base[d * d + d * k + d + k + c] += t[i * k + c] * t[i * k + c]
                    }
                }
            }
        }
        try rows.sum(&sums)
        let n = Double(try totalRows(rows))
        let rhs = Array(sums[(d * d)..<(d * d + d * k)])
        let deviation = Array(sums[(d * d + d * k)..<(d * d + d * k + d)])
        let targetDeviation = Array(sums[(d * d + d * k + d)..<(d * d + d * k + d + k)])
        let targetSquares = Array(sums[(d * d + d * k + d + k)...])
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
                            targetDeviation: targetDeviation, targetSquares: targetSquares, cancellation: cancellation,
                            inPlace: true)
        }
        return GramPass(gram: gram, rhs: rhs, deviation: deviation, targetDeviation: targetDeviation,
                        targetSquares: targetSquares, cancellation: 1, inPlace: false)
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
