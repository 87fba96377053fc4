import Descent
import DescentMPI

/// Rows of a sparse matrix handed out in chunks of `chunkRows`: a streamed source's shape.
struct ChunkedSparseRows: SparseRowSource {
    let data: SparseDataset<Double>
    let chunkRows: Int
    var rowCount: Int { data.features.rows }
    var columns: Int { data.features.columns }
    var chunkCount: Int { (rowCount + chunkRows - 1) / chunkRows }
    func chunkRows(_ index: Int) -> Range<Int> { (index * chunkRows)..<Swift.min(rowCount, (index + 1) * chunkRows) }
    func forEachChunk(_ order: [Int], _ body: (SparseRowChunk<Double>) throws(DescentError) -> Void) throws(DescentError) {
        for index in order {
            let rows = chunkRows(index)
            try body(SparseRowChunk(index: index, rows: rows, features: try data.features.rows(rows),
                                    targets: Array(data.targets[rows])))
        }
    }
}

/// LSMR across ranks: each rank's rows (a matrix, and a source in chunks of 17 rows) against the
/// single-process run on all rows (1e-9), the same bits on every rank, and the chunked source
/// the same bits as the rank's matrix.
func checkSparseLSMR(_ c: Checker) {
    let world = c.world
    let n = 301, d = 40
    var random = RandomSource(seed: 2121)
    let truth = (0..<d).map { _ in random.nextNormal() }
    var triplets = [(row: Int, column: Int, value: Double)](), y = [Double]()
    for i in 0..<n {
        var total = 0.4
        for j in Array(Set((0..<4).map { _ in Int(Swift.abs(random.nextNormal()) * 9) % d })).sorted() {
            let value = random.nextNormal() * 2 + 1
            triplets.append((i, j, value))
            total += value * truth[j]
        }
        y.append(total + 0.05 * random.nextNormal())
    }
    let range = (world.rank * n / world.size)..<((world.rank + 1) * n / world.size)
    for damp in [0.0, 1.5] {
        let name = "LSMR across ranks, damp \(damp)"
        do {
            let all = try SparseMatrix<Double>(rows: n, columns: d, triplets: triplets)
            let one = try LeastSquares.lsmr(all, y, damp: damp, tolerance: 1e-12, maximumIterations: 2000)
            let local = try all.rows(range), localTargets = Array(y[range])
            let many = try LeastSquares.lsmr(local, localTargets, across: world, damp: damp, tolerance: 1e-12, maximumIterations: 2000)
            let gap = relativeGap(many.model.weights + [many.model.bias], one.model.weights + [one.model.bias])
            c.check("\(name): equals the single-process solution", gap <= 1e-9 && many.converged, "gap \(gap), \(many.stopReason)")
            c.sameOnEveryRank(name, many.model.weights + [many.model.bias, many.residualNorm, Double(many.iterations)])
            let source = ChunkedSparseRows(data: try SparseDataset(features: local, targets: localTargets), chunkRows: 17)
            let streamed = try LeastSquares.lsmr(from: source, across: world, damp: damp, tolerance: 1e-12, maximumIterations: 2000)
            c.check("\(name), from chunks: the same bits as the rank's matrix",
                    streamed.model.weights == many.model.weights && streamed.model.bias == many.model.bias)
        } catch {
            c.check(name, false, "\(error)")
        }
    }
}

/// `n` sparse rows of `d` columns (about 4 non-zeros each) with a known model: the data of the
/// sparse checks, the same on every rank. With `dense`, the last two columns are non-zero in every
/// row: the constant 2.5, and 1 in the first half of the rows, 2 in the second (so that ranks each
/// holding one value of a column must find out together whether it varies).
func sparseProblem(rows n: Int, columns d: Int, seed: UInt64, dense: Bool = false) throws
    -> (SparseMatrix<Double>, [Double], [Double]) {
    var random = RandomSource(seed: seed)
    let truth = (0..<d).map { _ in random.nextNormal() }
    let drawn = dense ? d - 2 : d
    var triplets = [(row: Int, column: Int, value: Double)](), y = [Double](), weights = [Double]()
    for i in 0..<n {
        var total = 0.4
        var entries = Array(Set((0..<4).map { _ in Int(random.nextUniform() * Double(drawn)) % drawn })).sorted()
            .map { ($0, random.nextNormal() * 2 + 1) }
        if dense { entries += [(d - 2, 2.5), (d - 1, i < n / 2 ? 1 : 2)] }
        for (j, value) in entries {
            triplets.append((i, j, value))
            total += value * truth[j]
        }
        y.append(total + 0.05 * random.nextNormal())
        weights.append(0.25 + Double(i % 7) / 3)
    }
    return (try SparseMatrix<Double>(rows: n, columns: d, triplets: triplets), y, weights)
}

/// The sparse exact solve across ranks, both paths (the Gram matrix for 40 columns and with a
/// ridge, LSMR for 400 columns and 301 rows without one), plain, ridge and weighted, and the Gram path's summary (nonrobust and
/// HC0–HC3): against one process on all rows (1e-13 Gram, 1e-10 LSMR, 1e-11 the summary), the
/// same bits on every rank, a rank's source in chunks the same bits as its matrix. And LSQR across
/// ranks against one process (1e-12).
func checkSparseExactSolves(_ c: Checker) {
    let world = c.world
    let n = 301
    let range = (world.rank * n / world.size)..<((world.rank + 1) * n / world.size)
    for (d, ridge, weighted) in [(40, 0.0, false), (40, 0.01, false), (40, 0.0, true), (400, 0.0, false), (400, 0.01, true)] {
        let name = "sparse solve across ranks (\(d) columns, ridge \(ridge), weighted \(weighted))"
        do {
            let (all, y, w) = try sparseProblem(rows: n, columns: d, seed: 2122, dense: d == 400)
            let one = weighted ? try LeastSquares.solve(all, y, weights: w, ridge: ridge) : try LeastSquares.solve(all, y, ridge: ridge)
            let local = try all.rows(range)
            let data = try SparseDataset(features: local, targets: Array(y[range]), weights: weighted ? Array(w[range]) : nil)
            let many = try LeastSquares.solve(from: data, across: world, ridge: ridge)
            let gap = relativeGap(many.model.weights + [many.model.bias], one.model.weights + [one.model.bias])
            // Measured with 2 and 3 ranks: ≤ 1.8e-15 on the Gram path (40 columns, or 400 with a ridge); 2.7e-11
            // for LSMR's minimum-norm answer to 301 rows of 400 columns (tolerance 1e-12).
            c.check("\(name): equals the single-process solution", gap <= (many.iterative == nil ? 1e-13 : 1e-10) && many.method == one.method
                        && (many.iterative == nil) == (one.iterative == nil) && many.rank == one.rank
                        && (many.iterative == nil || many.rank < d),
                    "gap \(gap), \(many.method) vs \(one.method), rank \(many.rank) vs \(one.rank)")
            c.sameOnEveryRank(name, many.model.weights + [many.model.bias, Double(many.refinementSteps)])
            let chunks = ChunkedSparseRows(data: data, chunkRows: 17)
            let streamed = try LeastSquares.solve(from: chunks, across: world, ridge: ridge)
            if !weighted {
                c.check("\(name), from chunks: the same bits as the rank's matrix",
                        streamed.model.weights == many.model.weights && streamed.model.bias == many.model.bias)
                let matrix = try LeastSquares.solve(local, Array(y[range]), across: world, ridge: ridge)
                c.check("\(name), matrix form: the same bits as the source", matrix.model.weights == many.model.weights)
            }
            guard d == 40 && ridge == 0 else { continue }
            for covariance in [LeastSquares.Covariance.nonrobust, .hc0, .hc1, .hc2, .hc3] {
                let label = "\(name): summary \(covariance)"
                let reference = weighted ? try one.summary(features: all, targets: y, weights: w, covariance: covariance)
                    : try one.summary(features: all, targets: y, covariance: covariance)
                let s = try many.summary(from: data, across: world, covariance: covariance)
                let t = try requireTests(s.residualTests), u = try requireTests(reference.residualTests)
                let values = s.standardErrors + [s.rSquared, s.logLikelihood, s.fStatistic, t.durbinWatson, t.omnibus, s.conditionNumber]
                let expected = reference.standardErrors + [reference.rSquared, reference.logLikelihood, reference.fStatistic,
                                                           u.durbinWatson, u.omnibus, reference.conditionNumber]
                let worst = zip(values, expected).map { Swift.abs($0 - $1) / Swift.abs($1) }.max() ?? 0
                // Measured with 2 and 3 ranks: 5.4e-14 (OLS), 1.4e-13 (WLS).
                c.check("\(label): equals the single-process summary", worst <= 1e-11 && s.observations == n, "relative gap \(worst)")
                c.sameOnEveryRank(label, values)
            }
        } catch {
            c.check(name, false, "\(error)")
        }
    }
    for damp in [0.0, 1.5] {
        let name = "LSQR across ranks, damp \(damp)"
        do {
            let (all, y, _) = try sparseProblem(rows: n, columns: 40, seed: 2123)
            let one = try LeastSquares.lsqr(all, y, damp: damp, tolerance: 1e-12, maximumIterations: 2000)
            let many = try LeastSquares.lsqr(try all.rows(range), Array(y[range]), across: world, damp: damp, tolerance: 1e-12,
                                             maximumIterations: 2000)
            let gap = relativeGap(many.model.weights + [many.model.bias], one.model.weights + [one.model.bias])
            // Measured with 2 and 3 ranks: ≤ 1.5e-15.
            c.check("\(name): equals the single-process solution", gap <= 1e-12 && many.converged, "gap \(gap), \(many.stopReason)")
            c.sameOnEveryRank(name, many.model.weights + [many.model.bias, many.residualNorm, Double(many.iterations)])
        } catch {
            c.check(name, false, "\(error)")
        }
    }
}

/// Several targets on sparse features across ranks (the Gram path for 40 columns, LSMR for 400):
/// against the single-process several-target solve on all rows, the same bits on every rank.
func checkSparseSeveralTargets(_ c: Checker) {
    let world = c.world
    let n = 301
    let range = (world.rank * n / world.size)..<((world.rank + 1) * n / world.size)
    for d in [40, 400] {
        let name = "several sparse targets across ranks (\(d) columns)"
        do {
            let (all, y, w) = try sparseProblem(rows: n, columns: d, seed: 2124)
            let targets = try Matrix(rows: n, columns: 2, elements: (0..<n).flatMap { [y[$0], w[$0] - y[$0] / 2] })
            let one = try LeastSquares.solve(all, targets)
            let many = try LeastSquares.solve(try all.rows(range), targets.rows(range), across: world)
            let gap = relativeGap(many.model.weights.elements + many.model.biases, one.model.weights.elements + one.model.biases)
            // Measured with 2 and 3 ranks as for one target: see checkSparseExactSolves.
            c.check("\(name): equals the single-process solution", gap <= (many.iterative == nil ? 1e-13 : 1e-10)
                        && many.method == one.method && (many.iterative?.count ?? 0) == (one.iterative?.count ?? 0),
                    "gap \(gap), \(many.method) vs \(one.method)")
            c.sameOnEveryRank(name, many.model.weights.elements + many.model.biases)
        } catch {
            c.check(name, false, "\(error)")
        }
    }
}

/// `value`, or a thrown error when it is `nil`.
func requireTests<T>(_ value: T?) throws(DescentError) -> T {
    guard let value else { throw .invalidOption(name: "residualTests", value: "nil", expected: "residual tests") }
    return value
}
