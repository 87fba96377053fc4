/// The centring and scaling shared by every method: column means `μ` (zero without an
/// intercept), the target mean, and column scales `sⱼ = 1/‖xⱼ − μⱼ‖₂`. The methods solve for `v`
/// in `ŷ = c + Σⱼ (xⱼ − μⱼ)·sⱼ·vⱼ`; then `wⱼ = sⱼvⱼ` and `b = c − μᵀw`.
struct CenteredProblem {
    let rows: Int
    let columns: Int
    let intercept: Bool
    let means: [Double]
    let targetMean: Double
    let scales: [Double]
    /// The input type's unit roundoff: the numerical rank is judged at the data's own precision
    /// (Float data is computed on in Double, but is only as exact as Float).
    let dataEpsilon: Double

    init<S: BLASScalar>(features x: UnsafeBufferPointer<S>, targets y: UnsafeBufferPointer<S>,
                        columns d: Int, intercept: Bool) {
        let n = y.count
        rows = n
        columns = d
        self.intercept = intercept
        var means = [Double](repeating: 0, count: d)
        var targetMean = 0.0
        if intercept {
            // Two passes: the mean, then the mean of the deviations from it, which removes the
            // first pass's rounding error. Sums that overflow (values near Double's limit) are
            // redone as sums of xᵢ/n, which cannot.
            for i in 0..<n { for j in 0..<d { means[j] += Double(x[i * d + j]) } }
            for j in 0..<d { means[j] /= Double(n) }
            if !means.allSatisfy(\.isFinite) {
                means = [Double](repeating: 0, count: d)
                for i in 0..<n { for j in 0..<d { means[j] += Double(x[i * d + j]) / Double(n) } }
            }
            var correction = [Double](repeating: 0, count: d)
            for i in 0..<n { for j in 0..<d { correction[j] += Double(x[i * d + j]) - means[j] } }
            for j in 0..<d { means[j] += correction[j] / Double(n) }
            targetMean = Self.mean(y)
        }
        var squares = [Double](repeating: 0, count: d)
        var largest = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { largest[j] = Swift.max(largest[j], Swift.abs(Double(x[i * d + j]) - means[j])) } }
        for i in 0..<n {
            for j in 0..<d where largest[j] > 0 {
                let v = (Double(x[i * d + j]) - means[j]) / largest[j]   // scaled: no overflow near 1e±150
                squares[j] += v * v
            }
        }
        // Unit-norm columns, except that the factor stays within 10^±300 (a column of subnormal
        // values would need one beyond Double's range; QR copes with the rest of the scale).
        scales = (0..<d).map { j in
            largest[j] > 0 ? Swift.min(1e300, Swift.max(1e-300, 1 / (largest[j] * squares[j].squareRoot()))) : 1
        }
        self.means = means
        self.targetMean = targetMean
        dataEpsilon = Double(S.ulpOfOne)
    }

    /// The mean of `values` in two passes: the mean, then the mean of the deviations from it.
    static func mean<S: BLASScalar>(_ values: UnsafeBufferPointer<S>) -> Double {
        let n = Double(values.count)
        let first = values.reduce(0.0) { $0 + Double($1) } / n
        return first + values.reduce(0.0) { $0 + (Double($1) - first) } / n
    }

    /// The centred (and, if `scaled`, column-scaled) features as a column-major `n × d` copy.
    func centredCopy<S: BLASScalar>(_ x: UnsafeBufferPointer<S>, scaled: Bool) -> [Double] {
        let n = rows, d = columns
        var a = [Double](repeating: 0, count: n * d)
        for i in 0..<n {
            for j in 0..<d {
                a[i + j * n] = (Double(x[i * d + j]) - means[j]) * (scaled ? scales[j] : 1)
            }
        }
        return a
    }

    /// Maps a solution in centred, scaled coordinates back to the caller's units, in extended
    /// precision: `b = c − μᵀw` cancels heavily when the means are large.
    func model(v: [Double.Accumulator], c: Double.Accumulator, scaled: Bool = true) -> (weights: [Double], bias: Double) {
        typealias E = Double.Accumulator
        let w = (0..<columns).map { j in scaled ? v[j] * E(scales[j]) : v[j] }
        var b = c
        if intercept { for j in 0..<columns { b -= E(means[j]) * w[j] } }
        return (w.map { Double($0) }, intercept ? Double(b) : 0)
    }

    /// ``model(v:c:scaled:)`` for a solution computed in `Double`.
    func model(v: [Double], c: Double, scaled: Bool = true) -> (weights: [Double], bias: Double) {
        model(v: v.map { Double.Accumulator($0) }, c: Double.Accumulator(c), scaled: scaled)
    }
}

/// The solver methods, on one ``CenteredProblem``.
enum Solvers {
    static let epsilon = Double.ulpOfOne

    /// Problems with at most this many elements always take the accurate path in `.automatic`.
    static let smallProblem = 1 << 20

    /// Condition estimates of the Gram matrix above this send `.automatic` to QR.
    static let normalEquationsLimit = 1e8

    /// Whether `.automatic` tries the normal equations first.
    static func prefersNormalEquations(rows n: Int, columns d: Int) -> Bool {
        n * d > smallProblem && n > d
    }

    static func automatic<S: BLASScalar>(_ x: UnsafeBufferPointer<S>, _ y: UnsafeBufferPointer<S>,
                                         intercept: Bool) -> SolverOutcome {
        let n = y.count, d = x.count / Swift.max(1, n)
        if prefersNormalEquations(rows: n, columns: d) {
            let outcome = normalEquations(x, y, columns: d, intercept: intercept)
            switch outcome {
            case .nonFiniteFeatures:
                // Either NaN or ±∞ in X (the caller reports where), or finite values whose sums
                // overflow, which QR's scaled columns can still handle.
                if Validation.firstNonFinite(x) != nil { return outcome }
            case let .solved(solution) where solution.condition * solution.condition <= normalEquationsLimit:
                return outcome
            default: break
            }
        }
        let p = CenteredProblem(features: x, targets: y, columns: d, intercept: intercept)
        let viaQR = qr(p, x, y)
        if case .solved = viaQR { return viaQR }
        return svd(p, x, y)
    }

    /// A solution, unless over- or underflow made any of it non-finite: nothing leaves a solver
    /// as NaN or ±∞.
    static func finite(_ solution: RawSolution) -> SolverOutcome {
        guard solution.weights.allSatisfy(\.isFinite), solution.bias.isFinite else {
            return .failed(reason: "the solution over- or underflows Double's range (rescale the features)",
                           condition: solution.condition)
        }
        return .solved(solution)
    }

    // MARK: Normal equations

    /// Normal equations on centred, scaled data, in one pass over `X` after a BLAS pass for the
    /// column sums. Rows are centred by a shift `μ̃` (the column means in the data's precision);
    /// the exact column sums of the shifted block make the Gram matrix exactly centred afterwards:
    /// `Xcᵀ Xc = (X − μ̃)ᵀ(X − μ̃) − n·δδᵀ` with `δ = mean(X − μ̃)`.
    static func normalEquations<S: BLASScalar>(_ x: UnsafeBufferPointer<S>, _ y: UnsafeBufferPointer<S>,
                                               columns d: Int, intercept: Bool, ridge: Double = 0) -> SolverOutcome {
        let n = y.count
        // The shift: column means from one gemv, in the data's precision.
        var shift = [Double](repeating: 0, count: d)
        var targetMean = 0.0
        if intercept {
            // Column sums by gemv over chunks of rows (a ones vector of one chunk, not of n),
            // added up in Double.
            let chunk = Swift.min(n, 1 << 16)
            let ones = [S](repeating: 1, count: chunk)
            var partial = [S](repeating: 0, count: d)
            var start = 0
            while start < n {
                let m = Swift.min(chunk, n - start)
                BLAS.gemvTransposed(x.baseAddress! + start * d, rows: m, columns: d, ones, beta: 0, &partial)
                for j in 0..<d { shift[j] += Double(partial[j]) }
                start += m
            }
            // A NaN or ±∞ anywhere in X makes its column's sum non-finite.
            guard shift.allSatisfy(\.isFinite) else { return .nonFiniteFeatures }
            for j in 0..<d { shift[j] /= Double(n) }
            targetMean = CenteredProblem.mean(y)
        }
        // Double data first tries the Gram matrix of the rows as they are, with no copy, centred
        // afterwards (G = XᵀX − n·μμᵀ); that subtraction loses a factor diag(XᵀX)/diag(G) of
        // accuracy, so when it loses more than a factor of 4 (0.6 digit) the pass is redone on
        // centred rows. Data whose means are small next to its spread takes the fast path.
        var pass = S.self == Double.self ? gramOfRows(x, y, columns: d, shift: shift, targetMean: targetMean, centre: false)
                                         : nil
        if pass == nil || pass!.cancellation > 4 {
            pass = gramOfRows(x, y, columns: d, shift: shift, targetMean: targetMean, centre: true)
        }
        var (gram, rhs, deviation, _) = pass!
        let means = (0..<d).map { shift[$0] + deviation[$0] / Double(n) }
        let blockRows = Swift.max(1, Swift.min(n, 131_072 / d))
        var z = [Double](repeating: 0, count: blockRows * d)
        var t = [Double](repeating: 0, count: blockRows)
        func centre(_ start: Int, _ m: Int) {
            for k in 0..<m {
                let row = (start + k) * d
                for j in 0..<d { z[k * d + j] = Double(x[row + j]) - shift[j] }
                t[k] = Double(y[start + k]) - targetMean
            }
        }
        // Ridge: (XcᵀXc + nλI)·w = Xcᵀyc.
        for j in 0..<d { gram[j * d + j] += Double(n) * ridge }
        guard gram.allSatisfy(\.isFinite), rhs.allSatisfy(\.isFinite) else {
            return .failed(reason: "XᵀX overflows: the features are too large for the normal equations", condition: nil)
        }
        // Unit diagonal: scale sⱼ = 1/√Gⱼⱼ (1 for a constant column, which then fails Cholesky).
        let scales = (0..<d).map { gram[$0 * d + $0] > 0 ? 1 / gram[$0 * d + $0].squareRoot() : 1 }
        for i in 0..<d { for j in 0..<d { gram[i * d + j] *= scales[i] * scales[j] } }
        for j in 0..<d { rhs[j] *= scales[j] }
        var oneNorm = 0.0
        for j in 0..<d { oneNorm = Swift.max(oneNorm, (0..<d).reduce(0.0) { $0 + Swift.abs(gram[$1 + j * d]) }) }
        var factor = gram
        let positive = factor.withUnsafeMutableBufferPointer { LAPACK.choleskyFactor($0, n: d) }
        guard positive, ridge > 0 || n > d || (n == d && !intercept) else {
            return .failed(reason: "the Gram matrix XᵀX is singular (the features are linearly dependent)",
                           condition: .infinity)
        }
        let rcond = factor.withUnsafeBufferPointer { LAPACK.choleskyReciprocalCondition($0, n: d, oneNorm: oneNorm) }
        guard rcond >= 10 * Double(d) * epsilon else {
            return .failed(reason: "the Gram matrix XᵀX is too close to singular for the Cholesky factor",
                           condition: (1 / rcond).squareRoot())
        }
        var v = rhs
        factor.withUnsafeBufferPointer { f in v.withUnsafeMutableBufferPointer { LAPACK.choleskySolve(f, n: d, $0) } }

        // Refinement, v ← v + G⁻¹·S·Zᵀ(t − Z·S·v), when it is worth a pass over the data: when
        // the condition, or the cancellation in b = ȳ − μᵀw, would cost more than three digits.
        var steps = 0
        var residual = [Double](repeating: 0, count: blockRows)
        var u = (0..<d).map { v[$0] * scales[$0] }
        let interceptTerms = intercept ? (0..<d).reduce(0.0) { Swift.max($0, Swift.abs(means[$1] * u[$1])) } : 0
        let cancellation = interceptTerms / Swift.max(Swift.abs(targetMean - (0..<d).reduce(0.0) { $0 + means[$1] * u[$1] }),
                                                      .leastNormalMagnitude)
        let worthRefining = epsilon / rcond > 1e-13 || cancellation > 1e3
        while worthRefining && steps < 2 {
            var correction = [Double](repeating: 0, count: d)
            // Rows were shifted by μ̃, not μ: the model's intercept absorbs the difference.
            let offset = (0..<d).reduce(0.0) { $0 + deviation[$1] / Double(n) * u[$1] }
            var start = 0
            while start < n {
                let m = Swift.min(blockRows, n - start)
                centre(start, m)
                residual.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: t, count: m) }
                BLAS.gemv(z, rows: m, columns: d, alpha: -1, u, beta: 1, &residual)
                for k in 0..<m { residual[k] += offset }
                BLAS.gemvTransposed(z, rows: m, columns: d, residual, beta: 1, &correction)
                start += m
            }
            for j in 0..<d { correction[j] = (correction[j] - Double(n) * ridge * u[j]) * scales[j] }
            factor.withUnsafeBufferPointer { f in
                correction.withUnsafeMutableBufferPointer { LAPACK.choleskySolve(f, n: d, $0) }
            }
            steps += 1
            let size = correction.reduce(0) { Swift.max($0, Swift.abs($1)) }
            for j in 0..<d { v[j] += correction[j] }
            u = (0..<d).map { v[$0] * scales[$0] }
            if size <= epsilon * v.reduce(0.0, { Swift.max($0, Swift.abs($1)) }) { break }
        }
        // b = ȳ − μᵀw, in extended precision.
        typealias E = Double.Accumulator
        var bias = E(targetMean)
        if intercept { for j in 0..<d { bias -= E(means[j]) * E(u[j]) } }
        return finite(RawSolution(weights: u, bias: intercept ? Double(bias) : 0, method: .normalEquations, rank: d,
                                  condition: (1 / rcond).squareRoot(), refinementSteps: steps))
    }

    /// The centred Gram matrix `Xcᵀ Xc` (full, symmetric), `Xcᵀ(y − ȳ)`, the column sums of
    /// `X − shift`, and how much accuracy centring after the product cost (1 when the rows were
    /// centred first). Row-major, `d × d`. Blocks of rows are centred into a `Double` buffer when
    /// `centre` is set (and always for `Float` data); otherwise `Double` rows are used in place.
    static func gramOfRows<S: BLASScalar>(_ x: UnsafeBufferPointer<S>, _ y: UnsafeBufferPointer<S>, columns d: Int,
                                          shift: [Double], targetMean: Double, centre: Bool)
        -> (gram: [Double], rhs: [Double], deviation: [Double], cancellation: Double) {
        let n = y.count
        let inPlace = !centre && S.self == Double.self
        let blockRows = Swift.max(1, Swift.min(n, (inPlace ? 819_200 : 131_072) / d))
        var z = [Double](repeating: 0, count: inPlace ? 0 : blockRows * d)
        var t = [Double](repeating: 0, count: blockRows)
        let ones = [Double](repeating: 1, count: blockRows)
        var gram = [Double](repeating: 0, count: d * d)
        var rhs = [Double](repeating: 0, count: d)
        var deviation = [Double](repeating: 0, count: d)
        let raw = UnsafeRawPointer(x.baseAddress!).assumingMemoryBound(to: Double.self)   // used only when S == Double
        var start = 0
        while start < n {
            let m = Swift.min(blockRows, n - start)
            for k in 0..<m { t[k] = Double(y[start + k]) - targetMean }
            let rows: UnsafePointer<Double>
            if inPlace {
                rows = raw + start * d
            } else {
                for k in 0..<m {
                    let row = (start + k) * d
                    for j in 0..<d { z[k * d + j] = Double(x[row + j]) - shift[j] }
                }
                rows = z.withUnsafeBufferPointer { UnsafePointer($0.baseAddress!) }
            }
            BLAS.syrk(rows, rows: m, columns: d, beta: 1, &gram)
            BLAS.gemvTransposed(rows, rows: m, columns: d, t, beta: 1, &rhs)
            if !inPlace { BLAS.gemvTransposed(rows, rows: m, columns: d, ones, beta: 1, &deviation) }
            start += m
        }
        // Centre: in place, the rows were not shifted, so the shift itself is the deviation from 0.
        let offset = inPlace ? shift.map { $0 * Double(n) } : deviation
        var cancellation = 1.0
        for i in 0..<d {
            let before = gram[i * d + i]
            for j in i..<d {
                let value = gram[i * d + j] - offset[i] * offset[j] / Double(n)
                gram[i * d + j] = value
                gram[j * d + i] = value
            }
            if before > 0 { cancellation = Swift.max(cancellation, gram[i * d + i] > 0 ? before / gram[i * d + i] : .infinity) }
        }
        if inPlace {
            // Xᵀ(y − ȳ) needs no correction: Σ(y − ȳ) = 0. The deviation from the shift is zero.
            return (gram, rhs, [Double](repeating: 0, count: d), cancellation)
        }
        return (gram, rhs, deviation, 1)
    }

    // MARK: QR

    /// Large problems with condition numbers up to this take the streaming QR with semi-normal
    /// refinement (no copy of `X`; its accuracy floor is about `κ²·ε` of `Float80`); small ones and
    /// worse-conditioned ones take pivoted QR of a copy with augmented-system refinement.
    static let streamingConditionLimit = 1e6

    static func qr<S: BLASScalar>(_ p: CenteredProblem, _ x: UnsafeBufferPointer<S>,
                                  _ y: UnsafeBufferPointer<S>) -> SolverOutcome {
        let n = p.rows, d = p.columns
        let effectiveRows = p.intercept ? n - 1 : n
        guard effectiveRows >= d else {
            return .failed(reason: "there are fewer rows (\(n)) than unknowns (\(d + (p.intercept ? 1 : 0)))",
                           condition: .infinity)
        }
        // Small problems (a copy costs at most 8 MB) take the most accurate path.
        if n * d <= smallProblem { return pivotedQR(p, x, y) }
        let streamed = StreamingQR(p, x, y)
        let rcond = streamed.reciprocalCondition
        guard rcond.isFinite, rcond > Double(Swift.max(n, d)) * p.dataEpsilon else {
            return .failed(reason: "the features are rank deficient, or nearly so at the data's precision",
                           condition: rcond > 0 ? 1 / rcond : .infinity)
        }
        guard 1 / rcond <= streamingConditionLimit else { return pivotedQR(p, x, y) }
        var v = streamed.solve().map { Double.Accumulator($0) }
        var c = Double.Accumulator(p.targetMean)
        let steps = streamed.refine(p, x, y, v: &v, c: &c)
        let model = p.model(v: v, c: c)
        return finite(RawSolution(weights: model.weights, bias: model.bias, method: .qr, rank: d,
                                  condition: 1 / rcond, refinementSteps: steps))
    }

    /// Pivoted QR of a centred, scaled copy, refined on the augmented system: for conditions
    /// beyond ``streamingConditionLimit``.
    static func pivotedQR<S: BLASScalar>(_ p: CenteredProblem, _ x: UnsafeBufferPointer<S>,
                                         _ y: UnsafeBufferPointer<S>) -> SolverOutcome {
        let n = p.rows, d = p.columns
        var a = p.centredCopy(x, scaled: true)
        let (pivot, tau) = a.withUnsafeMutableBufferPointer { LAPACK.pivotedQR($0, m: n, n: d) }
        let r00 = Swift.abs(a[0])
        let tolerance = Double(Swift.max(n, d)) * p.dataEpsilon * r00
        let rank = (0..<d).firstIndex { Swift.abs(a[$0 + $0 * n]) <= tolerance } ?? d
        guard rank == d, r00 > 0 else {
            return .failed(reason: "the features are rank deficient (numerical rank \(rank) of \(d))",
                           condition: .infinity)
        }
        let rcond = a.withUnsafeBufferPointer { LAPACK.triangularReciprocalCondition($0.baseAddress!, n: d, lda: n) }
        let refined = a.withUnsafeBufferPointer { factors in
            AugmentedRefinement(problem: p, factors: factors, pivot: pivot, tau: tau).solve(x, y)
        }
        let model = p.model(v: refined.v, c: refined.c)
        return finite(RawSolution(weights: model.weights, bias: model.bias, method: .qr, rank: d,
                                  condition: 1 / rcond, refinementSteps: refined.steps))
    }

    // MARK: SVD

    /// The SVD of `R` from the streaming QR: `A = QR` has the singular values of `R`, and
    /// `min‖Av − b‖` is `min‖Rv − z‖`, so no copy of `X` is needed. Scaling commutes with QR
    /// (`R` of `A·S` is `R·S`), so the unscaled minimum-norm solution uses `R·S⁻¹`.
    static func svd<S: BLASScalar>(_ p: CenteredProblem, _ x: UnsafeBufferPointer<S>,
                                   _ y: UnsafeBufferPointer<S>) -> SolverOutcome {
        let n = p.rows, d = p.columns
        let rcondSVD = Double(Swift.max(n, d)) * p.dataEpsilon
        let streamed = StreamingQR(p, x, y)
        func run(unscaled: Bool) -> (v: [Double], rank: Int, singularValues: [Double])? {
            var r = streamed.r
            if unscaled { for j in 0..<d { for i in 0..<d { r[i + j * d] /= p.scales[j] } } }
            var b = streamed.z
            let result = r.withUnsafeMutableBufferPointer { a in
                b.withUnsafeMutableBufferPointer { b in LAPACK.minimumNormSolve(a, m: d, n: d, b, rcond: rcondSVD) }
            }
            return result.map { (b, $0.rank, $0.singularValues) }
        }
        guard let scaled = run(unscaled: false) else {
            return .failed(reason: "the SVD did not converge", condition: nil)
        }
        let smallest = scaled.singularValues.last ?? 0
        let condition = smallest > 0 ? scaled.singularValues[0] / smallest : .infinity
        var steps = 0
        let model: (weights: [Double], bias: Double)
        if scaled.rank < d {
            // The minimum-norm solution must be minimal in the caller's units, not the scaled ones.
            guard let unscaled = run(unscaled: true) else { return .failed(reason: "the SVD did not converge", condition: nil) }
            model = p.model(v: unscaled.v, c: p.targetMean, scaled: false)
        } else {
            var v = scaled.v.map { Double.Accumulator($0) }
            var c = Double.Accumulator(p.targetMean)
            if condition <= streamingConditionLimit { steps = streamed.refine(p, x, y, v: &v, c: &c) }
            model = p.model(v: v, c: c)
        }
        return finite(RawSolution(weights: model.weights, bias: model.bias, method: .svd, rank: scaled.rank,
                                  condition: scaled.rank < d ? .infinity : condition,
                                  singularValues: scaled.singularValues, refinementSteps: steps))
    }
}
