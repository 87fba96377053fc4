import Descent
import DescentMPI

/// Exact quantile regression across ranks: each rank's share of a 257 × 5 problem (rank 1 has no
/// rows) with every seventh target shifted by +25, against the single-process fit of all rows
/// (objective to 1e-12, coefficients to 1e-9 where unique), the same bits on every rank; the nid
/// summary likewise; the ε-insensitive optimum; a bad τ on one rank, the same error everywhere.
func checkQuantileRegression(_ c: Checker) {
    let world = c.world
    let problem = SplitProblem(rows: 257, columns: 5, seed: 2031, rank: world.rank, size: world.size)
    let allTargets = problem.allTargets.enumerated().map { $0.offset % 7 == 3 ? $0.element + 25 : $0.element }
    let localTargets = Array(allTargets[problem.range])
    for tau in [0.25, 0.5, 0.9] {
        let name = "quantile τ = \(tau)"
        do {
            let single = try QuantileRegression.fit(problem.all, allTargets, quantile: tau)
            let ranked = try QuantileRegression.fit(problem.local, localTargets, across: world, quantile: tau)
            let objectiveGap = abs(ranked.objective - single.objective) / single.objective
            c.check("\(name): the single-process objective", objectiveGap <= 1e-12 && ranked.converged, "gap \(objectiveGap)")
            if single.isUnique {
                let gap = relativeGap(parameters(ranked.model), parameters(single.model))
                c.check("\(name): the single-process coefficients", gap <= 1e-9, "gap \(gap)")
            }
            c.sameOnEveryRank(name, parameters(ranked.model) + [ranked.objective, ranked.dualityGap])
            let a = try ranked.summary(standardErrors: .nid), b = try single.summary(standardErrors: .nid)
            let se = relativeGap(a.standardErrors, b.standardErrors)
            c.check("\(name): nid standard errors", se <= 1e-8, "gap \(se)")
            c.sameOnEveryRank("\(name) nid", a.standardErrors)
            let k = try ranked.summary(standardErrors: .kernel), l = try single.summary(standardErrors: .kernel)
            c.check("\(name): kernel standard errors", relativeGap(k.standardErrors, l.standardErrors) <= 1e-8)
        } catch {
            c.check(name, false, "\(error)")
        }
    }
    do {
        let single = try QuantileRegression.exactOptimum(features: problem.all, targets: allTargets, loss: .epsilonInsensitive(0.5))
        let ranked = try QuantileRegression.exactOptimum(from: try Dataset(features: problem.local, targets: localTargets),
                                                         across: world, loss: .epsilonInsensitive(0.5))
        let gap = abs(ranked.meanObjective - single.meanObjective) / single.meanObjective
        c.check("ε-insensitive optimum", gap <= 1e-12 && ranked.converged, "gap \(gap)")
        c.sameOnEveryRank("ε-insensitive optimum", parameters(ranked.model))
    } catch { c.check("ε-insensitive optimum", false, "\(error)") }
    c.expectError("a bad τ on rank 0", { if case .invalidOption(name: "quantile", _, _) = $0 { true } else { false } }) {
        () throws(DescentError) in
        _ = try QuantileRegression.fit(problem.local, localTargets, across: world, quantile: world.rank == 0 ? 1.5 : 0.5)
    }
}
