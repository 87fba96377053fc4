import Descent
import DescentMPI

/// A rank's matrices of several targets as a ``RowSource`` in chunks of `rowsPerChunk` rows: a stream
/// as any user's store would hand it out.
struct ChunkedMatrices: RowSource {
    let features: Matrix<Double>
    let targets: Matrix<Double>
    let rowsPerChunk: Int

    var rowCount: Int { features.rows }
    var columns: Int { features.columns }
    var targetColumns: Int { targets.columns }
    var chunkCount: Int { (rowCount + rowsPerChunk - 1) / rowsPerChunk }
    func chunkRows(_ index: Int) -> Range<Int> { (index * rowsPerChunk)..<Swift.min((index + 1) * rowsPerChunk, rowCount) }

    func forEachChunk(_ order: [Int], _ body: (RowChunk<Double>) throws(DescentError) -> Void) throws(DescentError) {
        let d = columns, k = targetColumns
        try features.withUnsafeBufferPointer { (x) throws(DescentError) in
            try targets.withUnsafeBufferPointer { (y) throws(DescentError) in
                for index in order {
                    let rows = chunkRows(index)
                    try body(RowChunk(index: index, rows: rows, columns: d,
                                      features: UnsafeBufferPointer(rebasing: x[(rows.lowerBound * d)..<(rows.upperBound * d)]),
                                      targets: UnsafeBufferPointer(rebasing: y[(rows.lowerBound * k)..<(rows.upperBound * k)]),
                                      targetColumns: k))
                }
            }
        }
    }
}

/// Several targets solved across ranks, every method: from this rank's matrices and from a
/// chunked source, against the single-process solve of all rows (1e-12), the same bits on every
/// rank; and bad targets on one rank, the same error on every rank.
func checkSeveralTargetSolves(_ c: Checker) {
    let world = c.world
    /// Three targets: the problem's, twice it less a column, and a column plus an offset.
    func targets(_ x: Matrix<Double>, _ y: [Double]) -> Matrix<Double> {
        try! Matrix(rows: x.rows, columns: 3) { i, t in t == 0 ? y[i] : t == 1 ? 2 * y[i] - x[i, 0] : x[i, 1] + 0.5 }
    }
    // 257 × 5 (the small paths), and 2 700 × 400 = 1.08·10⁶ values (Cholesky QR, the streaming QR
    // and SVD, the normal equations, as on one machine for large data), with small column means:
    // SplitProblem's means of up to 400 standard deviations would cancel in b = ȳ − μᵀw to about
    // 1e-12 of b on any number of ranks, one target or several.
    var random = RandomSource(seed: 2027)
    let wide = (0..<(2_700 * 400)).map { k in random.nextNormal() + Double(k % 400 % 3) }
    let trueWeights = (0..<400).map { _ in random.nextNormal() }
    let wideTargets = (0..<2_700).map { i in
        (0..<400).reduce(0.7) { $0 + trueWeights[$1] * wide[i * 400 + $1] } + 0.1 * random.nextNormal()
    }
    let large = SplitProblem(all: try! Matrix(rows: 2_700, columns: 400, elements: wide), targets: wideTargets,
                             rank: world.rank, size: world.size)
    for (problem, variants) in [(SplitProblem(rows: 257, columns: 5, seed: 2027, rank: world.rank, size: world.size),
                                 [(true, 0.0), (false, 0.0), (true, 0.5)]),
                                (large, [(true, 0.0), (true, 0.5)])] {
        let rows = problem.all.rows, columns = problem.all.columns
        let all = targets(problem.all, problem.allTargets), local = targets(problem.local, problem.localTargets)
        for method in [LeastSquares.Method.normalEquations, .qr, .svd, .automatic] {
            for (intercept, ridge) in variants {
                let name = "several targets \(rows) × \(columns), solve \(method), intercept \(intercept), ridge \(ridge)"
                do {
                    let single = try LeastSquares.solve(problem.all, all, intercept: intercept, method: method, ridge: ridge)
                    let split = try LeastSquares.solve(problem.local, local, across: world, intercept: intercept,
                                                       method: method, ridge: ridge)
                    let a = split.model.weights.elements + split.model.biases
                    let gap = relativeGap(a, single.model.weights.elements + single.model.biases)
                    c.check("\(name): equals the single-process answer", gap <= 1e-12, "gap \(gap)")
                    c.check("\(name): same method", split.method == single.method, "\(split.method) vs \(single.method)")
                    c.sameOnEveryRank(name, a)
                    if rows == 257 && intercept && ridge == 0 {
                        let source = ChunkedMatrices(features: problem.local, targets: local, rowsPerChunk: 37)
                        let streamed = try LeastSquares.solveMultiTarget(from: source, across: world, method: method)
                        let b = streamed.model.weights.elements + streamed.model.biases
                        let streamGap = relativeGap(b, single.model.weights.elements + single.model.biases)
                        c.check("\(name), from a chunked source: equals the single-process answer", streamGap <= 1e-12,
                                "gap \(streamGap)")
                        c.sameOnEveryRank("\(name), from a chunked source", b)
                    }
                } catch {
                    c.check(name, false, "\(error)")
                }
            }
        }
    }

    let f = FaultyProblem(world: world)
    var poisoned = targets(f.problem.local, f.problem.localTargets)
    if world.rank == f.bad { poisoned[0, 2] = .nan }
    for method in [LeastSquares.Method.normalEquations, .qr, .svd, .automatic] {
        c.expectError("several targets, solve \(method) with NaN in one rank's targets", isNonFinite) { () throws(DescentError) in
            _ = try LeastSquares.solve(f.problem.local, poisoned, across: world, method: method)
        }
    }
    if world.size > 1 {
        let good = targets(f.problem.local, f.problem.localTargets)
        let uneven = world.rank == f.last ? try! Matrix(rows: good.rows, columns: 2) { i, t in good[i, t] } : good
        c.expectError("several targets, another number of targets on one rank", { error in
            if case .ranksDisagree = error { return true }
            return false
        }) { () throws(DescentError) in
            _ = try LeastSquares.solve(f.problem.local, uneven, across: world)
        }
    }
}
