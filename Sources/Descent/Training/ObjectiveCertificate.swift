/// The two certificates of ``Convergence``, as arithmetic on what one pass measures.
///
/// For one target with `n` training rows, normalised weights `ŵ` (mean 1), residuals
/// `e = Xw + b − y`, `ē = Σŵe/n`, `G = Xᵀ(ŵ⊙e)` and `c = Xᵀŵ`:
///
/// **Duality gap.** The squared loss's Fenchel dual over `ν` with `Σνᵢ = 0` (the intercept) is
/// `D(ν) = νᵀy − (n/4)Σνᵢ²/ŵᵢ − g*(Xᵀν)`, where `g(w) = λ₂‖w‖² + λ₁‖w‖₁` and
/// `g*(u) = Σⱼ (|uⱼ| − λ₁)₊² / (4λ₂)` (for `λ₂ = 0`: 0 when `‖u‖∞ ≤ λ₁`, else `∞`). The residuals
/// give the dual point `ν = −α(2/n)ŵ⊙(e − ē)`, with `u = Xᵀν = α·v`, `v = −(2/n)(G − ē·c)`; the scale
/// `α ≥ 0` is chosen to make the gap smallest (for the lasso, within `α‖v‖∞ ≤ λ₁`). With
/// `Q = Σŵe²/n − ē²`, the gap `P(θ) − D(ν)` is, with the terms that cancel removed,
///
///     ē² + (1 − α)²Q + λ₂‖w‖² + λ₁‖w‖₁ − α·vᵀw + g*(α·v),
///
/// every term of which is non-negative or cancels only to first order near the optimum
/// (Fenchel–Young), so it keeps its accuracy as the gap shrinks. It is zero exactly at the optimum.
///
/// **Quadratic gap.** Without an L1 term `P` is quadratic, so `P(θ) − P* = ¼∇Pᵀ H̃⁻¹ ∇P` exactly, with
/// `H̃ = (1/n)[X 1]ᵀŴ[X 1] + λ₂·diag(I, 0)` (half the Hessian); see ``GramReference``.
enum ObjectiveCertificate {
    /// `λ₂‖w‖² + λ₁‖w‖₁`.
    static func penalty(_ w: [Double], l1: Double, l2: Double) -> Double {
        var squares = 0.0, absolute = 0.0
        for value in w { squares += value * value; absolute += Swift.abs(value) }
        return l2 * squares + l1 * absolute
    }

    /// The duality gap for one target (see ``ObjectiveCertificate``); `∞` when no dual point is
    /// feasible (no penalty).
    static func dualityGap(weights w: [Double], products: [Double], columnSums c: [Double], meanResidual mean: Double,
                           meanSquare: Double, rows n: Double, l1: Double, l2: Double) -> Double {
        let d = w.count
        let v = (0..<d).map { -(2 / n) * (products[$0] - mean * c[$0]) }
        let q = Swift.max(0, meanSquare - mean * mean)
        let vw = zip(v, w).reduce(0.0) { $0 + $1.0 * $1.1 }
        let fixed = mean * mean + penalty(w, l1: l1, l2: l2)
        let largest = v.reduce(0.0) { Swift.max($0, Swift.abs($1)) }
        // The conjugate of the penalty at α·v.
        func conjugate(_ alpha: Double) -> Double {
            guard l2 > 0 else { return alpha * largest <= l1 * (1 + 1e-12) ? 0 : .infinity }
            return v.reduce(0.0) { total, vj in
                let excess = Swift.max(0, alpha * Swift.abs(vj) - l1)
                return total + excess * excess / (4 * l2)
            }
        }
        func gap(_ alpha: Double) -> Double { fixed + (1 - alpha) * (1 - alpha) * q - alpha * vw + conjugate(alpha) }
        guard l1 > 0 || l2 > 0 else { return .infinity }
        var alpha: Double
        if l2 == 0 {
            // The lasso: the best scale of the quadratic, within the feasible interval.
            let limit = largest > 0 ? l1 / largest : .infinity
            alpha = q > 0 ? 1 + vw / (2 * q) : (vw > 0 ? limit : 0)
            alpha = Swift.min(Swift.max(alpha, 0), limit)
            if !alpha.isFinite { alpha = 1 }
        } else {
            // Convex and piecewise quadratic in α: Newton's method from α = 1.
            alpha = 1
            for _ in 0..<50 {
                var slope = -2 * (1 - alpha) * q - vw, curvature = 2 * q
                for vj in v {
                    let magnitude = Swift.abs(vj), excess = alpha * magnitude - l1
                    if excess > 0 {
                        slope += magnitude * excess / (2 * l2)
                        curvature += magnitude * magnitude / (2 * l2)
                    }
                }
                guard curvature > 0 else { break }
                let next = Swift.max(0, alpha - slope / curvature)
                if Swift.abs(next - alpha) <= 1e-15 * Swift.max(1, alpha) { alpha = next; break }
                alpha = next
            }
        }
        return Swift.max(0, Swift.min(gap(alpha), gap(1)))
    }
}

/// The Gram matrix of the training rows, for the exact gap of a quadratic objective (no L1 term):
/// the rows' weighted means `μ`, their standard deviations `σ` and the Cholesky factor of their
/// weighted correlation matrix plus the ridge term, `C + λ₂D⁻² (+ δI)` (`D = diag σ`). Then
///
///     ∇Pᵀ H̃⁻¹ ∇P = hᵀ(C + λ₂D⁻²)⁻¹h + (∂P/∂b)²,   h = D⁻¹(∇_w P − μ·∂P/∂b),
///
/// the Schur complement of the intercept. `δ = 16·d·ε` (of `Double`) keeps the factorisation defined
/// when columns are collinear: the gradient has no component along a direction the data does not
/// span, so such directions add only rounding.
///
/// It costs a `d × d` matrix, a pass over the rows (`syrk`, `O(n·d²)`) and a factorisation
/// (`O(d³)`), once per fit: it is measured only when ``maximumColumns`` allows.
struct GramReference: Sendable {
    let columns: Int
    let means: [Double]
    let deviations: [Double]
    /// The weighted correlation matrix `C` (column-major `d × d`, both triangles).
    let correlation: [Double]
    /// The upper Cholesky factor of `C + λ₂D⁻² + δI`, column-major `d × d`.
    let factor: [Double]
    let l2: Double

    /// The widest data the exact reference is measured for: `d ≤ 4096` (a 128 MiB matrix).
    static let maximumColumns = 4096

    /// The reference's cost in plain epochs of a fit on `n` rows, `d` columns and `k` targets: the
    /// `syrk` pass (`n·d²`) and the factorisation (`d³/3`), blocked work at
    /// ``WhiteningCost/blockSpeedup`` times an epoch's speed per multiply-add, against an epoch's
    /// `2·n·d·k`.
    static func costInEpochs(rows n: Int, columns d: Int, targets k: Int) -> Double {
        let (n, d, k) = (Double(Swift.max(1, n)), Double(d), Double(Swift.max(1, k)))
        return (n * d * d + d * d * d / 3) / WhiteningCost.blockSpeedup / (2 * n * d * k)
    }

    /// The most a fit of `epochs` epochs spends on the reference: 20 epochs, or a tenth of its budget.
    static func affordableEpochs(budget epochs: Int) -> Double { Swift.max(20, Double(epochs) / 10) }

    /// Factors the reference from the weighted co-moments about `shift` measured by `measurement`
    /// (the rows as training reads them, minus `shift`), for the ridge strength `l2`. `nil` when the
    /// matrix is not positive semi-definite to working precision.
    init?(_ measurement: CorrelationMeasurement, shift: [Double], l2: Double) {
        let d = measurement.columns, total = measurement.total
        guard total > 0 else { return nil }
        let mean = measurement.sums.map { $0 / total }
        var c = [Double](repeating: 0, count: d * d)
        for i in 0..<d {
            for j in i..<d {
                let value = measurement.gram[i * d + j] / total - mean[i] * mean[j]
                c[i + j * d] = value
            }
        }
        let sigma = (0..<d).map { j -> Double in
            let s = c[j + j * d].squareRoot()
            return s > 0 && s.isFinite ? s : 1
        }
        let delta = 16 * Double(d) * Double.ulpOfOne
        for j in 0..<d {
            for i in 0...j {
                c[i + j * d] /= sigma[i] * sigma[j]
                c[j + i * d] = c[i + j * d]
            }
        }
        var factor = c
        for j in 0..<d { factor[j + j * d] += l2 / (sigma[j] * sigma[j]) + delta }
        let failed = factor.withUnsafeMutableBufferPointer { LAPACK.choleskyFactor($0, n: d) }
        guard failed == nil else { return nil }
        columns = d
        means = (0..<d).map { shift[$0] + mean[$0] }
        deviations = sigma
        correlation = c
        self.factor = factor
        self.l2 = l2
    }

    /// The exact gap of an L1-penalised objective on the model's active set, when the model has
    /// found the optimum's support and signs: the optimum restricted to the support `S` of `w`
    /// with its signs `s` is the stationary point of a quadratic,
    ///
    ///     (D_S C_SS D_S + λ₂I)Δ_S = −½(∇_S + λ₁s − μ_S·∂P/∂b),   Δ_b = −(∂P/∂b)/2 − μ_SᵀΔ_S,
    ///
    /// (`∇` the gradient of the smooth part, MSE plus ridge, at `θ`). When `θ* = θ + Δ` keeps the
    /// signs and satisfies the optimality conditions off the support (`|∇ⱼQ(θ*)| ≤ λ₁`, the gradient
    /// moved exactly as a quadratic's, `∇Q(θ*) = ∇Q(θ) + 2H̃Δ`), it is the optimum, and
    /// `P(θ) − P* = −∇Q(θ)ᵀΔ − ΔᵀH̃Δ + λ₁(‖w‖₁ − ‖w*‖₁)`. Returns `nil` when the support or a sign is
    /// not yet the optimum's (the duality gap then stands), or the support is too large to
    /// factor here (`|S|³` beyond `limit`).
    /// Also returns the step `Δ` to that optimum (the weights' `d`, then the bias's).
    func activeSetGap(weights w: [Double], gradient: [Double], bias: Double, l1: Double, limit: Int)
        -> (gap: Double, step: [Double])? {
        let d = columns
        let support = (0..<d).filter { w[$0] != 0 }
        let m = support.count
        guard m * m * m <= limit else { return nil }
        // The system in standardised units: (C_SS + λ₂D_S⁻²)·(D_SΔ_S) = −½D_S⁻¹h_S.
        var delta = [Double](repeating: 0, count: d)
        if m > 0 {
            var a = [Double](repeating: 0, count: m * m)
            var rhs = [Double](repeating: 0, count: m)
            for (p, j) in support.enumerated() {
                for (q, i) in support.enumerated() { a[q + p * m] = correlation[i + j * d] }
                a[p + p * m] += l2 / (deviations[j] * deviations[j])
                let sign: Double = w[j] > 0 ? 1 : -1
                rhs[p] = -0.5 * (gradient[j] + l1 * sign - means[j] * bias) / deviations[j]
            }
            let failed = a.withUnsafeMutableBufferPointer { LAPACK.choleskyFactor($0, n: m) }
            guard failed == nil else { return nil }
            a.withUnsafeBufferPointer { f in
                rhs.withUnsafeMutableBufferPointer { LAPACK.choleskySolve(f, n: m, $0) }
            }
            for (p, j) in support.enumerated() {
                delta[j] = rhs[p] / deviations[j]
                let next = w[j] + delta[j]
                guard next != 0, (next > 0) == (w[j] > 0) else { return nil }
            }
        }
        // ∇Q(θ*) off the support: ∇ⱼ + 2[(DCD)_{jS}Δ_S + λ₂Δⱼ − μⱼ·(∂P/∂b)/2] (Δⱼ = 0 there).
        var quadratic = 0.0   // Δ_Sᵀ(DCD + λ₂)Δ_S
        var linear = 0.0      // ∇_wᵀΔ_w
        for j in 0..<d {
            var product = 0.0
            for i in support { product += correlation[j + i * d] * deviations[i] * delta[i] }
            product *= deviations[j]
            if w[j] == 0 {
                let moved = gradient[j] + 2 * (product - means[j] * bias / 2)
                guard Swift.abs(moved) <= l1 * (1 + 1e-9) else { return nil }
            } else {
                quadratic += delta[j] * (product + l2 * delta[j])
                linear += gradient[j] * delta[j]
            }
        }
        // The bias: Δ_b = −(∂P/∂b)/2 − μ_SᵀΔ_S; ΔᵀH̃Δ = Δ_Sᵀ(DCD + λ₂)Δ_S + (μᵀΔ + Δ_b)².
        let muDelta = support.reduce(0.0) { $0 + means[$1] * delta[$1] }
        let deltaBias = -bias / 2 - muDelta
        linear += bias * deltaBias
        quadratic += (muDelta + deltaBias) * (muDelta + deltaBias)
        let l1Change = support.reduce(0.0) { $0 + Swift.abs(w[$1]) - Swift.abs(w[$1] + delta[$1]) }
        return (Swift.max(0, -linear - quadratic + l1 * l1Change), delta + [deltaBias])
    }

    /// `¼∇Pᵀ H̃⁻¹ ∇P` for the gradient `gradient` of the weights (penalty included) and `bias` of the intercept.
    func gap(gradient: [Double], bias: Double) -> Double {
        let d = columns
        var h = (0..<d).map { (gradient[$0] - means[$0] * bias) / deviations[$0] }
        // Solve Uᵀz = h: then hᵀ(UᵀU)⁻¹h = ‖z‖².
        for i in 0..<d {
            var value = h[i]
            for k in 0..<i { value -= factor[k + i * d] * h[k] }
            h[i] = value / factor[i + i * d]
        }
        let squares = h.reduce(0.0) { $0 + $1 * $1 }
        return 0.25 * (squares + bias * bias)
    }
}
