import Descent

/// Elastic-net paths on rows spread over MPI ranks: one rank-summed Gram pass, then every `λ` on
/// `d × d` numbers on every rank, the same path on every rank, equal to the single-process path of
/// the rows concatenated in rank order (to rounding).
extension ElasticNet {
    /// The elastic-net path of every rank's rows of a row source; every rank gets the path.
    ///
    /// Every rank of `world` must call it with its own rows (any number, 0 allowed) of the same
    /// columns, and the same options.
    ///
    /// - Parameters:
    ///   - source: This rank's rows.
    ///   - world: The ranks that share the data set.
    ///   - alpha: The mixing `α ∈ [0, 1]`.
    ///   - lambdas: Given `λ`, or `nil` for glmnet's sequence.
    ///   - count: The length of glmnet's sequence.
    ///   - minimumRatio: glmnet's `lambda.min.ratio`.
    ///   - standardize: Penalise standardised coefficients (default).
    ///   - tolerance: The duality-gap tolerance, relative to the null deviance.
    /// - Returns: The path, the same on every rank.
    /// - Throws: the same `DescentError` on every rank.
    /// - Complexity: `O(n·d²)` on each rank, a sum of `O(d²)` numbers, then `O(d)` per move.
    public static func path<Source: RowSource>(from source: Source, across world: MPICommunicator, alpha: Double = 1,
                                               lambdas: [Double]? = nil, count: Int = 100, minimumRatio: Double? = nil,
                                               standardize: Bool = true, tolerance: Double = defaultTolerance)
        throws(DescentError) -> ElasticNetPath<Source.Scalar> {
        try world.agreeOnShape(.success(.init(columns: source.columns, rows: source.rowCount, modelWeights: nil)))
        return try path(from: source, alpha: alpha, lambdas: lambdas, count: count, minimumRatio: minimumRatio,
                        standardize: standardize, tolerance: tolerance, collective: world)
    }
}

/// Ridge for every `λ` on rows spread over MPI ranks: the rank-summed Gram matrix's
/// eigendecomposition on every rank, one more rank-summed pass for leave-one-out, the same scores
/// and model on every rank.
extension RidgeRegression {
    /// Scores every `λ` of `lambdas` on every rank's rows and fits the best; every rank gets the result.
    ///
    /// - Parameters:
    ///   - source: This rank's rows (any number, 0 allowed).
    ///   - world: The ranks that share the data set.
    ///   - lambdas: The candidates, each finite and > 0.
    ///   - criterion: `.gcv` (default) or `.leaveOneOut`.
    /// - Returns: The scores, the chosen `λ` and its model, the same on every rank.
    /// - Throws: the same `DescentError` on every rank.
    /// - Complexity: `O(n·d²)` on each rank, sums of `O(d²)` numbers, `O(d³)` on every rank.
    public static func crossValidated<Source: RowSource>(from source: Source, across world: MPICommunicator,
                                                         lambdas: [Double], criterion: Criterion = .gcv)
        throws(DescentError) -> RidgeCrossValidation<Source.Scalar> {
        try world.agreeOnShape(.success(.init(columns: source.columns, rows: source.rowCount, modelWeights: nil)))
        return try crossValidated(from: source, lambdas: lambdas, criterion: criterion, collective: world)
    }
}
