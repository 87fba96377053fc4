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
    /// Averaged SGD: the running average the model will hold.
    let average: UnsafeMutablePointer<S>

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
            for j in 0..<parameters {
                let g = gradient(j) + (j < weights ? twoL2 * theta[j] : 0)
                theta[j] -= eta * g
                if j < weights { proximal(j, step: eta) }
            }
            if case let .averaged(start) = optimizer, t > start {
                averaged += 1
                let weight = 1 / S(averaged)
                for j in 0..<parameters { average[j] += (theta[j] - average[j]) * weight }
            }
        case let .momentum(mu), let .nesterov(mu):
            let mu = S(mu)
            let nesterov = if case .nesterov = optimizer { true } else { false }
            for j in 0..<parameters {
                let g = gradient(j) + (j < weights ? twoL2 * theta[j] : 0)
                first[j] = mu * first[j] + g
                theta[j] -= eta * (nesterov ? g + mu * first[j] : first[j])
                if j < weights { proximal(j, step: eta) }
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

    /// The L1 proximal step: soft-thresholding by `step·λ₁`, which sets small weights to exactly 0.
    @inline(__always)
    func proximal(_ j: Int, step: S) {
        guard l1 > 0 else { return }
        let threshold = step * l1
        let value = theta[j]
        theta[j] = value > threshold ? value - threshold : value < -threshold ? value + threshold : 0
    }
}
