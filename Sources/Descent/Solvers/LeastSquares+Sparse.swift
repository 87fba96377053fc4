extension LeastSquares {
    /// The most columns for which a sparse solve forms the dense `d × d` Gram matrix (when its
    /// working memory also fits): one-hot and fixed-effects designs; wider designs take LSMR.
    public static let sparseGramColumnLimit = 10_000

    /// Solves the least-squares problem for sparse features: by the normal equations on the sparse
    /// Gram matrix when the columns are few enough, by LSMR otherwise.
    ///
    /// **The Gram path** (at most ``sparseGramColumnLimit`` columns, more rows than unknowns or
    /// `ridge > 0`, and the `d × d` matrices in memory): one pass over the non-zeros accumulates
    /// `XᵀX`, `Xᵀy` and the column sums (`O(Σᵢ nnzᵢ²)`: the pairs of each row's non-zeros), the
    /// centring is applied to the sums (`G = XᵀX − n·μμᵀ`), and the dense path's Cholesky factor of
    /// the scaled `G` solves it (``Method/normalEquations``, with its refinement passes; they are
    /// always taken when centring the sums cost more than 0.6 digit, each an `O(nnz)` pass with
    /// residuals in extended precision). A Gram matrix that is singular (e.g. every level of a
    /// one-hot factor beside the intercept, or an empty column), too close to singular, or whose
    /// refinement does not converge hands the problem to LSMR. The solution supports
    /// ``LeastSquaresSolution/summary(features:targets:featureNames:covariance:useT:)-(SparseMatrix<Scalar>,_,_,_,_)``.
    ///
    /// **The LSMR path** (wider designs, no more rows than unknowns, or a Gram matrix that declined): ``lsmr(_:_:intercept:damp:tolerance:conditionLimit:maximumIterations:)``
    /// with `damp² = n·λ`, tolerance `10⁻¹²` (`‖Aᵀr‖ ≤ 10⁻¹²·‖A‖·‖r‖` or `‖r‖ ≤ 10⁻¹²(‖y‖ + ‖A‖‖x‖)`
    /// for the centred design `A`), condition limit `10¹²` and at most `max(1000, 4·min(n, d))`
    /// iterations; the solution then reports `.automatic` as its ``LeastSquaresSolution/method``,
    /// as its rank the number of columns that are not constant (an upper bound: LSMR does not
    /// measure the rank; a dependent design gets the minimum-norm weights of the centred problem),
    /// LSMR's condition estimate, and LSMR's outputs in ``LeastSquaresSolution/iterative``.
    ///
    /// ```swift
    /// let exact = try LeastSquares.solve(X, y)            // X: SparseMatrix<Double>
    /// exact.method                                        // .normalEquations (Gram) or .automatic (LSMR)
    /// let s = try exact.summary(features: X, targets: y)  // the Gram path's full summary
    /// ```
    ///
    /// - Parameters:
    ///   - features: `n × d` sparse features.
    ///   - targets: `n` targets.
    ///   - intercept: Fit an unpenalised bias (default).
    ///   - ridge: `λ ≥ 0`: minimise `MSE + λ‖w‖²`, as the dense solver's `ridge:`.
    /// - Returns: The solution, as the dense solver returns it.
    /// - Throws: ``DescentError/targetCountMismatch(rows:targets:)``, ``DescentError/noRows``,
    ///   ``DescentError/noFeatures``, ``DescentError/nonFiniteValue(at:)`` for a NaN or ±∞ target,
    ///   ``DescentError/invalidOption(name:value:expected:)`` for a bad `ridge`,
    ///   ``DescentError/unsolvable(method:reason:conditionEstimate:)`` when LSMR does not converge
    ///   (with why the Gram matrix declined, naming dependent columns).
    /// - Complexity: Gram path: `O(Σᵢ nnzᵢ² + d³)` time, `3d²` `Double`s; LSMR: `O(nnz + n + d)`
    ///   per iteration and `O(n + d)` memory beyond the matrix.
    @specialized(where Scalar == Float)
    @specialized(where Scalar == Double)
    public static func solve<Scalar: BLASScalar>(_ features: SparseMatrix<Scalar>, _ targets: [Scalar],
                                                 intercept: Bool = true, ridge: Double = 0) throws(DescentError)
        -> LeastSquaresSolution<Scalar> {
        try solveSparse(features, targets, weights: nil, intercept: intercept, ridge: ridge)
    }

    /// Weighted least squares for sparse features: minimises `Σwᵢ(xᵢᵀw + b − yᵢ)²` (with `ridge: λ`,
    /// `Σwᵢrᵢ²/Σwᵢ + λ‖w‖²`), the objective of the dense
    /// ``solve(_:_:weights:intercept:method:ridge:)->LeastSquaresSolution<Scalar>``, chosen between
    /// the weighted sparse Gram (the same pass with `wᵢxᵢxᵢᵀ`) and LSMR on the `√w`-scaled rows
    /// (`damp² = λ·Σwᵢ`) as ``solve(_:_:intercept:ridge:)`` chooses.
    ///
    /// - Parameters:
    ///   - features: `n × d` sparse features.
    ///   - targets: `n` targets.
    ///   - weights: `n` weights, finite and ≥ 0, not all zero.
    ///   - intercept: Fit an unpenalised bias (default).
    ///   - ridge: `λ ≥ 0`.
    /// - Returns: The solution.
    /// - Throws: as ``solve(_:_:intercept:ridge:)``, and ``DescentError/invalidOption(name:value:expected:)``
    ///   for unusable weights.
    /// - Complexity: as ``solve(_:_:intercept:ridge:)``.
    @specialized(where Scalar == Float)
    @specialized(where Scalar == Double)
    public static func solve<Scalar: BLASScalar>(_ features: SparseMatrix<Scalar>, _ targets: [Scalar], weights: [Scalar],
                                                 intercept: Bool = true, ridge: Double = 0) throws(DescentError)
        -> LeastSquaresSolution<Scalar> {
        try Validation.checkWeights(weights, rows: features.rows)
        return try solveSparse(features, targets, weights: weights, intercept: intercept, ridge: ridge)
    }

    /// Whether a sparse design of `n` rows and `d` columns takes the Gram path: few enough columns,
    /// rows enough (or a ridge), and its working memory free.
    static func usesSparseGram(rows n: Int, columns d: Int, targets k: Int, intercept: Bool, ridge: Double) -> Bool {
        d <= sparseGramColumnLimit && (ridge > 0 || hasRowsForNormalEquations(rows: n, columns: d, intercept: intercept))
            && MemoryBudget.fits(workspace(.normalEquations, rows: n, columns: d, targets: k, inMemory: false))
    }

    /// The sparse solve; `allowGram: false` takes LSMR whatever the shape (tests compare the paths).
    @specialized(where Scalar == Float)
    @specialized(where Scalar == Double)
    static func solveSparse<Scalar: BLASScalar>(_ features: SparseMatrix<Scalar>, _ targets: [Scalar], weights: [Scalar]?,
                                                intercept: Bool, ridge: Double,
                                                allowGram: Bool = true) throws(DescentError) -> LeastSquaresSolution<Scalar> {
        guard features.rows == targets.count else { throw .targetCountMismatch(rows: features.rows, targets: targets.count) }
        try checkRidge(ridge)
        let rows = SparseSolverRows(features, targets, weights: weights)
        var declined: String?
        if allowGram && usesSparseGram(rows: features.rows, columns: features.columns, targets: 1, intercept: intercept, ridge: ridge) {
            switch try sparseGram(rows, intercept: intercept, ridge: ridge) {
            case let .solved(raw): return LeastSquaresSolution(raw[0], intercept: intercept)
            case let .failed(reason, _): declined = reason
            }
        }
        guard features.rows > 0 else { throw .noRows }
        guard features.columns > 0 else { throw .noFeatures }
        try Validation.checkFinite(targets)
        let totalWeight = weights.map { $0.reduce(0.0) { $0 + Double($1) } } ?? Double(features.rows)
        let n = features.rows, d = features.columns
        let run = iterate(features, targets, weights: weights, intercept: intercept, damp: (ridge * totalWeight).squareRoot(),
                          tolerance: 1e-12, conditionLimit: 1e12, maximumIterations: Swift.max(1000, 4 * Swift.min(n, d)))
        guard run.converged else {
            let why = declined.map { "the sparse Gram matrix declined (\($0)), then " } ?? "\(d) columns are too many for the Gram matrix, then "
            throw .unsolvable(method: sparseMethod, reason: why + "LSMR stopped: \(run.stopReason) after \(run.iterations) iterations",
                              conditionEstimate: run.conditionEstimate)
        }
        var solution = LeastSquaresSolution(model: run.model, method: .automatic, rank: varyingColumns(features, intercept: intercept),
                                            conditionEstimate: run.conditionEstimate, singularValues: nil, refinementSteps: 0,
                                            intercept: intercept)
        solution.iterative = run
        return solution
    }

    /// The name sparse solves give in their errors (``DescentError`` suggests their remedies).
    static let sparseMethod = "sparse least-squares"

    /// The columns that are not constant (with an intercept) or not all zero (without): an upper
    /// bound on the rank of the centred design.
    static func varyingColumns<S: BLASScalar>(_ x: SparseMatrix<S>, intercept: Bool) -> Int {
        var count = [Int](repeating: 0, count: x.columns), first = [S?](repeating: nil, count: x.columns)
        var varying = [Bool](repeating: false, count: x.columns)
        for k in 0..<x.nonzeros where x.values[k] != 0 {
            let j = x.columnIndices[k]
            count[j] += 1
            if let value = first[j] { if value != x.values[k] { varying[j] = true } } else { first[j] = x.values[k] }
        }
        return (0..<x.columns).filter { j in
            intercept ? varying[j] || (count[j] > 0 && count[j] < x.rows) : count[j] > 0
        }.count
    }

    /// The normal equations on the sparse Gram matrix, for the `k` targets of `rows`: the working
    /// memory reserved, the one pass, then the dense path's factor and refinement.
    static func sparseGram<S: BLASScalar>(_ rows: SparseSolverRows<S>, intercept: Bool, ridge: Double) throws(DescentError)
        -> SolverOutcome {
        let d = rows.columns, k = rows.targets
        try reserveWorkspace(.normalEquations, rows: rows.localRows, columns: d, targets: k, inMemory: false,
                             collective: rows.collective)
        let gram = try SparseGram.gather(rows, intercept: intercept)
        let n = gram.rows
        // The weighted problem's ridge in the solver's units: n·λ' = λ·W.
        return try normalEquations(gram.pass, rows: n, columns: d, targets: k, shift: gram.means,
                                   targetMeans: gram.targetMeans, intercept: intercept,
                                   ridge: ridge * gram.totalWeight / Double(n), refinementLimit: 8) { (u) throws(DescentError) in
            try gram.gradient(rows, u: u)
        }
    }
}

extension LeastSquares {
    /// Compares a trained model with the exact least-squares solution on the same sparse data,
    /// as ``verify(_:features:targets:intercept:method:)`` does for a ``Matrix``: the exact solution
    /// is ``solve(_:_:intercept:ridge:)``'s (the sparse Gram, or LSMR for wide designs).
    ///
    /// - Parameters:
    ///   - model: The trained model.
    ///   - features: The training features.
    ///   - targets: The training targets.
    ///   - weights: The sample weights it was trained with, or `nil` (default); the mean squared
    ///     errors are then weighted, `Σwᵢrᵢ²/Σwᵢ`.
    ///   - intercept: Whether the exact solution fits a bias (as the trained model does).
    /// - Returns: The differences in weights, bias and training MSE.
    /// - Throws: as ``solve(_:_:intercept:ridge:)``, and ``DescentError/weightCountMismatch(weights:features:)``
    ///   when the model's width differs from the features'.
    /// - Complexity: that of the exact solve, plus two `O(nnz)` passes.
    public static func verify<Scalar: BLASScalar>(_ model: LinearModel<Scalar>, features: SparseMatrix<Scalar>,
                                                  targets: [Scalar], weights: [Scalar]? = nil,
                                                  intercept: Bool = true) throws(DescentError) -> Verification<Scalar> {
        try model.checkWidth(features.columns)
        guard features.rows == targets.count else { throw .targetCountMismatch(rows: features.rows, targets: targets.count) }
        if let weights { try Validation.checkWeights(weights, rows: features.rows) }
        let exact = try solveSparse(features, targets, weights: weights, intercept: intercept, ridge: 0)
        return try compare(model, against: exact, targets: targets) { (m) throws(DescentError) in
            let predictions = try m.predict(features)
            guard let weights else {
                return zip(predictions, targets).reduce(0.0) { $0 + (Double($1.0) - Double($1.1)) * (Double($1.0) - Double($1.1)) }
                    / Double(targets.count)
            }
            return weightedMeanSquaredError(predictions, targets, weights)
        }
    }
}
