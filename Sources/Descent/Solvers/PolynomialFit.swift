/// The result of ``LeastSquares/polynomialFit(x:y:degree:)``: the least-squares polynomial
/// `y ≈ c₀ + c₁x + … + c_k·x^k` in the monomial basis of the caller's `x`.
///
/// The design and the solve are carried in double-double (about 32 digits) and the coefficients
/// rounded to `Double` once, so none of the 53-bit rounding of `x^j` that limits a `Double`
/// design (Filip: 7.6 digits) enters: the coefficients are the exact least-squares solution for
/// the `Double` data given, to within double-double's rounding.
public struct PolynomialFit: Sendable {
    /// `c₀ … c_k`: `coefficients[j]` multiplies `x^j`.
    public let coefficients: [Double]
    /// `k`, the highest power of `x`.
    public let degree: Int
    /// `Σᵢ (yᵢ − p(xᵢ))²` at the solution, accumulated in double-double and rounded once.
    public let residualSumOfSquares: Double
    /// The rank of the design `[1, x, …, x^k]`: always `degree + 1`, since a rank-deficient fit
    /// throws instead (it needs at least `degree + 1` distinct, separable values of `x`).
    public let rank: Int
    /// The 1-norm condition number of the centred, column-scaled features `x, x², …, x^k`: what
    /// ``LeastSquaresSolution/conditionEstimate`` reports for the same columns passed as a
    /// `Matrix` (1 for degree 0). Computed exactly from the double-double `R` factor, not
    /// estimated. It measures how sensitive the monomial coefficients are to the data; the solve
    /// itself runs in a shifted, scaled basis that is far better conditioned (Filip: 5·10⁹ here,
    /// 2·10³ there), so a large value here does not by itself mean digits lost in the computation.
    public let conditionEstimate: Double

    // MARK: What an inference summary needs (standard errors, intervals, tests)

    /// `n`, the number of points fitted.
    let rows: Int
    /// The coefficients before rounding to `Double`.
    let extendedCoefficients: [DoubleDouble]
    /// `R` of the QR factorisation of the monomial design `V = [1, x, …, x^k]` (`VᵀV = RᵀR`):
    /// `(k+1) × (k+1)` upper triangular, row-major, in the basis of the caller's `x`. Computed as
    /// `R_t·M` from the factorisation in the shifted basis (``PolynomialFitBasis``); entries
    /// grow like the columns `‖x^j‖`.
    let r: [DoubleDouble]
    /// `R⁻¹`, same layout, computed as `M⁻¹·R_t⁻¹` (never by inverting the ill-conditioned `R`):
    /// `(VᵀV)⁻¹ = R⁻¹·R⁻ᵀ`, so the unscaled variance of `c_j` is the squared 2-norm of row `j`.
    let rInverse: [DoubleDouble]
    /// `yᵢ − p(xᵢ)` at the double-double solution, for every point in order.
    let residuals: [DoubleDouble]
    /// `Σ(yᵢ − ȳ)²`, for R².
    let totalSumOfSquares: Double
    /// statsmodels' condition number of the monomial design `[1, x, …, x^k]` (see ``RegressionSummary/conditionNumber``).
    let rawConditionNumber: Double

    /// The inference summary: standard errors from the double-double factorisation (as NIST
    /// certifies them), t statistics, p-values, intervals, R² and the rest (see ``RegressionSummary``).
    /// The terms are `const`, `x`, `x^2`, …, `x^k`.
    ///
    /// - Returns: The summary.
    /// - Throws: ``DescentError/unsolvable(method:reason:conditionEstimate:)`` when `n = k + 1`
    ///   leaves no degrees of freedom.
    public func summary() throws(DescentError) -> RegressionSummary {
        guard let errors = standardErrors else {
            throw .unsolvable(method: "summary", reason: "\(rows) points leave no residual degrees of freedom for "
                                  + "\(degree + 1) coefficients", conditionEstimate: nil)
        }
        return RegressionSummary(.init(
            names: ["const"] + (0..<degree).map { $0 == 0 ? "x" : "x^\($0 + 1)" }, coefficients: coefficients,
            standardErrors: errors, observations: rows, hasIntercept: true, isWeighted: false,
            residualSumOfSquares: residualSumOfSquares, totalSumOfSquares: totalSumOfSquares, halfLogWeights: 0,
            conditionNumber: rawConditionNumber, scaledConditionNumber: conditionEstimate))
    }

    /// The standard error of each coefficient, `s·√((VᵀV)⁻¹)ⱼⱼ` with
    /// `s² = RSS/(n − k − 1)`, as NIST certifies them; `nil` when `n = k + 1` (no degrees of
    /// freedom left for `s`). For the inference summary to come; tested against NIST's values.
    var standardErrors: [Double]? {
        let p = degree + 1
        guard rows > p else { return nil }
        var rss = DoubleDouble.zero
        for e in residuals { rss += e.squared }
        let variance = rss / Double(rows - p)
        return (0..<p).map { j in
            var sum = DoubleDouble.zero
            for c in j..<p { sum += rInverse[j * p + c].squared }
            return (variance * sum).squareRoot().double
        }
    }
}
