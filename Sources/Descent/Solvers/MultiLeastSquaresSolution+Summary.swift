extension MultiLeastSquaresSolution {
    /// The inference summary of every target of this fit on the data it was fitted to: element `t`
    /// is target `t`'s ``RegressionSummary``, equal to
    /// ``LeastSquaresSolution/summary(features:targets:featureNames:covariance:useT:)-(Matrix<Scalar>,_,_,_,_)`` of that target's fit.
    ///
    /// The factorisation behind the standard errors and the condition number depend on the features
    /// alone: they are computed once and shared by all targets.
    ///
    /// ```swift
    /// let multi = try LeastSquares.solve(X, Y)
    /// let perTarget = try multi.summaries(features: X, targets: Y)   // one per column of Y
    /// ```
    ///
    /// - Parameters:
    ///   - features: The `n × d` features the solution was computed from.
    ///   - targets: The `n × k` targets it was computed from.
    ///   - featureNames: Names for the weights' rows of the tables (default: the model's names, or
    ///     `x1`, `x2`, …).
    ///   - covariance: The estimates' covariance (``LeastSquares/Covariance``), the same type for
    ///     every target; ``LeastSquares/Covariance/nonrobust`` by default.
    ///   - useT: t or normal tests, as for one target.
    /// - Returns: `k` summaries, in the order of the target columns.
    /// - Throws: ``DescentError`` for data of another shape than the model (including a number of
    ///   target columns other than its `k`), non-finite values, no residual degrees of freedom, or
    ///   rank-deficient features, as the single-target summary.
    /// - Complexity: O(n·d² + k·n·d): one QR pass and one SVD of the raw columns, then one residual
    ///   pass per target (O(n·d²) per target for a robust covariance).
    public func summaries(features: Matrix<Scalar>, targets: Matrix<Scalar>, featureNames: [String]? = nil,
                          covariance: LeastSquares.Covariance = .nonrobust,
                          useT: Bool? = nil) throws(DescentError) -> [RegressionSummary] {
        try summarize(features: features, targets: targets, weights: nil, featureNames: featureNames,
                      covariance: covariance, useT: useT)
    }

    /// The inference summary of every target of a weighted fit
    /// (``LeastSquares/solve(_:_:weights:intercept:method:ridge:)->MultiLeastSquaresSolution<Scalar>``):
    /// element `t` equals ``LeastSquaresSolution/summary(features:targets:weights:featureNames:covariance:useT:)-(Matrix<Scalar>,_,_,_,_,_)``
    /// of target `t`'s fit, statsmodels' `WLS` for that column.
    ///
    /// - Parameters:
    ///   - features: The `n × d` features the solution was computed from.
    ///   - targets: The `n × k` targets.
    ///   - weights: The `n` weights it was computed with.
    ///   - featureNames: Names for the tables, as for the unweighted summaries.
    ///   - covariance: The estimates' covariance, as for the unweighted summaries.
    ///   - useT: t or normal tests, as for one target.
    /// - Returns: `k` summaries, in the order of the target columns.
    /// - Throws: as ``summaries(features:targets:featureNames:covariance:useT:)``, and for unusable weights.
    /// - Complexity: O(n·d² + k·n·d), as the unweighted summaries.
    public func summaries(features: Matrix<Scalar>, targets: Matrix<Scalar>, weights: [Scalar],
                          featureNames: [String]? = nil, covariance: LeastSquares.Covariance = .nonrobust,
                          useT: Bool? = nil) throws(DescentError) -> [RegressionSummary] {
        try summarize(features: features, targets: targets, weights: weights, featureNames: featureNames,
                      covariance: covariance, useT: useT)
    }

    func summarize(features: Matrix<Scalar>, targets: Matrix<Scalar>, weights: [Scalar]?, featureNames: [String]?,
                   covariance: LeastSquares.Covariance, useT: Bool?) throws(DescentError) -> [RegressionSummary] {
        try Validation.checkShape(features, targets: targets)
        guard targets.columns == model.targetCount else {
            throw .invalidOption(name: "targets", value: "\(targets.columns) target columns",
                                 expected: "one per target of the model (\(model.targetCount))")
        }
        var design: SummaryDesign?
        var summaries = [RegressionSummary]()
        for t in 0..<targets.columns {
            summaries.append(try solution(for: t).summarize(features: features, targets: targets.column(t), weights: weights,
                                                             featureNames: featureNames, covariance: covariance, useT: useT,
                                                             design: &design))
        }
        return summaries
    }
}
