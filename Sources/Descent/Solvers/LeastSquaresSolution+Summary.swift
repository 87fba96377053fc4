#if canImport(Glibc)
import Glibc
#endif

extension LeastSquaresSolution {
    /// The inference summary of this fit on the data it was fitted to (see ``RegressionSummary``).
    ///
    /// Standard errors come from `R` of the QR factorisation of the centred, column-scaled design
    /// `A = (X − 1μᵀ)S` (`AᵀA = RᵀR`): `Var(wⱼ) = σ̂²·sⱼ²·‖row j of R⁻¹‖²`, and the intercept's
    /// variance through the centring, `Var(b) = σ̂²·(1/n + ‖R⁻ᵀSμ‖²)` — never by inverting `XᵀX`.
    ///
    /// With a robust `covariance` (``LeastSquares/Covariance``: HC0–HC3, HAC, clusters) the
    /// standard errors are the sandwich's, from one more pass over the rows
    /// (``RegressionSummary/covarianceType`` names it); tests then use the normal distribution
    /// unless `useT` is `true`, as statsmodels. The table under the terms (Omnibus, Jarque–Bera,
    /// skew, kurtosis, Durbin–Watson, condition number) is ``RegressionSummary/residualTests``.
    ///
    /// ```swift
    /// let robust = try fit.summary(features: X, targets: y, covariance: .hc3)
    /// let clustered = try fit.summary(features: X, targets: y, covariance: .cluster(groups: firm))
    /// ```
    ///
    /// - Parameters:
    ///   - features: The features the solution was computed from.
    ///   - targets: The targets it was computed from.
    ///   - featureNames: Names for the weights' rows of the table (default: the model's names, or `x1`, `x2`, …).
    ///   - covariance: The estimates' covariance, ``LeastSquares/Covariance/nonrobust`` by default.
    ///   - useT: Student's t (`true`) or the normal distribution (`false`) for tests and intervals;
    ///     `nil` (default) is statsmodels' choice: t for the classical covariance, normal for the others.
    /// - Returns: Coefficients, standard errors, t statistics, p-values, intervals, R², F, log-likelihood, AIC, BIC.
    /// - Throws: ``DescentError`` for data of another shape than the model, non-finite values, no
    ///   residual degrees of freedom, rank-deficient features (standard errors are then undefined),
    ///   cluster labels that are not one per row (or fewer than two clusters), negative lags,
    ///   or a factor and copy of the design that do not fit in memory
    ///   (``DescentError/insufficientMemory(needed:available:what:remedies:)``).
    /// - Complexity: O(n·d²): one QR pass over the data and one over the raw columns; a robust
    ///   covariance adds one pass of O(n·d²) (two for HAC's automatic bandwidth).
    public func summary(features: Matrix<Scalar>, targets: [Scalar], featureNames: [String]? = nil,
                        covariance: LeastSquares.Covariance = .nonrobust,
                        useT: Bool? = nil) throws(DescentError) -> RegressionSummary {
        try summarize(features: features, targets: targets, weights: nil, featureNames: featureNames,
                      covariance: covariance, useT: useT)
    }

    /// The inference summary of a weighted fit
    /// (``LeastSquares/solve(_:_:weights:intercept:method:ridge:)->LeastSquaresSolution<Scalar>``),
    /// as statsmodels' `WLS` reports it: `σ̂² = Σwᵢrᵢ²/(n − p)`, R² about the weighted mean, and the
    /// log-likelihood with its `½Σ ln wᵢ` term.
    ///
    /// - Parameters:
    ///   - features: The features the solution was computed from.
    ///   - targets: The targets.
    ///   - weights: The weights it was computed with.
    ///   - featureNames: Names for the table, as for the unweighted summary.
    ///   - covariance: The estimates' covariance: robust types use the `√w`-scaled design and
    ///     residuals, as statsmodels' `WLS.fit(cov_type=)` and R's `sandwich` on `lm(weights =)`.
    ///   - useT: As for the unweighted summary.
    /// - Returns: The summary.
    /// - Throws: as ``summary(features:targets:featureNames:covariance:useT:)-(Matrix<Scalar>,_,_,_,_)``, and for unusable weights.
    /// - Complexity: as the unweighted summary.
    public func summary(features: Matrix<Scalar>, targets: [Scalar], weights: [Scalar],
                        featureNames: [String]? = nil, covariance: LeastSquares.Covariance = .nonrobust,
                        useT: Bool? = nil) throws(DescentError) -> RegressionSummary {
        try summarize(features: features, targets: targets, weights: weights, featureNames: featureNames,
                      covariance: covariance, useT: useT)
    }

    /// The summary, weighted when `weights` are given.
    ///
    /// `constantImplied` says that the features span a constant without an intercept (a
    /// categorical factor coded full rank by a formula without one): R², its adjusted form and
    /// F are then centred with `p − 1` model degrees of freedom, as statsmodels' `k_constant`
    /// detects and reports it.
    func summarize(features: Matrix<Scalar>, targets: [Scalar], weights: [Scalar]?, featureNames: [String]?,
                   covariance: LeastSquares.Covariance = .nonrobust, useT: Bool? = nil,
                   constantImplied: Bool = false) throws(DescentError) -> RegressionSummary {
        var design: SummaryDesign?
        return try summarize(features: features, targets: targets, weights: weights, featureNames: featureNames,
                             covariance: covariance, useT: useT, design: &design, constantImplied: constantImplied)
    }

    /// The summary, with `design`, the part that depends on the features and weights alone,
    /// computed here when `nil` and left there for the next target fitted to the same data.
    /// Specialised for both precisions: every pass below it converts the caller's values to `Double`.
    @specialized(where Scalar == Float)
    @specialized(where Scalar == Double)
    func summarize(features: Matrix<Scalar>, targets: [Scalar], weights: [Scalar]?, featureNames: [String]?,
                   covariance: LeastSquares.Covariance, useT: Bool?, design: inout SummaryDesign?,
                   constantImplied: Bool = false) throws(DescentError) -> RegressionSummary {
        try Validation.checkShape(features, targets)
        try Validation.checkFinite(features)
        try Validation.checkFinite(targets)
        if let weights { try Validation.checkWeights(weights, rows: targets.count) }
        try model.checkWidth(features.columns)
        let n = features.rows, d = features.columns, p = d + (hasIntercept ? 1 : 0)
        guard n > p else {
            throw .unsolvable(method: "summary", reason: "\(n) rows leave no residual degrees of freedom for \(p) parameters",
                              conditionEstimate: nil)
        }
        let w = { (i: Int) -> Double in weights.map { Double($0[i]) } ?? 1 }
        // Residuals in extended precision from the caller's data.
        typealias E = Double.Accumulator
        var rss = E(0), total = E(0), weightSum = 0.0, weightedTargets = 0.0
        for i in 0..<n { weightSum += w(i); weightedTargets += w(i) * Double(targets[i]) }
        let centred = hasIntercept || constantImplied
        let mean = centred ? weightedTargets / weightSum : 0
        features.forEachRow { i, row in
            var prediction = E(model.bias)
            for j in 0..<d { prediction += E(model.weights[j]) * E(row[j]) }
            let r = E(targets[i]) - prediction, spread = E(targets[i]) - E(mean)
            rss += E(w(i)) * r * r
            total += E(w(i)) * spread * spread
        }
        let variance = Double(rss) / Double(n - p)
        let shared: SummaryDesign
        if let design {
            shared = design
        } else {
            // The streaming QR (3 d × d at once), then R with a copy of the raw design for
            // statsmodels' condition number, then R with its inverse.
            let square = MemoryBudget.count(d, d)
            let values = Swift.max(MemoryBudget.count(3, square), MemoryBudget.total(square, MemoryBudget.count(n, p)))
            try MemoryBudget.reserve(MemoryBudget.bytes(values),
                                     for: "the summary's triangular factor and copy of the design (\(d) × \(d) and "
                                         + "\(n) × \(p) Double values)",
                                     remedies: [.fewerColumns(atMost: MemoryBudget.columns(fitting: MemoryBudget.available(),
                                                                                          perSquare: 24))])
            shared = SummaryDesign(
                factor: try SummaryFactor(features, targets, weights: weights, intercept: hasIntercept),
                conditionNumber: try SummaryFactor.rawConditionNumber(features, weights: weights, intercept: hasIntercept))
            design = shared
        }
        let errors = shared.factor.standardErrors(variance: variance, totalWeight: weightSum)
        let names = featureNames ?? model.featureNames ?? (0..<d).map { "x\($0 + 1)" }
        guard names.count == d else {
            throw .invalidOption(name: "featureNames", value: "\(names.count) names", expected: "one per feature (\(d))")
        }
        let halfLogWeights = weights.map { $0.reduce(0.0) { $1 > 0 ? $0 + log(Double($1)) / 2 : $0 } } ?? 0
        let basis = InferenceBasis(shared.factor, totalWeight: weightSum)
        let pass = try inferencePass(basis: basis, targetMean: mean, rows: n).inMemory(
            features, targets, weights: weights, covariance: covariance)
        var inputs = RegressionSummary.Inputs(
            names: (hasIntercept ? ["const"] : []) + names,
            coefficients: (hasIntercept ? [Double(model.bias)] : []) + model.weights.map { Double($0) },
            standardErrors: errors, observations: n, hasIntercept: centred, isWeighted: weights != nil,
            residualSumOfSquares: Double(rss), totalSumOfSquares: Double(total), halfLogWeights: halfLogWeights,
            conditionNumber: shared.conditionNumber,
            scaledConditionNumber: conditionEstimate)
        inputs.robust(pass, basis: basis, covariance: covariance, variance: variance, useT: useT)
        return RegressionSummary(inputs)
    }

    /// The inference pass of this fit's model.
    func inferencePass(basis: InferenceBasis, targetMean: Double, rows: Int) -> InferencePass {
        InferencePass(basis: basis, slopes: model.weights.map { Double($0) }, bias: Double(model.bias),
                      targetMean: targetMean, rows: rows)
    }
}

/// What a summary computes from the features and weights alone, the same for every target fitted
/// to them: `R` of the design and statsmodels' condition number.
struct SummaryDesign {
    let factor: SummaryFactor
    let conditionNumber: Double
}

/// `R` of the centred (for WLS, weighted and `√w`-scaled), column-scaled design, and what the
/// summary computes from it.
struct SummaryFactor {
    let r: [Double]
    /// `R⁻¹`, column-major `d × d` (upper triangular): the standard errors' rows and the inference
    /// basis's transform.
    private(set) var inverse: [Double] = []
    let scales: [Double]
    let means: [Double]
    let columns: Int
    let intercept: Bool

    init<S: BLASScalar>(_ x: Matrix<S>, _ y: [S], weights: [S]?, intercept: Bool) throws(DescentError) {
        let d = x.columns
        columns = d
        self.intercept = intercept
        /// `R` of the centred, column-scaled rows `z` (targets `t`), their scales and means.
        func factor<T: BLASScalar>(_ z: UnsafeBufferPointer<T>, _ t: UnsafeBufferPointer<T>,
                                   intercept: Bool) -> (r: [Double], scales: [Double], means: [Double]) {
            let rows = SolverRows(z, TargetColumns(t), columns: d)
            guard let all = rows.inMemory else { return ([], [], []) }
            let centred = CenteredProblem(all, columns: d, intercept: intercept)
            return (orNothing { () throws(DescentError) in try StreamingQR(centred, rows).r }, centred.scales, centred.means)
        }
        if let weights {
            let problem = try y.withUnsafeBufferPointer { (values) throws(DescentError) in
                try WeightedProblem(x, TargetColumns(values), weights: weights, intercept: intercept)
            }
            let factored = problem.features.withUnsafeBufferPointer { z in
                problem.targets.withUnsafeBufferPointer { t in factor(z, t, intercept: false) }
            }
            (r, scales, means) = (factored.r, factored.scales, problem.means)
        } else {
            (r, scales, means) = x.withUnsafeBufferPointer { xs in
                y.withUnsafeBufferPointer { ys in factor(xs, ys, intercept: intercept) }
            }
        }
        try Self.checkRank(r, columns: d, rows: x.rows, epsilon: Double(S.ulpOfOne))
        inverse = Self.invert(r, columns: d)
    }

    /// The factor of a QR computed elsewhere (a streamed source's, across parts), checked for rank.
    init(r: [Double], scales: [Double], means: [Double], intercept: Bool, rows: Int, epsilon: Double) throws(DescentError) {
        (self.r, self.scales, self.means, columns, self.intercept) = (r, scales, means, scales.count, intercept)
        try Self.checkRank(r, columns: columns, rows: rows, epsilon: epsilon)
        inverse = Self.invert(r, columns: columns)
    }

    /// `R⁻¹` of a full-rank upper triangle: `R·X = I` solved for all `d` columns at once (`trtrs`,
    /// blocked triangular solves: a `d`-column summary costs `O(d³)` in level-3 BLAS, not `d`
    /// separate level-2 solves).
    static func invert(_ r: [Double], columns d: Int) -> [Double] {
        var inverse = [Double](repeating: 0, count: d * d)
        for k in 0..<d { inverse[k + k * d] = 1 }
        guard d > 0 else { return inverse }
        r.withUnsafeBufferPointer { r in
            inverse.withUnsafeMutableBufferPointer { _ = LAPACK.triangularSolve(r.baseAddress!, n: d, lda: d, $0.baseAddress!, nrhs: d) }
        }
        return inverse
    }

    /// Throws when a diagonal entry of `R` is negligible: the features are linearly dependent.
    static func checkRank(_ r: [Double], columns d: Int, rows: Int, epsilon: Double) throws(DescentError) {
        let largest = (0..<d).reduce(0.0) { Swift.max($0, Swift.abs(r[$1 + $1 * d])) }
        let dependent = (0..<d).filter { Swift.abs(r[$0 + $0 * d]) <= Double(Swift.max(rows, d)) * epsilon * largest }
        guard largest > 0, dependent.isEmpty else {
            throw .unsolvable(method: "summary", reason: "standard errors are undefined: "
                                  + RankDeficiency.describe(constant: [], dependent: dependent), conditionEstimate: .infinity)
        }
    }

    /// The standard errors, intercept first, for residual variance `σ̂²`.
    func standardErrors(variance: Double, totalWeight: Double) -> [Double] {
        let d = columns
        // Row j of R⁻¹ (column-major), squared and summed.
        let slopes = (0..<d).map { j in
            ((0..<d).reduce(0.0) { $0 + inverse[j + $1 * d] * inverse[j + $1 * d] } * variance).squareRoot() * scales[j]
        }
        guard intercept else { return slopes }
        var z = (0..<d).map { scales[$0] * means[$0] }
        r.withUnsafeBufferPointer { _ = LAPACK.triangularSolve($0.baseAddress!, n: d, lda: d, &z, transposed: true) }
        let intercept = (variance * (1 / totalWeight + z.reduce(0) { $0 + $1 * $1 })).squareRoot()
        return [intercept] + slopes
    }

    /// `√(λmax/λmin)` of `AᵀA` for the raw design `A = [1 X]` (`√W`-weighted for WLS): the ratio of
    /// its extreme singular values, as statsmodels reports `condition_number`.
    static func rawConditionNumber<S: BLASScalar>(_ x: Matrix<S>, weights: [S]?, intercept: Bool)
        throws(DescentError) -> Double {
        let n = x.rows, d = x.columns, p = d + (intercept ? 1 : 0)
        var a = [Double](repeating: 0, count: n * p)   // column-major
        x.forEachRow { i, row in
            let root = weights.map { Double($0[i]).squareRoot() } ?? 1
            if intercept { a[i] = root }
            for j in 0..<d { a[i + (j + (intercept ? 1 : 0)) * n] = root * Double(row[j]) }
        }
        var b = [Double](repeating: 0, count: Swift.max(n, p))
        let result = try a.withUnsafeMutableBufferPointer { (a) throws(DescentError) in
            try b.withUnsafeMutableBufferPointer { (b) throws(DescentError) in try LAPACK.minimumNormSolve(a, m: n, n: p, b, rcond: -1) }
        }
        guard let values = result?.singularValues, let largest = values.first, let smallest = values.last, smallest > 0 else {
            return .infinity
        }
        return largest / smallest
    }
}
