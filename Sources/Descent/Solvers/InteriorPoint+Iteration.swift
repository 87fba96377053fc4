/// The Frisch–Newton iteration of ``PiecewiseLinearSolver``: its predictor-corrector steps and the `p × p` systems they solve.
extension PiecewiseLinearSolver {
    // MARK: Linear algebra of the p × p systems

    /// The Cholesky factor of `G` scaled to unit diagonal (with a tiny ridge if rounding left it
    /// indefinite), and its scales.
    struct Factor {
        let factor: [Double]
        let scales: [Double]
        let p: Int

        /// `1/κ₁` of the scaled matrix (`pocon`).
        let reciprocalCondition: Double

        /// Factors `gram`; with `ridge`, a tiny multiple of the identity is added to the scaled
        /// matrix (10⁻¹⁴, up to 10⁻⁶) when rounding left it indefinite.
        init?(_ gram: [Double], p: Int, ridge allowRidge: Bool = true) {
            self.p = p
            scales = (0..<p).map { gram[$0 * p + $0] > 0 ? 1 / gram[$0 * p + $0].squareRoot() : 1 }
            var ridge = 0.0
            while true {
                var a = gram
                for i in 0..<p { for j in 0..<p { a[i * p + j] *= scales[i] * scales[j] } }
                for i in 0..<p { a[i * p + i] += ridge }
                guard a.allSatisfy(\.isFinite) else { return nil }
                var oneNorm = 0.0
                for j in 0..<p { oneNorm = Swift.max(oneNorm, (0..<p).reduce(0.0) { $0 + Swift.abs(a[$1 * p + j]) }) }
                let failed = a.withUnsafeMutableBufferPointer { LAPACK.choleskyFactor($0, n: p) }
                if failed == nil {
                    factor = a
                    reciprocalCondition = a.withUnsafeBufferPointer {
                        LAPACK.choleskyReciprocalCondition($0, n: p, oneNorm: oneNorm)
                    }
                    return
                }
                guard allowRidge else { return nil }
                ridge = ridge == 0 ? 1e-14 : ridge * 100
                if ridge > 1e-6 { return nil }
            }
        }

        func solve(_ b: [Double]) -> [Double] {
            var x = (0..<p).map { b[$0] * scales[$0] }
            factor.withUnsafeBufferPointer { f in
                x.withUnsafeMutableBufferPointer { LAPACK.choleskySolve(f, n: p, $0) }
            }
            return (0..<p).map { x[$0] * scales[$0] }
        }
    }

    func factor(_ gram: [Double]) throws(DescentError) -> Factor {
        guard let f = Factor(gram, p: p) else { throw Self.singular }
        return f
    }

    static var singular: DescentError {
        .unsolvable(method: "Frisch–Newton interior point",
                    reason: "the weighted Gram matrix of the features is singular or overflows "
                        + "(collinear or constant columns, or fewer rows with weight > 0 than coefficients)",
                    conditionEstimate: nil)
    }

    // MARK: The interior point

    /// Runs the interior point from the weighted least-squares fit; returns its iteration count.
    func interiorPoint(finish: (_ iteration: Int) throws(DescentError) -> Bool = { _ in false }) throws(DescentError) -> Int {
        let K = self.K, slopes = self.slopes, kinks = self.kinks, jumps = self.jumps
        let s0 = slopes[0], lambda = -s0 / (slopes[K] - s0)
        // Start: β from Σwᵢ²(aᵢᵀβ − yᵢ)², t with every gᵢ = 0, z − v = c − Mβ split with a margin.
        let start = try pass(gram: true, coefficients: 1) { first, m, _, _, gw, coef, _ in
            for i in 0..<m {
                let wi = self.w[first + i]
                gw[i] = wi * wi
                coef[i] = wi * wi * self.y[first + i]
            }
        }
        // The weighted Gram matrix must be well conditioned (no constant or collinear columns,
        // p rows of weight > 0 at least): every later system is this one reweighted.
        guard let first = Factor(start.gram, p: p, ridge: false),
              first.reciprocalCondition >= 10 * Double(p) * Double.ulpOfOne else { throw Self.singular }
        beta = first.solve(start.vectors)
        try refreshResiduals(beta)
        var absSum = 0.0, scaleSum = 0.0
        for i in 0..<n {
            for k in 0..<K {
                absSum += Swift.abs(w[i] * jumps[k] * (r[i] - kinks[k]))
                scaleSum += Swift.abs(w[i] * jumps[k] * (y[i] + kinks[k]))
            }
        }
        let sums = try total([absSum, scaleSum, Double(n * K)])
        let hinges = Swift.max(1, sums[2])
        let margin = Swift.max(1e-6 * sums[0] / hinges, 1e-9 * sums[1] / hinges, Double.leastNormalMagnitude)
        for i in 0..<n {
            for k in 0..<K {
                let j = i * K + k, rho = -w[i] * jumps[k] * (r[i] - kinks[k])
                t[j] = lambda
                z[j] = Swift.max(rho, 0) + margin
                v[j] = Swift.max(-rho, 0) + margin
            }
        }

        let theta = RowValues(n * K), affine = RowValues(3 * n * K)
        // The best point so far (by the gap): rounding can break the iteration down near the
        // optimum, where the Gram matrix is at its most ill-conditioned, and the best point is kept.
        var best = (gap: Double.infinity, beta: beta, t: t.values, iteration: 0)
        // Stalled: iterations since the gap last fell below 0.9 of `reference` (the gap when it
        // last did). Degenerate problems crawl (a few percent per iteration, steps of 10⁻²) for
        // dozens of iterations before the last fast ones; a stall counted from the previous best
        // instead ended them there, and on the "fair" data's ε-insensitive fit whether it did
        // depended on the rounding of the Gram matrix (Haswell's dsyrk converged, Sandy Bridge's
        // and the AVX-512 kernel's stopped at iteration 54 with a gap of 10⁻³).
        var stalled = 0, reference = Double.infinity, nextFinish = 1e-2
        func restoreBest() -> Int {
            beta = best.beta
            t.assign(best.t)
            return best.iteration
        }
        for iteration in 1...Self.iterationLimit {
            let gap = try interiorGap()
            guard gap.relative.isFinite, gap.relative < 100 * best.gap || best.gap > 1e-3 else { return restoreBest() }
            if gap.relative < best.gap { best = (gap.relative, beta, t.values, iteration - 1) }
            if gap.relative < 0.9 * reference {
                reference = gap.relative
                stalled = 0
            } else {
                stalled += 1
            }
            if gap.relative <= Self.interiorGap || stalled >= 10 { return restoreBest() }
            // Degenerate problems (many rows on a kink at the optimum) crawl near the end: their
            // vertex is tried once the gap is below 10⁻², and again at each tenfold decrease.
            if gap.relative <= nextFinish {
                nextFinish = gap.relative / 10
                if try finish(iteration - 1) { return iteration - 1 }
            }
            let mu = gap.complementarity / Swift.max(1, gap.hinges) / 2

            // Predictor: θ, the affine right-hand side and the centring vector, with the Gram matrix.
            let predictor = try pass(gram: true, coefficients: 2) { first, m, _, _, gw, coef, _ in
                for i in first..<(first + m) {
                    var gram = 0.0, affine = 0.0, centring = 0.0, g = s0
                    let wi = self.w[i]
                    for k in 0..<K {
                        let j = i * K + k, tj = self.t[j], sj = 1 - tj
                        let th = 1 / (self.z[j] / tj + self.v[j] / sj)
                        theta[j] = th
                        gram += jumps[k] * jumps[k] * th
                        affine += jumps[k] * th * (-wi * jumps[k] * (self.r[i] - kinks[k]))
                        centring += jumps[k] * th * (1 / sj - 1 / tj)
                        g += jumps[k] * tj
                    }
                    gw[i - first] = wi * wi * gram
                    coef[2 * (i - first)] = wi * (affine - g)
                    coef[2 * (i - first) + 1] = wi * centring
                }
            }
            guard let f = Factor(predictor.gram, p: p) else {
                // Rounding has made the system singular near the optimum: the vertex finish takes over.
                if iteration > 1 { return restoreBest() }
                throw Self.singular
            }
            let affineStep = f.solve((0..<p).map { predictor.vectors[2 * $0] })
            let centring = (0..<p).map { predictor.vectors[2 * $0 + 1] }

            // The predictor's Aδβ, its step lengths, and the corrector's second-order term.
            // The predictor's direction per hinge (kept for the corrector), its step lengths, and
            // the corrector's second-order term, in one pass.
            var primalStep = 1.0, dualStep = 1.0
            let second = try pass(multiply: affineStep, multiplied: 1, coefficients: 1) { first, m, _, products, _, coef, _ in
                for i in first..<(first + m) {
                    let ui = products[i - first], wi = self.w[i]
                    var term = 0.0
                    for k in 0..<K {
                        let j = i * K + k
                        let (dt, dz, dv) = self.affineDirection(j, i: i, k: k, ui: ui, theta: theta[j])
                        affine[3 * j] = dt
                        affine[3 * j + 1] = dz
                        affine[3 * j + 2] = dv
                        self.limit(&primalStep, &dualStep, j: j, dt: dt, dz: dz, dv: dv)
                        term += jumps[k] * theta[j] * dt * (dz / self.t[j] + dv / (1 - self.t[j]))
                    }
                    coef[i - first] = wi * term
                }
            }
            primalStep = try minimum(primalStep)
            dualStep = try minimum(dualStep)
            var affineProducts = 0.0
            for j in 0..<(n * K) {
                let dt = affine[3 * j], dz = affine[3 * j + 1], dv = affine[3 * j + 2]
                let tj = t[j] + primalStep * dt, sj = 1 - t[j] - primalStep * dt
                affineProducts += tj * (z[j] + dualStep * dz) + sj * (v[j] + dualStep * dv)
            }
            let muAffine = try total([affineProducts])[0] / Swift.max(1, gap.hinges) / 2
            let ratio = Swift.max(0, muAffine) / mu
            let sigma = Swift.min(1, ratio * ratio * ratio)
            let target = sigma * mu

            // Corrector: δβ = δβ_affine + G⁻¹(σμ·q₁ + q₂), then its Aδβ with fresh residuals.
            let correction = f.solve((0..<p).map { target * centring[$0] + second.vectors[$0] })
            let step = (0..<p).map { affineStep[$0] + correction[$0] }
            _ = try pass(multiply: zip(beta, step).flatMap { [$0, $1] }, multiplied: 2) { first, m, _, products, _, _, _ in
                for i in first..<(first + m) {
                    self.r[i] = products[2 * (i - first)] - self.y[i]
                    self.u[i] = products[2 * (i - first) + 1]
                }
            }
            var dts = [Double](repeating: 0, count: n * K), dzs = dts, dvs = dts
            primalStep = 1 / Self.stepFraction
            dualStep = 1 / Self.stepFraction
            for i in 0..<n {
                let wi = w[i]
                for k in 0..<K {
                    let j = i * K + k, tj = t[j], sj = 1 - tj, th = theta[j]
                    let adt = affine[3 * j], adz = affine[3 * j + 1], adv = affine[3 * j + 2]
                    let rtz = target - tj * z[j] - adt * adz
                    let rsv = target - sj * v[j] + adt * adv
                    // ρ = r_d − r_tz/t + r_sv/s with the dual residual r_d = c − Mβ − z + v.
                    let rho = (-wi * jumps[k] * (r[i] - kinks[k]) - z[j] + v[j]) - rtz / tj + rsv / sj
                    let dt = th * (wi * jumps[k] * u[i] - rho)
                    let dz = (rtz - z[j] * dt) / tj
                    let dv = (rsv + v[j] * dt) / sj
                    dts[j] = dt; dzs[j] = dz; dvs[j] = dv
                    limit(&primalStep, &dualStep, j: j, dt: dt, dz: dz, dv: dv)
                }
            }
            primalStep = Swift.min(1, Self.stepFraction * (try minimum(primalStep)))
            dualStep = Swift.min(1, Self.stepFraction * (try minimum(dualStep)))
            for j in 0..<(n * K) {
                t[j] += primalStep * dts[j]
                z[j] += dualStep * dzs[j]
                v[j] += dualStep * dvs[j]
            }
            for c in 0..<p { beta[c] += dualStep * step[c] }
            for i in 0..<n { r[i] += dualStep * u[i] }
        }
        return restoreBest()
    }

    /// The predictor's direction of hinge `j` (row `i`, kink `k`) from the row's `aᵢᵀδβ`.
    @inline(__always)
    func affineDirection(_ j: Int, i: Int, k: Int, ui: Double, theta: Double) -> (Double, Double, Double) {
        let tj = t[j], sj = 1 - tj
        let rho = -w[i] * jumps[k] * (r[i] - kinks[k])
        let dt = theta * (w[i] * jumps[k] * ui - rho)
        return (dt, -z[j] - z[j] * dt / tj, -v[j] + v[j] * dt / sj)
    }

    /// Shortens the steps so that `t`, `1 − t`, `z`, `v` stay positive.
    @inline(__always)
    func limit(_ primal: inout Double, _ dual: inout Double, j: Int, dt: Double, dz: Double, dv: Double) {
        if dt < 0 { primal = Swift.min(primal, -t[j] / dt) }
        if dt > 0 { primal = Swift.min(primal, (1 - t[j]) / dt) }
        if dz < 0 { dual = Swift.min(dual, -z[j] / dz) }
        if dv < 0 { dual = Swift.min(dual, -v[j] / dv) }
    }

    /// The interior point's own measure: `P(β) − D(t)` relative, the complementarity `Σ(tz + sv)`
    /// and the number of hinges, over every part.
    func interiorGap() throws(DescentError) -> (relative: Double, complementarity: Double, hinges: Double) {
        var primal = 0.0, dual = 0.0, complementarity = 0.0
        let s0 = slopes[0], c0 = s0 * kinks[0] - loss.valueAtKink(0)
        for i in 0..<n {
            primal += w[i] * loss.value(r[i])
            dual -= w[i] * (s0 * y[i] + c0)
            for k in 0..<K {
                let j = i * K + k
                dual -= w[i] * jumps[k] * (y[i] + kinks[k]) * t[j]
                complementarity += t[j] * z[j] + (1 - t[j]) * v[j]
            }
        }
        let sums = try total([primal, dual, complementarity, Double(n * K)])
        let scale = Swift.max(Swift.abs(sums[0]), Swift.abs(sums[1]), Double.leastNormalMagnitude)
        return ((sums[0] - sums[1]) / scale, sums[2], sums[3])
    }

    /// The interior point's subgradient of row `i`, `gᵢ = s₀ + Σₖ Δₖ tᵢₖ`.
    func interiorSubgradient(_ i: Int) -> Double {
        var g = slopes[0]
        for k in 0..<K { g += jumps[k] * t[i * K + k] }
        return g
    }
}
