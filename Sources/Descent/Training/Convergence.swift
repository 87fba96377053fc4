/// Whether training converged, by one documented criterion measured on the whole training set:
/// the norm of the objective's gradient at the model, relative to its norm at the zero model,
///
///     ‖∇L(θ)‖₂ / ‖∇L(0)‖₂ ≤ tolerance,
///
/// where `L` is the training objective (the MSE plus the penalty; for an L1 term the smallest
/// subgradient), `θ = (w, b)` the model training returns (the average for averaged SGD), and the
/// gradient is taken over every training row (not the held-out ones). Measuring against the zero
/// model makes the ratio independent of the data's scale and of where training started.
struct Convergence<S: BLASScalar> {
    let tolerance: Double
    let l2: Double
    let l1: Double
    /// `‖∇L(0)‖`, measured once.
    private(set) var reference: Double? = nil

    init(tolerance: Double, l2: Double, l1: Double) {
        self.tolerance = tolerance
        self.l2 = l2
        self.l1 = l1
    }

    /// The norm of `g + penalty terms` for the MSE gradient `g` (`d` weights, then the bias) at
    /// the weights `theta`: the L2 term `2λ₂w`, and for L1 the subgradient of least norm.
    func objectiveGradientNorm(mse g: UnsafePointer<S>, theta: UnsafePointer<S>, columns d: Int) -> Double {
        objectiveGradientNorm(mse: g, theta: theta, weights: d, parameters: d + 1)
    }

    /// The norm of `g + penalty terms` for a flat `θ` of `weights` weights and then unpenalised
    /// biases, `parameters` entries in all (several targets: the sum of their objectives).
    func objectiveGradientNorm(mse g: UnsafePointer<S>, theta: UnsafePointer<S>, weights d: Int, parameters: Int) -> Double {
        var squares = 0.0
        for j in d..<parameters { squares += Double(g[j]) * Double(g[j]) }
        for j in 0..<d {
            let w = Double(theta[j])
            var gj = Double(g[j]) + 2 * l2 * w
            if l1 > 0 {
                gj = w != 0 ? gj + l1 * (w > 0 ? 1 : -1) : (Swift.abs(gj) <= l1 ? 0 : gj - l1 * (gj > 0 ? 1 : -1))
            }
            squares += gj * gj
        }
        return squares.squareRoot()
    }

    /// Records `‖∇L(0)‖` from the MSE gradient at the zero model.
    mutating func setReference(mseAtZero g: UnsafePointer<S>, zeros: UnsafePointer<S>, columns d: Int) {
        reference = objectiveGradientNorm(mse: g, theta: zeros, columns: d)
    }

    /// Records `‖∇L(0)‖` for a flat `θ` of `weights` weights and `parameters` entries.
    mutating func setReference(mseAtZero g: UnsafePointer<S>, zeros: UnsafePointer<S>, weights: Int, parameters: Int) {
        reference = objectiveGradientNorm(mse: g, theta: zeros, weights: weights, parameters: parameters)
    }

    /// `‖∇L(θ)‖ / ‖∇L(0)‖` (0 when both vanish: the zero model is exact).
    func ratio(_ norm: Double) -> Double {
        guard let reference else { return .infinity }
        return reference > 0 ? norm / reference : (norm == 0 ? 0 : .infinity)
    }

    /// What to try when a fit spent its budget without converging.
    static func advice(ratio: Double, tolerance: Double, settings: TrainingSettings<S>) -> String {
        var tips = ["more epochs (\(settings.epochs) were run)"]
        if settings.batchSize < settings.rows {
            if settings.optimizer == .sgd && settings.learningRate.schedule == .constant {
                tips.append("averaging (optimizer: .averaged()) or a decaying schedule (.inverseScaling(power: 0.5)), "
                            + "which shrink the noise a constant step leaves")
            }
        } else if settings.optimizer == .sgd {
            tips.append("momentum (optimizer: .nesterov(0.99)), which needs far fewer epochs on ill-conditioned data")
        }
        if !settings.automaticRate { tips.append("the automatic learning rate (automaticLearningRate = true)") }
        if !settings.standardized { tips.append("standardising the features (standardize = true)") }
        if !settings.whitened {
            tips.append("whitening (preconditioning = .whitened), which removes the correlations between features "
                        + "that slow every first-order method")
        }
        tips.append("or the exact least-squares solver, which strongly correlated features may need")
        return "Not converged: the gradient is \(formatScientific(ratio)) of its size at the zero model "
            + "(converged means ≤ \(formatScientific(tolerance))). Try " + tips.joined(separator: "; ") + "."
    }
}
