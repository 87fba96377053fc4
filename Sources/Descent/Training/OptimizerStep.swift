#if canImport(Glibc)
import Glibc
#endif

/// The optimiser maths: turns a gradient into an update of `θ = (w, b)`, for every optimiser
/// (SGD, momentum, Nesterov, Adam, averaged SGD) and penalty (the L2 term in the gradient, the L1
/// proximal step). Works on the workspace's buffers, which hold the optimiser state for a fit.
struct OptimizerStep<S: BLASScalar> {
    let optimizer: Optimizer
    let l2: S
    let l1: S
    let d: Int
    /// `θ`, `d + 1` entries, bias last.
    let theta: UnsafeMutablePointer<S>
    let first: UnsafeMutablePointer<S>
    let second: UnsafeMutablePointer<S>
    /// Averaged SGD: the running average the model will hold.
    let average: UnsafeMutablePointer<S>

    /// One update from the gradient `∂L/∂θⱼ = gradient(j)` of the MSE part (the penalty is added
    /// here), at rate `eta`, as update number `t` (from 1), with `averaged` iterates averaged so far.
    @inline(__always)
    func apply(eta: S, t: Int, averaged: inout Int, gradient: (Int) -> S) {
        let twoL2 = 2 * l2
        switch optimizer {
        case .sgd, .averaged:
            for j in 0...d {
                let g = gradient(j) + (j < d ? twoL2 * theta[j] : 0)
                theta[j] -= eta * g
                if j < d { proximal(j, step: eta) }
            }
            if case let .averaged(start) = optimizer, t > start {
                averaged += 1
                let weight = 1 / S(averaged)
                for j in 0...d { average[j] += (theta[j] - average[j]) * weight }
            }
        case let .momentum(mu), let .nesterov(mu):
            let mu = S(mu)
            let nesterov = if case .nesterov = optimizer { true } else { false }
            for j in 0...d {
                let g = gradient(j) + (j < d ? twoL2 * theta[j] : 0)
                first[j] = mu * first[j] + g
                theta[j] -= eta * (nesterov ? g + mu * first[j] : first[j])
                if j < d { proximal(j, step: eta) }
            }
        case let .adam(beta1, beta2, epsilon):
            let b1 = S(beta1), b2 = S(beta2), eps = S(epsilon)
            let correction1 = 1 - S(pow(beta1, Double(t))), correction2 = 1 - S(pow(beta2, Double(t)))
            for j in 0...d {
                let g = gradient(j) + (j < d ? twoL2 * theta[j] : 0)
                first[j] = b1 * first[j] + (1 - b1) * g
                second[j] = b2 * second[j] + (1 - b2) * g * g
                let step = eta / ((second[j] / correction2).squareRoot() + eps)
                theta[j] -= step * (first[j] / correction1)
                if j < d { proximal(j, step: step) }
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
