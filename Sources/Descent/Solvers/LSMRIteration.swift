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

    /// Runs the iterations from `x = 0` for this part's `b`; every norm of a row-space vector
    /// (`u`, `b`) and every product with `Aᵀ` is summed over the operator's parts.
    func solve(_ b: [Double]) throws(DescentError) -> Result {
        let n = operator_.columns
        var process = try Bidiagonalization(operator_, b)
        let normb = process.normb
        var (alpha, beta) = (process.alpha, process.beta)
        var x = [Double](repeating: 0, count: n)

        var zetabar = alpha * beta, alphabar = alpha
        var rho = 1.0, rhobar = 1.0, cbar = 1.0, sbar = 0.0
        var h = process.v, hbar = [Double](repeating: 0, count: n)
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
        while iterations < maximumIterations {
            iterations += 1
            try process.step()
            (alpha, beta) = (process.alpha, process.beta)
            let v = process.v
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
            let test2 = normA * normr != 0 ? normar / (normA * normr) : .infinity
            if let reason = LSMRStopReason(normr: normr, normb: normb, normA: normA, normx: normx, test2: test2,
                                           test3: 1 / condA, atol: atol, btol: btol, ctol: ctol,
                                           iterationLimit: iterations >= maximumIterations) {
                stop = reason
                break
            }
        }
        return Result(x: x, stop: stop, iterations: iterations, normr: normr, normar: normar, normA: normA,
                      condA: condA, normx: normx)
    }
}

extension LSMRStopReason {
    /// scipy's stopping rules, shared by LSMR and LSQR (the later test wins): `test1 = ‖r‖/‖b‖`
    /// against `rtol = btol + atol·‖A‖‖x‖/‖b‖`, `test2 = ‖Aᵀr‖/(‖A‖‖r‖)` (each solver's own
    /// guard against a zero denominator) against `atol`, `test3 = 1/cond(A)` against `ctol`, their
    /// machine-precision forms, and the iteration limit; `nil` while none holds.
    init?(normr: Double, normb: Double, normA: Double, normx: Double, test2: Double, test3: Double, atol: Double,
          btol: Double, ctol: Double, iterationLimit: Bool) {
        let test1 = normr / normb
        let scaledTest1 = test1 / (1 + normA * normx / normb)
        let rtol = btol + atol * normA * normx / normb
        var reason: LSMRStopReason?
        if iterationLimit { reason = .iterationLimit }
        if 1 + test3 <= 1 { reason = .conditionAtMachinePrecision }
        if 1 + test2 <= 1 { reason = .leastSquaresAtMachinePrecision }
        if 1 + scaledTest1 <= 1 { reason = .compatibleAtMachinePrecision }
        if test3 <= ctol { reason = .conditionLimit }
        if test2 <= atol { reason = .leastSquares }
        if test1 <= rtol { reason = .compatible }
        guard let reason else { return nil }
        self = reason
    }
}
