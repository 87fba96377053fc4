/// The LSQR recurrences (Paige and Saunders, "LSQR: An algorithm for sparse linear equations and
/// sparse least squares", ACM TOMS 8(1), 1982), as scipy's `scipy.sparse.linalg.lsqr` runs them,
/// with its stopping rules and outputs, on LSMR's operator, settings and result.
extension LSMRIteration {
    /// Runs the iterations from `x = 0` for this part's `b`; LSMR's result, with scipy's `r2norm`
    /// as the residual norm and `arnorm` as the normal equations' residual norm.
    func lsqr(_ b: [Double]) throws(DescentError) -> Result {
        let n = operator_.columns, eps = Double.ulpOfOne
        var process = try Bidiagonalization(operator_, b)
        let bnorm = process.normb
        var (alpha, beta) = (process.alpha, process.beta)
        var x = [Double](repeating: 0, count: n)
        let v0 = process.v
        var w = v0
        var rhobar = alpha, phibar = beta
        var rnorm = beta, anorm = 0.0, acond = 0.0, ddnorm = 0.0, res2 = 0.0, xnorm = 0.0, xxnorm = 0.0
        var z = 0.0, cs2 = -1.0, sn2 = 0.0
        var arnorm = alpha * beta
        let dampsq = damp * damp, ctol = conditionLimit > 0 ? 1 / conditionLimit : 0
        guard arnorm != 0 else {
            return .init(x: x, stop: .zeroSolution, iterations: 0, normr: rnorm, normar: arnorm, normA: anorm, condA: acond, normx: 0)
        }
        var stop = LSMRStopReason.iterationLimit
        var iterations = 0
        while iterations < maximumIterations {
            iterations += 1
            let previousAlpha = alpha
            try process.step()
            (alpha, beta) = (process.alpha, process.beta)
            if beta > 0 { anorm = (anorm * anorm + previousAlpha * previousAlpha + beta * beta + dampsq).squareRoot() }
            let v = process.v
            // The damping's rotation, then the plane rotation that eliminates β.
            var rhobar1 = rhobar, psi = 0.0
            if damp > 0 {
                rhobar1 = (rhobar * rhobar + dampsq).squareRoot()
                let cs1 = rhobar / rhobar1, sn1 = damp / rhobar1
                psi = sn1 * phibar
                phibar = cs1 * phibar
            }
            let (cs, sn, rho) = Self.rotation(rhobar1, beta)
            let theta = sn * alpha
            rhobar = -cs * alpha
            let phi = cs * phibar
            phibar = sn * phibar
            let tau = sn * phi
            // x and w; the norms of the search directions for cond(A).
            let t1 = phi / rho, t2 = -theta / rho
            var dk = 0.0
            for j in 0..<n {
                dk += (w[j] / rho) * (w[j] / rho)
                x[j] += t1 * w[j]
                w[j] = v[j] + t2 * w[j]
            }
            ddnorm += dk
            // ‖x‖ from the lower-bidiagonal recurrence.
            let delta = sn2 * rho, gambar = -cs2 * rho
            let rhs = phi - delta * z
            let zbar = rhs / gambar
            xnorm = (xxnorm + zbar * zbar).squareRoot()
            let gamma = (gambar * gambar + theta * theta).squareRoot()
            cs2 = gambar / gamma
            sn2 = theta / gamma
            z = rhs / gamma
            xxnorm += z * z
            // The norms and the tests.
            acond = anorm * ddnorm.squareRoot()
            res2 += psi * psi
            rnorm = (phibar * phibar + res2).squareRoot()
            arnorm = alpha * Swift.abs(tau)
            if let reason = LSMRStopReason(normr: rnorm, normb: bnorm, normA: anorm, normx: xnorm,
                                           test2: arnorm / (anorm * rnorm + eps), test3: 1 / (acond + eps), atol: atol,
                                           btol: btol, ctol: ctol, iterationLimit: iterations >= maximumIterations) {
                stop = reason
                break
            }
        }
        return .init(x: x, stop: stop, iterations: iterations, normr: rnorm, normar: arnorm, normA: anorm, condA: acond,
                     normx: xnorm)
    }
}
