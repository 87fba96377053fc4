import Descent
import DescentMPI

/// Elastic-net paths and ridge scores across ranks: this rank's rows as a chunked source, against
/// the single-process answer on all rows (the same λ, coefficients and scores within 1e-10), the
/// same bits on every rank.
func checkPaths(_ c: Checker) {
    let world = c.world
    let problem = SplitProblem(rows: 257, columns: 5, seed: 2031, rank: world.rank, size: world.size)
    for alpha in [1.0, 0.5] {
        let name = "elastic-net path α=\(alpha), 257 × 5"
        do {
            let single = try ElasticNet.path(problem.all, problem.allTargets, alpha: alpha, count: 30)
            let local = try Matrix(rows: problem.localTargets.count, columns: 1, elements: problem.localTargets)
            let source = ChunkedMatrices(features: problem.local, targets: local, rowsPerChunk: 37)
            let split = try ElasticNet.path(from: source, across: world, alpha: alpha, count: 30)
            c.check("\(name): the same λ", split.lambdas.count == single.lambdas.count
                        && relativeGap(split.lambdas, single.lambdas) <= 1e-12, "\(split.lambdas.count) λ")
            let a = split.models.flatMap { $0.weights + [$0.bias] }, b = single.models.flatMap { $0.weights + [$0.bias] }
            let gap = a.count == b.count ? relativeGap(a, b) : .infinity
            c.check("\(name): equals the single-process path", gap <= 1e-10, "gap \(gap)")
            c.check("\(name): certified", split.converged)
            c.sameOnEveryRank(name, a)
        } catch {
            c.check("\(name): no error", false, "\(error)")
        }
    }
    for criterion in [RidgeRegression.Criterion.gcv, .leaveOneOut] {
        let name = "ridge \(criterion), 257 × 5"
        do {
            let grid = [1e-4, 1e-2, 1]
            let single = try RidgeRegression.crossValidated(problem.all, problem.allTargets, lambdas: grid, criterion: criterion)
            let local = try Matrix(rows: problem.localTargets.count, columns: 1, elements: problem.localTargets)
            let source = ChunkedMatrices(features: problem.local, targets: local, rowsPerChunk: 37)
            let split = try RidgeRegression.crossValidated(from: source, across: world, lambdas: grid, criterion: criterion)
            let gap = relativeGap(split.scores, single.scores)
            c.check("\(name): equals the single-process scores", gap <= 1e-10 && split.index == single.index, "gap \(gap)")
            c.sameOnEveryRank(name, split.scores + split.model.weights + [split.model.bias])
        } catch {
            c.check("\(name): no error", false, "\(error)")
        }
    }
}
