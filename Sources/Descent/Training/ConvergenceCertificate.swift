/// How ``FitHistory/objectiveGap`` bounds the distance of a fit's objective from its optimum.
public enum ConvergenceCertificate: String, Sendable, Hashable, Codable {
    /// A duality gap: the objective minus the value of a feasible point of its Fenchel dual, made
    /// from the residuals (closed form for the squared loss with L1, L2 and elastic-net penalties).
    /// It bounds `P(θ) − P*` from above and is zero exactly at the optimum. Used whenever the
    /// penalty has an L1 term, and for ridge when no Gram matrix is measured. For a
    /// piecewise-linear loss (``Loss/absolute``, ``Loss/quantile(_:)``,
    /// ``Loss/epsilonInsensitive(_:)``) the linear program's dual at slopes balanced on the `d + 1`
    /// rows nearest a kink (see ``Loss``), the best such bound over the fit's checks.
    case dualityGap
    /// The exact gap of a quadratic objective (no penalty, or ridge), `P(θ) − P* = ¼∇Pᵀ H̃⁻¹ ∇P`
    /// with `H̃` half the Hessian, from the Gram matrix of the training rows measured once per fit
    /// (one pass, `d × d` numbers; up to 4096 columns).
    case quadratic
    /// With an L1 term, once the model has found the optimum's support and signs: the exact gap to
    /// the optimum of the objective restricted to that support (a quadratic, solved from the Gram
    /// matrix), which the optimality conditions off the support confirm is the optimum. Tighter than
    /// the duality gap, whose dual point is feasible only to first order. Up to 4096 columns.
    /// For a piecewise-quadratic loss (``Loss/huber(delta:)``,
    /// ``Loss/squaredEpsilonInsensitive(_:)``) the same idea on the rows' pieces: the Newton point
    /// of the quadratic the rows' current pieces define, confirmed optimal when every row keeps
    /// its piece there and the gradient vanishes, so the gap is exact.
    case activeSet
    /// No certificate applies: an unpenalised fit too wide for its Gram matrix, or a robust loss
    /// whose checks have not yet confirmed an optimum (or whose `(d + 1)²` systems are not
    /// affordable). The fit is then never reported converged; for the squared loss a small ridge
    /// penalty makes the duality gap available.
    case unavailable
}
