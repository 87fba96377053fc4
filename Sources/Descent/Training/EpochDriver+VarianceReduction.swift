/// Variance reduction (``VarianceReduction/svrg``) in the epoch driver: the snapshot each epoch
/// begins with, and the outer loop around the epochs that accelerates them.
///
/// Each epoch of SVRG maps its starting point `y` to `x = T(y)`, a contraction towards the optimum
/// (for the squared loss, nearly a linear one). The epochs are accelerated as gradient steps are
/// (Nesterov): the next epoch starts from `y ← x + β(x − x₋)`, `x₋` the previous epoch's end and
/// `β = min(0.9, k/(k + 3))` after `k` epochs since the last restart. The snapshot's pass measures
/// the objective exactly, so the loop can check itself: when the objective at the new starting
/// point is above the last one, the momentum restarts (`y ← x`), and when the epoch itself made
/// things worse, the rate is halved and the epoch is undone (a safeguard for data whose rows are
/// far steeper than their average: a rate 6–9× the automatic one still converges, tested).
struct SnapshotSchedule {
    /// Epochs since the last restart (`k`), and whether the previous epoch's end `x₋` is stored.
    var sinceRestart = 0
    var hasPrevious = false
    /// The objective at the last snapshot.
    var lastObjective = Double.infinity
    /// The factor on the learning rate (halved by the safeguard).
    var rateFactor = 1.0
    /// The largest momentum.
    static let momentumCap = 0.9
}

extension EpochDriver {
    /// Begins an epoch: moves `θ` (the last epoch's end `x`) to the accelerated starting point,
    /// takes the snapshot there (`θ̃ ← θ`, `μ̃ ← ∇MSE(θ̃)` over every training row) from the pass
    /// that also certifies `θ`, and checks the objective went down. Returns the verdict at `θ`.
    func nextSnapshot(_ schedule: inout SnapshotSchedule, _ convergence: inout Convergence<S>) throws(DescentError)
        -> (verdict: ConvergenceVerdict, ratio: Double) {
        let ws = workspace, p = ws.parameterCount
        let theta = ws.theta.baseAddress!, previous = ws.epochEnd.baseAddress!
        // x₋ ← x, θ ← x + β(x − x₋).
        let k = Double(schedule.sinceRestart)
        let beta = schedule.hasPrevious ? S(Swift.min(SnapshotSchedule.momentumCap, k / (k + 3))) : 0
        for j in 0..<p {
            let x = theta[j]
            theta[j] = x + beta * (x - previous[j])
            previous[j] = x
        }
        schedule.hasPrevious = true
        // The last snapshot, where an uphill epoch goes back to (the snapshot is about to move).
        _ = ws.savedTheta.update(fromContentsOf: ws.snapshot)
        var taken = try takeSnapshot(&convergence)
        if taken.verdict.objective > schedule.lastObjective * (1 + 1e-12) {
            if beta > 0 {
                // The extrapolation overshot: restart from x.
                _ = ws.theta.update(fromContentsOf: ws.epochEnd)
                schedule.sinceRestart = 0
            } else {
                // The epoch went uphill: undo it and halve the rate.
                _ = ws.theta.update(fromContentsOf: ws.savedTheta)
                _ = ws.epochEnd.update(fromContentsOf: ws.savedTheta)
                schedule.rateFactor /= 2
                schedule.sinceRestart = 0
            }
            taken = try takeSnapshot(&convergence)
        } else {
            schedule.sinceRestart += 1
        }
        schedule.lastObjective = taken.verdict.objective
        return (taken.verdict, taken.ratio)
    }

    /// The snapshot at `θ`: `θ̃ ← θ` and `μ̃ ← ∇MSE(θ̃)` over every training row, from the pass that
    /// also certifies `θ` (whose verdict it returns).
    func takeSnapshot(_ convergence: inout Convergence<S>) throws(DescentError) -> (verdict: ConvergenceVerdict, ratio: Double) {
        let ws = workspace, weights = ws.weightCount
        let (verdict, ratio, moments) = try certify(ws.theta.baseAddress!, &convergence)
        _ = ws.snapshot.update(fromContentsOf: ws.theta)
        let scale = settings.loss.derivativeFactor / Double(settings.rows)
        for j in 0..<weights { ws.fullGradient[j] = S(scale * moments.products[j]) }
        for t in 0..<targets { ws.fullGradient[weights + t] = S(scale * moments.sums[t]) }
        return (verdict, ratio)
    }
}
