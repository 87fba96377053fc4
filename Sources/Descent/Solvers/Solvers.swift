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
            // first pass's rounding error.
            for i in 0..<n { for j in 0..<d { means[j] += Double(x[i * d + j]) } }
            for j in 0..<d { means[j] /= Double(n) }
            var correction = [Double](repeating: 0, count: d)
            for i in 0..<n { for j in 0..<d { correction[j] += Double(x[i * d + j]) - means[j] } }
            for j in 0..<d { means[j] += correction[j] / Double(n) }
            targetMean = y.reduce(0.0) { $0 + Double($1) } / Double(n)
            targetMean += y.reduce(0.0) { $0 + (Double($1) - targetMean) } / Double(n)
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
        scales = (0..<d).map { j in largest[j] > 0 ? 1 / (largest[j] * squares[j].squareRoot()) : 1 }
        self.means = means
        self.targetMean = targetMean
    }

    /// Writes the centred, scaled rows `range` of `x` into `z` (row-major, `d` wide) and their
    /// centred targets into `t`.
    func centredRows<S: BLASScalar>(_ x: UnsafeBufferPointer<S>, _ y: UnsafeBufferPointer<S>, _ range: Range<Int>,
                                    into z: UnsafeMutablePointer<Double>, targets t: UnsafeMutablePointer<Double>) {
        let d = columns
        for (k, i) in range.enumerated() {
            for j in 0..<d { z[k * d + j] = (Double(x[i * d + j]) - means[j]) * scales[j] }
            t[k] = Double(y[i]) - targetMean
        }
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

    static func automatic<S: BLASScalar>(_ p: CenteredProblem, _ x: UnsafeBufferPointer<S>,
                                         _ y: UnsafeBufferPointer<S>) -> RawSolution {
        if p.rows * p.columns > smallProblem, p.rows > p.columns,
           case let .solved(solution) = normalEquations(p, x, y),
           solution.condition * solution.condition <= normalEquationsLimit {
            return solution
        }
        if case let .solved(solution) = qr(p, x, y) { return solution }
        if case let .solved(solution) = svd(p, x, y) { return solution }
        // The SVD did not converge (LAPACK info > 0): practically unheard of for finite data.
        // Report the centred means model rather than trap; rank 0 says it is not a solution.
        let model = p.model(v: [Double](repeating: 0, count: p.columns), c: p.targetMean)
        return RawSolution(weights: model.weights, bias: model.bias, method: .svd, rank: 0, condition: .infinity)
    }

    // MARK: Normal equations

    static func normalEquations<S: BLASScalar>(_ p: CenteredProblem, _ x: UnsafeBufferPointer<S>,
                                               _ y: UnsafeBufferPointer<S>) -> SolverOutcome {
        let n = p.rows, d = p.columns
        let blockRows = Swift.max(1, Swift.min(n, 32768 / d))
        var z = [Double](repeating: 0, count: blockRows * d)
        var t = [Double](repeating: 0, count: blockRows)
        var gram = [Double](repeating: 0, count: d * d)
        var rhs = [Double](repeating: 0, count: d)
        var start = 0
        while start < n {
            let m = Swift.min(blockRows, n - start)
            p.centredRows(x, y, start..<(start + m), into: &z, targets: &t)
            Double._syrk(Int32(d), Int32(m), 1, z, Int32(d), 1, &gram, Int32(d))
            Double._gemv(transposed: true, Int32(m), Int32(d), 1, z, Int32(d), t, 1, 1, &rhs, 1)
            start += m
        }
        // Row-major upper is column-major lower: mirror into a full symmetric matrix.
        for i in 0..<d { for j in (i + 1)..<Swift.max(i + 1, d) { gram[i + j * d] = gram[i * d + j]; gram[j + i * d] = gram[i * d + j] } }
        var oneNorm = 0.0
        for j in 0..<d { oneNorm = Swift.max(oneNorm, (0..<d).reduce(0.0) { $0 + Swift.abs(gram[$1 + j * d]) }) }
        var factor = gram
        let positive = factor.withUnsafeMutableBufferPointer { LAPACK.choleskyFactor($0, n: d) }
        guard positive, n > d || (n == d && !p.intercept) else {
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

        // Refinement: v ← v + G⁻¹·Zᵀ(t − Zv), one block at a time, while it still helps.
        var steps = 0
        var residual = [Double](repeating: 0, count: blockRows)
        while steps < 2 {
            var correction = [Double](repeating: 0, count: d)
            start = 0
            while start < n {
                let m = Swift.min(blockRows, n - start)
                p.centredRows(x, y, start..<(start + m), into: &z, targets: &residual)
                Double._gemv(transposed: false, Int32(m), Int32(d), -1, z, Int32(d), v, 1, 1, &residual, 1)
                Double._gemv(transposed: true, Int32(m), Int32(d), 1, z, Int32(d), residual, 1, 1, &correction, 1)
                start += m
            }
            factor.withUnsafeBufferPointer { f in
                correction.withUnsafeMutableBufferPointer { LAPACK.choleskySolve(f, n: d, $0) }
            }
            steps += 1
            let size = correction.reduce(0) { Swift.max($0, Swift.abs($1)) }
            for j in 0..<d { v[j] += correction[j] }
            if size <= epsilon * v.reduce(0.0, { Swift.max($0, Swift.abs($1)) }) { break }
        }
        let model = p.model(v: v, c: p.targetMean)
        return .solved(RawSolution(weights: model.weights, bias: model.bias, method: .normalEquations, rank: d,
                                   condition: (1 / rcond).squareRoot(), refinementSteps: steps))
    }

    // MARK: QR

    static func qr<S: BLASScalar>(_ p: CenteredProblem, _ x: UnsafeBufferPointer<S>,
                                  _ y: UnsafeBufferPointer<S>) -> SolverOutcome {
        let n = p.rows, d = p.columns
        let effectiveRows = p.intercept ? n - 1 : n
        guard effectiveRows >= d else {
            return .failed(reason: "there are fewer rows (\(n)) than unknowns (\(d + (p.intercept ? 1 : 0)))",
                           condition: .infinity)
        }
        var a = p.centredCopy(x, scaled: true)
        let (pivot, tau) = a.withUnsafeMutableBufferPointer { LAPACK.pivotedQR($0, m: n, n: d) }
        let r00 = Swift.abs(a[0])
        let tolerance = Double(Swift.max(n, d)) * epsilon * r00
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
        return .solved(RawSolution(weights: model.weights, bias: model.bias, method: .qr, rank: d,
                                   condition: 1 / rcond, refinementSteps: refined.steps))
    }

    // MARK: SVD

    static func svd<S: BLASScalar>(_ p: CenteredProblem, _ x: UnsafeBufferPointer<S>,
                                   _ y: UnsafeBufferPointer<S>) -> SolverOutcome {
        let n = p.rows, d = p.columns
        let rcond = Double(Swift.max(n, d)) * epsilon
        func run(scaled: Bool) -> (v: [Double], rank: Int, singularValues: [Double])? {
            var a = p.centredCopy(x, scaled: scaled)
            var b = [Double](repeating: 0, count: Swift.max(n, d))
            for i in 0..<n { b[i] = Double(y[i]) - p.targetMean }
            let result = a.withUnsafeMutableBufferPointer { a in
                b.withUnsafeMutableBufferPointer { b in LAPACK.minimumNormSolve(a, m: n, n: d, b, rcond: rcond) }
            }
            return result.map { (Array(b[0..<d]), $0.rank, $0.singularValues) }
        }
        guard let scaled = run(scaled: true) else {
            return .failed(reason: "the SVD did not converge", condition: nil)
        }
        let condition = scaled.singularValues.last.map { $0 > 0 ? scaled.singularValues[0] / $0 : .infinity } ?? .infinity
        var model = p.model(v: scaled.v, c: p.targetMean)
        if scaled.rank < d, let unscaled = run(scaled: false) {
            // The minimum-norm solution must be minimal in the caller's units, not the scaled ones.
            model = p.model(v: unscaled.v, c: p.targetMean, scaled: false)
        }
        return .solved(RawSolution(weights: model.weights, bias: model.bias, method: .svd, rank: scaled.rank,
                                   condition: scaled.rank < d ? .infinity : condition,
                                   singularValues: scaled.singularValues))
    }
}
