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
    /// (`damp² = λ·Σwᵢ`) as ``solve(_:_:intercept:ridge:)->LeastSquaresSolution<Scalar>`` chooses.
    ///
    /// - Parameters:
    ///   - features: `n × d` sparse features.
    ///   - targets: `n` targets.
    ///   - weights: `n` weights, finite and ≥ 0, not all zero.
    ///   - intercept: Fit an unpenalised bias (default).
    ///   - ridge: `λ ≥ 0`.
    /// - Returns: The solution.
    /// - Throws: as ``solve(_:_:intercept:ridge:)->LeastSquaresSolution<Scalar>``, and ``DescentError/invalidOption(name:value:expected:)``
    ///   for unusable weights.
    /// - Complexity: as ``solve(_:_:intercept:ridge:)->LeastSquaresSolution<Scalar>``.
    @specialized(where Scalar == Float)
    @specialized(where Scalar == Double)
    public static func solve<Scalar: BLASScalar>(_ features: SparseMatrix<Scalar>, _ targets: [Scalar], weights: [Scalar],
                                                 intercept: Bool = true, ridge: Double = 0) throws(DescentError)
        -> LeastSquaresSolution<Scalar> {
        try Validation.checkWeights(weights, rows: features.rows)
        return try solveSparse(features, targets, weights: weights, intercept: intercept, ridge: ridge)
    }

    /// Whether a sparse design of `n` rows and `d` columns (over every part) takes the Gram path: few
    /// enough columns, rows enough (or a ridge), and its working memory free on every part (every
    /// part gets the same answer).
    static func usesSparseGram(rows n: Int, columns d: Int, targets k: Int, intercept: Bool, ridge: Double,
                               collective: some Collective) throws(DescentError) -> Bool {
        guard d <= sparseGramColumnLimit && (ridge > 0 || hasRowsForNormalEquations(rows: n, columns: d, intercept: intercept)) else {
            return false
        }
        var short = [MemoryBudget.fits(workspace(.normalEquations, rows: n, columns: d, targets: k, inMemory: false,
                                                 parts: collective.size)) ? 0.0 : 1]
        try collective.sum(&short)
        return short[0] == 0
    }

    /// The in-memory sparse solve of one target; `allowGram: false` takes LSMR whatever the shape
    /// (tests compare the paths).
    @specialized(where Scalar == Float)
    @specialized(where Scalar == Double)
    static func solveSparse<Scalar: BLASScalar>(_ features: SparseMatrix<Scalar>, _ targets: [Scalar], weights: [Scalar]?,
                                                intercept: Bool, ridge: Double,
                                                allowGram: Bool = true) throws(DescentError) -> LeastSquaresSolution<Scalar> {
        guard features.rows == targets.count else { throw .targetCountMismatch(rows: features.rows, targets: targets.count) }
        return try solveSparse(SparseSolverRows(features, targets, weights: weights), intercept: intercept, ridge: ridge,
                               allowGram: allowGram).solution(for: 0, intercept: intercept)
    }

    /// What a sparse solve found for each of its `k` targets: the Gram path's solutions (one
    /// factorisation), or LSMR's run per target.
    struct SparseOutcome<Scalar: BLASScalar> {
        let raw: [RawSolution]
        let runs: [LSMRSolution<Scalar>]?

        /// Target `t`'s solution, with LSMR's outputs when it ran.
        func solution(for t: Int, intercept: Bool) -> LeastSquaresSolution<Scalar> {
            var solution = LeastSquaresSolution<Scalar>(raw[t], intercept: intercept)
            solution.iterative = runs?[t]
            return solution
        }
    }

    /// The sparse solve every entry point runs (rows in memory, a source's chunks, MPI ranks), for
    /// the rows' `k ≥ 1` targets: the checks in one pass, then the sparse Gram (one factorisation
    /// for every target) when ``usesSparseGram(rows:columns:targets:intercept:ridge:collective:)``,
    /// LSMR per target otherwise or when the Gram matrix declines.
    static func solveSparse<Scalar: BLASScalar>(_ rows: SparseSolverRows<Scalar>, intercept: Bool, ridge: Double,
                                                allowGram: Bool = true) throws(DescentError) -> SparseOutcome<Scalar> {
        try checkRidge(ridge)
        let n = try rows.checkedRows()
        let d = rows.columns, k = rows.targets
        var declined: String?
        let gram = allowGram ? try usesSparseGram(rows: n, columns: d, targets: k, intercept: intercept, ridge: ridge,
                                                  collective: rows.collective) : false
        if gram {
            switch try sparseGram(rows, rows: n, intercept: intercept, ridge: ridge) {
            case let .solved(raw): return SparseOutcome(raw: raw, runs: nil)
            case let .failed(reason, _): declined = reason
            }
        }
        let rank = try varyingColumns(rows, rows: n, intercept: intercept)
        var runs = [LSMRSolution<Scalar>]()
        for t in 0..<k {
            let run = try iterate(rows, intercept: intercept, damp: 0, ridge: ridge, target: t, tolerance: 1e-12,
                                  conditionLimit: 1e12, maximumIterations: Swift.max(1000, 4 * Swift.min(n, d)))
            guard run.converged else {
                let why = declined.map { "the sparse Gram matrix declined (\($0)), then " }
                    ?? "\(d) columns are too many for the Gram matrix, then "
                let which = k > 1 ? " on target column \(t)" : ""
                throw .unsolvable(method: sparseMethod,
                                  reason: why + "LSMR stopped\(which): \(run.stopReason) after \(run.iterations) iterations",
                                  conditionEstimate: run.conditionEstimate)
            }
            runs.append(run)
        }
        let raw = runs.map { run in
            RawSolution(weights: run.model.weights.map { Double($0) }, bias: Double(run.model.bias), method: .automatic,
                        rank: rank, condition: run.conditionEstimate)
        }
        return SparseOutcome(raw: raw, runs: runs)
    }

    /// The name sparse solves give in their errors (``DescentError`` suggests their remedies).
    static let sparseMethod = "sparse least-squares"

    /// The columns that are not constant (with an intercept) or not all zero (without) over every
    /// part: an upper bound on the rank of the centred design. Each part finds its columns' first
    /// value and whether it saw another; one sum adds the counts. Where several parts each saw one
    /// value, a second sum of `(firstₚ − mean)²` tells whether those values differ (a column of
    /// equal values whose mean rounds counts as varying: still an upper bound).
    static func varyingColumns<S: BLASScalar>(_ rows: SparseSolverRows<S>, rows n: Int, intercept: Bool) throws(DescentError)
        -> Int {
        let d = rows.columns
        // Per column: non-zeros, whether this part saw two values, parts holding a value, their first values.
        var sums = [Double](repeating: 0, count: 4 * d)
        var first = [S?](repeating: nil, count: d)
        try rows.visitChunks { (chunk) throws(DescentError) in
            let x = chunk.features
            for p in 0..<x.nonzeros where x.values[p] != 0 {
                let j = x.columnIndices[p]
                sums[j] += 1
                if let value = first[j] { if value != x.values[p] { sums[d + j] = 1 } } else { first[j] = x.values[p] }
            }
        }
        for j in 0..<d { if let value = first[j] { (sums[2 * d + j], sums[3 * d + j]) = (1, Double(value)) } }
        try rows.sum(&sums)
        guard intercept else { return (0..<d).filter { sums[$0] > 0 }.count }
        var varying = (0..<d).map { j in sums[d + j] > 0 || (sums[j] > 0 && sums[j] < Double(n)) }
        let shared = (0..<d).filter { !varying[$0] && sums[2 * d + $0] > 1 }
        if !shared.isEmpty {
            var spread = shared.map { j in
                first[j].map { (Double($0) - sums[3 * d + j] / sums[2 * d + j]) * (Double($0) - sums[3 * d + j] / sums[2 * d + j]) } ?? 0
            }
            try rows.sum(&spread)
            for (j, square) in zip(shared, spread) where square > 0 { varying[j] = true }
        }
        return varying.filter { $0 }.count
    }

    /// The normal equations on the sparse Gram matrix, for the `k` targets of `rows` (`n` rows over
    /// every part, checked): the working memory reserved, the one pass, then the dense path's
    /// factor and refinement.
    static func sparseGram<S: BLASScalar>(_ rows: SparseSolverRows<S>, rows n: Int, intercept: Bool, ridge: Double)
        throws(DescentError) -> SolverOutcome {
        let d = rows.columns, k = rows.targets
        try reserveWorkspace(.normalEquations, rows: n, columns: d, targets: k, inMemory: false, collective: rows.collective)
        let gram = try SparseGram.gather(rows, rows: n, intercept: intercept)
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
    /// is ``solve(_:_:intercept:ridge:)->LeastSquaresSolution<Scalar>``'s (the sparse Gram, or LSMR for wide designs).
    ///
    /// - Parameters:
    ///   - model: The trained model.
    ///   - features: The training features.
    ///   - targets: The training targets.
    ///   - weights: The sample weights it was trained with, or `nil` (default); the mean squared
    ///     errors are then weighted, `Σwᵢrᵢ²/Σwᵢ`.
    ///   - intercept: Whether the exact solution fits a bias (as the trained model does).
    /// - Returns: The differences in weights, bias and training MSE.
    /// - Throws: as ``solve(_:_:intercept:ridge:)->LeastSquaresSolution<Scalar>``, and ``DescentError/weightCountMismatch(weights:features:)``
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
