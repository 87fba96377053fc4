extension LeastSquares {
    /// Large problems with condition numbers up to this take the streaming QR with semi-normal
    /// refinement (no copy of `X`; its accuracy floor is about `κ²·ε` of `Float80`); small ones and
    /// worse-conditioned ones take pivoted QR of a copy with augmented-system refinement.
    static let streamingConditionLimit = 1e6

    /// QR for `k ≥ 1` targets: small problems in memory factor a copy with column pivoting (the
    /// most accurate path); the others take the fast path (``choleskyQR(_:_:intercept:gram:)``),
    /// and when it cannot certify its answer, the streaming Householder QR (TSQR across parts),
    /// which also names the dependent columns of rank-deficient features; beyond `κ = 10⁶`, rows in
    /// memory are factored by pivoted QR of a copy. The features are factored once for all targets.
    static func qr<S: BLASScalar>(_ rows: SolverRows<S>, _ totals: RowTotals, intercept: Bool,
                                  gram: GramPass? = nil) throws(DescentError) -> SolverOutcome {
        let n = totals.rows, d = rows.columns
        let effectiveRows = intercept ? n - 1 : n
        guard effectiveRows >= d else {
            return .failed(reason: "there are fewer rows (\(n)) than unknowns (\(d + (intercept ? 1 : 0)))",
                           condition: .infinity)
        }
        // Small problems (a copy costs at most 8 MB) take the most accurate path.
        if let all = rows.inMemory, n * d <= smallProblem {
            return pivotedQR(CenteredProblem(all, columns: d, intercept: intercept), all)
        }
        if let fast = try choleskyQR(rows, totals, intercept: intercept, gram: gram) { return .solved(fast.solutions) }
        return try householderQR(rows, totals, intercept: intercept)
    }

    /// The streaming Householder QR with extended-precision semi-normal refinement (no copy of
    /// `X`), or pivoted QR of a copy beyond `κ = 10⁶` when the rows are in memory.
    static func householderQR<S: BLASScalar>(_ rows: SolverRows<S>, _ totals: RowTotals,
                                             intercept: Bool) throws(DescentError) -> SolverOutcome {
        let n = totals.rows, d = rows.columns, k = rows.targets
        let p = try CenteredProblem(rows, totals, intercept: intercept)
        let streamed = try StreamingQR(p, rows)
        let rcond = streamed.reciprocalCondition
        guard rcond.isFinite, rcond > Double(Swift.max(n, d)) * p.dataEpsilon else {
            let dependent = streamed.smallDiagonal(tolerance: Double(Swift.max(n, d)) * p.dataEpsilon)
            return .failed(reason: "the features are rank deficient, or nearly so at the data's precision: "
                               + RankDeficiency.describe(constant: p.constantColumns, dependent: dependent),
                           condition: rcond > 0 ? 1 / rcond : .infinity)
        }
        if let all = rows.inMemory, 1 / rcond > streamingConditionLimit {
            try MemoryBudget.reserve(MemoryBudget.bytes(MemoryBudget.count(n, d)),
                                     for: "pivoted QR's copy of the centred features (\(n) × \(d) Double values), "
                                         + "which a condition estimate of \(formatScientific(1 / rcond)) calls for",
                                     remedies: [.streamedSource, .fewerColumns(atMost: d - 1)])
            return pivotedQR(CenteredProblem(all, columns: d, intercept: intercept), all)
        }
        var v = streamed.solve().map { Double.Accumulator($0) }
        var c = p.targetMeans.map { Double.Accumulator($0) }
        let refined = try StreamingQR.refine(r: streamed.r, p, rows, v: &v, c: &c)
        return .finite((0..<k).map { t in
            let model = p.model(target: t, v: v, c: c[t])
            return RawSolution(weights: model.weights, bias: model.bias, method: .qr, rank: d,
                               condition: 1 / rcond, refinementSteps: refined[t].steps)
        })
    }

    /// Pivoted QR of a centred, scaled copy of rows in memory, each target refined on the
    /// augmented system with those factors: for conditions beyond ``streamingConditionLimit``.
    static func pivotedQR<S: BLASScalar>(_ p: CenteredProblem, _ all: SolverRows<S>.Block) -> SolverOutcome {
        let n = p.rows, d = p.columns
        var a = p.centredCopy(all, scaled: true)
        let (pivot, tau) = a.withUnsafeMutableBufferPointer { LAPACK.pivotedQR($0, m: n, n: d) }
        let r00 = Swift.abs(a[0])
        let tolerance = Double(Swift.max(n, d)) * p.dataEpsilon * r00
        let rank = (0..<d).firstIndex { Swift.abs(a[$0 + $0 * n]) <= tolerance } ?? d
        guard rank == d, r00 > 0 else {
            return .failed(reason: "the features are rank deficient: "
                               + RankDeficiency.describe(constant: p.constantColumns, dependent: Array(pivot[rank...]),
                                                         rank: rank, of: d),
                           condition: .infinity)
        }
        let rcond = a.withUnsafeBufferPointer { LAPACK.triangularReciprocalCondition($0.baseAddress!, n: d, lda: n) }
        let solutions = a.withUnsafeBufferPointer { factors in
            let refinement = AugmentedRefinement(problem: p, factors: factors, pivot: pivot, tau: tau)
            return (0..<all.targetColumns).map { t in
                let refined = refinement.solve(all, target: t)
                let model = p.model(v: refined.v, c: refined.c)
                return RawSolution(weights: model.weights, bias: model.bias, method: .qr, rank: d,
                                   condition: 1 / rcond, refinementSteps: refined.steps)
            }
        }
        return .finite(solutions)
    }
}
