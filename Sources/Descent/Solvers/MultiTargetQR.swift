extension LeastSquares {
    /// QR for `k` targets: the centred, scaled design is factored once, by the streaming QR (its
    /// reflections applied to all `k` targets as the blocks are folded in) or, for small and
    /// ill-conditioned problems, by pivoted QR of one copy; then each target is refined as
    /// ``qr(_:_:_:)`` refines a single target, with the same factors.
    static func qr<S: BLASScalar>(_ p: CenteredProblem, _ x: UnsafeBufferPointer<S>,
                                  targets y: TargetColumns<S>) throws(DescentError) -> MultiSolverOutcome {
        let n = p.rows, d = p.columns
        let effectiveRows = p.intercept ? n - 1 : n
        guard effectiveRows >= d else {
            return .failed(reason: "there are fewer rows (\(n)) than unknowns (\(d + (p.intercept ? 1 : 0)))",
                           condition: .infinity)
        }
        // Small problems (a copy costs at most 8 MB) take the most accurate path.
        if n * d <= smallProblem { return pivotedQR(p, x, targets: y) }
        let targetMeans = y.means(intercept: p.intercept)
        let streamed = StreamingQR(p, x, targets: y, means: targetMeans)
        let rcond = streamed.reciprocalCondition
        guard rcond.isFinite, rcond > Double(Swift.max(n, d)) * p.dataEpsilon else {
            let dependent = streamed.smallDiagonal(tolerance: Double(Swift.max(n, d)) * p.dataEpsilon)
            return .failed(reason: "the features are rank deficient, or nearly so at the data's precision: "
                               + RankDeficiency.describe(constant: p.constantColumns, dependent: dependent),
                           condition: rcond > 0 ? 1 / rcond : .infinity)
        }
        guard 1 / rcond <= streamingConditionLimit else {
            try MemoryBudget.reserve(MemoryBudget.bytes(MemoryBudget.count(n, d)),
                                     for: "pivoted QR's copy of the centred features (\(n) × \(d) Double values), "
                                         + "which a condition estimate of \(formatScientific(1 / rcond)) calls for",
                                     remedies: [.fewerColumns(atMost: d - 1)])
            return pivotedQR(p, x, targets: y)
        }
        let solved = streamed.solve()
        let solutions = (0..<y.count).map { c in
            var target = p
            target.targetMean = targetMeans[c]
            var v = solved[(c * d)..<((c + 1) * d)].map { Double.Accumulator($0) }
            var intercept = Double.Accumulator(target.targetMean)
            let steps = y.column(c).withUnsafeBufferPointer { column in
                streamed.refine(target, x, column, v: &v, c: &intercept)
            }
            let model = target.model(v: v, c: intercept)
            return RawSolution(weights: model.weights, bias: model.bias, method: .qr, rank: d,
                               condition: 1 / rcond, refinementSteps: steps)
        }
        return .finite(solutions)
    }

    /// Pivoted QR of one centred, scaled copy (`geqp3`), then each target refined on the augmented
    /// system with those factors, as ``pivotedQR(_:_:_:)`` does for one.
    static func pivotedQR<S: BLASScalar>(_ p: CenteredProblem, _ x: UnsafeBufferPointer<S>,
                                         targets y: TargetColumns<S>) -> MultiSolverOutcome {
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
        let solutions = a.withUnsafeBufferPointer { factors in
            let refinement = AugmentedRefinement(problem: p, factors: factors, pivot: pivot, tau: tau)
            return (0..<y.count).map { c in
                let refined = y.column(c).withUnsafeBufferPointer { refinement.solve(x, $0) }
                let model = p.model(v: refined.v, c: refined.c)
                return RawSolution(weights: model.weights, bias: model.bias, method: .qr, rank: d,
                                   condition: 1 / rcond, refinementSteps: refined.steps)
            }
        }
        return .finite(solutions)
    }
}
