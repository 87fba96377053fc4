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

    /// At or below this estimate of `κ₁(R)` (with `R` the Gram matrix's Cholesky factor), the fast
    /// path's first solution stands once the first refinement pass finds it backward stable: its
    /// forward error, about `d·κ²·ε`, is then within a factor 10 of Householder QR's `d·κ·ε`, and
    /// a second pass (30 ms of the bench's 1,000,000 × 100 at `κ ≈ 1`, a quarter of the solve)
    /// would only move digits below that. Above it, refinement goes on to convergence or a stall.
    static let choleskyQRFirstSolutionCondition = 10.0

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
    /// backward-stable solver such as Householder QR, or, for a well-conditioned design
    /// (``choleskyQRFirstSolutionCondition``), after the first pass when it finds the first
    /// solution backward stable; extended-precision passes
    /// (``ExtendedResiduals``) take over when neither happens, and polish small problems
    /// (≤ 2²⁰ elements: rows not in this process's memory, which would otherwise have taken
    /// pivoted QR).
    ///
    /// `gram` is the first pass when the caller has made it already (`.automatic`, after the
    /// normal equations declined).
    ///
    /// For `k` targets, `R` is made once and each target is solved and refined with it as it would
    /// be alone (its own stopping rule and certificate); only the passes over the rows are shared.
    ///
    /// Returns `nil` when the answer cannot be certified (for any target): features that overflow,
    /// a zero column, a Cholesky factor that fails even shifted, `κ₁(R) > 10⁸`, or refinement that
    /// neither converges nor reaches a backward-stable answer, even in extended precision. The
    /// caller then takes Householder QR.
    static func choleskyQR<S: BLASScalar>(_ rows: SolverRows<S>, _ totals: RowTotals, intercept: Bool,
                                          gram: GramPass? = nil) throws(DescentError) -> CholeskyQRResult? {
        let n = totals.rows, d = rows.columns, k = rows.targets
        guard !totals.sumsOverflow else { return nil }
        let pass: GramPass
        if let gram { pass = gram } else { pass = try centredGram(rows, shift: totals.shift, targetMeans: totals.targetMeans) }
        let targetMeans = (0..<k).map { totals.targetMeans[$0] + (intercept ? pass.targetDeviation[$0] / Double(n) : 0) }
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
            guard let next = try choleskyQRPass(rows, means: means, targetMeans: targetMeans, scales: scales, r: r) else {
                return nil
            }
            (r, qty) = next
        }
        let rcond = reciprocalCondition(r, d)
        guard rcond.isFinite, rcond > 0, 1 / rcond <= choleskyQRConditionLimit else { return nil }

        // The first solutions (V: column-major d × k): R·v = Qᵀy after a CholeskyQR pass, RᵀR·v = S·Aᵀy otherwise.
        var v = [Double](repeating: 0, count: d * k)
        for t in 0..<k {
            var vt: [Double]
            if let qty {
                vt = Array(qty[(t * d)..<((t + 1) * d)])
                _ = r.withUnsafeBufferPointer { LAPACK.triangularSolve($0.baseAddress!, n: d, lda: d, &vt) }
            } else {
                vt = (0..<d).map { pass.rhs[$0 * k + t] * scales[$0] }
                r.withUnsafeBufferPointer { f in vt.withUnsafeMutableBufferPointer { LAPACK.choleskySolve(f, n: d, $0) } }
            }
            for j in 0..<d { v[t * d + j] = vt[j] }
        }

        // Corrected semi-normal refinement with Double residuals, each target by its own rule:
        // δc = mean(f), δv = R⁻¹R⁻ᵀ·S·Aᵀf.
        typealias E = Double.Accumulator
        let residuals = ResidualPass(shift: means, deviation: [Double](repeating: 0, count: d), rows: n,
                                     targetMeans: targetMeans, inPlace: pass.inPlace)
        var c = targetMeans.map { E($0) }
        var steps = [Int](repeating: 0, count: k), previous = [Double](repeating: .infinity, count: k)
        var converged = [Bool](repeating: false, count: k), backwardStable = [Bool](repeating: false, count: k)
        var refining = [Bool](repeating: true, count: k)
        var u = [Double](repeating: 0, count: d * k)
        let firstSolutionSuffices = passes == 0 && 1 / rcond <= choleskyQRFirstSolutionCondition
        while refining.contains(true) {
            for t in 0..<k { for j in 0..<d { u[j * k + t] = v[t * d + j] * scales[j] } }
            let (g, fSums, fSquares) = try residuals.gradientAndNorm(rows, u: u,
                                                                     intercepts: (0..<k).map { Double(c[$0] - E(targetMeans[$0])) })
            for t in 0..<k where refining[t] {
                let meanF = intercept ? fSums[t] / Double(n) : 0
                var delta = (0..<d).map { g[$0 * k + t] * scales[$0] }
                // Backward error of the current v: ‖Aᵀf‖ against what a backward-stable solver leaves,
                // γ·‖A‖·(‖A‖·‖v‖ + ‖f‖) with ‖A‖_F = √d for unit columns and γ = 10·d·ε.
                let gradientNorm = delta.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
                let vNorm = v[(t * d)..<((t + 1) * d)].reduce(0.0) { $0 + $1 * $1 }.squareRoot()
                let fNorm = Swift.max(0, fSquares[t] - Double(n) * meanF * meanF).squareRoot()
                let root = Double(d).squareRoot()
                backwardStable[t] = gradientNorm <= 10 * Double(d) * epsilon * root * (root * vNorm + fNorm)
                if steps[t] == 0 && firstSolutionSuffices && backwardStable[t] {
                    // A well-conditioned design's first solution, certified backward stable by
                    // this pass: returned as it is (see `choleskyQRFirstSolutionCondition`).
                    steps[t] = 1
                    refining[t] = false
                    continue
                }
                r.withUnsafeBufferPointer { f in delta.withUnsafeMutableBufferPointer { LAPACK.choleskySolve(f, n: d, $0) } }
                var size = 0.0, magnitude = 0.0
                for j in 0..<d {
                    v[t * d + j] += delta[j]
                    size = Swift.max(size, Swift.abs(delta[j]))
                    magnitude = Swift.max(magnitude, Swift.abs(v[t * d + j]))
                }
                c[t] += E(meanF)
                steps[t] += 1
                if size <= 2 * epsilon * magnitude {
                    converged[t] = true
                    refining[t] = false
                } else if steps[t] > 1 && size > 0.5 * previous[t] && backwardStable[t] {
                    // Stalled at the level of Double's rounding of the residuals, with a backward-stable v.
                    refining[t] = false
                } else if steps[t] == choleskyQRMaximumSteps {
                    refining[t] = false
                }
                previous[t] = size
            }
        }
        var ve = v.map { E($0) }
        // Extended-precision residuals, when Double's could not certify a target's answer, and
        // always on small problems (≤ 2²⁰ elements, which rows in memory would have factored by
        // pivoted QR): there they cost little and give the last digits.
        let small = n * d <= smallProblem
        let extending = (0..<k).map { small || (!converged[$0] && !backwardStable[$0]) }
        if extending.contains(true) {
            let problem = CenteredProblem(rows: n, columns: d, intercept: intercept, means: means, targetMeans: targetMeans,
                                          scales: scales, dataEpsilon: Double(S.ulpOfOne))
            var (extendedV, extendedC) = (ve, c)
            let extended = try StreamingQR.refine(r: r, problem, rows, v: &extendedV, c: &extendedC, targets: extending)
            for t in 0..<k where extending[t] {
                if extended[t].converged {
                    for j in 0..<d { ve[t * d + j] = extendedV[t * d + j] }
                    c[t] = extendedC[t]
                    steps[t] += extended[t].steps
                } else if !(converged[t] || backwardStable[t]) {
                    return nil
                }
            }
        }
        let solutions = (0..<k).map { t in
            var w = [Double](repeating: 0, count: d)
            var b = c[t]
            for j in 0..<d {
                let wj = ve[t * d + j] * E(scales[j])
                w[j] = Double(wj)
                if intercept { b -= E(means[j]) * wj }
            }
            return RawSolution(weights: w, bias: intercept ? Double(b) : 0, method: .qr, rank: d, condition: 1 / rcond,
                               refinementSteps: steps[t])
        }
        guard case let .solved(solved) = SolverOutcome.finite(solutions) else { return nil }
        return CholeskyQRResult(solutions: solved, r: r, secondPass: passes > 0)
    }

    /// The fast path's answer: the certified solutions, and the triangle `R` of the centred, scaled
    /// design (`d × d`, the lower triangle zero) that the SVD reuses.
    struct CholeskyQRResult {
        var solutions: [RawSolution]
        var r: [Double]
        /// Whether a CholeskyQR pass made `R` (Householder-grade: its small singular values are
        /// accurate to about `κ·ε`), not the Gram matrix's Cholesky factor alone (`κ²·ε`).
        var secondPass: Bool
    }

    /// One Cholesky-QR pass with the current `R`: for each block, `W = A_b·R⁻¹` (`trsm`, while the
    /// block is in cache), `G += WᵀW` (`syrk`), `Q += Wᵀ(Y_b − 1ȳᵀ)` (`gemv` for one target, `gemm`
    /// for several); then `R₂ = chol(G)`. Returns `R₂R` and `R₂⁻ᵀQ` (= `QᵀY` for the new `R`,
    /// column-major `d × k`), or `nil` when `G` is not positive definite.
    static func choleskyQRPass<S: BLASScalar>(_ rows: SolverRows<S>, means: [Double], targetMeans: [Double],
                                              scales: [Double], r: [Double]) throws(DescentError)
        -> (r: [Double], qty: [Double])? {
        let d = rows.columns, k = rows.targets
        let blockRows = Swift.max(1, Swift.min(Swift.max(1, rows.localRows), 4096))
        var w = [Double](repeating: 0, count: blockRows * d)
        var t = [Double](repeating: 0, count: blockRows * k)
        var sums = [Double](repeating: 0, count: d * d + d * k)
        try rows.forEachBlock(rows: blockRows) { (block) throws(DescentError) in
            let m = block.count
            w.withUnsafeMutableBufferPointer { block.centredFeatures(shift: means, scales: scales, into: $0.baseAddress!) }
            t.withUnsafeMutableBufferPointer { block.centredTargets(means: targetMeans, into: $0.baseAddress!) }
            r.withUnsafeBufferPointer { u in
                w.withUnsafeMutableBufferPointer { BLAS.trsmRight($0.baseAddress!, rows: m, columns: d, u.baseAddress!) }
            }
            sums.withUnsafeMutableBufferPointer { s in
                BLAS.syrk(w, rows: m, columns: d, beta: 1, s.baseAddress!)
                if k == 1 {
                    BLAS.gemvTransposed(w, rows: m, columns: d, t, beta: 1, s.baseAddress! + d * d)
                } else {
                    BLAS.gemm(w, transposeA: true, t, m: d, n: k, k: m, beta: 1, s.baseAddress! + d * d)
                }
            }
        }
        try rows.sum(&sums)
        // Qᵀy by target (column-major d × k) from the row-major d × k sums.
        var qty = [Double](repeating: 0, count: d * k)
        for j in 0..<d { for c in 0..<k { qty[c * d + j] = sums[d * d + j * k + c] } }
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
        _ = g.withUnsafeBufferPointer { LAPACK.triangularSolve($0.baseAddress!, n: d, lda: d, &qty, transposed: true, nrhs: k) }
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
