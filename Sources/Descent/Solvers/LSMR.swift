/// Why ``LeastSquares/lsmr(_:_:intercept:damp:tolerance:conditionLimit:maximumIterations:)`` stopped:
/// scipy's `istop` codes, with their meaning.
public enum LSMRStopReason: Int, Sendable, Hashable, CustomStringConvertible {
    /// `istop = 0`: `Aᵀb = 0`, so `x = 0` is the solution.
    case zeroSolution = 0
    /// `istop = 1`: `‖r‖ ≤ btol·‖b‖ + atol·‖A‖·‖x‖`: `Ax = b` is solved to the tolerance (a compatible system).
    case compatible = 1
    /// `istop = 2`: `‖Aᵀr‖ ≤ atol·‖A‖·‖r‖`: a least-squares solution to the tolerance.
    case leastSquares = 2
    /// `istop = 3`: the estimate of `cond(A)` passed the condition limit; `x` may not be accurate.
    case conditionLimit = 3
    /// `istop = 4`: as `.compatible` with the tolerance at machine precision.
    case compatibleAtMachinePrecision = 4
    /// `istop = 5`: as `.leastSquares` with the tolerance at machine precision.
    case leastSquaresAtMachinePrecision = 5
    /// `istop = 6`: `cond(A)` seems too large for machine precision.
    case conditionAtMachinePrecision = 6
    /// `istop = 7`: the iteration limit was reached before any test held.
    case iterationLimit = 7

    /// Whether `x` meets a tolerance test (`zeroSolution`, `compatible`, `leastSquares` and their
    /// machine-precision forms).
    public var converged: Bool { [.zeroSolution, .compatible, .leastSquares, .compatibleAtMachinePrecision,
                                  .leastSquaresAtMachinePrecision].contains(self) }

    /// What happened, in a sentence.
    public var description: String {
        switch self {
        case .zeroSolution: "x = 0 is the exact solution (Aᵀb = 0)"
        case .compatible: "Ax = b is solved to the tolerance (‖r‖ small)"
        case .leastSquares: "a least-squares solution to the tolerance (‖Aᵀr‖ ≤ atol·‖A‖·‖r‖)"
        case .conditionLimit: "the condition estimate passed the limit: the solution may not be accurate"
        case .compatibleAtMachinePrecision: "Ax = b is solved to machine precision"
        case .leastSquaresAtMachinePrecision: "a least-squares solution to machine precision"
        case .conditionAtMachinePrecision: "the condition seems too large for machine precision"
        case .iterationLimit: "the iteration limit was reached"
        }
    }
}

/// What LSMR returns: the model and scipy's `lsmr` outputs.
public struct LSMRSolution<Scalar: BLASScalar>: Sendable {
    /// The fitted model (weights in the caller's units; the bias, when fitted, unpenalised).
    public let model: LinearModel<Scalar>
    /// Why the iterations stopped (scipy's `istop`).
    public let stopReason: LSMRStopReason
    /// Iterations run (scipy's `itn`).
    public let iterations: Int
    /// scipy's `normr`: `‖b − Ax‖`, or with `damp > 0`, `√(‖b − Ax‖² + damp²‖x‖²)` (the damped
    /// system's residual), of the centred problem when the intercept is fitted.
    public let residualNorm: Double
    /// scipy's `normar`: `‖Aᵀ(b − Ax) − damp²x‖`, the norm of the (damped) normal equations' residual.
    public let normalResidualNorm: Double
    /// scipy's `conda`: an estimate of the condition of the (damped, centred) design.
    public let conditionEstimate: Double
    /// scipy's `normA`: an estimate of the Frobenius norm of the (damped, centred) design.
    public let normEstimate: Double
    /// scipy's `normx`: `‖x‖`.
    public let solutionNorm: Double

    /// Whether a tolerance test holds (``LSMRStopReason/converged``).
    public var converged: Bool { stopReason.converged }
}

extension LeastSquares {
    /// Least squares on sparse features by LSMR (Fong and Saunders, 2011), the iteration scipy's
    /// `scipy.sparse.linalg.lsmr` runs: `min ‖Xw + b − y‖² + damp²‖w‖²`, each iteration one product
    /// with `X` and one with `Xᵀ`, `O(nnz)` each, and no factorisation.
    ///
    /// With `intercept`, the design is centred implicitly (`Xw − 1·μᵀw`, never formed, so the
    /// non-zeros stay non-zeros) and `y` by its mean; the bias `ȳ − μᵀw` is never damped. `damp²`
    /// equals `n·λ` of ``solve(_:_:intercept:method:ridge:)->LeastSquaresSolution<Scalar>``'s
    /// `ridge:` (whose objective is the mean squared error plus `λ‖w‖²`). Everything is computed in
    /// `Double`.
    ///
    /// Stopping follows scipy: `tolerance` is both `atol` and `btol`; the iterations stop when
    /// `‖r‖ ≤ btol·‖y‖ + atol·‖A‖·‖x‖` (``LSMRStopReason/compatible``), when
    /// `‖Aᵀr‖ ≤ atol·‖A‖·‖r‖` (``LSMRStopReason/leastSquares``), when the condition estimate passes
    /// `conditionLimit`, or after `maximumIterations`.
    ///
    /// ```swift
    /// let fit = try LeastSquares.lsmr(X, y, intercept: true, damp: 0, tolerance: 1e-10)
    /// fit.model; fit.stopReason; fit.iterations; fit.residualNorm; fit.normalResidualNorm
    /// ```
    ///
    /// - Parameters:
    ///   - features: `n × d` sparse features.
    ///   - targets: `n` targets.
    ///   - intercept: Fit an unpenalised bias (default).
    ///   - damp: `≥ 0`, scipy's `damp`.
    ///   - tolerance: scipy's `atol` and `btol`, in `[0, 1)`; `1e-6` as scipy's default.
    ///   - conditionLimit: scipy's `conlim` (`1e8` by default; 0 for none).
    ///   - maximumIterations: scipy's `maxiter`; `nil`: `min(n, d)` as scipy.
    /// - Returns: The model, why it stopped, and scipy's norms and estimates.
    /// - Throws: ``DescentError/targetCountMismatch(rows:targets:)``, ``DescentError/noRows``,
    ///   ``DescentError/noFeatures``, ``DescentError/nonFiniteValue(at:)`` for a NaN or ±∞
    ///   target, ``DescentError/invalidOption(name:value:expected:)`` for a negative or non-finite
    ///   `damp`, a `tolerance` outside `[0, 1)`, a negative `conditionLimit` or `maximumIterations`.
    /// - Complexity: O(nnz + n + d) per iteration, O(n + d) memory beyond the matrix.
    public static func lsmr<Scalar: BLASScalar>(_ features: SparseMatrix<Scalar>, _ targets: [Scalar],
                                                intercept: Bool = true, damp: Double = 0, tolerance: Double = 1e-6,
                                                conditionLimit: Double = 1e8,
                                                maximumIterations: Int? = nil) throws(DescentError) -> LSMRSolution<Scalar> {
        guard features.rows == targets.count else { throw .targetCountMismatch(rows: features.rows, targets: targets.count) }
        guard features.rows > 0 else { throw .noRows }
        guard features.columns > 0 else { throw .noFeatures }
        try Validation.checkFinite(targets)
        guard damp.isFinite, damp >= 0 else {
            throw .invalidOption(name: "damp", value: "\(damp)", expected: "a finite number ≥ 0")
        }
        guard tolerance >= 0, tolerance < 1 else {
            throw .invalidOption(name: "tolerance", value: "\(tolerance)", expected: "a number in [0, 1), e.g. 1e-10")
        }
        guard conditionLimit >= 0, !conditionLimit.isNaN else {
            throw .invalidOption(name: "conditionLimit", value: "\(conditionLimit)", expected: "a number ≥ 0 (0: no limit)")
        }
        if let maximumIterations, maximumIterations < 0 {
            throw .invalidOption(name: "maximumIterations", value: "\(maximumIterations)", expected: "a count ≥ 0")
        }
        let operator_ = SparseOperator(features, intercept: intercept)
        let yMean = intercept ? targets.reduce(0.0) { $0 + Double($1) } / Double(targets.count) : 0
        let b = targets.map { Double($0) - yMean }
        let run = LSMRIteration(operator_: operator_, damp: damp, atol: tolerance, btol: tolerance,
                                conditionLimit: conditionLimit,
                                maximumIterations: maximumIterations ?? Swift.min(features.rows, features.columns))
            .solve(b)
        var bias = Double.Accumulator(yMean)
        if intercept { for j in 0..<features.columns { bias -= Double.Accumulator(operator_.means[j]) * Double.Accumulator(run.x[j]) } }
        let model = LinearModel<Scalar>(weights: run.x.map { Scalar($0) }, bias: intercept ? Scalar(Double(bias)) : 0)
        return LSMRSolution(model: model, stopReason: run.stop, iterations: run.iterations, residualNorm: run.normr,
                            normalResidualNorm: run.normar, conditionEstimate: run.condA, normEstimate: run.normA,
                            solutionNorm: run.normx)
    }
}

/// `A = X − 1μᵀ` (or `X`) as products in `Double`, never formed: `Av = Xv − 1·(μᵀv)`,
/// `Aᵀu = Xᵀu − μ·(1ᵀu)`.
struct SparseOperator<S: BLASScalar> {
    let matrix: SparseMatrix<S>
    let means: [Double]
    let centred: Bool

    init(_ matrix: SparseMatrix<S>, intercept: Bool) {
        self.matrix = matrix
        centred = intercept
        var sums = [Double](repeating: 0, count: matrix.columns)
        if intercept {
            for k in 0..<matrix.nonzeros { sums[matrix.columnIndices[k]] += Double(matrix.values[k]) }
        }
        let n = Double(matrix.rows)
        means = sums.map { $0 / n }
    }

    var rows: Int { matrix.rows }
    var columns: Int { matrix.columns }

    /// `out ← A·v`.
    func apply(_ v: [Double], into out: inout [Double]) {
        let shift = centred ? zip(means, v).reduce(0.0) { $0 + $1.0 * $1.1 } : 0
        matrix.rowOffsets.withUnsafeBufferPointer { offsets in
            matrix.columnIndices.withUnsafeBufferPointer { indices in
                matrix.values.withUnsafeBufferPointer { values in
                    for i in 0..<matrix.rows {
                        var sum = 0.0
                        for k in offsets[i]..<offsets[i + 1] { sum += Double(values[k]) * v[indices[k]] }
                        out[i] = sum - shift
                    }
                }
            }
        }
    }

    /// `out ← Aᵀ·u`.
    func applyTransposed(_ u: [Double], into out: inout [Double]) {
        for j in 0..<out.count { out[j] = 0 }
        var total = 0.0
        matrix.rowOffsets.withUnsafeBufferPointer { offsets in
            matrix.columnIndices.withUnsafeBufferPointer { indices in
                matrix.values.withUnsafeBufferPointer { values in
                    for i in 0..<matrix.rows {
                        let ui = u[i]
                        total += ui
                        for k in offsets[i]..<offsets[i + 1] { out[indices[k]] += Double(values[k]) * ui }
                    }
                }
            }
        }
        if centred { for j in 0..<out.count { out[j] -= means[j] * total } }
    }
}

/// The LSMR recurrences (Fong and Saunders, "LSMR: An iterative algorithm for sparse least-squares
/// problems", SIAM J. Sci. Comput. 33(5), 2011, Algorithm LSMR with the norm estimates of §5), with
/// scipy's stopping rules and outputs.
struct LSMRIteration<S: BLASScalar> {
    let operator_: SparseOperator<S>
    let damp: Double
    let atol: Double
    let btol: Double
    let conditionLimit: Double
    let maximumIterations: Int

    struct Result {
        var x: [Double]
        var stop: LSMRStopReason
        var iterations: Int
        var normr: Double
        var normar: Double
        var normA: Double
        var condA: Double
        var normx: Double
    }

    /// A plane rotation `[c s; −s c]` taking `(a, b)` to `(r, 0)`, stable for any magnitudes.
    static func rotation(_ a: Double, _ b: Double) -> (c: Double, s: Double, r: Double) {
        if b == 0 { return (a < 0 ? -1 : 1, 0, Swift.abs(a)) }
        if a == 0 { return (0, b < 0 ? -1 : 1, Swift.abs(b)) }
        if Swift.abs(b) > Swift.abs(a) {
            let tau = a / b
            let s = (b < 0 ? -1.0 : 1.0) / (1 + tau * tau).squareRoot()
            return (s * tau, s, b / s)
        }
        let tau = b / a
        let c = (a < 0 ? -1.0 : 1.0) / (1 + tau * tau).squareRoot()
        return (c, c * tau, a / c)
    }

    static func norm(_ v: [Double]) -> Double {
        let scale = v.reduce(0.0) { Swift.max($0, Swift.abs($1)) }
        guard scale > 0, scale.isFinite else { return scale }
        return scale * v.reduce(0.0) { $0 + ($1 / scale) * ($1 / scale) }.squareRoot()
    }

    func solve(_ b: [Double]) -> Result {
        let m = operator_.rows, n = operator_.columns
        var u = b
        let normb = Self.norm(b)
        var beta = normb
        var x = [Double](repeating: 0, count: n)
        if beta > 0 { for i in 0..<m { u[i] /= beta } }
        var v = [Double](repeating: 0, count: n)
        operator_.applyTransposed(u, into: &v)
        var alpha = beta > 0 ? Self.norm(v) : 0
        if alpha > 0 { for j in 0..<n { v[j] /= alpha } }

        var zetabar = alpha * beta, alphabar = alpha
        var rho = 1.0, rhobar = 1.0, cbar = 1.0, sbar = 0.0
        var h = v, hbar = [Double](repeating: 0, count: n)
        // ‖r‖ estimation.
        var betadd = beta, betad = 0.0, rhodold = 1.0, tautildeold = 0.0, thetatilde = 0.0, zeta = 0.0, d = 0.0
        // ‖A‖ and cond(A) estimation.
        var normA2 = alpha * alpha, maxrbar = 0.0, minrbar = 1e100
        var normA = normA2.squareRoot(), condA = 1.0, normx = 0.0
        var normr = beta, normar = alpha * beta
        let ctol = conditionLimit > 0 ? 1 / conditionLimit : 0
        guard normar != 0 else {
            return Result(x: x, stop: .zeroSolution, iterations: 0, normr: normr, normar: normar, normA: normA,
                          condA: condA, normx: 0)
        }
        var stop = LSMRStopReason.iterationLimit
        var iterations = 0
        var av = [Double](repeating: 0, count: m), atu = [Double](repeating: 0, count: n)
        while iterations < maximumIterations {
            iterations += 1
            // Bidiagonalisation: βu = Av − αu, αv = Aᵀu − βv.
            operator_.apply(v, into: &av)
            for i in 0..<m { u[i] = av[i] - alpha * u[i] }
            beta = Self.norm(u)
            if beta > 0 {
                for i in 0..<m { u[i] /= beta }
                operator_.applyTransposed(u, into: &atu)
                for j in 0..<n { v[j] = atu[j] - beta * v[j] }
                alpha = Self.norm(v)
                if alpha > 0 { for j in 0..<n { v[j] /= alpha } }
            }
            // The rotation that takes the damping in, then P and P̄.
            let (chat, shat, alphahat) = Self.rotation(alphabar, damp)
            let rhoold = rho
            let (c, s, rhoNew) = Self.rotation(alphahat, beta)
            rho = rhoNew
            let thetanew = s * alpha
            alphabar = c * alpha
            let rhobarold = rhobar, zetaold = zeta
            let thetabar = sbar * rho
            let rhotemp = cbar * rho
            let rotated = Self.rotation(cbar * rho, thetanew)
            (cbar, sbar, rhobar) = rotated
            zeta = cbar * zetabar
            zetabar = -sbar * zetabar
            // h̄, x, h.
            let hbarFactor = thetabar * rho / (rhoold * rhobarold)
            for j in 0..<n { hbar[j] = h[j] - hbarFactor * hbar[j] }
            let xFactor = zeta / (rho * rhobar)
            for j in 0..<n { x[j] += xFactor * hbar[j] }
            let hFactor = thetanew / rho
            for j in 0..<n { h[j] = v[j] - hFactor * h[j] }
            // ‖r‖.
            let betaacute = chat * betadd, betacheck = -shat * betadd
            let betahat = c * betaacute
            betadd = -s * betaacute
            let thetatildeold = thetatilde
            let (ctildeold, stildeold, rhotildeold) = Self.rotation(rhodold, thetabar)
            thetatilde = stildeold * rhobar
            rhodold = ctildeold * rhobar
            betad = -stildeold * betad + ctildeold * betahat
            tautildeold = (zetaold - thetatildeold * tautildeold) / rhotildeold
            let taud = (zeta - thetatilde * tautildeold) / rhodold
            d += betacheck * betacheck
            normr = (d + (betad - taud) * (betad - taud) + betadd * betadd).squareRoot()
            // ‖A‖ and cond(A).
            normA2 += beta * beta
            normA = normA2.squareRoot()
            normA2 += alpha * alpha
            maxrbar = Swift.max(maxrbar, rhobarold)
            if iterations > 1 { minrbar = Swift.min(minrbar, rhobarold) }
            condA = Swift.max(maxrbar, rhotemp) / Swift.min(minrbar, rhotemp)
            // The tests.
            normar = Swift.abs(zetabar)
            normx = Self.norm(x)
            let test1 = normr / normb
            let test2 = normA * normr != 0 ? normar / (normA * normr) : .infinity
            let test3 = 1 / condA
            let t1 = test1 / (1 + normA * normx / normb)
            let rtol = btol + atol * normA * normx / normb
            var reason: LSMRStopReason?
            if iterations >= maximumIterations { reason = .iterationLimit }
            if 1 + test3 <= 1 { reason = .conditionAtMachinePrecision }
            if 1 + test2 <= 1 { reason = .leastSquaresAtMachinePrecision }
            if 1 + t1 <= 1 { reason = .compatibleAtMachinePrecision }
            if test3 <= ctol { reason = .conditionLimit }
            if test2 <= atol { reason = .leastSquares }
            if test1 <= rtol { reason = .compatible }
            if let reason {
                stop = reason
                break
            }
        }
        return Result(x: x, stop: stop, iterations: iterations, normr: normr, normar: normar, normA: normA,
                      condA: condA, normx: normx)
    }
}
