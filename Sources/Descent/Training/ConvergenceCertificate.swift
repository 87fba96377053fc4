/// How ``FitHistory/objectiveGap`` bounds the distance of a fit's objective from its optimum.
public enum ConvergenceCertificate: String, Sendable, Hashable, Codable {
    /// A duality gap: the objective minus the value of a feasible point of its Fenchel dual, made
    /// from the residuals (closed form for the squared loss with L1, L2 and elastic-net penalties).
    /// It bounds `P(θ) − P*` from above and is zero exactly at the optimum. Used whenever the
    /// penalty has an L1 term, and for ridge when no Gram matrix is measured.
    case dualityGap
    /// The exact gap of a quadratic objective (no penalty, or ridge), `P(θ) − P* = ¼∇Pᵀ H̃⁻¹ ∇P`
    /// with `H̃` half the Hessian, from the Gram matrix of the training rows measured once per fit
    /// (one pass, `d × d` numbers; up to 4096 columns).
    case quadratic
    /// With an L1 term, once the model has found the optimum's support and signs: the exact gap to
    /// the optimum of the objective restricted to that support (a quadratic, solved from the Gram
    /// matrix), which the optimality conditions off the support confirm is the optimum. Tighter than
    /// the duality gap, whose dual point is feasible only to first order. Up to 4096 columns.
    case activeSet
    /// No certificate applies: an unpenalised fit too wide for its Gram matrix. The fit is then
    /// never reported converged; a small ridge penalty makes the duality gap available.
    case unavailable
}
