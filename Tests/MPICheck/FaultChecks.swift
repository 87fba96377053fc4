import Foundation
import Descent
import DescentMPI

/// A problem whose last rank has bad rows: an extra column, a NaN, a missing target.
struct FaultyProblem {
    let problem: SplitProblem
    /// This rank's rows; on the last rank (of 2 or more), with a 4th column.
    let wide: Matrix<Double>
    /// This rank's rows; on rank `bad`, with a NaN.
    let poisoned: Matrix<Double>
    /// This rank's targets; on rank `bad`, one short.
    let shortTargets: [Double]
    let last: Int
    /// The last rank with rows (with 2 ranks, rank 1 has none).
    let bad: Int

    init(world: MPICommunicator) {
        let me = world.rank
        last = world.size - 1
        bad = world.size == 2 ? 0 : last
        problem = SplitProblem(rows: 120, columns: 3, seed: 31, rank: me, size: world.size)
        let local = problem.local
        wide = me == last && world.size > 1
            ? try! Matrix(rows: local.rows, columns: 4) { i, j in j < 3 ? local[i, j] : 1 }
            : local
        var poisoned = local
        if me == bad { poisoned[0, 1] = .nan }
        self.poisoned = poisoned
        shortTargets = me == bad ? Array(problem.localTargets.dropLast()) : problem.localTargets
    }

    /// The last rank's column count differs: every rank throws `ranksDisagree` with every rank's count.
    func disagree(_ error: DescentError) -> Bool {
        if case .ranksDisagree(_, let values) = error {
            return values.enumerated().allSatisfy { $0.element == ($0.offset == last ? 4 : 3) }
        }
        return false
    }
}

func isNonFinite(_ error: DescentError) -> Bool { if case .nonFiniteValue = error { return true }; return false }
func isTargetMismatch(_ error: DescentError) -> Bool { if case .targetCountMismatch = error { return true }; return false }

/// Bad data on one rank in an exact solve: every rank throws the same typed error within
/// seconds, nobody waits.
func checkSolveFaults(_ c: Checker) {
    let world = c.world, f = FaultyProblem(world: world)
    if world.size > 1 {
        c.expectError("solve with another column count on one rank", f.disagree) { () throws(DescentError) in
            _ = try LeastSquares.solve(f.wide, f.problem.localTargets, across: world)
        }
    }
    for method in [LeastSquares.Method.normalEquations, .qr, .svd, .automatic] {
        for intercept in [true, false] {
            c.expectError("solve \(method) (intercept \(intercept)) with NaN on one rank", isNonFinite) { () throws(DescentError) in
                _ = try LeastSquares.solve(f.poisoned, f.problem.localTargets, across: world, intercept: intercept,
                                           method: method)
            }
        }
    }
    c.expectError("solve with a target missing on one rank", isTargetMismatch) { () throws(DescentError) in
        _ = try LeastSquares.solve(f.problem.local, f.shortTargets, across: world)
    }
}
