/// What a fitted model needs to put intervals around its predictions, saved with it (the
/// `inference` key of the model file, format version 2): the covariance of its estimates, kept in
/// the orthonormal coordinates of its design, `V = L·M·Lᵀ` with `L = [[1/√W, −μᵀT], [0, T]]`
/// (`T = S·R⁻¹` from the centred, scaled QR), the residual variance and the degrees of freedom.
///
/// A new row's mean prediction has variance `aᵀMa` with `a = [1/√W; Tᵀ(x − μ)]`: centred, so the
/// ill-conditioned raw `(XᵀX)⁻¹` is never formed. Made by ``LeastSquaresSolution`` summaries
/// (``RegressionSummary/inference``); ``LinearModel/inference`` carries it.
public struct ModelInference: Sendable, Equatable, Codable {
    /// The covariance type, as statsmodels names it ("nonrobust", "HC3", "HAC", "cluster").
    public let covarianceType: String
    /// `n`, the rows fitted.
    public let observations: Int
    /// The degrees of freedom of the t quantiles (`n − p`, or `G − 1` for clusters).
    public let degreesOfFreedom: Int
    /// Whether intervals use the normal quantile instead of Student's t (statsmodels' default for
    /// a robust covariance).
    public let usesNormalDistribution: Bool
    /// `σ̂²`, the residual variance (of the `√w`-scaled residuals for WLS).
    public let residualVariance: Double
    /// Whether the model has an intercept.
    public let intercept: Bool
    /// `μ`, the (weighted) feature means, and `W = Σwᵢ`.
    let means: [Double]
    let totalWeight: Double
    /// `T`, row-major `d × d`; `M`, row-major `p × p`.
    let transform: [Double]
    let meat: [Double]

    init(covarianceType: String, observations: Int, degreesOfFreedom: Int, usesNormalDistribution: Bool,
         residualVariance: Double, intercept: Bool, means: [Double], totalWeight: Double, transform: [Double],
         meat: [Double]) {
        self.covarianceType = covarianceType
        self.observations = observations
        self.degreesOfFreedom = degreesOfFreedom
        self.usesNormalDistribution = usesNormalDistribution
        self.residualVariance = residualVariance
        self.intercept = intercept
        self.means = means
        self.totalWeight = totalWeight
        self.transform = transform
        self.meat = meat
    }

    /// `d`, the number of features.
    public var features: Int { means.count }

    /// Checks the arrays' sizes against each other (a saved file is read strictly).
    var isConsistent: Bool {
        let d = means.count, p = d + (intercept ? 1 : 0)
        return transform.count == d * d && meat.count == p * p && observations > 0 && degreesOfFreedom > 0
            && residualVariance >= 0 && totalWeight > 0 && (means + transform + meat).allSatisfy(\.isFinite)
    }

    /// The variance of the mean prediction at `x` (`d` values), `aᵀMa`.
    func meanVariance(_ x: [Double]) -> Double {
        let d = means.count, p = d + (intercept ? 1 : 0)
        var a = (0..<d).map { k in (0..<d).reduce(0.0) { $0 + (x[$1] - means[$1]) * transform[$1 * d + k] } }
        if intercept { a.insert(1 / totalWeight.squareRoot(), at: 0) }
        var total = 0.0
        for r in 0..<p { for c in 0..<p { total += a[r] * meat[r * p + c] * a[c] } }
        return total
    }

    /// The quantile `q(0.5 + level/2)` the intervals use.
    func quantile(level: Double) -> Double {
        Self.quantile(0.5 + level / 2, normal: usesNormalDistribution, degreesOfFreedom: degreesOfFreedom)
    }

    /// The quantile at `probability` of the standard normal distribution or of Student's t.
    static func quantile(_ probability: Double, normal: Bool, degreesOfFreedom: Int) -> Double {
        normal ? StandardNormal.quantile(probability) : StudentT.quantile(probability, degreesOfFreedom: Double(degreesOfFreedom))
    }
}

/// Predictions for new rows with their intervals, as statsmodels'
/// `get_prediction(X).summary_frame(alpha)`: the mean `x̃ᵀβ`, its standard error `√(x̃ᵀVx̃)` under
/// the fit's covariance, the mean's confidence interval `mean ± q·se`, and the observation's
/// prediction interval `mean ± q·√(se² + σ̂²)` (a new row of unit weight), with `q` the t quantile
/// (`ν` = ``ModelInference/degreesOfFreedom``) or, for robust covariances by default, the normal one.
public struct RegressionPrediction: Sendable {
    /// The mean predictions, one per row.
    public let mean: [Double]
    /// Their standard errors.
    public let standardErrors: [Double]
    /// The standard errors of a new observation, `√(se² + σ̂²)`.
    public let observationStandardErrors: [Double]
    /// The mean's confidence intervals at ``level``.
    public let meanIntervals: [(lower: Double, upper: Double)]
    /// The observations' prediction intervals at ``level``.
    public let observationIntervals: [(lower: Double, upper: Double)]
    /// The confidence level.
    public let level: Double
}

extension LinearModel {
    /// Predictions for the rows of `features` with confidence and prediction intervals, from the
    /// saved ``inference`` (a model fitted by ``LeastSquares`` and summarised, or loaded from a
    /// file that has it).
    ///
    /// ```swift
    /// var model = fit.model
    /// model.inference = try fit.summary(features: X, targets: y, covariance: .hc3).inference
    /// let p = try model.prediction(for: newX, level: 0.95)
    /// ```
    ///
    /// - Parameters:
    ///   - features: `m × d` new rows.
    ///   - level: The confidence level, in (0, 1).
    /// - Returns: Means, standard errors and intervals, one per row.
    /// - Throws: ``DescentError/invalidOption(name:value:expected:)`` without ``inference`` or for a
    ///   level outside (0, 1); ``DescentError/weightCountMismatch(weights:features:)`` and
    ///   ``DescentError/nonFiniteValue(at:)`` for unusable rows.
    /// - Complexity: O(m·d²).
    public func prediction(for features: Matrix<Scalar>, level: Double = 0.95) throws(DescentError) -> RegressionPrediction {
        guard let inference else {
            throw .invalidOption(name: "inference", value: "nil",
                                 expected: "a model with its inference (a least-squares fit's summary(...).inference)")
        }
        guard level > 0, level < 1 else {
            throw .invalidOption(name: "level", value: "\(level)", expected: "a confidence level in (0, 1)")
        }
        try checkWidth(features.columns)
        try Validation.checkFinite(features)
        let q = inference.quantile(level: level)
        var mean = [Double](), se = [Double](), observation = [Double]()
        features.forEachRow { _, row in
            let x = (0..<features.columns).map { Double(row[$0]) }
            var prediction = Double.Accumulator(bias)
            for j in 0..<x.count { prediction += Double.Accumulator(weights[j]) * Double.Accumulator(x[j]) }
            let variance = Swift.max(0, inference.meanVariance(x))
            mean.append(Double(prediction))
            se.append(variance.squareRoot())
            observation.append((variance + inference.residualVariance).squareRoot())
        }
        return RegressionPrediction(mean: mean, standardErrors: se, observationStandardErrors: observation,
                                    meanIntervals: zip(mean, se).map { ($0 - q * $1, $0 + q * $1) },
                                    observationIntervals: zip(mean, observation).map { ($0 - q * $1, $0 + q * $1) },
                                    level: level)
    }
}
