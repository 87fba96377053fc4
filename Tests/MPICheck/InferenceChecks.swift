import Descent
import DescentMPI

/// The summary's covariance types across ranks: HC3, one- and two-way clusters and HAC (fixed
/// lags, whose lag window straddles the ranks' boundaries, and the automatic bandwidth), from this
/// rank's matrices and from a chunked source, against the single-process summary of all rows
/// (1e-11), the same bits on every rank.
func checkInference(_ c: Checker) {
    let world = c.world
    let problem = SplitProblem(rows: 257, columns: 5, seed: 2046, rank: world.rank, size: world.size)
    let all = (0..<257).map { $0 }, local = Array(all[problem.range])
    let covariances: [(String, LeastSquares.Covariance, LeastSquares.Covariance)] = [
        ("HC3", .hc3, .hc3),
        ("cluster", .cluster(groups: all.map { $0 % 7 }), .cluster(groups: local.map { $0 % 7 })),
        ("two-way cluster", .twoWayCluster(all.map { $0 % 7 }, all.map { $0 % 5 }),
         .twoWayCluster(local.map { $0 % 7 }, local.map { $0 % 5 })),
        ("HAC 3 lags", .hac(lags: 3), .hac(lags: 3)),
        ("HAC automatic", .hac(lags: nil), .hac(lags: nil)),
    ]
    for (label, single, split) in covariances {
        let name = "summary \(label)"
        do {
            let fit = try LeastSquares.solve(problem.all, problem.allTargets)
            let one = try fit.summary(features: problem.all, targets: problem.allTargets, covariance: single)
            let many = try fit.summary(features: problem.local, targets: problem.localTargets, across: world, covariance: split)
            let gap = relativeGap(many.standardErrors, one.standardErrors)
            c.check("\(name): equals the single-process standard errors", gap <= 1e-11, "gap \(gap)")
            let tests = many.residualTests!, expected = one.residualTests!
            let fitGap = relativeGap([tests.durbinWatson, tests.jarqueBera, many.fStatistic],
                                     [expected.durbinWatson, expected.jarqueBera, one.fStatistic])
            c.check("\(name): the same residual tests and F", fitGap <= 1e-11, "gap \(fitGap)")
            c.sameOnEveryRank(name, many.standardErrors + [tests.durbinWatson, tests.jarqueBera, many.fStatistic])
            let source = try problem.chunkedLocal()
            let streamed = try fit.summary(from: source, across: world, covariance: split)
            let streamGap = relativeGap(streamed.standardErrors, one.standardErrors)
            c.check("\(name), from a chunked source: equals the single-process standard errors", streamGap <= 1e-11,
                    "gap \(streamGap)")
            c.sameOnEveryRank("\(name), from a chunked source", streamed.standardErrors)
        } catch {
            c.check(name, false, "\(error)")
        }
    }
}
