#if canImport(Glibc)
import Glibc
#endif

extension LeastSquares {
    /// Fits `y ≈ c₀ + c₁x + … + c_k·x^k` (monomial basis, as NIST certifies) by least squares,
    /// carrying the design and the solve in double-double so that the answer is the exact one for
    /// the `Double` data given.
    ///
    /// A `Double` design cannot do this for high degrees: rounding `x^j` to 53 bits moves the
    /// least-squares answer by about the condition number times `2⁻⁵³` (NIST's Filip, degree 10:
    /// 7.6 correct digits at best through a `Matrix<Double>`). Here nothing is rounded until the
    /// end. The data are shifted and scaled exactly, `t = (x − m)/2ᵉ` with `m` the midpoint of
    /// `x`'s range and `2ᵉ` a power of two near its half-width; the powers of `t` are formed in
    /// double-double (an unevaluated sum of two `Double`s, about 32 digits); Householder QR solves
    /// the least-squares problem in double-double; the binomial change of basis back to powers
    /// of `x` is done in double-double too; and the coefficients are rounded to `Double` once.
    ///
    /// The result is the exact least-squares solution for the data to within double-double's
    /// rounding (a relative perturbation of about 10⁻³¹ of the data). On the NIST StRD polynomial
    /// data sets that is the exact solution correctly rounded, and it reproduces the certified
    /// values to 13.2–15 digits: all that their `Double`-rounded data determine (the data's own
    /// rounding sets that limit, not the solver). A coefficient far smaller than its share of
    /// `y` inherits that 10⁻³¹ amplified, as in any monomial fit: the intercept of data
    /// `10⁶ ± 20` fitted by a parabola comes out to about 10 digits (a `Double` design: none).
    ///
    /// ```swift
    /// let fit = try LeastSquares.polynomialFit(x: x, y: y, degree: 10)
    /// fit.coefficients          // c₀ … c₁₀
    /// fit.residualSumOfSquares; fit.conditionEstimate
    /// ```
    ///
    /// - Parameters:
    ///   - x: The predictor, one value per point.
    ///   - y: The response, one value per point.
    ///   - degree: `k ≥ 0`, the highest power of `x` (0 fits the mean).
    /// - Returns: The coefficients `c₀ … c_k`, the residual sum of squares, the rank and the
    ///   condition number of the monomial design.
    /// - Throws: ``DescentError/targetCountMismatch(rows:targets:)`` when `x` and `y` differ in
    ///   length; ``DescentError/noRows`` when they are empty;
    ///   ``DescentError/invalidOption(name:value:expected:)`` for `degree < 0` or fewer than
    ///   `degree + 1` points; ``DescentError/nonFiniteValue(at:)`` for NaN or ±∞ (`x` is reported
    ///   as feature column 0, `y` as the targets);
    ///   ``DescentError/unsolvable(method:reason:conditionEstimate:)`` when `x` has fewer than
    ///   `degree + 1` distinct values, or values so clustered that even double-double cannot
    ///   separate the powers to `Double`'s precision (the shifted basis's condition number times
    ///   `n` above 2⁵¹), or when the coefficients, the powers of `x` or the residual sum of
    ///   squares leave `Double`'s range.
    /// - Complexity: O(n·k²) double-double operations, O(n·k) memory, for `n` points.
    public static func polynomialFit(x: [Double], y: [Double], degree: Int) throws(DescentError) -> PolynomialFit {
        let k = degree
        guard k >= 0 else {
            throw .invalidOption(name: "degree", value: "\(k)", expected: "at least 0 (0 fits a constant)")
        }
        guard x.count == y.count else { throw .targetCountMismatch(rows: x.count, targets: y.count) }
        guard !x.isEmpty else { throw .noRows }
        if let i = x.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteValue(at: .features(row: i, column: 0)) }
        if let i = y.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteValue(at: .targets(index: i)) }
        let n = x.count
        guard k < n else {   // k + 1 ≤ n, written so that no degree overflows
            throw .invalidOption(name: "degree", value: "\(k)",
                                 expected: "at most \(n - 1) for \(n) point\(n == 1 ? "" : "s") "
                                     + "(a degree-k polynomial has k + 1 coefficients to determine)")
        }
        let p = k + 1
        let distinct = distinctCount(x, upTo: p)
        guard distinct >= p else {
            throw unsolvablePolynomial("x has only \(distinct) distinct value\(distinct == 1 ? "" : "s"), and a degree-\(k) "
                                           + "polynomial needs \(p): its powers are linearly dependent (rank deficient)",
                                       condition: .infinity)
        }

        // The design in powers of t, column-major, and its QR factorisation.
        let basis = PolynomialFitBasis(x)
        let t = x.map { basis.t($0) }
        var design = [DoubleDouble](repeating: .one, count: n * p)
        for j in stride(from: 1, to: p, by: 1) { for i in 0..<n { design[i + j * n] = design[i + (j - 1) * n] * t[i] } }
        let qr = DoubleDoubleQR(columnMajor: design, rows: n, columns: p, target: y.map { DoubleDouble($0) })
        let rtInverse = DoubleDoubleQR.inverseUpper(qr.r, size: p)
        let shiftedCondition = DoubleDoubleQR.scaledConditionNumber(qr.r, inverse: rtInverse, size: p)
        // Householder QR's error is about n·κ·2⁻¹⁰⁴ relative: beyond 2⁻⁵³ the coefficients could not
        // be promised to Double's precision, and the powers are dependent for practical purposes.
        guard shiftedCondition * Double(n) * 0x1p-104 <= 0x1p-53 else {
            throw unsolvablePolynomial("the powers of (x − \(basis.shift))/2^\(basis.exponent) up to degree \(k) are "
                                           + "numerically dependent even in double-double arithmetic (x's values are "
                                           + "too clustered for this degree)",
                                       condition: shiftedCondition)
        }
        let d = qr.solve()
        var residuals = y.map { DoubleDouble($0) }
        for i in 0..<n {
            for j in 0..<p { residuals[i] -= design[i + j * n] * d[j] }
        }

        // Back to powers of x.
        let tToX = basis.tToX(degree: k)
        let c = PolynomialFitBasis.apply(tToX, to: d)
        let r = DoubleDoubleQR.multiplyUpper(qr.r, basis.xToT(degree: k), size: p)
        let rInverse = DoubleDoubleQR.multiplyUpper(tToX, rtInverse, size: p)
        let condition = DoubleDoubleQR.scaledConditionNumber(r, inverse: rInverse, size: p, first: 1)
        var rss = DoubleDouble.zero
        for e in residuals { rss += e.squared }
        let coefficients = c.map(\.double)
        guard coefficients.allSatisfy(\.isFinite), r.allSatisfy(\.isFinite), rInverse.allSatisfy(\.isFinite),
              condition.isFinite, rss.isFinite else {
            throw unsolvablePolynomial("the coefficients, the powers of x up to x^\(k) or the residual sum of "
                                           + "squares leave Double's range (rescale x or y, e.g. to other units)",
                                       condition: nil)
        }
        let mean = ColumnStatistics.mean(y)
        let spread = y.reduce(0.0) { $0 + ($1 - mean) * ($1 - mean) }
        return PolynomialFit(coefficients: coefficients, degree: k, residualSumOfSquares: rss.double, rank: p,
                             conditionEstimate: condition, rows: n, extendedCoefficients: c, r: r,
                             rInverse: rInverse, residuals: residuals, totalSumOfSquares: spread,
                             rawConditionNumber: try SummaryFactor.rawConditionNumber(
                                 Matrix(rows: n, columns: k, validElements: x.flatMap { v in (0..<k).map { pow(v, Double($0 + 1)) } }),
                                 weights: [Double]?.none, intercept: true))
    }

    /// How many distinct values `x` holds, counting no further than `limit`.
    private static func distinctCount(_ x: [Double], upTo limit: Int) -> Int {
        var seen = Set<Double>()
        for value in x {
            seen.insert(value)   // −0 and +0 are one point: equal, and hashed alike
            if seen.count >= limit { break }
        }
        return seen.count
    }

    private static func unsolvablePolynomial(_ reason: String, condition: Double?) -> DescentError {
        .unsolvable(method: DescentError.polynomialFitMethod, reason: reason, conditionEstimate: condition)
    }
}
