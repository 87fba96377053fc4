import Foundation
import Descent
import DescentMPI

/// A held-out-style problem, the same on every rank (generated from a seed), split unevenly over
/// the ranks: rank 1 has no rows, the others shares that grow with the rank. Every rank computes
/// the single-process answer on all rows itself, the oracle of the distributed one.
struct SplitProblem {
    let all: Matrix<Double>
    let allTargets: [Double]
    let local: Matrix<Double>
    let localTargets: [Double]
    let range: Range<Int>

    init(rows n: Int, columns d: Int, seed: UInt64, rank: Int, size: Int, scale: Double = 1) {
        var random = RandomSource(seed: seed)
        let w = (0..<d).map { _ in random.nextNormal() }
        var x = [Double](), y = [Double]()
        for _ in 0..<n {
            let row = (0..<d).map { j in random.nextNormal() * Double(j + 1) + Double(j) }
            x += row
            y.append(zip(row, w).map(*).reduce(0.7, +) + 0.1 * random.nextNormal())
        }
        self.init(all: try! Matrix(rows: n, columns: d, elements: x), targets: y, rank: rank, size: size)
    }

    init(all: Matrix<Double>, targets: [Double], rank: Int, size: Int) {
        self.all = all
        allTargets = targets
        range = SplitProblem.share(rows: all.rows, rank: rank, size: size)
        local = all.rows(range)
        localTargets = Array(targets[range])
    }

    /// This rank's rows as a source of 37-row chunks.
    func chunkedLocal() throws -> ChunkedMatrices {
        ChunkedMatrices(features: local, targets: try Matrix(rows: localTargets.count, columns: 1, elements: localTargets),
                        rowsPerChunk: 37)
    }

    /// Rank `rank`'s rows: none for rank 1 (when there are 2 or more ranks), otherwise a share
    /// proportional to `rank + 1`.
    static func share(rows n: Int, rank: Int, size: Int) -> Range<Int> {
        let weights = (0..<size).map { size > 1 && $0 == 1 ? 0 : $0 + 1 }
        let total = weights.reduce(0, +)
        var start = 0
        for r in 0..<size {
            let count = r == size - 1 ? n - start : n * weights[r] / total
            if r == rank { return start..<(start + count) }
            start += count
        }
        return n..<n
    }
}

/// `[w…, b]`.
func parameters(_ model: LinearModel<Double>) -> [Double] { model.weights + [model.bias] }

/// Every exact method and the batch fit across ranks against the single-process answer.
func checkProblems(_ c: Checker) {
    let world = c.world
    let problem = SplitProblem(rows: 257, columns: 5, seed: 2026, rank: world.rank, size: world.size)

    for method in [LeastSquares.Method.normalEquations, .qr, .svd, .automatic] {
        for (intercept, ridge) in [(true, 0.0), (false, 0.0), (true, 0.5)] {
            let name = "solve \(method), intercept \(intercept), ridge \(ridge)"
            do {
                let single = try LeastSquares.solve(problem.all, problem.allTargets, intercept: intercept, method: method,
                                                    ridge: ridge)
                let split = try LeastSquares.solve(problem.local, problem.localTargets, across: world, intercept: intercept,
                                                   method: method, ridge: ridge)
                let gap = relativeGap(parameters(split.model), parameters(single.model))
                c.check("\(name): equals the single-process answer", gap <= 1e-12, "gap \(gap)")
                c.check("\(name): same method", split.method == single.method, "\(split.method) vs \(single.method)")
                c.sameOnEveryRank(name, parameters(split.model))
            } catch {
                c.check(name, false, "\(error)")
            }
        }
    }
    do {
        let data = try Dataset(features: problem.local, targets: problem.localTargets)
        let single = try LeastSquares.solve(problem.all, problem.allTargets)
        let split = try LeastSquares.solve(from: data, across: world)
        c.check("solve from a row source", relativeGap(parameters(split.model), parameters(single.model)) <= 1e-12)
        c.sameOnEveryRank("solve from a row source", parameters(split.model))
    } catch { c.check("solve from a row source", false, "\(error)") }

    checkLongley(c)
}

/// NIST's Longley (16 rows, 6 columns, condition ≈ 10⁸) split over the ranks: the certified digits.
func checkLongley(_ c: Checker) {
    do {
        // The test resources, found from this source file (any working directory, any host).
        let nist = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../DescentTests/Resources/nist").standardized
        let data = try Dataset<Double>(csvFile: nist.appendingPathComponent("Longley.csv").path, target: "y")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: nist.appendingPathComponent("certified.json")))
        let certified = ((json as? [String: Any])?["Longley"] as? [String: Any])?["certified"] as? [String: String] ?? [:]
        let expected = (1...6).map { Double(certified["B\($0)"] ?? "") ?? .nan } + [Double(certified["B0"] ?? "") ?? .nan]
        let problem = SplitProblem(all: data.features, targets: data.targets, rank: c.world.rank, size: c.world.size)
        for method in [LeastSquares.Method.automatic, .qr] {
            let split = try LeastSquares.solve(problem.local, problem.localTargets, across: c.world, method: method)
            let digits = zip(parameters(split.model), expected).map { -log10(Swift.abs($0 - $1) / Swift.abs($1)) }.min() ?? 0
            // The single-process solver's own bar on Longley (Tests/DescentTests/Solvers/NISTTests.swift).
            c.check("Longley split over the ranks, \(method): ≥ 14 certified digits", digits >= 14, "\(digits) digits")
            c.sameOnEveryRank("Longley \(method)", parameters(split.model))
        }
    } catch { c.check("Longley split over the ranks", false, "\(error)") }
}
