extension LeastSquares {
    /// Solves the least-squares problems of several targets that share sparse features: column `t`
    /// of the result is what ``solve(_:_:intercept:ridge:)->LeastSquaresSolution<Scalar>`` returns for the single target
    /// `Y.column(t)`, and the choice between the paths is made once, on the features.
    ///
    /// **The Gram path** makes one pass over the non-zeros for the `d × d` Gram matrix and the
    /// `d × k` right-hand sides, factors the Gram matrix once and solves and refines every target
    /// with that factor (each refinement pass serves all `k`), as the dense
    /// ``solve(_:_:intercept:method:ridge:)->MultiLeastSquaresSolution<Scalar>`` does with
    /// `.normalEquations`. **The LSMR path** runs LSMR once per target (a Krylov method builds its
    /// basis from the right-hand side), each with the single-target settings; their outputs are in
    /// ``MultiLeastSquaresSolution/iterative``, and the solution reports the largest condition
    /// estimate.
    ///
    /// ```swift
    /// let all = try LeastSquares.solve(X, Y)     // X: SparseMatrix<Double>, Y: n × k Matrix
    /// all.model.weights                          // d × k
    /// ```
    ///
    /// - Parameters:
    ///   - features: `n × d` sparse features.
    ///   - targets: `n × k` targets, one column per target, `k ≥ 1`.
    ///   - intercept: Fit an unpenalised bias per target (default).
    ///   - ridge: `λ ≥ 0`: each target minimises `MSE + λ‖wₜ‖²`.
    /// - Returns: The model (`d × k` weights, `k` biases), the method, rank and condition estimate.
    /// - Throws: ``DescentError/targetCountMismatch(rows:targets:)``, ``DescentError/noRows``,
    ///   ``DescentError/noFeatures``, ``DescentError/invalidOption(name:value:expected:)`` for no
    ///   target column or a bad `ridge`, ``DescentError/nonFiniteValue(at:)`` naming the target's
    ///   row and column, ``DescentError/unsolvable(method:reason:conditionEstimate:)`` when LSMR does
    ///   not converge on a target.
    /// - Complexity: Gram path: `O(Σᵢ nnzᵢ·(nnzᵢ + k) + d³ + d²k)` time, `O(d² + dk)` memory; LSMR:
    ///   `k` runs of `O(nnz + n + d)` per iteration.
    @specialized(where Scalar == Float)
    @specialized(where Scalar == Double)
    public static func solve<Scalar: BLASScalar>(_ features: SparseMatrix<Scalar>, _ targets: Matrix<Scalar>,
                                                 intercept: Bool = true, ridge: Double = 0) throws(DescentError)
        -> MultiLeastSquaresSolution<Scalar> {
        try solveSparse(features, targets, weights: nil, intercept: intercept, ridge: ridge)
    }

    /// Weighted least squares for several targets that share sparse features and weights: column
    /// `t` is ``solve(_:_:weights:intercept:ridge:)->LeastSquaresSolution<Scalar>``'s answer for `Y.column(t)`, computed as
    /// ``solve(_:_:intercept:ridge:)->MultiLeastSquaresSolution<Scalar>`` computes them (one
    /// weighted Gram matrix for all targets, or LSMR per target on the `√w`-scaled rows).
    ///
    /// - Parameters:
    ///   - features: `n × d` sparse features.
    ///   - targets: `n × k` targets, `k ≥ 1`.
    ///   - weights: `n` weights, finite and ≥ 0, not all zero.
    ///   - intercept: Fit an unpenalised bias per target (default).
    ///   - ridge: `λ ≥ 0`: each target minimises `Σwᵢrᵢ²/Σwᵢ + λ‖wₜ‖²`.
    /// - Returns: The model (`d × k` weights, `k` biases).
    /// - Throws: as ``solve(_:_:intercept:ridge:)->MultiLeastSquaresSolution<Scalar>``, and
    ///   ``DescentError/invalidOption(name:value:expected:)`` for unusable weights.
    /// - Complexity: as ``solve(_:_:intercept:ridge:)->MultiLeastSquaresSolution<Scalar>``.
    @specialized(where Scalar == Float)
    @specialized(where Scalar == Double)
    public static func solve<Scalar: BLASScalar>(_ features: SparseMatrix<Scalar>, _ targets: Matrix<Scalar>,
                                                 weights: [Scalar], intercept: Bool = true,
                                                 ridge: Double = 0) throws(DescentError) -> MultiLeastSquaresSolution<Scalar> {
        try Validation.checkWeights(weights, rows: features.rows)
        return try solveSparse(features, targets, weights: weights, intercept: intercept, ridge: ridge)
    }

    /// ``solve(_:_:intercept:ridge:)->MultiLeastSquaresSolution<Scalar>`` over rows split over the
    /// parts of `collective` (each part its own rows and targets, the same columns): every pass's
    /// sums in rank order, every check agreed, the same answer or error on every part.
    package static func solve<Scalar: BLASScalar>(_ features: SparseMatrix<Scalar>, _ targets: Matrix<Scalar>,
                                                  intercept: Bool = true, ridge: Double = 0,
                                                  collective: some Collective) throws(DescentError)
        -> MultiLeastSquaresSolution<Scalar> {
        try solveSparse(features, targets, weights: nil, intercept: intercept, ridge: ridge, collective: collective)
    }

    /// The sparse solve of `k` targets in memory, on this part's rows; `allowGram: false` takes LSMR
    /// (tests compare the paths).
    static func solveSparse<Scalar: BLASScalar>(_ features: SparseMatrix<Scalar>, _ targets: Matrix<Scalar>, weights: [Scalar]?,
                                                intercept: Bool, ridge: Double, allowGram: Bool = true,
                                                collective: some Collective = LocalCollective()) throws(DescentError)
        -> MultiLeastSquaresSolution<Scalar> {
        try collective.agree(features.rows != targets.rows ? .targetCountMismatch(rows: features.rows, targets: targets.rows)
            : targets.columns == 0 ? .invalidOption(name: "targets", value: "a \(targets.rows) × 0 matrix",
                                                    expected: "at least one target column") : nil)
        let rows = SparseSolverRows(features, targets.elements, targets: targets.columns, weights: weights,
                                    collective: collective)
        let outcome = try solveSparse(rows, intercept: intercept, ridge: ridge, allowGram: allowGram)
        return MultiLeastSquaresSolution(outcome, columns: features.columns, intercept: intercept)
    }
}

extension MultiLeastSquaresSolution {
    /// The solution of a sparse solve's `k` targets: the Gram path's (one factorisation), or LSMR's
    /// runs, with the largest of their condition estimates.
    init(_ outcome: LeastSquares.SparseOutcome<Scalar>, columns d: Int, intercept: Bool) {
        var raw = outcome.raw
        if outcome.runs != nil {
            let condition = raw.map(\.condition).max() ?? 0
            for t in raw.indices { raw[t].condition = condition }
        }
        self.init(raw, columns: d, intercept: intercept)
        iterative = outcome.runs
    }
}
