extension LeastSquares {
    /// The variance inflation factor of every feature: `VIFⱼ = 1/(1 − Rⱼ²)`, `Rⱼ²` that of the
    /// regression of feature `j` on the others.
    ///
    /// With `intercept: true` (default) that regression has a constant and `Rⱼ²` is centred: R's
    /// `car::vif` and statsmodels' `variance_inflation_factor` on a design with its constant column
    /// (`VIFⱼ` is the `j`-th diagonal entry of the inverse correlation matrix). With `false`, no
    /// constant and the uncentred `Rⱼ²` (`1 − RSS/Σxᵢⱼ²`): what statsmodels' function returns on a
    /// design without a constant column (statsmodels#2376 — not the centred VIF users often expect).
    /// Either way from `R` of the QR of the (centred) unit-norm columns, `VIFⱼ = ‖row j of R⁻¹‖²`:
    /// never a matrix inverse of `XᵀX`.
    ///
    /// ```swift
    /// let v = try LeastSquares.varianceInflationFactors(X)     // one per column of X
    /// ```
    ///
    /// - Parameters:
    ///   - features: The `n × d` features (no constant column).
    ///   - intercept: Centred (`true`) or uncentred (`false`) `Rⱼ²`.
    /// - Returns: `d` factors, ≥ 1 (with an intercept).
    /// - Throws: ``DescentError`` for no rows or features, non-finite values, or linearly dependent
    ///   features (a VIF is then infinite).
    /// - Complexity: O(n·d² + d³).
    public static func varianceInflationFactors<Scalar: BLASScalar>(_ features: Matrix<Scalar>,
                                                                   intercept: Bool = true) throws(DescentError) -> [Double] {
        guard features.rows > 0 else { throw .noRows }
        guard features.columns > 0 else { throw .noFeatures }
        try Validation.checkFinite(features)
        let zeros = [Scalar](repeating: 0, count: features.rows)
        let factor = try SummaryFactor(features, zeros, weights: nil, intercept: intercept)
        let basis = InferenceBasis(factor, totalWeight: Double(features.rows))
        let d = features.columns
        // T = S·R⁻¹, so row j of R⁻¹ is row j of T over sⱼ.
        return (0..<d).map { j in
            (0..<d).reduce(0.0) { $0 + basis.transform[j * d + $1] * basis.transform[j * d + $1] } / (factor.scales[j] * factor.scales[j])
        }
    }
}
