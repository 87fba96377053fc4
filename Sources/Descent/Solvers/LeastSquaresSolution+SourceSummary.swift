extension LeastSquaresSolution {
    /// The inference summary of this fit on the rows of any ``RowSource`` (a file streamed chunk by
    /// chunk, rows of your own store), under any covariance type, never holding more than a chunk
    /// and `O(d²)` numbers: the same numbers as
    /// ``summary(features:targets:featureNames:covariance:useT:)-(Matrix<Scalar>,_,_,_,_)`` on the rows in memory, to rounding.
    ///
    /// ```swift
    /// let stream = try StreamingDataset<Double>(npyFeatures: "X.npy", targets: "y.npy")
    /// let fit = try LeastSquares.solve(from: stream)
    /// let s = try fit.summary(from: stream, covariance: .hc3)
    /// ```
    ///
    /// Passes: the column sums, the means' correction, the scales, the Householder QR (TSQR across
    /// parts), then the inference pass (residuals, leverages, the meat; HAC's automatic bandwidth
    /// adds one). statsmodels' condition number comes from the singular values of the `p × p`
    /// factor that maps the orthonormal basis to the raw design.
    ///
    /// - Parameters:
    ///   - source: The rows the solution was fitted to, one target per row (unweighted).
    ///   - featureNames: Names for the table (default: the model's, else the source's).
    ///   - covariance: The estimates' covariance; cluster labels are one per row of the source, in
    ///     row order.
    ///   - useT: t or normal tests, as for the in-memory summary.
    /// - Returns: The summary.
    /// - Throws: as the in-memory summary, with positions in the source's row numbers, and the
    ///   source's own read errors.
    /// - Complexity: O(n·d²) time in 5–6 passes, O(d² + chunk) memory (O(G·d) for G clusters).
    public func summary<Source: RowSource>(from source: Source, featureNames: [String]? = nil,
                                           covariance: LeastSquares.Covariance = .nonrobust,
                                           useT: Bool? = nil) throws(DescentError) -> RegressionSummary
        where Source.Scalar == Scalar {
        try summary(from: source, featureNames: featureNames, covariance: covariance, useT: useT,
                    collective: LocalCollective())
    }

    /// ``summary(from:featureNames:covariance:useT:)-7a0sw`` over rows split over the parts of
    /// `collective`: every sum in rank order, so every part gets the same bits.
    package func summary<Source: RowSource>(from source: Source, featureNames: [String]? = nil,
                                            covariance: LeastSquares.Covariance = .nonrobust, useT: Bool? = nil,
                                            collective: some Collective) throws(DescentError) -> RegressionSummary
        where Source.Scalar == Scalar {
        try collective.agree(source.targetColumns == 1 ? nil : .invalidOption(
            name: "source", value: "\(source.targetColumns) targets per row", expected: "one target per row"))
        try collective.agree(source.columns == model.weights.count ? nil
                             : .weightCountMismatch(weights: model.weights.count, features: source.columns))
        let rows = SolverRows(source, collective: collective)
        let totals = try RowTotals.gather(rows, intercept: hasIntercept)
        let centred = try CenteredProblem(rows, totals, intercept: hasIntercept)
        let n = totals.rows, d = source.columns, p = d + (hasIntercept ? 1 : 0)
        guard n > p else {
            throw .unsolvable(method: "summary", reason: "\(n) rows leave no residual degrees of freedom for \(p) parameters",
                              conditionEstimate: nil)
        }
        let qr = try StreamingQR(centred, rows)
        let factor = try SummaryFactor(r: qr.r, scales: centred.scales, means: centred.means, intercept: hasIntercept,
                                       rows: n, epsilon: Double(Scalar.ulpOfOne))
        let basis = InferenceBasis(factor, totalWeight: Double(n))
        let pass = try inferencePass(basis: basis, targetMean: centred.targetMeans[0], rows: n)
            .run(rows, weights: nil, covariance: covariance)
        let rss = Double(pass.powers[1]), variance = rss / Double(n - p)
        let names = featureNames ?? model.featureNames ?? source.featureNames
        guard names.count == d else {
            throw .invalidOption(name: "featureNames", value: "\(names.count) names", expected: "one per feature (\(d))")
        }
        var inputs = RegressionSummary.Inputs(
            names: (hasIntercept ? ["const"] : []) + names,
            coefficients: (hasIntercept ? [Double(model.bias)] : []) + model.weights.map { Double($0) },
            standardErrors: factor.standardErrors(variance: variance, totalWeight: Double(n)), observations: n,
            hasIntercept: hasIntercept, isWeighted: false, residualSumOfSquares: rss,
            totalSumOfSquares: Double(pass.totalSquares), halfLogWeights: 0,
            conditionNumber: try basis.conditionNumber(), scaledConditionNumber: conditionEstimate)
        inputs.robust(pass, basis: basis, covariance: covariance, variance: variance, useT: useT)
        return RegressionSummary(inputs)
    }
}
