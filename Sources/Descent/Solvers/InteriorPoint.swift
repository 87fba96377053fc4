#if canImport(Glibc)
import Glibc
#endif

/// The exact minimiser of `Σ wᵢ ℓ(aᵢᵀβ − yᵢ)` for a convex piecewise-linear ``Loss`` (its pieces: `PiecewiseLinearLoss`)
/// (`aᵢ = (1, xᵢ − μ)` with an intercept, `xᵢ` without), on the rows of ``SolverRows``: in memory,
/// streamed, or split over the parts of a ``Collective``.
///
/// **The linear program.** With the loss written as hinges, `ℓ(r) = s₀r − C + Σₖ Δₖ max(0, r − cₖ)`
/// (`Δₖ = sₖ − sₖ₋₁`), the dual of the fit is a bounded linear program in one variable `tᵢₖ ∈ [0, 1]`
/// per row and kink: minimise `Σ wᵢΔₖ(yᵢ + cₖ)tᵢₖ` subject to `Σᵢ wᵢ gᵢ aᵢ = 0` with
/// `gᵢ = s₀ + Σₖ Δₖ tᵢₖ`, the row's subgradient. For the quantile loss it is the dual of R quantreg's
/// `rq.fit.fnb`; the ε-insensitive loss has two kinks per row.
///
/// **Frisch–Newton.** A primal-dual interior point (Mehrotra's predictor-corrector, after Portnoy
/// & Koenker 1997) on that program: its unknowns `β` are the regression coefficients, every
/// iteration solves two systems with the `p × p` matrix `Σᵢ θ̃ᵢ aᵢaᵢᵀ` (one Cholesky factor),
/// built by `syrk` over row blocks. An iteration is three passes over the rows (the Gram matrix
/// and right-hand sides; the predictor's `Aδβ` and the corrector's right-hand side; the
/// corrector's `Aδβ` with fresh residuals); everything else is `O(n)` per-row state (`3` numbers
/// per row and kink, plus the residual and target) and `O(p²)` sums through the collective.
///
/// **The vertex.** The interior point stops near the optimum, at a relative gap of about 10⁻¹¹;
/// the `p` linearly independent rows nearest a kink are then interpolated exactly (a `p × p`
/// solve, refined once in extended precision), and that vertex is kept when its objective is no
/// more than the interior point's and its subgradient conditions hold: the `gᵢ` of the other
/// rows are fixed by their residuals (the slope of their piece, or the interior point's value
/// for a row that also sits on a kink), the basis rows' `gᵢ` solve `Σ wᵢgᵢaᵢ = 0` (a second
/// `p × p` solve) and must lie in their kink's interval. Those `g` are a feasible dual point, so
/// `Σwᵢℓ(rᵢ) − (−Σwᵢ(gᵢyᵢ + ℓ*(gᵢ)))` bounds the distance to the optimum: the duality gap
/// reported. Otherwise the interior point is kept, with the same certificate built from its own
/// dual variables.
final class PiecewiseLinearSolver<S: BLASScalar> {
    let rows: SolverRows<S>
    let loss: PiecewiseLinearLoss
    let intercept: Bool
    /// `d` and `p = d + 1` with an intercept.
    let d: Int, p: Int
    /// This part's rows, and all parts' rows.
    let n: Int, totalRows: Int
    /// The shift `μ` of the features (their column means with an intercept, zero without).
    let shift: [Double]
    /// This part's weights and targets, in `Double`.
    let w: [Double], y: [Double]
    let slopes: [Double], kinks: [Double], jumps: [Double]
    let K: Int
    let blockRows: Int

    /// Per row: the residual `aᵢᵀβ − yᵢ` at the current `β`, and a product `aᵢᵀδ`.
    let r: RowValues, u: RowValues
    /// Per row and kink (`i·K + k`): the primal `t`, the dual slacks `z` (for `t ≥ 0`) and `v`
    /// (for `t ≤ 1`); `s = 1 − t`.
    let t: RowValues, z: RowValues, v: RowValues
    var beta: [Double]

    /// The iteration limit, and the interior point's stopping gap (relative).
    static var iterationLimit: Int { 100 }
    var debug: Bool { getenv("QDEBUG") != nil }
    static var interiorGap: Double { 1e-11 }
    /// The fraction of the way to the boundary each step goes (rqfnb's `beta`).
    static var stepFraction: Double { 0.99995 }
    /// The tolerance of the subgradient conditions, relative to a kink interval's width.
    static var subgradientTolerance: Double { 1e-9 }

    /// Validates the rows (shapes, finiteness: ``RowTotals/gather(_:intercept:)``) and the
    /// weights on every part, and copies this part's targets and weights into `Double`.
    init(_ rows: SolverRows<S>, loss engineLoss: Loss, weights: [S]?, intercept: Bool,
         weightsName: String = "weights") throws(DescentError) {
        // Options given differently on one part stop every part with its error.
        var pieces: PiecewiseLinearLoss?, problem: DescentError?
        do { pieces = try PiecewiseLinearLoss(engineLoss) } catch { problem = error }
        try rows.collective.agree(problem)
        guard let loss = pieces else { throw problem ?? .invalidOption(name: "loss", value: "\(engineLoss)", expected: "a piecewise-linear loss") }
        let totals = try RowTotals.gather(rows, intercept: intercept)
        let c = rows.collective
        var weightError: DescentError?
        if let weights {
            if weights.count != rows.localRows {
                weightError = .invalidOption(name: weightsName, value: "\(weights.count) weights",
                                             expected: "one weight per row (\(rows.localRows))")
            } else if let index = weights.firstIndex(where: { !$0.isFinite || $0 < 0 }) {
                weightError = .invalidOption(name: weightsName, value: "weights[\(index)] = \(weights[index]) (zero-based)",
                                             expected: "finite weights ≥ 0")
            }
        }
        try c.agree(weightError)
        let local = rows.localRows
        var total = [weights.map { $0.reduce(0.0) { $0 + Double($1) } } ?? Double(local)]
        try rows.sum(&total)
        guard total[0] > 0 else {
            throw .invalidOption(name: weightsName, value: "all zero", expected: "at least one weight > 0")
        }
        self.rows = rows
        self.loss = loss
        self.intercept = intercept
        d = rows.columns
        p = d + (intercept ? 1 : 0)
        n = local
        totalRows = totals.rows
        shift = totals.shift
        w = weights.map { $0.map(Double.init) } ?? [Double](repeating: 1, count: local)
        // Rows are numbered by their order on this part (a source may number its chunks otherwise).
        var targets = [Double](repeating: 0, count: local), next = 0
        try rows.visitChunks { (block) throws(DescentError) in
            for i in 0..<block.count { targets[next + i] = Double(block.target(i, 0)) }
            next += block.count
        }
        y = targets
        slopes = loss.slopes
        kinks = loss.kinks
        K = kinks.count
        jumps = (0..<kinks.count).map { loss.slopes[$0 + 1] - loss.slopes[$0] }
        blockRows = Swift.max(1, Swift.min(Swift.max(1, local), 131_072 / Swift.max(1, d + 1)))
        r = RowValues(local)
        u = RowValues(local)
        t = RowValues(local * kinks.count)
        z = RowValues(local * kinks.count)
        v = RowValues(local * kinks.count)
        beta = [Double](repeating: 0, count: d + (intercept ? 1 : 0))
    }

    // MARK: Passes over the rows

    /// Sums of one pass.
    struct PassSums {
        /// `Σ gwᵢ aᵢaᵢᵀ`, row-major `p × p` (symmetric), when asked for.
        var gram: [Double]
        /// `Aᵀ C`, row-major `p × columns`.
        var vectors: [Double]
        var scalars: [Double]
    }

    /// One pass over this part's rows in blocks of the design `A = [1, X − μ]` (in `Double`):
    /// the products `A·V` (`V` row-major `p × multiplied`) go to `fill` with the block's first
    /// local row and size, which writes the rows' Gram weights and the `m × coefficients`
    /// matrix `C` (row-major) and adds to `scalars`; the pass returns `Σ gwᵢaᵢaᵢᵀ`, `AᵀC` and the
    /// scalars summed over every part.
    func pass(multiply V: [Double] = [], multiplied: Int = 0, gram: Bool = false, coefficients: Int = 0,
              scalars: Int = 0,
              _ fill: (_ first: Int, _ m: Int, _ design: UnsafePointer<Double>, _ products: UnsafePointer<Double>,
                       _ gramWeights: UnsafeMutablePointer<Double>, _ coefficients: UnsafeMutablePointer<Double>,
                       _ scalars: inout [Double]) -> Void) throws(DescentError) -> PassSums {
        let p = self.p, d = self.d, shift = self.shift, intercept = self.intercept, rowsPerBlock = blockRows
        // Scratch for one block, allocated once per pass.
        func buffer(_ count: Int) -> UnsafeMutablePointer<Double> {
            let pointer = UnsafeMutablePointer<Double>.allocate(capacity: Swift.max(1, count))
            pointer.initialize(repeating: 0, count: Swift.max(1, count))
            return pointer
        }
        let a = buffer(rowsPerBlock * p), scaled = buffer(gram ? rowsPerBlock * p : 0)
        let products = buffer(rowsPerBlock * multiplied), gramWeights = buffer(rowsPerBlock)
        let coefficientBlock = buffer(rowsPerBlock * coefficients)
        let g = buffer(gram ? p * p : 0), h = buffer(p * coefficients)
        defer { for pointer in [a, scaled, products, gramWeights, coefficientBlock, g, h] { pointer.deallocate() } }
        var sums = [Double](repeating: 0, count: (gram ? p * p : 0) + p * coefficients + scalars)
        var scalarSums = [Double](repeating: 0, count: scalars)
        var next = 0
        try rows.forEachBlock(rows: rowsPerBlock) { (block) throws(DescentError) in
            let m = block.count, first = next
            next += m
            Self.design(block.features, rows: m, columns: d, shift: intercept ? shift : nil, into: a)
            if multiplied == 1 {
                BLAS.gemv(a, rows: m, columns: p, V, beta: 0, products)
            } else if multiplied > 1 {
                BLAS.gemm(a, V, m: m, n: multiplied, k: p, beta: 0, products)
            }
            fill(first, m, a, products, gramWeights, coefficientBlock, &scalarSums)
            if gram {
                for i in 0..<m {
                    let root = gramWeights[i].squareRoot(), row = a + i * p, target = scaled + i * p
                    for j in 0..<p { target[j] = root * row[j] }
                }
                BLAS.syrk(scaled, rows: m, columns: p, beta: 1, g)
            }
            if coefficients == 1 {
                BLAS.gemvTransposed(a, rows: m, columns: p, coefficientBlock, beta: 1, h)
            } else if coefficients > 1 {
                BLAS.gemm(a, transposeA: true, coefficientBlock, m: p, n: coefficients, k: m, beta: 1, h)
            }
        }
        var offset = 0
        if gram {
            for i in 0..<p { for j in i..<p { sums[i * p + j] = g[i * p + j] } }
            offset = p * p
        }
        let vectorCount = p * coefficients
        for k in 0..<vectorCount { sums[offset + k] = h[k] }
        for k in 0..<scalars { sums[offset + vectorCount + k] = scalarSums[k] }
        try rows.sum(&sums)
        var gramOut = [Double]()
        if gram {
            gramOut = Array(sums[0..<(p * p)])
            for i in 0..<p { for j in 0..<i { gramOut[i * p + j] = gramOut[j * p + i] } }
        }
        return PassSums(gram: gramOut, vectors: Array(sums[offset..<(offset + vectorCount)]),
                        scalars: Array(sums[(offset + vectorCount)...]))
    }

    /// `[1, X − μ]` (or `X` without a shift) of `m` contiguous rows, in `Double`, row-major `m × p`:
    /// the `Float` or `Double` rows read through a concrete pointer (no generic conversion per value).
    static func design(_ features: UnsafePointer<S>, rows m: Int, columns d: Int, shift: [Double]?,
                       into a: UnsafeMutablePointer<Double>) {
        if let doubles = S.doubles(features) {
            DesignRows.fill(doubles, rows: m, columns: d, shift: shift, into: a)
        } else {
            precondition(S.self == Float.self, "BLASScalar is Float or Double")
            DesignRows.fill(UnsafeRawPointer(features).assumingMemoryBound(to: Float.self), rows: m, columns: d,
                            shift: shift, into: a)
        }
    }

    /// The smallest of every part's `value`, the same on every part: each part's value travels
    /// in its own slot of a sum.
    func minimum(_ value: Double) throws(DescentError) -> Double {
        let c = rows.collective
        guard c.size > 1 else { return value }
        var slots = [Double](repeating: 0, count: c.size)
        slots[c.rank] = value
        try rows.sum(&slots)
        return slots.min() ?? value
    }

    /// Sums over every part.
    func total(_ values: [Double]) throws(DescentError) -> [Double] {
        var values = values
        try rows.sum(&values)
        return values
    }

    /// The residuals `rᵢ = aᵢᵀβ − yᵢ` at `coefficients`, into `r`.
    func refreshResiduals(_ coefficients: [Double]) throws(DescentError) {
        _ = try pass(multiply: coefficients, multiplied: 1) { first, m, _, products, _, _, _ in
            for i in 0..<m { self.r[first + i] = products[i] - self.y[first + i] }
        }
    }

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
            if debug { print("it \(iteration) gap \(gap.relative) mu \(mu)") }

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
            if debug { print("   steps \(primalStep) \(dualStep) sigma \(sigma)") }
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

/// The design rows `[1, x − μ]` in `Double`, by concrete code for each precision.
enum DesignRows {
    static func fill(_ x: UnsafePointer<Double>, rows m: Int, columns d: Int, shift: [Double]?,
                     into a: UnsafeMutablePointer<Double>) {
        guard let shift else { a.update(from: x, count: m * d); return }
        shift.withUnsafeBufferPointer { mu in
            for i in 0..<m {
                let row = a + i * (d + 1), source = x + i * d
                row[0] = 1
                for j in 0..<d { row[j + 1] = source[j] - mu[j] }
            }
        }
    }

    static func fill(_ x: UnsafePointer<Float>, rows m: Int, columns d: Int, shift: [Double]?,
                     into a: UnsafeMutablePointer<Double>) {
        guard let shift else {
            for k in 0..<(m * d) { a[k] = Double(x[k]) }
            return
        }
        shift.withUnsafeBufferPointer { mu in
            for i in 0..<m {
                let row = a + i * (d + 1), source = x + i * d
                row[0] = 1
                for j in 0..<d { row[j + 1] = Double(source[j]) - mu[j] }
            }
        }
    }
}

/// Per-row values of a solver (residuals, products, dual variables): one allocation, read and
/// written in place, without the exclusivity checks of an array property in the hot loops.
final class RowValues {
    let base: UnsafeMutablePointer<Double>
    let count: Int

    init(_ count: Int) {
        self.count = count
        base = UnsafeMutablePointer<Double>.allocate(capacity: Swift.max(1, count))
        base.initialize(repeating: 0, count: Swift.max(1, count))
    }

    deinit { base.deallocate() }

    subscript(i: Int) -> Double {
        @inline(__always) get { base[i] }
        @inline(__always) set { base[i] = newValue }
    }

    /// A copy of the values.
    var values: [Double] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// Replaces the values by `values` (of the same count).
    func assign(_ values: [Double]) {
        precondition(values.count == count)
        values.withUnsafeBufferPointer { base.update(from: $0.baseAddress!, count: count) }
    }
}
