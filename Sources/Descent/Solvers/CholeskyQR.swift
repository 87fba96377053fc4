extension LeastSquares {
    /// Above this estimate of `κ₁(R)` the fast path does not certify its answer and hands the
    /// problem to Householder QR: `κ²·ε` reaches 1, and neither the Cholesky factors nor the
    /// semi-normal refinement can be trusted.
    static let choleskyQRConditionLimit = 1e8

    /// Above this estimate of `κ₁(R₁)` a second Cholesky-QR pass (CholeskyQR2) replaces `R₁` and
    /// starts refinement from a QR-grade solution rather than the normal equations' one. Below it,
    /// refinement from the normal equations' solution (contracting by about `κ²·ε` per pass)
    /// reaches the same point for less than the CholeskyQR2 pass costs (measured on the bench's
    /// `qr-illconditioned`, 1,000,000 × 100 at `κ₁ ≈ 1.1·10⁶`: 0.54–0.61× the normal equations
    /// without the pass, 1.7–2.0× with it).
    static let choleskyQR2Threshold = 3e6

    /// The most refinement passes the fast path makes before it gives up certifying.
    static let choleskyQRMaximumSteps = 8

    /// The fast accurate path: Cholesky QR of the centred, scaled design `A = (X − 1μᵀ)·S`
    /// written over row blocks, `Q` never stored, then refinement by the corrected semi-normal
    /// equations with the computed `R`.
    ///
    /// Pass 1 (shared with the normal equations) accumulates the Gram matrix of the centred rows
    /// (`syrk` per block) and `Aᵀ(y − ȳ)`; `R₁ = chol(S·G·S)`. When `R₁` is ill-conditioned
    /// (`κ₁ > 3·10⁶`), a CholeskyQR2 pass applies `R₁⁻¹` to each block while it is in cache (`trsm`),
    /// accumulates the next Gram matrix (`syrk`) and `Q₁ᵀy` (`gemv`): `R = R₂R₁`,
    /// `Qᵀy = R₂⁻ᵀQ₁ᵀy`. When the first Cholesky fails, shifted CholeskyQR3 (Fukaya et al., 2020)
    /// factors `S·G·S + σI` and makes two such passes. Refinement passes (`gemv` pairs per block)
    /// follow until the correction is below `Double`'s resolution, or until they stall with a
    /// solution whose backward error (`‖Aᵀf‖` against `10·d·ε·‖A‖(‖A‖‖v‖ + ‖f‖)`) is that of a
    /// backward-stable solver such as Householder QR; extended-precision passes
    /// (``ExtendedResiduals``) take over when neither happens, and polish small problems
    /// (≤ 2²⁰ elements: rows not in this process's memory, which would otherwise have taken
    /// pivoted QR).
    ///
    /// `gram` is the first pass when the caller has made it already (`.automatic`, after the
    /// normal equations declined).
    ///
    /// Returns `nil` when the answer cannot be certified: features that overflow, a zero column,
    /// a Cholesky factor that fails even shifted, `κ₁(R) > 10⁸`, or refinement that neither
    /// converges nor reaches a backward-stable answer, even in extended precision. The caller then takes Householder QR.
    static func choleskyQR<S: BLASScalar>(_ rows: SolverRows<S>, _ totals: RowTotals, intercept: Bool,
                                          gram: GramPass? = nil) throws(DescentError) -> RawSolution? {
        let n = totals.rows, d = rows.columns
        guard !totals.sumsOverflow else { return nil }
        let pass: GramPass
        if let gram { pass = gram } else { pass = try centredGram(rows, shift: totals.shift, targetMeans: totals.targetMeans) }
        let targetMean = totals.targetMeans[0] + (intercept ? pass.targetDeviation[0] / Double(n) : 0)
        let means = (0..<d).map { totals.shift[$0] + pass.deviation[$0] / Double(n) }
        guard pass.gram.allSatisfy(\.isFinite), pass.rhs.allSatisfy(\.isFinite),
              (0..<d).allSatisfy({ pass.gram[$0 * d + $0] > 0 }) else { return nil }
        let scales = (0..<d).map { 1 / pass.gram[$0 * d + $0].squareRoot() }
        var gram = pass.gram
        for i in 0..<d { for j in 0..<d { gram[i * d + j] *= scales[i] * scales[j] } }

        // R₁, shifted if it must be: σ = 11(nd + d(d + 1))·u·‖A‖₂², with ‖A‖₂² ≤ d for unit columns.
        var r = gram
        var passes = 0
        if r.withUnsafeMutableBufferPointer({ LAPACK.choleskyFactor($0, n: d) }) != nil {
            let sigma = 11 * (Double(n) * Double(d) + Double(d) * Double(d + 1)) * epsilon / 2 * Double(d)
            r = gram
            for j in 0..<d { r[j * d + j] += sigma }
            guard r.withUnsafeMutableBufferPointer({ LAPACK.choleskyFactor($0, n: d) }) == nil else { return nil }
            passes = 2
        }
        upperTriangle(&r, d)
        gram = []   // R₁ is made: the scaled Gram matrix is not needed again (one d × d less)
        if passes == 0 && 1 / reciprocalCondition(r, d) > choleskyQR2Threshold { passes = 1 }
        var qty: [Double]?
        for _ in 0..<passes {
            guard let next = try choleskyQRPass(rows, means: means, targetMean: targetMean, scales: scales, r: r) else {
                return nil
            }
            (r, qty) = next
        }
        let rcond = reciprocalCondition(r, d)
        guard rcond.isFinite, rcond > 0, 1 / rcond <= choleskyQRConditionLimit else { return nil }

        // The first solution: R·v = Qᵀy after a CholeskyQR pass, RᵀR·v = S·Aᵀy otherwise.
        var v: [Double]
        if let qty {
            v = qty
            _ = r.withUnsafeBufferPointer { LAPACK.triangularSolve($0.baseAddress!, n: d, lda: d, &v) }
        } else {
            v = (0..<d).map { pass.rhs[$0] * scales[$0] }
            r.withUnsafeBufferPointer { f in v.withUnsafeMutableBufferPointer { LAPACK.choleskySolve(f, n: d, $0) } }
        }

        // Corrected semi-normal refinement with Double residuals: δc = mean(f), δv = R⁻¹R⁻ᵀ·S·Aᵀf.
        typealias E = Double.Accumulator
        let residuals = ResidualPass(shift: means, deviation: [Double](repeating: 0, count: d), rows: n,
                                     targetMean: targetMean, inPlace: pass.inPlace)
        var c = E(targetMean)
        var steps = 0, previous = Double.infinity
        var converged = false, backwardStable = false
        while steps < choleskyQRMaximumSteps {
            let u = (0..<d).map { v[$0] * scales[$0] }
            let (g, fSum, fSquares) = try residuals.gradientAndNorm(rows, u: u, intercept: Double(c - E(targetMean)))
            let meanF = intercept ? fSum / Double(n) : 0
            var delta = (0..<d).map { g[$0] * scales[$0] }
            // Backward error of the current v: ‖Aᵀf‖ against what a backward-stable solver leaves,
            // γ·‖A‖·(‖A‖·‖v‖ + ‖f‖) with ‖A‖_F = √d for unit columns and γ = 10·d·ε.
            let gradientNorm = delta.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
            let vNorm = v.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
            let fNorm = Swift.max(0, fSquares - Double(n) * meanF * meanF).squareRoot()
            let root = Double(d).squareRoot()
            backwardStable = gradientNorm <= 10 * Double(d) * epsilon * root * (root * vNorm + fNorm)
            r.withUnsafeBufferPointer { f in delta.withUnsafeMutableBufferPointer { LAPACK.choleskySolve(f, n: d, $0) } }
            var size = 0.0, magnitude = 0.0
            for j in 0..<d {
                v[j] += delta[j]
                size = Swift.max(size, Swift.abs(delta[j]))
                magnitude = Swift.max(magnitude, Swift.abs(v[j]))
            }
            c += E(meanF)
            steps += 1
            if size <= 2 * epsilon * magnitude { converged = true; break }
            // Stalled at the level of Double's rounding of the residuals, with a backward-stable v.
            if steps > 1 && size > 0.5 * previous && backwardStable { break }
            previous = size
        }
        var ve = v.map { E($0) }
        // Extended-precision residuals, when Double's could not certify the answer, and always on
        // small problems (≤ 2²⁰ elements, which rows in memory would have factored by pivoted QR):
        // there they cost little and give the last digits.
        let small = n * d <= smallProblem
        if small || (!converged && !backwardStable) {
            let problem = CenteredProblem(rows: n, columns: d, intercept: intercept, means: means, targetMean: targetMean,
                                          scales: scales, dataEpsilon: Double(S.ulpOfOne))
            var (extendedV, extendedC) = (ve, c)
            let extended = try StreamingQR.refine(r: r, problem, rows, v: &extendedV, c: &extendedC)
            if extended.converged {
                (ve, c) = (extendedV, extendedC)
                steps += extended.steps
            } else if !(converged || backwardStable) {
                return nil
            }
        }
        var w = [Double](repeating: 0, count: d)
        var b = c
        for j in 0..<d {
            let wj = ve[j] * E(scales[j])
            w[j] = Double(wj)
            if intercept { b -= E(means[j]) * wj }
        }
        guard let solved = SolverOutcome.finite(RawSolution(weights: w, bias: intercept ? Double(b) : 0, method: .qr,
                                                            rank: d, condition: 1 / rcond, refinementSteps: steps))
            .solution else { return nil }
        return solved
    }

    /// One Cholesky-QR pass with the current `R`: for each block, `W = A_b·R⁻¹` (`trsm`, while the
    /// block is in cache), `G += WᵀW` (`syrk`), `q += Wᵀ(y_b − ȳ)` (`gemv`); then `R₂ = chol(G)`.
    /// Returns `R₂R` and `R₂⁻ᵀq` (= `Qᵀy` for the new `R`), or `nil` when `G` is not positive definite.
    static func choleskyQRPass<S: BLASScalar>(_ rows: SolverRows<S>, means: [Double], targetMean: Double,
                                              scales: [Double], r: [Double]) throws(DescentError)
        -> (r: [Double], qty: [Double])? {
        let d = rows.columns
        let blockRows = Swift.max(1, Swift.min(Swift.max(1, rows.localRows), 4096))
        var w = [Double](repeating: 0, count: blockRows * d)
        var t = [Double](repeating: 0, count: blockRows)
        var sums = [Double](repeating: 0, count: d * d + d)
        try rows.forEachBlock(rows: blockRows) { (block) throws(DescentError) in
            let m = block.count, x = block.features, y = block.targets
            for i in 0..<m {
                let row = i * d
                for j in 0..<d { w[row + j] = (Double(x[row + j]) - means[j]) * scales[j] }
                t[i] = Double(y[i]) - targetMean
            }
            r.withUnsafeBufferPointer { u in
                w.withUnsafeMutableBufferPointer { BLAS.trsmRight($0.baseAddress!, rows: m, columns: d, u.baseAddress!) }
            }
            sums.withUnsafeMutableBufferPointer { s in
                BLAS.syrk(w, rows: m, columns: d, beta: 1, s.baseAddress!)
                BLAS.gemvTransposed(w, rows: m, columns: d, t, beta: 1, s.baseAddress! + d * d)
            }
        }
        try rows.sum(&sums)
        var qty = Array(sums[(d * d)...])
        // The Gram matrix keeps the sums' storage (no second d × d buffer).
        sums.removeSubrange((d * d)...)
        var g = sums
        sums = []
        // syrk filled the row-major upper triangle: mirror it for potrf's column-major upper one.
        for i in 0..<d { for j in i..<d { g[j * d + i] = g[i * d + j] } }
        guard g.allSatisfy(\.isFinite),
              g.withUnsafeMutableBufferPointer({ LAPACK.choleskyFactor($0, n: d) }) == nil else { return nil }
        upperTriangle(&g, d)
        var product = [Double](repeating: 0, count: d * d)
        for j in 0..<d {
            for i in 0...j {
                var value = 0.0
                for k in i...j { value += g[i + k * d] * r[k + j * d] }
                product[i + j * d] = value
            }
        }
        _ = g.withUnsafeBufferPointer { LAPACK.triangularSolve($0.baseAddress!, n: d, lda: d, &qty, transposed: true) }
        return (product, qty)
    }

    /// Clears the strict lower triangle of a column-major `d × d` matrix.
    static func upperTriangle(_ r: inout [Double], _ d: Int) {
        for j in 0..<d { for i in (j + 1)..<Swift.max(j + 1, d) { r[i + j * d] = 0 } }
    }

    /// `1/κ₁(R)` of a column-major upper triangle (`trcon`).
    static func reciprocalCondition(_ r: [Double], _ d: Int) -> Double {
        r.withUnsafeBufferPointer { LAPACK.triangularReciprocalCondition($0.baseAddress!, n: d, lda: d) }
    }
}

extension SolverOutcome {
    /// The solution, if solved.
    var solution: RawSolution? {
        if case let .solved(solution) = self { return solution }
        return nil
    }
}
