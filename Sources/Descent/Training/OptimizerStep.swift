#if canImport(Glibc)
import Glibc
#endif

/// The optimiser maths: turns a gradient into an update of `θ = (w, b)`, for every optimiser
/// (SGD, momentum, Nesterov, Adam, averaged SGD) and penalty (the L2 term in the gradient, the L1
/// proximal step). Works on the workspace's buffers, which hold the optimiser state for a fit.
///
/// `θ` is flat: `weights` penalised entries, then the unpenalised biases up to `parameters`
/// entries (`d` weights and one bias for one target; `d·k` weights and `k` biases for `k`).
struct OptimizerStep<S: BLASScalar> {
    let optimizer: Optimizer
    let l2: S
    let l1: S
    /// The number of weights, which come first in `θ` and are penalised.
    let weights: Int
    /// The number of parameters: the weights, then the biases.
    let parameters: Int
    /// `θ`, `parameters` entries, biases last.
    let theta: UnsafeMutablePointer<S>
    let first: UnsafeMutablePointer<S>
    let second: UnsafeMutablePointer<S>
    /// Averaged SGD: the running average the model will hold. Accelerated proximal steps: the
    /// iterate `x` the model holds (`θ` is then the extrapolated point `y` gradients are taken at).
    let average: UnsafeMutablePointer<S>
    /// Momentum as accelerated proximal steps (see ``TrainingSettings/proximalMomentum``), and
    /// whether they restart.
    var proximalMomentum = false
    var restarts = false

    init(optimizer: Optimizer, l2: S, l1: S, weights: Int, parameters: Int, theta: UnsafeMutablePointer<S>,
         first: UnsafeMutablePointer<S>, second: UnsafeMutablePointer<S>, average: UnsafeMutablePointer<S>) {
        self.optimizer = optimizer
        self.l2 = l2
        self.l1 = l1
        self.weights = weights
        self.parameters = parameters
        self.theta = theta
        self.first = first
        self.second = second
        self.average = average
    }

    /// The step for one target's `θ = (w, b)`: `d` weights and a bias.
    init(optimizer: Optimizer, l2: S, l1: S, d: Int, theta: UnsafeMutablePointer<S>, first: UnsafeMutablePointer<S>,
         second: UnsafeMutablePointer<S>, average: UnsafeMutablePointer<S>) {
        self.init(optimizer: optimizer, l2: l2, l1: l1, weights: d, parameters: d + 1, theta: theta, first: first,
                  second: second, average: average)
    }

    /// One update from the gradient `∂L/∂θⱼ = gradient(j)` of the MSE part (the penalty is added
    /// here), at rate `eta`, as update number `t` (from 1), with `averaged` iterates averaged so far.
    @inline(__always)
    func apply(eta: S, t: Int, averaged: inout Int, gradient: (Int) -> S) {
        let twoL2 = 2 * l2
        switch optimizer {
        case .sgd, .averaged:
            for j in 0..<parameters { sgdStep(j, gradient(j), eta: eta, penalised: j < weights) }
            if case let .averaged(start) = optimizer, t > start {
                averaged += 1
                let weight = 1 / S(averaged)
                for j in 0..<parameters { averageStep(j, weight: weight) }
            }
        case let .nesterov(mu) where proximalMomentum:
            acceleratedProximalStep(eta: eta, momentum: S(mu), averaged: &averaged, gradient: gradient)
        case let .momentum(mu), let .nesterov(mu):
            let mu = S(mu)
            let nesterov = if case .nesterov = optimizer { true } else { false }
            for j in 0..<parameters {
                momentumStep(j, gradient(j), eta: eta, momentum: mu, nesterov: nesterov, penalised: j < weights)
            }
        case let .adam(beta1, beta2, epsilon):
            let b1 = S(beta1), b2 = S(beta2), eps = S(epsilon)
            let correction1 = 1 - S(pow(beta1, Double(t))), correction2 = 1 - S(pow(beta2, Double(t)))
            for j in 0..<parameters {
                let g = gradient(j) + (j < weights ? twoL2 * theta[j] : 0)
                first[j] = b1 * first[j] + (1 - b1) * g
                second[j] = b2 * second[j] + (1 - b2) * g * g
                let step = eta / ((second[j] / correction2).squareRoot() + eps)
                theta[j] -= step * (first[j] / correction1)
                if j < weights { proximal(j, step: step) }
            }
        }
    }

    /// Parameter `j`'s SGD step from its loss gradient: the L2 term added when `penalised`, the
    /// step, then the L1 step.
    @inline(__always)
    func sgdStep(_ j: Int, _ gradient: S, eta: S, penalised: Bool) {
        let g = gradient + (penalised ? 2 * l2 * theta[j] : 0)
        theta[j] -= eta * g
        if penalised { proximal(j, step: eta) }
    }

    /// Parameter `j`'s momentum or Nesterov step (its velocity in `first`) from its loss gradient:
    /// the L2 term added when `penalised`, the step, then the L1 step.
    @inline(__always)
    func momentumStep(_ j: Int, _ gradient: S, eta: S, momentum mu: S, nesterov: Bool, penalised: Bool) {
        let g = gradient + (penalised ? 2 * l2 * theta[j] : 0)
        first[j] = mu * first[j] + g
        theta[j] -= eta * (nesterov ? g + mu * first[j] : first[j])
        if penalised { proximal(j, step: eta) }
    }

    /// Parameter `j`'s running average moves towards `θⱼ` by `weight` (1 over the averaged count).
    @inline(__always)
    func averageStep(_ j: Int, weight: S) { average[j] += (theta[j] - average[j]) * weight }

    /// Parameter `j`'s step by ``apply(eta:t:averaged:gradient:)``'s rule for SGD, averaged SGD,
    /// momentum and Nesterov, alone: what a sparse row's update does to the parameters it touches.
    /// `averageWeight` (1 over the averaged count) on an averaged update.
    @inline(__always)
    func step(_ j: Int, _ gradient: S, eta: S, penalised: Bool, averageWeight: S?) {
        switch optimizer {
        case let .momentum(mu):
            momentumStep(j, gradient, eta: eta, momentum: S(mu), nesterov: false, penalised: penalised)
        case let .nesterov(mu):
            momentumStep(j, gradient, eta: eta, momentum: S(mu), nesterov: true, penalised: penalised)
        default:
            sgdStep(j, gradient, eta: eta, penalised: penalised)
        }
        if let averageWeight { averageStep(j, weight: averageWeight) }
    }

    /// One accelerated proximal gradient step (FISTA, Beck and Teboulle 2009), from the gradient at
    /// the extrapolated point `y = θ`:
    ///
    ///     x⁺ = prox(y − η·∇f(y)),   y ← x⁺ + β(x⁺ − x),   x ← x⁺,
    ///
    /// with `β = min(μ, k/(k + 3))` after `k` steps since the last restart. With ``restarts`` the
    /// momentum restarts (`k = 0`) whenever the step goes against the last move,
    /// `(y − x⁺)ᵀ(x⁺ − x) > 0` (O'Donoghue and Candès 2015), which keeps the fast rate on strongly
    /// convex objectives without knowing their curvature. The model is `x`, with the exact zeros of
    /// the L1 step. `first` holds `x⁺` during the step; `second[t]` counts target `t`'s `k`.
    @inline(__always)
    func acceleratedProximalStep(eta: S, momentum mu: S, averaged: inout Int, gradient: (Int) -> S) {
        let twoL2 = 2 * l2
        for j in 0..<parameters {
            let g = gradient(j) + (j < weights ? twoL2 * theta[j] : 0)
            var next = theta[j] - eta * g
            if j < weights && l1 > 0 {
                let threshold = eta * l1
                next = next > threshold ? next - threshold : next < -threshold ? next + threshold : 0
            }
            first[j] = next
        }
        // Each target restarts and extrapolates on its own (its weights, then its bias), as it
        // would trained alone.
        let targets = parameters - weights, d = weights / targets
        for t in 0..<targets {
            let bias = weights + t
            var agreement = (theta[bias] - first[bias]) * (first[bias] - average[bias])
            for j in (t * d)..<((t + 1) * d) { agreement += (theta[j] - first[j]) * (first[j] - average[j]) }
            var k = second[t]
            if restarts && agreement > 0 { k = 0 }
            let beta = Swift.min(mu, k / (k + 3))
            func extrapolate(_ j: Int) {
                let next = first[j]
                theta[j] = next + beta * (next - average[j])
                average[j] = next
            }
            for j in (t * d)..<((t + 1) * d) { extrapolate(j) }
            extrapolate(bias)
            second[t] = Swift.min(k + 1, S(1 << 20))
        }
        averaged += 1
    }

    /// The L1 proximal step: soft-thresholding by `step·λ₁`, which sets small weights to exactly 0.
    @inline(__always)
    func proximal(_ j: Int, step: S) {
        guard l1 > 0 else { return }
        let threshold = step * l1
        let value = theta[j]
        theta[j] = value > threshold ? value - threshold : value < -threshold ? value + threshold : 0
    }
}
