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
