extension RobustRegression {
    /// Fits a robust regression (statsmodels' `RLM`) of a formula on a table: builds the design
    /// (``Formula/design(_:as:)``), then calls
    /// ``fit(_:_:norm:scale:weights:intercept:tolerance:maxIterations:)``. The fit's model carries
    /// the design and patsy's names, and its summary names the intercept `Intercept`, as
    /// `smf.rlm(formula, df)` does.
    ///
    /// - Parameters:
    ///   - formula: The formula, one target on the left.
    ///   - data: The table.
    ///   - norm: The robust norm.
    ///   - scale: The scale estimate (default MAD).
    ///   - weights: The name of a column of observation weights, if any.
    ///   - as: The precision (default `Double`).
    /// - Returns: The fit.
    /// - Throws: as ``Formula/design(_:as:)`` and the matrix fit.
    public static func fit<Scalar: BLASScalar>(formula: String, data: Table, norm: Norm, scale: Scale = .mad,
                                               weights: String? = nil, as: Scalar.Type = Double.self)
        throws(DescentError) -> RobustRegressionFit<Scalar> {
        let (design, w) = try formulaData(formula, data: data, weights: weights, as: Scalar.self)
        var fit = try LeastSquares.naming(design.featureNames) { () throws(DescentError) in
            try Self.fit(design.features, design.targets, norm: norm, scale: scale, weights: w,
                         intercept: design.design.hasIntercept)
        }
        fit.model.featureNames = design.featureNames
        fit.model.design = design.design
        return fit
    }

    /// The design of a one-target formula and the weights column at its rows.
    static func formulaData<Scalar: BLASScalar>(_ formula: String, data: Table, weights: String?,
                                                as: Scalar.Type) throws(DescentError) -> (DesignMatrix<Scalar>, [Scalar]?) {
        let design: DesignMatrix<Scalar> = try Formula(formula).design(data, requiring: weights.map { [$0] } ?? [])
        guard design.targetNames.count == 1 else {
            throw .invalidOption(name: "formula", value: formula.debugDescription, expected: "one target on the left of '~'")
        }
        let w = try weights.map { (name) throws(DescentError) in try data.numbers(name, rows: design.rows, as: Scalar.self) }
        return (design, w)
    }
}

extension QuantileRegression {
    /// Fits the τ-quantile of a formula on a table exactly (statsmodels' `smf.quantreg`): builds
    /// the design, then calls ``fit(_:_:quantile:weights:intercept:)``; the model carries the design
    /// and patsy's names.
    ///
    /// - Parameters:
    ///   - formula: The formula, one target on the left.
    ///   - data: The table.
    ///   - quantile: τ in (0, 1).
    ///   - weights: The name of a column of observation weights, if any.
    /// - Returns: The fit.
    /// - Throws: as ``Formula/design(_:as:)`` and the matrix fit.
    public static func fit(formula: String, data: Table, quantile: Double,
                           weights: String? = nil) throws(DescentError) -> QuantileRegression {
        let (design, w) = try RobustRegression.formulaData(formula, data: data, weights: weights, as: Scalar.self)
        var fit = try LeastSquares.naming(design.featureNames) { () throws(DescentError) in
            try Self.fit(design.features, design.targets, quantile: quantile, weights: w,
                         intercept: design.design.hasIntercept)
        }
        fit.model.featureNames = design.featureNames
        fit.model.design = design.design
        return fit
    }
}
