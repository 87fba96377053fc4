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
