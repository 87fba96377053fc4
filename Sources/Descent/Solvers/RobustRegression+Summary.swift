import Foundation

/// What the sandwich covariances need, gathered in two passes at the end of a fit: `XᵀVX` and
/// `W = Xᵀdiag(vᵢψ′ᵢ)X` on the shifted design (row-major `p × p`), and `Σvψ²`, `Σvψ′`, `Σvψ′²`.
struct RobustDesign: Sendable {
    var gram: [Double]
    var psiGram: [Double]
    var psiSquares: Double
    var psiDerivatives: Double
    var psiDerivativeSquares: Double

    static func gather<S: BLASScalar>(_ rows: RobustRows<S>, theta: [Double], scale s: Double,
                                      norm: RobustRegression.Norm) throws(DescentError) -> RobustDesign {
        let gram = try rows.pass(theta, matrix: true) { _, _, v in RobustRows<S>.Terms(curvature: v) }
        let psi = try rows.pass(theta, matrix: true) { _, r, v in
            let z = r / s, psi = norm.psi(z), derivative = norm.psiDerivative(z)
            return RobustRows<S>.Terms(curvature: v * derivative,
                                       extras: SIMD4(v * psi * psi, v * derivative, v * derivative * derivative, 0))
        }
        return RobustDesign(gram: gram.matrix, psiGram: psi.matrix, psiSquares: psi.extras[0],
                            psiDerivatives: psi.extras[1], psiDerivativeSquares: psi.extras[2])
    }
}

extension RobustRegressionFit {
    /// The inference summary statsmodels' `RLMResults` reports at this estimate: standard errors
    /// from the sandwich covariance `covariance` (statsmodels' `bcov_scaled`), z statistics,
    /// two-sided normal p-values and 95 % intervals, intercept first; `print(s)` lays it out like
    /// `RLM.summary()`.
    ///
    /// With `ψᵢ = ψ(rᵢ/s)`, `ψ′ᵢ = ψ′(rᵢ/s)`, `p` coefficients, `n` rows,
    /// `m = mean ψ′`, `K = 1 + (p/n)·var(ψ′)/m²` (population variance) and `W = Xᵀdiag(ψ′)X` on
    /// the design with its constant column:
    /// - H1: `K²·[Σψ²/(n − p)]·s²/m²·(XᵀX)⁻¹`,
    /// - H2: `K·[Σψ²/(n − p)]·s²/m·W⁻¹`,
    /// - H3: `K⁻¹·[Σψ²/(n − p)]·s²·W⁻¹(XᵀX)W⁻¹`.
    /// With sample weights every sum is weighted by `vᵢ` and `n` is `Σvᵢ` (integer weights: the
    /// repeated rows' summary). The matrices were gathered at the end of the fit, so this needs
    /// no pass over the data (a streamed source is not read again).
    ///
    /// - Parameters:
    ///   - covariance: ``RobustRegression/Covariance/h1`` (statsmodels' default), `.h2` or `.h3`.
    ///   - featureNames: Names for the weights' rows (default: the model's names).
    /// - Returns: The summary.
    /// - Throws: ``DescentError/unsolvable(method:reason:conditionEstimate:)`` when `n ≤ p` (no
    ///   residual degrees of freedom), when every `ψ′` is zero, or when `XᵀX` or `W` is singular.
    /// - Complexity: O(d³).
    public func summary(covariance: RobustRegression.Covariance = .h1,
                        featureNames: [String]? = nil) throws(DescentError) -> RobustRegressionSummary {
        let p = coefficients.count
        let n = totalWeight
        guard n > Double(p) else {
            throw .unsolvable(method: "robust summary", reason: "\(observations) rows leave no residual degrees of freedom for "
                              + "\(p) parameters", conditionEstimate: nil)
        }
        let m = design.psiDerivatives / n
        guard m != 0 else {
            throw .unsolvable(method: "robust summary", reason: "ψ′ is zero on every row: the sandwich covariance is undefined",
                              conditionEstimate: nil)
        }
        let variance = Swift.max(0, design.psiDerivativeSquares / n - m * m)
        let k = 1 + Double(p) / n * variance / (m * m)
        let spread = design.psiSquares / (n - Double(p)) * scale * scale
        let cov: [Double]
        switch covariance {
        case .h1:
            let factor = k * k * spread / (m * m)
            cov = try Self.inverse(design.gram, p, what: "XᵀX").map { $0 * factor }
        case .h2:
            let factor = k * spread / m
            cov = try Self.inverse(design.psiGram, p, what: "Xᵀdiag(ψ′)X").map { $0 * factor }
        case .h3:
            let w = try Self.inverse(design.psiGram, p, what: "Xᵀdiag(ψ′)X")
            var wg = [Double](repeating: 0, count: p * p), sandwich = [Double](repeating: 0, count: p * p)
            BLAS.gemm(w, design.gram, m: p, n: p, k: p, beta: 0, &wg)
            BLAS.gemm(wg, w, m: p, n: p, k: p, beta: 0, &sandwich)
            cov = sandwich.map { $0 * spread / k }
        }
        let full = covarianceOfCoefficients(cov)
        let names = (hasIntercept ? [model.design == nil ? "const" : "Intercept"] : []) + (featureNames ?? model.featureNames
            ?? (1...Swift.max(1, model.weights.count)).map { "x\($0)" })
        return RobustRegressionSummary(names: Array(names.prefix(p)), coefficients: coefficients,
                                       covariance: (0..<p).map { i in (0..<p).map { full[i * p + $0] } },
                                       covarianceType: covariance, norm: norm, scaleEstimate: scaleEstimate,
                                       scale: scale, observations: observations, totalWeight: totalWeight,
                                       iterations: iterations, isWeighted: isWeighted, converged: converged)
    }

    /// `T·C·Tᵀ`: a covariance of the shifted coordinates as one of `(b, w)`.
    private func covarianceOfCoefficients(_ c: [Double]) -> [Double] {
        guard hasIntercept else { return c }
        let p = coefficients.count
        var t = [Double](repeating: 0, count: p * p)
        for j in 0..<p { t[j * p + j] = 1 }
        for j in 1..<p { t[j] = -shift[j - 1] }
        var tc = [Double](repeating: 0, count: p * p), out = [Double](repeating: 0, count: p * p)
        BLAS.gemm(t, c, m: p, n: p, k: p, beta: 0, &tc)
        BLAS.gemm(tc, t, transposeB: true, m: p, n: p, k: p, beta: 0, &out)
        return out
    }

    /// The inverse of the symmetric `a` (`p × p`), scaled to unit diagonal and inverted by SVD
    /// (`gelsd`; `W` of Tukey's biweight need not be definite); throws when it is singular.
    static func inverse(_ a: [Double], _ p: Int, what: String) throws(DescentError) -> [Double] {
        let scales = (0..<p).map { a[$0 * p + $0] > 0 ? 1 / a[$0 * p + $0].squareRoot() : 1 }
        var scaled = [Double](repeating: 0, count: p * p), identity = [Double](repeating: 0, count: p * p)
        for i in 0..<p {
            identity[i * p + i] = 1
            for j in 0..<p { scaled[i * p + j] = a[i * p + j] * scales[i] * scales[j] }
        }
        let solved = try scaled.withUnsafeMutableBufferPointer { (m) throws(DescentError) in
            try identity.withUnsafeMutableBufferPointer { (b) throws(DescentError) in
                try LAPACK.minimumNormSolve(m, m: p, n: p, b, rcond: 1e3 * Double.ulpOfOne, nrhs: p)
            }
        }
        guard let solved, solved.rank == p else {
            throw .unsolvable(method: "robust summary", reason: "\(what) is singular: the covariance is undefined",
                              conditionEstimate: .infinity)
        }
        var inverse = identity
        for i in 0..<p { for j in 0..<p { inverse[i * p + j] *= scales[i] * scales[j] } }
        return inverse
    }
}

/// The inference summary of a robust fit (``RobustRegressionFit/summary(covariance:featureNames:)``),
/// statsmodels' `RLMResults` numbers: standard errors, z statistics, two-sided normal p-values and
/// intervals, intercept first.
public struct RobustRegressionSummary: Sendable, CustomStringConvertible {
    /// `const` (with an intercept), then the feature names.
    public let names: [String]
    /// The estimates, intercept first.
    public let coefficients: [Double]
    /// The covariance of the estimates (statsmodels' `bcov_scaled`), `p × p`.
    public let covariance: [[Double]]
    /// H1, H2 or H3.
    public let covarianceType: RobustRegression.Covariance
    /// The norm fitted.
    public let norm: RobustRegression.Norm
    /// The scale rule.
    public let scaleEstimate: RobustRegression.Scale
    /// The scale `s`.
    public let scale: Double
    /// The number of rows.
    public let observations: Int
    /// `Σvᵢ` (the rows without sample weights): the `n` of the formulas.
    public let totalWeight: Double
    /// The IRLS iterations.
    public let iterations: Int
    /// Whether sample weights were given.
    public let isWeighted: Bool
    /// Whether the fit reached its fixed point.
    public let converged: Bool

    /// The standard errors, `√diag(covariance)`.
    public var standardErrors: [Double] { (0..<coefficients.count).map { covariance[$0][$0].squareRoot() } }
    /// `coefficient / standard error`.
    public var zStatistics: [Double] { zip(coefficients, standardErrors).map { $0 / $1 } }
    /// Two-sided p-values `2·(1 − Φ(|z|))`.
    public var pValues: [Double] { zStatistics.map { 2 * StandardNormal.survival(Swift.abs($0)) } }
    /// Residual degrees of freedom `n − p` (`Σvᵢ − p` with sample weights).
    public var degreesOfFreedom: Double { totalWeight - Double(coefficients.count) }
    /// statsmodels' `df_model`: `p − 1`.
    public var modelDegreesOfFreedom: Int { coefficients.count - 1 }

    /// Normal confidence intervals `coefficient ± Φ⁻¹(1 − α/2)·standard error` at `level`.
    ///
    /// - Parameter level: The confidence level, in (0, 1); NaN bounds outside.
    /// - Returns: `(lower, upper)` per term, intercept first.
    public func confidenceIntervals(level: Double = 0.95) -> [(lower: Double, upper: Double)] {
        guard level > 0, level < 1 else { return coefficients.map { _ in (Double.nan, Double.nan) } }
        // Acklam's estimate of Φ⁻¹(1 − α/2), polished by two Newton steps on Φ's tail.
        let tail = (1 - level) / 2
        var z = StandardNormal.upperQuantileEstimate(tail)
        for _ in 0..<2 { z += (StandardNormal.survival(z) - tail) / exp(StandardNormal.logDensity(z)) }
        return zip(coefficients, standardErrors).map { ($0 - z * $1, $0 + z * $1) }
    }

    /// The table in statsmodels' `RLM.summary()` layout (without its date and time lines).
    public var description: String {
        typealias F = SummaryFormat
        let width = 78
        func line(_ label: String, _ value: String, _ label2: String = "", _ value2: String = "") -> String {
            F.pad(label, 20) + F.pad(value, 17, right: true) + "   " + F.pad(label2, 20)
                + F.pad(value2, 18, right: true)
        }
        let title = "Robust Linear Model Regression Results"
        var lines = [F.pad("", (width - title.count) / 2) + title, String(repeating: "=", count: width)]
        let observed = isWeighted ? F.number(totalWeight) : "\(observations)"
        lines.append(line("Dep. Variable:", "y", "No. Observations:", observed))
        lines.append(line("Model:", isWeighted ? "RLM (weighted)" : "RLM", "Df Residuals:",
                          isWeighted ? F.number(degreesOfFreedom) : "\(Int(degreesOfFreedom))"))
        lines.append(line("Method:", "IRLS", "Df Model:", "\(modelDegreesOfFreedom)"))
        lines.append(line("Norm:", norm.description, "Scale:", F.number(scale)))
        lines.append(line("Scale Est.:", scaleEstimate.description))
        lines.append(line("Cov Type:", covarianceType.description))
        lines.append(line("No. Iterations:", "\(iterations)", "Converged:", converged ? "yes" : "no"))
        lines.append(String(repeating: "=", count: width))
        let nameWidth = Swift.max(10, (names.map(\.count).max() ?? 0) + 1)
        let header = ["coef", "std err", "z", "P>|z|", "[0.025", "0.975]"]
        // statsmodels' column widths: 11, and 12 for the interval's bounds.
        let widths = [11, 11, 11, 11, 12, 12]
        func row(_ cells: [String]) -> String { zip(cells, widths).map { F.pad($0, $1, right: true) }.joined() }
        lines.append(F.pad("", nameWidth) + row(header))
        lines.append(String(repeating: "-", count: width))
        let errors = standardErrors, z = zStatistics, p = pValues, intervals = confidenceIntervals()
        for k in 0..<coefficients.count {
            let cells = [Self.forg(coefficients[k], 4), Self.forg(errors[k], 3), Self.forg(z[k], 3),
                         String(format: "%.3f", p[k]), Self.forg(intervals[k].lower, 3), Self.forg(intervals[k].upper, 3)]
            lines.append(F.pad(names[k], nameWidth) + row(cells))
        }
        lines.append(String(repeating: "=", count: width))
        return lines.joined(separator: "\n")
    }

    /// statsmodels' `forg`: `prec` decimals, or 3 significant digits in `%g` for magnitudes
    /// ≥ 10⁴ or < 10⁻⁴ (zero aside).
    static func forg(_ x: Double, _ prec: Int) -> String {
        guard x.isFinite else { return "\(x)" }
        let a = Swift.abs(x)
        return a >= 1e4 || (a < 1e-4 && a != 0) ? String(format: "%.3g", x) : String(format: "%.\(prec)f", x)
    }
}
