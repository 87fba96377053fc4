extension RegressionSummary.Inputs {
    /// Fills the covariance the summary reports from the inference pass: the matrix (classical
    /// `σ̂²·LLᵀ`, or the sandwich `L·M·Lᵀ`), the robust standard errors (NaN where a two-way
    /// cluster variance falls below zero), the distribution and degrees of freedom of the tests
    /// (statsmodels' conventions, ``LeastSquares/Covariance``), the robust Wald F, and the
    /// residual tests.
    mutating func robust(_ pass: InferencePass.Result, basis: InferenceBasis, covariance: LeastSquares.Covariance,
                         variance: Double, useT: Bool?) {
        let p = basis.parameters, n = observations
        residualTests = ResidualTests(rows: n, powers: pass.powers, differenceSquares: pass.differenceSquares)
        covarianceType = covariance.description
        let robust = covariance != .nonrobust
        var identity = [Double](repeating: 0, count: p * p)
        for j in 0..<p { identity[j * p + j] = variance }
        let v = basis.covariance(meat: robust ? pass.meat : identity)
        covarianceMatrix = (0..<p).map { r in Array(v[(r * p)..<(r * p + p)]) }
        let df = pass.clusters.map { $0 - 1 } ?? (n - p)
        usesNormalDistribution = !(useT ?? !robust)
        inference = ModelInference(covarianceType: covarianceType, observations: n, degreesOfFreedom: df,
                                   usesNormalDistribution: usesNormalDistribution, residualVariance: variance,
                                   intercept: hasIntercept, means: basis.means, totalWeight: basis.totalWeight,
                                   transform: basis.transform, meat: robust ? pass.meat : identity)
        guard robust else { return }
        standardErrors = (0..<p).map { v[$0 * p + $0] >= 0 ? v[$0 * p + $0].squareRoot() : .nan }
        testDegreesOfFreedom = df
        // The Wald test of every weight being zero, F = β'V⁻¹β/q against F(q, df), as statsmodels.
        let slopes = Array((hasIntercept ? 1 : 0)..<p), q = slopes.count
        var block = [Double](repeating: 0, count: q * q)
        for (a, r) in slopes.enumerated() { for (b, c) in slopes.enumerated() { block[a * q + b] = v[r * p + c] } }
        var solved = slopes.map { coefficients[$0] }
        let failed = block.withUnsafeMutableBufferPointer { LAPACK.choleskyFactor($0, n: q) }
        guard q > 0, failed == nil, df > 0 else {
            wald = (.nan, .nan)
            return
        }
        block.withUnsafeBufferPointer { f in solved.withUnsafeMutableBufferPointer { LAPACK.choleskySolve(f, n: q, $0) } }
        let statistic = zip(slopes, solved).reduce(0.0) { $0 + coefficients[$1.0] * $1.1 } / Double(q)
        wald = (statistic, FisherF.survival(statistic, numerator: Double(q), denominator: Double(df)))
    }
}

extension InferencePass {
    /// The pass over rows in memory (one part).
    func inMemory<S: BLASScalar>(_ features: Matrix<S>, _ targets: [S], weights: [S]?,
                                 covariance: LeastSquares.Covariance, keepRows: Bool = false) throws(DescentError) -> Result {
        try features.withUnsafeBufferPointer { (x) throws(DescentError) in
            try targets.withUnsafeBufferPointer { (y) throws(DescentError) in
                try run(SolverRows(x, TargetColumns(y), columns: features.columns), weights: weights,
                        covariance: covariance, keepRows: keepRows)
            }
        }
    }
}
