/// What the engine, the certificates and the exact solvers read of a ``Loss``: its shape (pieces,
/// kinks, slopes and conjugate), its values and derivatives with or without the Moreau smoothing
/// of its kinks, and the training kernels' view of them.
extension Loss {
    // MARK: Shape

    /// The condition above which ``Preconditioning/automatic`` whitens: 1 for a piecewise-linear
    /// loss (its smoothed steps follow kinks whose directions the correlations skew at any
    /// condition), ``Preconditioning/automaticThreshold`` otherwise.
    var whiteningThreshold: Double { isPiecewiseLinear ? 1 : Preconditioning.automaticThreshold }

    /// Whether this is the squared loss.
    var isSquared: Bool { kind == .squared }

    /// Whether the loss is piecewise linear (no curvature: trained on its Moreau envelope).
    var isPiecewiseLinear: Bool {
        switch kind {
        case .absolute, .quantile, .epsilonInsensitive: true
        default: false
        }
    }

    /// The slopes `ℓ'` on the pieces below and above the kinks of a piecewise-linear loss (the
    /// interval its conjugate lives on), and the kinks themselves.
    var slopeRange: (lower: Double, upper: Double) {
        switch kind {
        case .quantile(let tau): (-tau, 1 - tau)
        default: (-1, 1)
        }
    }

    /// The slopes of a piecewise-linear loss's pieces, increasing (`0` between `±ε` for the
    /// ε-insensitive loss with `ε > 0`).
    var pieceSlopes: [Double] {
        let range = slopeRange
        if case .epsilonInsensitive(let epsilon) = kind, epsilon > 0 { return [range.lower, 0, range.upper] }
        return [range.lower, range.upper]
    }

    /// The kinks of a piecewise-linear loss (`0`, or `±ε`), increasing.
    var kinks: [Double] {
        switch kind {
        case .epsilonInsensitive(let epsilon): epsilon == 0 ? [0] : [-epsilon, epsilon]
        default: [0]
        }
    }

    /// `ℓ*(a)` of a piecewise-linear loss on its slope range: `ε|a|` for ε-insensitive, else 0.
    func conjugate(_ a: Double) -> Double {
        if case .epsilonInsensitive(let epsilon) = kind { return epsilon * Swift.abs(a) }
        return 0
    }

    /// The slope of a piecewise-linear loss at `r` (the right one at a kink).
    func slope(_ r: Double) -> Double { derivative(r, smoothing: 0) }

    /// Whether the loss is piecewise quadratic and not quadratic (Huber, squared ε-insensitive).
    var isPiecewiseQuadratic: Bool {
        switch kind {
        case .huber, .squaredEpsilonInsensitive: true
        default: false
        }
    }

    /// The distance of a piecewise-quadratic loss's kinks from 0: `δ` or `ε`.
    var kinkDistance: Double {
        switch kind {
        case .huber(let delta): delta
        case .squaredEpsilonInsensitive(let epsilon), .epsilonInsensitive(let epsilon): epsilon
        default: 0
        }
    }

    /// A piecewise-quadratic loss at `r`: `ℓ(r)`, `ℓ'(r)/2`, `ℓ''(r)/2`, and the side of the kinks
    /// `r` is on (`0` between them, `±1` beyond).
    @inline(__always)
    func quadraticPieces(_ r: Double) -> (loss: Double, halfSlope: Double, halfCurvature: Double, side: Int8) {
        let a = Swift.abs(r)
        switch kind {
        case .huber(let delta):
            if a <= delta { return (r * r, r, 1, 0) }
            return (2 * delta * a - delta * delta, r > 0 ? delta : -delta, 0, r > 0 ? 1 : -1)
        case .squaredEpsilonInsensitive(let epsilon):
            guard a > epsilon else { return (0, 0, 0, 0) }
            let excess = a - epsilon
            return (excess * excess, r > 0 ? excess : -excess, 1, r > 0 ? 1 : -1)
        default:
            return (r * r, r, 1, 0)
        }
    }

    // MARK: Values and derivatives

    /// `ℓ(r)`, or with `smoothing` `μ > 0` for a piecewise-linear loss, its Moreau envelope
    /// `min_u ℓ(u) + (r − u)²/(2μ)`.
    func value(_ r: Double, smoothing mu: Double) -> Double {
        switch kind {
        case .squared: return r * r
        case .huber(let delta):
            let a = Swift.abs(r)
            return a <= delta ? r * r : 2 * delta * a - delta * delta
        case .squaredEpsilonInsensitive(let epsilon):
            let excess = Swift.max(0, Swift.abs(r) - epsilon)
            return excess * excess
        case .absolute: return Self.hinge(r, kink: 0, below: -1, above: 1, mu)
        case .quantile(let tau): return Self.hinge(r, kink: 0, below: -tau, above: 1 - tau, mu)
        case .epsilonInsensitive(let epsilon):
            return Self.hinge(r, kink: -epsilon, below: -1, above: 0, mu) + Self.hinge(r, kink: epsilon, below: 0, above: 1, mu)
        }
    }

    /// `ℓ'(r)` (a subgradient at a kink), or its Moreau envelope's with `smoothing` `μ > 0`.
    func derivative(_ r: Double, smoothing mu: Double) -> Double {
        switch kind {
        case .squared: return 2 * r
        case .huber(let delta): return 2 * Swift.min(delta, Swift.max(-delta, r))
        case .squaredEpsilonInsensitive(let epsilon):
            return r > epsilon ? 2 * (r - epsilon) : r < -epsilon ? 2 * (r + epsilon) : 0
        case .absolute: return Self.hingeSlope(r, kink: 0, below: -1, above: 1, mu)
        case .quantile(let tau): return Self.hingeSlope(r, kink: 0, below: -tau, above: 1 - tau, mu)
        case .epsilonInsensitive(let epsilon):
            return Self.hingeSlope(r, kink: -epsilon, below: -1, above: 0, mu)
                + Self.hingeSlope(r, kink: epsilon, below: 0, above: 1, mu)
        }
    }

    /// A piecewise-linear loss is a sum of hinges `h(r) = max(a(r − k), b(r − k))`, `a < b` (`|r|`
    /// and `ρ_τ` one, ε-insensitive two), each smoothed on its own (their kinks are apart): its
    /// Moreau envelope is `u²/(2μ)` for `aμ ≤ u = r − k ≤ bμ`, linear beyond.
    @inline(__always)
    private static func hinge(_ r: Double, kink: Double, below a: Double, above b: Double, _ mu: Double) -> Double {
        let u = r - kink
        guard mu > 0 else { return Swift.max(a * u, b * u) }
        if u >= b * mu { return b * u - b * b * mu / 2 }
        if u <= a * mu { return a * u - a * a * mu / 2 }
        return u * u / (2 * mu)
    }

    /// `h'(r)` (the right slope at the kink), or its envelope's.
    @inline(__always)
    private static func hingeSlope(_ r: Double, kink: Double, below a: Double, above b: Double, _ mu: Double) -> Double {
        let u = r - kink
        guard mu > 0 else { return u >= 0 ? b : a }
        return Swift.min(b, Swift.max(a, u / mu))
    }

    // MARK: The training kernels' view

    /// `ŵ·ℓ(r)` from `r` and `ŵr` (for the squared loss `(ŵr)·r`, as the kernels compute it).
    @inline(__always)
    func weightedValue<S: BLASScalar>(_ r: S, weighted: S, weight: S, smoothing: Double) -> S {
        if kind == .squared { return weighted * r }
        return weight * S(value(Double(r), smoothing: smoothing))
    }

    /// One row's step factor `ŵ·ℓ'(r)`, less the snapshot's `ŵ·ℓ'(r̃)` with variance reduction,
    /// from the weighted residuals `ŵr` and `ŵr̃` (for the squared loss `2(ŵr − ŵr̃)`, as before).
    @inline(__always)
    func slope<S: BLASScalar>(weighted: S, previous: S?, r: S, snapshot: S?, weight: S, smoothing: Double) -> S {
        if kind == .squared { return 2 * (previous.map { weighted - $0 } ?? weighted) }
        var g = derivative(Double(r), smoothing: smoothing)
        if let snapshot { g -= derivative(Double(snapshot), smoothing: smoothing) }
        return weight * S(g)
    }

    /// The constant factor `c` of the derivative, `ℓ'(r) = c·ψ(r)`: a batch of `m` rows steps along
    /// `(c/m)·Xᵀψ`.
    var derivativeFactor: Double { kind == .squared ? 2 : 1 }

    /// `(c/m)` in the training precision: the scale of a batch's `Xᵀψ` (for the squared loss
    /// `2/m`, bit for bit).
    @inline(__always)
    func batchScale<S: BLASScalar>(rows m: Int) -> S { S(derivativeFactor) / S(m) }

    /// The curvature `sup ℓ''` the automatic learning rate divides by: 2 for the squared, Huber
    /// and squared ε-insensitive losses; 1 for the piecewise-linear ones, whose Moreau envelope
    /// of width `μ` has curvature `1/μ` (the driver multiplies their rate by `μ`).
    var curvature: Double { isPiecewiseLinear ? 1 : 2 }

    /// The residual stage between the forward and the backward product, for a loss other than
    /// the squared: turns a block's `count` rows of unweighted residuals (`k` per row) into
    /// `ŵψ(r)` in place (`ψ = ℓ'/c`), adds each target's `Σŵψ` into `sums`, and returns `Σŵℓ(r)`.
    @inline(__always)
    func backward<S: BLASScalar>(_ residuals: UnsafeMutablePointer<S>, rows m: Int, targets k: Int,
                                 sampleWeights: UnsafePointer<S>?, sums: UnsafeMutablePointer<S>,
                                 smoothing: Double) -> S {
        var total = 0.0
        let c = derivativeFactor
        for i in 0..<m {
            let weight = Double(sampleWeights?[i] ?? 1)
            for t in 0..<k {
                let r = Double(residuals[i * k + t])
                total += weight * value(r, smoothing: smoothing)
                let psi = S(weight * derivative(r, smoothing: smoothing) / c)
                residuals[i * k + t] = psi
                sums[t] += psi
            }
        }
        return S(total)
    }

    /// Whether a batch's `Xᵀψ` may come from the fused and compiled squared-loss kernels.
    var usesSquaredKernels: Bool { kind == .squared }

    /// Whether ``Convergence``'s squared-loss certificates (its Fenchel dual and its Gram
    /// matrix) apply; the other losses have their own (``RobustCertificate``).
    var isCertifiable: Bool { kind == .squared }
}
