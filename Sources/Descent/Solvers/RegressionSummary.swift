#if canImport(Glibc)
import Glibc
#endif

/// The inference summary of an exact least-squares fit: the numbers statsmodels' `OLS.summary()`
/// (and `WLS`) reports, with the intercept first, then the weights.
///
/// ```swift
/// let fit = try LeastSquares.solve(X, y)
/// let s = try fit.summary(features: X, targets: y)
/// s.standardErrors; s.pValues; s.confidenceIntervals(level: 0.95); print(s)
/// ```
///
/// Conventions, as statsmodels: `p` parameters (the intercept counts), residual degrees of freedom
/// `n − p`, `σ̂² = RSS/(n − p)`; R² centred with an intercept and uncentred (`1 − RSS/Σyᵢ²`)
/// without; the F test of all weights against none; a Gaussian log-likelihood; `AIC = −2ℓ + 2p`,
/// `BIC = −2ℓ + p·ln n`; the condition number `√(λmax/λmin)` of `XᵀX` with the constant column, on
/// the raw (for WLS, `√w`-weighted) columns. Two-sided p-values and intervals use Student's t with
/// `n − p` degrees of freedom for the classical covariance; a robust one
/// (``LeastSquares/Covariance``) uses the normal distribution unless t is asked for, as
/// statsmodels' `use_t`, and its F statistic is the Wald test of the weights under that covariance.
public struct RegressionSummary: Sendable, CustomStringConvertible {
    /// The terms' names: `const` (with an intercept), then the feature names (or `x1`, `x2`, …).
    public internal(set) var names: [String]
    /// The estimates, intercept first.
    public let coefficients: [Double]
    /// Their standard errors.
    public let standardErrors: [Double]
    /// `coefficient / standard error`.
    public let tStatistics: [Double]
    /// Two-sided p-values `P(|T| > |t|)`: Student's t with ``testDegreesOfFreedom``, or the
    /// standard normal when ``usesNormalDistribution``.
    public let pValues: [Double]
    /// The covariance behind the standard errors, as statsmodels names it ("nonrobust", "HC3",
    /// "HAC", "cluster").
    public let covarianceType: String
    /// The estimates' covariance matrix, `p × p`, intercept first.
    public let covarianceMatrix: [[Double]]?
    /// Whether tests and intervals use the normal distribution (statsmodels' `use_t=False`, its
    /// default for robust covariances): the table's statistic is then `z`.
    public let usesNormalDistribution: Bool
    /// The degrees of freedom of the t tests and intervals: ``degreesOfFreedom`` (`n − p`), or
    /// `G − 1` for clustered covariances.
    public let testDegreesOfFreedom: Int
    /// The tests on the residuals statsmodels prints under its table (Omnibus, Jarque–Bera, skew,
    /// kurtosis, Durbin–Watson).
    public let residualTests: ResidualTests?
    /// What prediction intervals need (``LinearModel/inference``): this covariance in the design's
    /// orthonormal coordinates, `σ̂²` and the degrees of freedom.
    public let inference: ModelInference?
    /// The number of observations (rows), zero weights included, as statsmodels counts them.
    public let observations: Int
    /// Residual degrees of freedom, `n − p`.
    public let degreesOfFreedom: Int
    /// Model degrees of freedom: the number of weights (the intercept not counted).
    public let modelDegreesOfFreedom: Int
    /// `σ̂ = √(RSS/(n − p))` (weighted RSS for WLS).
    public let residualStandardError: Double
    /// R² (uncentred when the fit has no intercept, as statsmodels labels it).
    public let rSquared: Double
    /// Adjusted R², `1 − (1 − R²)(n − c)/(n − p)` with `c` = 1 with an intercept, 0 without.
    public let adjustedRSquared: Double
    /// The F statistic of the fit against the model without weights.
    public let fStatistic: Double
    /// Its p-value, `P(F > f)`.
    public let fPValue: Double
    /// The Gaussian log-likelihood at the estimates.
    public let logLikelihood: Double
    /// Akaike's information criterion, `−2ℓ + 2p`.
    public let aic: Double
    /// Bayes' (Schwarz's) information criterion, `−2ℓ + p·ln n`.
    public let bic: Double
    /// statsmodels' condition number: `√(λmax/λmin)` of `XᵀX` on the raw columns, the constant included.
    public let conditionNumber: Double
    /// Descent's own estimate on the centred, unit-norm columns (what limits the solver's accuracy).
    public let scaledConditionNumber: Double
    /// Whether the fit has an intercept.
    public let hasIntercept: Bool
    /// Whether this is a weighted (WLS) fit.
    public let isWeighted: Bool
    /// Warnings a reader should see, e.g. a large condition number.
    public let notes: [String]

    /// Confidence intervals `coefficient ± q·standard error` at `level` (e.g. 0.95), intercept
    /// first: `q` is `t(1 − α/2; ν)` with ``testDegreesOfFreedom``, or the normal quantile when
    /// ``usesNormalDistribution``.
    ///
    /// - Parameter level: The confidence level, in (0, 1).
    /// - Returns: `(lower, upper)` per term; NaN bounds for a level outside (0, 1).
    public func confidenceIntervals(level: Double = 0.95) -> [(lower: Double, upper: Double)] {
        guard level > 0, level < 1, testDegreesOfFreedom > 0 else {
            return coefficients.map { _ in (Double.nan, Double.nan) }
        }
        let t = ModelInference.quantile(0.5 + level / 2, normal: usesNormalDistribution, degreesOfFreedom: testDegreesOfFreedom)
        return zip(coefficients, standardErrors).map { ($0 - t * $1, $0 + t * $1) }
    }

    /// Everything the summary needs, from any exact fit.
    struct Inputs {
        var names: [String]
        var coefficients: [Double]
        var standardErrors: [Double]
        var observations: Int
        var hasIntercept: Bool
        var isWeighted: Bool
        /// The (weighted) residual sum of squares, and the (weighted) total sum of squares about
        /// the mean with an intercept, about zero without.
        var residualSumOfSquares: Double
        var totalSumOfSquares: Double
        /// `½·Σ ln wᵢ` over the positive weights (0 unweighted), for the WLS log-likelihood.
        var halfLogWeights: Double
        var conditionNumber: Double
        var scaledConditionNumber: Double
        var covarianceType = "nonrobust"
        var covarianceMatrix: [[Double]]? = nil
        var usesNormalDistribution = false
        /// The t tests' degrees of freedom when not `n − p`.
        var testDegreesOfFreedom: Int? = nil
        /// The robust Wald F statistic of the weights and its p-value.
        var wald: (statistic: Double, pValue: Double)? = nil
        var residualTests: ResidualTests? = nil
        var inference: ModelInference? = nil
    }

    /// The two-sided p-value of `statistic`, normal or Student's t.
    static func twoSidedPValue(_ statistic: Double, normal: Bool, degreesOfFreedom: Int) -> Double {
        normal ? 2 * StandardNormal.survival(Swift.abs(statistic))
            : degreesOfFreedom > 0 ? StudentT.twoSidedPValue(statistic, degreesOfFreedom: Double(degreesOfFreedom)) : .nan
    }

    init(_ inputs: Inputs) {
        let p = inputs.coefficients.count, n = inputs.observations
        let df = n - p
        names = inputs.names
        coefficients = inputs.coefficients
        standardErrors = inputs.standardErrors
        observations = n
        degreesOfFreedom = df
        modelDegreesOfFreedom = p - (inputs.hasIntercept ? 1 : 0)
        hasIntercept = inputs.hasIntercept
        isWeighted = inputs.isWeighted
        let rss = inputs.residualSumOfSquares, tss = inputs.totalSumOfSquares
        let nu = Double(df)
        residualStandardError = df > 0 ? (rss / nu).squareRoot() : .nan
        tStatistics = zip(coefficients, standardErrors).map { $0 / $1 }
        covarianceType = inputs.covarianceType
        covarianceMatrix = inputs.covarianceMatrix
        usesNormalDistribution = inputs.usesNormalDistribution
        testDegreesOfFreedom = inputs.testDegreesOfFreedom ?? df
        residualTests = inputs.residualTests
        inference = inputs.inference
        let normal = usesNormalDistribution, testDF = testDegreesOfFreedom
        pValues = tStatistics.map { df > 0 ? Self.twoSidedPValue($0, normal: normal, degreesOfFreedom: testDF) : .nan }
        rSquared = tss > 0 ? 1 - rss / tss : (rss == 0 ? 1 : 0)
        let c = inputs.hasIntercept ? 1.0 : 0.0
        adjustedRSquared = df > 0 ? 1 - (1 - rSquared) * (Double(n) - c) / nu : .nan
        let modelDF = Double(modelDegreesOfFreedom)
        if let wald = inputs.wald {
            (fStatistic, fPValue) = wald
        } else {
            fStatistic = modelDF > 0 && df > 0 ? ((tss - rss) / modelDF) / (rss / nu) : .nan
            fPValue = fStatistic.isNaN ? .nan
                : FisherF.survival(fStatistic, numerator: modelDF, denominator: nu)
        }
        let nn = Double(n)
        logLikelihood = -nn / 2 * (log(2 * Double.pi) + log(rss / nn) + 1) + inputs.halfLogWeights
        aic = -2 * logLikelihood + 2 * Double(p)
        bic = -2 * logLikelihood + Double(p) * log(nn)
        conditionNumber = inputs.conditionNumber
        scaledConditionNumber = inputs.scaledConditionNumber
        var notes = [String]()
        if conditionNumber > 1000 {
            notes.append("The condition number is large, \(formatScientific(conditionNumber)): there may be strong "
                         + "multicollinearity or other numerical problems (Descent's scaled estimate, which bounds its "
                         + "own accuracy, is \(formatScientific(scaledConditionNumber))).")
        }
        if df <= 0 { notes.append("No residual degrees of freedom: standard errors and tests are undefined.") }
        self.notes = notes
    }
}
