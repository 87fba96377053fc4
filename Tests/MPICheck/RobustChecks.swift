import Descent
import DescentMPI

/// Robust regression across ranks: Huber and Tukey (MAD scale, so the radix-selected median
/// across ranks), a fixed scale and sample weights, from this rank's matrices and from a chunked
/// source, against the single-process fit of all rows (1e-10, the fixed point being reached to
/// about 1e-13 by either), the same bits on every rank; NaN on one rank, the same error everywhere.
func checkRobustFits(_ c: Checker) {
    let world = c.world
    let base = SplitProblem(rows: 257, columns: 5, seed: 2031, rank: world.rank, size: world.size)
    // Gross outliers in every 10th row, so the robustness weights matter.
    let targets = base.allTargets.enumerated().map { $0.offset % 10 == 3 ? $0.element + 40 : $0.element }
    let problem = SplitProblem(all: base.all, targets: targets, rank: world.rank, size: world.size)
    let allWeights = (0..<257).map { Double($0 % 3) + 0.5 }
    let localWeights = Array(allWeights[problem.range])
    let cases: [(String, RobustRegression.Norm, RobustRegression.Scale, Bool)] = [
        ("huber mad", .huber(t: 1.345), .mad, false), ("tukey mad", .tukeyBiweight(c: 4.685), .mad, false),
        ("huber fixed", .huber(t: 1.345), .fixed(0.3), false), ("huber mad weighted", .huber(t: 1.345), .mad, true),
    ]
    for (label, norm, scale, weighted) in cases {
        let name = "robust \(label)"
        do {
            let single = try RobustRegression.fit(problem.all, problem.allTargets, norm: norm, scale: scale,
                                                  weights: weighted ? allWeights : nil)
            let split = try RobustRegression.fit(problem.local, problem.localTargets, norm: norm, scale: scale,
                                                 weights: weighted ? localWeights : nil, across: world)
            let gap = relativeGap(split.coefficients, single.coefficients)
            c.check("\(name): equals the single-process fit", gap <= 1e-10 && split.converged, "gap \(gap)")
            c.check("\(name): the same scale", Swift.abs(split.scale - single.scale) <= 1e-10 * single.scale,
                    "\(split.scale) vs \(single.scale)")
            let errors = try split.summary(covariance: .h2).standardErrors
            let singleErrors = try single.summary(covariance: .h2).standardErrors
            c.check("\(name): H2 standard errors", relativeGap(errors, singleErrors) <= 1e-9, "\(errors) vs \(singleErrors)")
            c.check("\(name): this rank's weights", split.weights.count == problem.range.count
                    && zip(split.weights, single.weights[problem.range]).allSatisfy { Swift.abs($0 - $1) <= 1e-9 })
            c.sameOnEveryRank(name, split.coefficients + [split.scale] + errors)
            if !weighted {
                let source = try problem.chunkedLocal()
                let streamed = try RobustRegression.fit(from: source, norm: norm, scale: scale, across: world)
                let streamGap = relativeGap(streamed.coefficients, single.coefficients)
                c.check("\(name), from a chunked source: equals the single-process fit", streamGap <= 1e-10,
                        "gap \(streamGap)")
                c.sameOnEveryRank("\(name), from a chunked source", streamed.coefficients)
            }
        } catch {
            c.check(name, false, "\(error)")
        }
    }
    let f = FaultyProblem(world: world)
    c.expectError("robust fit with NaN in one rank's features", isNonFinite) { () throws(DescentError) in
        _ = try RobustRegression.fit(f.poisoned, f.problem.localTargets, norm: .huber(t: 1.345), across: world)
    }
}
