/// The verdict behind ``FitHistory/converged``: a certified bound on how far the returned model's
/// objective is from the optimum of the objective trained,
///
///     P(θ) = (1/n)·Σŵᵢ(xᵢᵀw + b − yᵢ)² + λ₂‖w‖² + λ₁‖w‖₁,
///
/// summed over the targets of a ``MultiLinearModel``. One pass over the training rows at `θ`
/// measures, per target, `Σŵe²`, `Σŵe` and `Xᵀ(ŵ⊙e)` (`e` the residuals); from them
/// (``ObjectiveCertificate``):
///
/// - with an L1 term, or when no Gram matrix is measured, a **duality gap** `P(θ) − D(ν) ≥ P(θ) − P*`
///   at the dual point `ν` made from the residuals (Fenchel duality, closed form for the squared
///   loss with L1, L2 and elastic-net penalties);
/// - otherwise (no penalty, or ridge) the **exact gap** of a quadratic, `P(θ) − P* = ¼∇Pᵀ H⁻¹ ∇P`,
///   from the Gram matrix of the training rows, measured once per fit in one more pass (when its
///   `d × d` matrix is affordable, see ``GramReference``);
/// - with an L1 term, once the model has the optimum's support and signs, the **exact gap on the
///   active set** (``GramReference/activeSetGap(weights:gradient:bias:l1:limit:)``), which also
///   certifies the zeros.
///
/// The fit converged when the gap relative to the optimum's lower bound is at most the tolerance:
/// `gap / max(P(θ) − gap, √ε·V) ≤ tolerance`, where `V` is the objective of the best constant
/// model (the targets' weighted variance) and `ε` the training precision's unit roundoff: the
/// floor lets a fit whose optimum is zero (noiseless data) be certified in finite precision.
///
/// The gradient ratio `‖∇P(θ)‖/‖∇P(0)‖` of earlier versions is still measured and reported
/// (``FitHistory/relativeGradientNorm``), but no longer decides.
struct Convergence<S: BLASScalar> {
    let tolerance: Double
    let l2: Double
    let l1: Double
    /// The loss trained: the certificates are the squared loss's (``Loss/isCertifiable``).
    let loss: Loss
    /// Training rows over every part, features, targets.
    let rows: Int
    let columns: Int
    let targets: Int
    /// `‖∇P(0)‖` for the reported gradient ratio, measured with the first pass.
    private(set) var reference: Double? = nil
    /// `Xᵀŵ` (the columns' weighted sums) and the targets' summed weighted variance `V`, from the first pass.
    private(set) var columnSums: [Double] = []
    private(set) var baseline = 0.0
    /// The Gram reference for the exact quadratic gap, once measured (`nil`: not yet, or not affordable).
    var gram: GramReference? = nil
    /// Why the exact reference is not available, once that is known.
    var gramUnavailable: String? = nil
    /// Whether the fit has taken its one Newton step on the active set (``EpochDriver/finishOnSupport(_:averaged:_:)``).
    var finishedOnSupport = false
    /// The largest `|S|³` the active-set gap factors: a small multiple of a pass over the rows.
    var activeSetLimit: Int { Swift.max(1 << 18, 4 * rows * columns) }

    init(tolerance: Double, l2: Double, l1: Double, rows: Int, columns: Int, targets: Int = 1, loss: Loss = .squared) {
        self.tolerance = tolerance
        self.loss = loss
        self.l2 = l2
        self.l1 = l1
        self.rows = rows
        self.columns = columns
        self.targets = targets
    }

    /// Whether the certificate still wants the Gram matrix (for the exact gap of a quadratic, and
    /// with an L1 term for the gap on the active set).
    var wantsGram: Bool { gram == nil && gramUnavailable == nil }

    /// Records what the first pass measures besides the moments: `Xᵀŵ`, `Σŵy` and `Σŵy²` per target
    /// (summed over the parts), and the gradient norm at the zero model.
    mutating func setReference(columnSums: [Double], targetSums: [Double], targetSquares: [Double], gradientNormAtZero: Double) {
        self.columnSums = columnSums
        let n = Double(rows)
        baseline = zip(targetSums, targetSquares).reduce(0.0) { total, pair in
            let mean = pair.0 / n
            return total + Swift.max(0, pair.1 / n - mean * mean)
        }
        reference = gradientNormAtZero
    }

    /// The certified verdict at the flat parameters `theta` (each target's `d` weights in turn, then
    /// the `k` biases) from the pass's `moments` there.
    func verdict(_ moments: ResidualMoments, theta: UnsafePointer<S>) -> ConvergenceVerdict {
        let d = columns, k = targets, n = Double(rows)
        var gap = 0.0, objective = 0.0, supportCertified = true
        // The steps to every target's optimum on its active set, while every target has one.
        var steps: [Double]? = l1 > 0 && gram != nil ? [Double](repeating: 0, count: (d + 1) * k) : nil
        var method: ConvergenceCertificate = !loss.isCertifiable ? .unavailable
            : l1 == 0 && gram != nil ? .quadratic : (l1 > 0 || l2 > 0) ? .dualityGap : .unavailable
        let c = loss.derivativeFactor
        for t in 0..<k {
            let w = (0..<d).map { Double(theta[t * d + $0]) }
            let products = Array(moments.products[(t * d)..<((t + 1) * d)])
            let meanResidual = moments.sums[t] / n
            let penalty = ObjectiveCertificate.penalty(w, l1: l1, l2: l2)
            objective += moments.squares[t] / n + penalty
            switch method {
            case .quadratic:
                let gradient = (0..<d).map { c * products[$0] / n + 2 * l2 * w[$0] }
                gap += gram!.gap(gradient: gradient, bias: c * meanResidual)
            case .dualityGap, .activeSet:
                var bound = ObjectiveCertificate.dualityGap(weights: w, products: products, columnSums: columnSums,
                                                            meanResidual: meanResidual,
                                                            meanSquare: moments.squares[t] / n, rows: n, l1: l1, l2: l2)
                // Near the optimum the lasso's dual point is feasible only to first order: the
                // exact gap on the active set, once the support is found, is far tighter, and it
                // certifies the zeros. Tried once the duality gap is within a quarter of the objective
                // (its factorisation is bounded by activeSetLimit: about two passes over the rows).
                if l1 > 0, let gram {
                    var exact: (gap: Double, step: [Double])? = nil
                    if bound <= 0.25 * (moments.squares[t] / n + penalty) {
                        let gradient = (0..<d).map { c * products[$0] / n + 2 * l2 * w[$0] }
                        exact = gram.activeSetGap(weights: w, gradient: gradient, bias: c * meanResidual, l1: l1,
                                                  limit: activeSetLimit)
                    }
                    if let exact {
                        if exact.gap < bound { bound = exact.gap }
                        method = .activeSet
                        for j in 0..<d { steps?[t * d + j] = exact.step[j] }
                        steps?[d * k + t] = exact.step[d]
                    } else {
                        supportCertified = false
                        steps = nil
                    }
                }
                gap += bound
            case .unavailable:
                gap = .infinity
            }
        }
        let floor = Double(S.ulpOfOne).squareRoot() * baseline
        let lower = objective - gap
        let relative = gap.isFinite ? gap / Swift.max(lower, floor, .leastNormalMagnitude) : .infinity
        if !supportCertified { method = .dualityGap }
        return ConvergenceVerdict(gap: gap, objective: objective, relativeGap: gap.isNaN ? .infinity : relative,
                                  certificate: method, supportCertified: supportCertified,
                                  activeSetStep: method == .activeSet ? steps : nil)
    }

    /// `‖∇P(θ)‖ / ‖∇P(0)‖` from the pass's moments at `theta` (reported, not decisive). With a
    /// gradient preconditioner (whitening in gradient mode) the gradient is measured in the
    /// whitened coordinates, `map` turning the weights' gradient in place.
    func gradientRatio(_ moments: ResidualMoments, theta: UnsafePointer<S>,
                       whiten: ((UnsafeMutablePointer<S>) -> Void)?) -> Double {
        guard let reference else { return .infinity }
        let d = columns, n = Double(rows)
        var squares = 0.0
        var g = [S](repeating: 0, count: d + 1)
        for t in 0..<targets {
            for j in 0..<d { g[j] = S(loss.derivativeFactor * moments.products[t * d + j] / n) }
            g.withUnsafeMutableBufferPointer { if let whiten { whiten($0.baseAddress!) } }
            squares += Self.gradientSquares(g, theta: theta + t * d, l1: l1, l2: l2, columns: d)
            let bias = loss.derivativeFactor * moments.sums[t] / n
            squares += bias * bias
        }
        let norm = squares.squareRoot()
        return reference > 0 ? norm / reference : (norm == 0 ? 0 : .infinity)
    }

    /// `‖g + penalty terms‖²` over one target's weights: the L2 term `2λ₂w`, and for L1 the
    /// subgradient of least norm.
    static func gradientSquares(_ g: [S], theta: UnsafePointer<S>, l1: Double, l2: Double, columns d: Int) -> Double {
        var squares = 0.0
        for j in 0..<d {
            let w = Double(theta[j])
            var gj = Double(g[j]) + 2 * l2 * w
            if l1 > 0 {
                gj = w != 0 ? gj + l1 * (w > 0 ? 1 : -1) : (Swift.abs(gj) <= l1 ? 0 : gj - l1 * (gj > 0 ? 1 : -1))
            }
            squares += gj * gj
        }
        return squares
    }

    /// What to try when a fit spent its budget without converging, in the library's spelling
    /// (``ConvergenceTip/api``) and the command line's (``ConvergenceTip/flag``).
    static func advice(verdict: ConvergenceVerdict, tolerance: Double, settings: TrainingSettings<S>,
                       gramUnavailable: String?) -> (summary: String, tips: [ConvergenceTip]) {
        let penalised = settings.l1 > 0 || settings.l2 > 0
        var tips = [ConvergenceTip(api: "more epochs (epochs; \(settings.epochs) were run)",
                                   flag: "more epochs (--epochs; \(settings.epochs) were run)")]
        // (An unaffordable exact reference becomes affordable with a larger budget, too.)
        let summary: String
        if verdict.certificate == .unavailable {
            if settings.loss.isSquared {
                summary = "Not certified: \(gramUnavailable ?? "no certificate applies to this objective")."
                tips.append(ConvergenceTip(api: "a small ridge penalty (penalty = .l2(λ)), whose duality gap certifies any width",
                                           flag: "a small ridge penalty (--penalty l2:λ), whose duality gap certifies any width"))
            } else {
                summary = "Not certified: \(gramUnavailable ?? "no check of the \(settings.loss) loss confirmed an optimum to measure the gap against")."
            }
        } else if !verdict.supportCertified && verdict.relativeGap <= tolerance {
            summary = "Not converged: the objective gap is \(formatScientific(verdict.relativeGap)) of the optimum, "
                + "but the zeros are not yet the optimum's (a weight near its threshold has not settled)."
        } else {
            summary = "Not converged: the certified objective gap is \(formatScientific(verdict.relativeGap)) of the "
                + "optimum (converged means ≤ \(formatScientific(tolerance)))."
        }
        if settings.batchSize < settings.rows && !settings.varianceReduced {
            tips.append(ConvergenceTip(api: "variance reduction (varianceReduction = .svrg), which reaches the optimum "
                                           + "at a constant rate where plain stochastic steps stall at their noise",
                                       flag: "variance reduction (--variance-reduction svrg)"))
        }
        if settings.batchSize == settings.rows && settings.optimizer == .sgd {
            tips.append(ConvergenceTip(api: "momentum (optimizer: .nesterov(0.99)), accelerated proximal steps with restarts",
                                       flag: "momentum (--optimizer nesterov)"))
        }
        if !settings.automaticRate {
            tips.append(ConvergenceTip(api: "the automatic learning rate (automaticLearningRate = true)",
                                       flag: "the automatic learning rate (leave out --learning-rate)"))
        }
        if !settings.standardized {
            tips.append(ConvergenceTip(api: "standardising the features (standardize = true)", flag: "--standardize"))
        }
        if penalised {
            if settings.batchSize < settings.rows {
                tips.append(ConvergenceTip(api: "the full batch (mode: .batch) with the defaults, whose accelerated "
                                               + "proximal steps need the fewest passes on correlated features",
                                           flag: "the full batch (--mode batch) with the defaults"))
            }
        } else {
            if !settings.whitened {
                tips.append(ConvergenceTip(api: "whitening (preconditioning = .whitened), which removes the correlations "
                                               + "between features that slow every first-order method",
                                           flag: "whitening (--preconditioning whitened)"))
            }
            if settings.loss.isSquared {
                tips.append(ConvergenceTip(api: "or the exact least-squares solver (LeastSquares.solve)",
                                           flag: "or the exact solver (descent solve)"))
            } else if settings.loss.isPiecewiseLinear {
                tips.append(ConvergenceTip(api: "or the exact solver (QuantileRegression.fit, RobustRegression.verify)",
                                           flag: "or the exact solver (descent solve --quantile τ; descent verify --loss)"))
            } else {
                tips.append(ConvergenceTip(api: "or the exact solver (RobustRegression.fit, RobustRegression.verify)",
                                           flag: "or the exact solver (descent solve --robust; descent verify --loss)"))
            }
        }
        if S.self == Float.self && verdict.relativeGap.isFinite && verdict.relativeGap < 1e-3 {
            tips.append(ConvergenceTip(api: "Double precision, whose rounding allows a smaller gap",
                                       flag: "--precision double"))
        }
        return (summary, tips)
    }
}

/// What one pass over the training rows measures at `θ`, per target, in `Double` and summed over
/// every part: `Σŵe²`, `Σŵe` and `Xᵀ(ŵ⊙e)` (target-major, `k × d`), with `e = Xw + b − y`.
struct ResidualMoments {
    var squares: [Double]
    var sums: [Double]
    var products: [Double]

    init(columns d: Int, targets k: Int) {
        squares = [Double](repeating: 0, count: k)
        sums = [Double](repeating: 0, count: k)
        products = [Double](repeating: 0, count: d * k)
    }

    /// Every entry in one flat array (products, sums, squares), for a sum over the parts.
    var packed: [Double] { products + sums + squares }

    /// Takes the entries back from ``packed``.
    mutating func unpack(_ values: [Double]) {
        let p = products.count, k = sums.count
        products = Array(values[0..<p])
        sums = Array(values[p..<(p + k)])
        squares = Array(values[(p + k)..<(p + 2 * k)])
    }
}

/// The outcome of one certification (see ``Convergence``).
struct ConvergenceVerdict: Sendable {
    /// `P(θ) − P*` bounded from above (absolute).
    let gap: Double
    /// `P(θ)`.
    let objective: Double
    /// The gap relative to the optimum's lower bound (see ``Convergence``); `∞` when not certified.
    let relativeGap: Double
    let certificate: ConvergenceCertificate
    /// With an L1 term and the Gram measured: whether the active set certified the zeros (else
    /// `true`: nothing more to certify).
    let supportCertified: Bool
    /// With an L1 term, when every target's support and signs are the optimum's: the step `Δθ`
    /// (flat, as `θ`) to the optimum, a Newton step on the active set that the optimality
    /// conditions confirmed (``EpochDriver/finishOnSupport(_:averaged:_:)``).
    var activeSetStep: [Double]? = nil

    /// Whether this verdict certifies convergence at `tolerance`.
    func certifies(_ tolerance: Double) -> Bool { relativeGap <= tolerance && supportCertified }
}

/// One thing to try for a fit that did not converge, in the library's words and the command line's.
struct ConvergenceTip: Sendable, Codable, Hashable {
    let api: String
    let flag: String
}
