extension LeastSquares {
    /// Large problems with condition numbers up to this take the streaming QR with semi-normal
    /// refinement (no copy of `X`; its accuracy floor is about `κ²·ε` of `Float80`); small ones and
    /// worse-conditioned ones take pivoted QR of a copy with augmented-system refinement.
    static let streamingConditionLimit = 1e6

    /// QR: small problems in memory factor a copy with column pivoting (the most accurate path);
    /// the others take the fast path (``choleskyQR(_:_:intercept:)``), and when it cannot certify
    /// its answer, the streaming Householder QR (TSQR across parts), which also names the
    /// dependent columns of rank-deficient features; beyond `κ = 10⁶`, rows in memory are factored
    /// by pivoted QR of a copy.
    static func qr<S: BLASScalar>(_ rows: SolverRows<S>, _ totals: RowTotals, intercept: Bool,
                                  inMemory: InMemoryRows<S>?, gram: GramPass? = nil) throws(DescentError) -> SolverOutcome {
        let n = totals.rows, d = rows.columns
        let effectiveRows = intercept ? n - 1 : n
        guard effectiveRows >= d else {
            return .failed(reason: "there are fewer rows (\(n)) than unknowns (\(d + (intercept ? 1 : 0)))",
                           condition: .infinity)
        }
        // Small problems (a copy costs at most 8 MB) take the most accurate path.
        if let inMemory, n * d <= smallProblem {
            let p = CenteredProblem(features: inMemory.features, targets: inMemory.targets, columns: d, intercept: intercept)
            return pivotedQR(p, inMemory.features, inMemory.targets)
        }
        if let fast = try choleskyQR(rows, totals, intercept: intercept, gram: gram) { return .solved(fast) }
        return try householderQR(rows, totals, intercept: intercept, inMemory: inMemory)
    }

    /// The streaming Householder QR with extended-precision semi-normal refinement (no copy of
    /// `X`), or pivoted QR of a copy beyond `κ = 10⁶` when the rows are in memory.
    static func householderQR<S: BLASScalar>(_ rows: SolverRows<S>, _ totals: RowTotals, intercept: Bool,
                                             inMemory: InMemoryRows<S>?) throws(DescentError) -> SolverOutcome {
        let n = totals.rows, d = rows.columns
        let p = try CenteredProblem(rows, totals, intercept: intercept)
        let streamed = try StreamingQR(p, rows, means: [p.targetMean])
        let rcond = streamed.reciprocalCondition
        guard rcond.isFinite, rcond > Double(Swift.max(n, d)) * p.dataEpsilon else {
            let dependent = streamed.smallDiagonal(tolerance: Double(Swift.max(n, d)) * p.dataEpsilon)
            return .failed(reason: "the features are rank deficient, or nearly so at the data's precision: "
                               + RankDeficiency.describe(constant: p.constantColumns, dependent: dependent),
                           condition: rcond > 0 ? 1 / rcond : .infinity)
        }
        if let inMemory, 1 / rcond > streamingConditionLimit {
            try MemoryBudget.reserve(MemoryBudget.bytes(MemoryBudget.count(n, d)),
                                     for: "pivoted QR's copy of the centred features (\(n) × \(d) Double values), "
                                         + "which a condition estimate of \(formatScientific(1 / rcond)) calls for",
                                     remedies: [.streamedSource, .fewerColumns(atMost: d - 1)])
            let p = CenteredProblem(features: inMemory.features, targets: inMemory.targets, columns: d, intercept: intercept)
            return pivotedQR(p, inMemory.features, inMemory.targets)
        }
        var v = streamed.solve().map { Double.Accumulator($0) }
        var c = Double.Accumulator(p.targetMean)
        let steps = try StreamingQR.refine(r: streamed.r, p, rows, v: &v, c: &c).steps
        let model = p.model(v: v, c: c)
        return .finite(RawSolution(weights: model.weights, bias: model.bias, method: .qr, rank: d,
                                  condition: 1 / rcond, refinementSteps: steps))
    }

    /// Pivoted QR of a centred, scaled copy, refined on the augmented system: for conditions
    /// beyond ``streamingConditionLimit``.
    static func pivotedQR<S: BLASScalar>(_ p: CenteredProblem, _ x: UnsafeBufferPointer<S>,
                                         _ y: UnsafeBufferPointer<S>) -> SolverOutcome {
        let n = p.rows, d = p.columns
        var a = p.centredCopy(x, scaled: true)
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
        let refined = a.withUnsafeBufferPointer { factors in
            AugmentedRefinement(problem: p, factors: factors, pivot: pivot, tau: tau).solve(x, y)
        }
        let model = p.model(v: refined.v, c: refined.c)
        return .finite(RawSolution(weights: model.weights, bias: model.bias, method: .qr, rank: d,
                                  condition: 1 / rcond, refinementSteps: refined.steps))
    }
}
