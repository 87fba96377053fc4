extension LeastSquaresSolution {
    /// The residual tests and the influence of every row, in closed form from the QR factor (no
    /// refits, nothing `n × n`), as statsmodels' `OLSInfluence` and R's `influence.measures` define
    /// them (see ``RegressionDiagnostics``).
    ///
    /// ```swift
    /// let d = try fit.diagnostics(features: X, targets: y)
    /// d.durbinWatson; d.jarqueBera; d.leverage; d.cooksDistance; d.dffits
    /// ```
    ///
    /// - Parameters:
    ///   - features: The features the solution was computed from.
    ///   - targets: The targets.
    ///   - weights: The weights of a weighted fit (`nil` for OLS): the measures are then those of
    ///     the `√w`-scaled problem, as R's `lm(weights =)`.
    /// - Returns: The diagnostics.
    /// - Throws: as ``summary(features:targets:featureNames:covariance:useT:)-(Matrix<Scalar>,_,_,_,_)``.
    /// - Complexity: O(n·d²), two passes over the rows after the summary's QR.
    public func diagnostics(features: Matrix<Scalar>, targets: [Scalar],
                            weights: [Scalar]? = nil) throws(DescentError) -> RegressionDiagnostics {
        var design: SummaryDesign?
        let summary = try summarize(features: features, targets: targets, weights: weights, featureNames: nil,
                                    covariance: .nonrobust, useT: nil, design: &design)
        let weightSum = weights.map { $0.reduce(0.0) { $0 + Double($1) } } ?? Double(features.rows)
        let basis = InferenceBasis(design!.factor, totalWeight: weightSum)
        let pass = try inferencePass(basis: basis, targetMean: 0, rows: features.rows)
            .inMemory(features, targets, weights: weights, covariance: .nonrobust, keepRows: true)
        return RegressionDiagnostics(residualTests: summary.residualTests!, conditionNumber: summary.conditionNumber,
                                     residuals: pass.residuals, leverage: pass.leverage,
                                     parameters: basis.parameters)
    }

    /// Predictions for new rows with the mean's confidence interval and the observation's
    /// prediction interval, under any covariance type, as statsmodels'
    /// `fit(cov_type=…).get_prediction(newX).summary_frame(alpha = 1 − level)`.
    ///
    /// ```swift
    /// let p = try fit.prediction(for: newX, features: X, targets: y, level: 0.95)
    /// p.mean; p.meanIntervals; p.observationIntervals
    /// ```
    ///
    /// - Parameters:
    ///   - newFeatures: `m × d` rows to predict.
    ///   - features: The features the solution was computed from.
    ///   - targets: The targets.
    ///   - weights: The weights of a weighted fit (`nil` for OLS); a new observation has weight 1.
    ///   - level: The confidence level, in (0, 1).
    ///   - covariance: The estimates' covariance (``LeastSquares/Covariance``), classical by default.
    ///   - useT: t or normal quantiles, as for ``summary(features:targets:featureNames:covariance:useT:)-(Matrix<Scalar>,_,_,_,_)``.
    /// - Returns: Means, standard errors, intervals.
    /// - Throws: as the summary, and as ``LinearModel/prediction(for:level:)``.
    /// - Complexity: O(n·d² + m·d²).
    public func prediction(for newFeatures: Matrix<Scalar>, features: Matrix<Scalar>, targets: [Scalar],
                           weights: [Scalar]? = nil, level: Double = 0.95,
                           covariance: LeastSquares.Covariance = .nonrobust,
                           useT: Bool? = nil) throws(DescentError) -> RegressionPrediction {
        var model = self.model
        model.inference = try summarize(features: features, targets: targets, weights: weights, featureNames: nil,
                                        covariance: covariance, useT: useT).inference
        return try model.prediction(for: newFeatures, level: level)
    }
}

/// The residual tests of a least-squares fit (``ResidualTests``, statsmodels' table under its
/// summary) and the influence of each row, in closed form (statsmodels' `OLSInfluence`, R's
/// `influence.measures`), with `p` parameters, `σ̂² = Σeⱼ²/(n − p)` and the leverage `hᵢ`:
///
/// - internally studentised residual `rᵢ = eᵢ/(σ̂√(1 − hᵢ))` (R's `rstandard`);
/// - externally studentised `tᵢ = eᵢ/(σ̂₍ᵢ₎√(1 − hᵢ))`, `σ̂₍ᵢ₎² = ((n − p)σ̂² − eᵢ²/(1 − hᵢ))/(n − p − 1)`,
///   the residual variance without row `i` (R's `rstudent`);
/// - Cook's distance `rᵢ²hᵢ/(p(1 − hᵢ))`;
/// - DFFITS `tᵢ√(hᵢ/(1 − hᵢ))`.
///
/// A row of leverage 1 has NaN studentised residuals (its residual is zero by construction).
public struct RegressionDiagnostics: Sendable {
    /// The tests on the residuals.
    public let residualTests: ResidualTests
    /// statsmodels' condition number of the design with its constant.
    public let conditionNumber: Double
    /// The (`√w`-scaled) residuals `eᵢ`.
    public let residuals: [Double]
    /// The leverages `hᵢ`, the diagonal of the hat matrix.
    public let leverage: [Double]
    /// `rᵢ`, internally studentised.
    public let studentizedResiduals: [Double]
    /// `tᵢ`, externally studentised.
    public let externallyStudentizedResiduals: [Double]
    /// Cook's distances.
    public let cooksDistance: [Double]
    /// DFFITS.
    public let dffits: [Double]

    /// Durbin–Watson's statistic.
    public var durbinWatson: Double { residualTests.durbinWatson }
    /// The Jarque–Bera statistic.
    public var jarqueBera: Double { residualTests.jarqueBera }
    /// Its p-value.
    public var jarqueBeraPValue: Double { residualTests.jarqueBeraPValue }
    /// D'Agostino–Pearson's omnibus statistic.
    public var omnibus: Double { residualTests.omnibus }
    /// Its p-value.
    public var omnibusPValue: Double { residualTests.omnibusPValue }
    /// The residuals' skewness.
    public var skew: Double { residualTests.skew }
    /// Their kurtosis (Pearson's).
    public var kurtosis: Double { residualTests.kurtosis }

    init(residualTests: ResidualTests, conditionNumber: Double, residuals e: [Double], leverage h: [Double],
         parameters p: Int) {
        self.residualTests = residualTests
        self.conditionNumber = conditionNumber
        residuals = e
        leverage = h
        let n = e.count, df = Double(n - p)
        let variance = e.reduce(0.0) { $0 + $1 * $1 } / df
        let inner = (0..<n).map { e[$0] / (variance * (1 - h[$0])).squareRoot() }
        let external = (0..<n).map { i in
            let without = (df * variance - e[i] * e[i] / (1 - h[i])) / (df - 1)
            return e[i] / (without * (1 - h[i])).squareRoot()
        }
        studentizedResiduals = inner
        externallyStudentizedResiduals = external
        cooksDistance = (0..<n).map { inner[$0] * inner[$0] * h[$0] / (Double(p) * (1 - h[$0])) }
        dffits = (0..<n).map { external[$0] * (h[$0] / (1 - h[$0])).squareRoot() }
    }
}
