extension ElasticNet {
    /// Independent elastic-net paths of several targets that share their features: one
    /// ``path(_:_:alpha:lambdas:count:minimumRatio:weights:standardize:mode:tolerance:)`` per
    /// target column, each with its own `λ` sequence (glmnet's on that target, or `lambdas`),
    /// its own certificate and early stops. (Not the multi-response group lasso, which couples the
    /// targets' coefficients.)
    ///
    /// ```swift
    /// let paths = try ElasticNet.paths(X, Y, alpha: 0.5)    // Y: n × k
    /// paths[1].coefficients(at: 10)                         // the second target's path
    /// ```
    ///
    /// - Parameters:
    ///   - features: `n × d` features, row-major.
    ///   - targets: `n × k` targets, one column per target, `k ≥ 1`.
    ///   - alpha: The mixing `α ∈ [0, 1]`, as for one target.
    ///   - lambdas: The `λ` for every target, or `nil` for glmnet's sequence on each.
    ///   - count: The length of glmnet's sequence.
    ///   - minimumRatio: glmnet's `lambda.min.ratio` (`nil`: its default).
    ///   - weights: `n` sample weights, or `nil`.
    ///   - standardize: Penalise the coefficients of standardised columns (glmnet's default).
    ///   - mode: ``Mode/automatic`` by default.
    ///   - tolerance: The duality gap each `λ` must reach, relative to the null deviance.
    /// - Returns: One path per target, in column order.
    /// - Throws: as for one target, and ``DescentError/targetCountMismatch(rows:targets:)`` when the
    ///   row counts differ.
    /// - Complexity: `k` times one target's (each target makes its own Gram pass).
    public static func paths<Scalar: BLASScalar>(_ features: Matrix<Scalar>, _ targets: Matrix<Scalar>, alpha: Double = 1,
                                                 lambdas: [Double]? = nil, count: Int = 100, minimumRatio: Double? = nil,
                                                 weights: [Scalar]? = nil, standardize: Bool = true,
                                                 mode: Mode = .automatic,
                                                 tolerance: Double = defaultTolerance) throws(DescentError) -> [ElasticNetPath<Scalar>] {
        try Validation.checkShape(features, targets: targets)
        return try (0..<targets.columns).map { (t) throws(DescentError) in
            try path(features, targets.column(t), alpha: alpha, lambdas: lambdas, count: count, minimumRatio: minimumRatio,
                     weights: weights, standardize: standardize, mode: mode, tolerance: tolerance)
        }
    }
}
