/// How mini-batch and stochastic updates estimate the gradient: ``GradientDescent/varianceReduction``.
///
/// A plain stochastic step follows one row's (or one batch's) gradient, whose noise does not
/// vanish at the optimum: with a constant rate the iterates stall at a distance proportional to
/// the rate, and reaching the optimum needs a decaying rate or averaging, at a sublinear pace, and
/// with an L1 penalty the noise keeps knocking weights off their exact zeros.
///
/// SVRG (Johnson and Zhang 2013; with proximal steps, Xiao and Zhang 2014) removes the noise: each
/// epoch begins with a pass that takes a snapshot `θ̃` of the parameters and the full gradient
/// `μ̃ = ∇F(θ̃)`, and every update then steps along
///
///     gᵢ(θ) − gᵢ(θ̃) + μ̃,
///
/// which is an unbiased estimate of `∇F(θ)` whose variance vanishes as `θ` and `θ̃` approach the
/// optimum, so a constant rate reaches it at a linear rate on strongly convex objectives (and the
/// L1 step keeps its exact zeros). For a linear model `gᵢ(θ) − gᵢ(θ̃)` costs one more dot product
/// per row, and no table of past gradients is kept (unlike SAGA), so it works the same on data
/// streamed from disk and across MPI ranks. An epoch costs about twice a plain one (the snapshot's
/// pass, which also certifies convergence at `θ̃`, and the second residual).
public enum VarianceReduction: String, Sendable, Hashable, Codable, CaseIterable {
    /// Plain stochastic gradients.
    case none
    /// Stochastic variance-reduced gradients, with a snapshot at the start of every epoch.
    case svrg
}
