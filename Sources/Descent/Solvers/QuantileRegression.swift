/// Exact quantile regression: the `w`, `b` that minimise `Σᵢ wᵢ·ρ_τ(yᵢ − xᵢᵀw − b)` with the
/// pinball loss `ρ_τ(u) = max(τu, (τ − 1)u)` (R quantreg's `rq`, statsmodels' `QuantReg`,
/// scikit-learn's `QuantileRegressor(alpha=0)`); τ = ½ is least absolute deviations.
///
/// ```swift
/// let q = try QuantileRegression.fit(X, y, quantile: 0.9)          // weights:, intercept:, or from: source
/// q.model; q.objective; q.dualityGap; q.converged                    // Σwᵢρ_τ(rᵢ), its certified gap
/// let s = try q.summary(standardErrors: .nid)                        // or .kernel (statsmodels' default)
/// print(s)
/// ```
///
/// The solver is the Frisch–Newton interior point (Portnoy & Koenker 1997, R's
/// `rq(method = "fn")`): every iteration is three passes over the rows, one of them a weighted
/// Gram matrix `Σθᵢaᵢaᵢᵀ` of the `p = d + 1` columns built by BLAS over row blocks, so it runs on
/// matrices in memory, on any ``RowSource`` and across MPI ranks (`DescentMPI`) alike. It is
/// finished at the exact vertex of the linear program — the `p` rows nearest zero residual are
/// interpolated — kept when its subgradient conditions hold (a dual certificate). The duality gap
/// reported is that certificate's: `(P − D)/|P|` with `P` the objective and `D` the value of a
/// dual-feasible point, so `P` is within `dualityGap·|P|` of the optimum; ``converged`` says it
/// is at most 10⁻⁹.
///
/// **The optimum can be a face.** The linear program can have many optimal coefficient vectors
/// (R warns "solution may be nonunique"); the fit returns one optimal point, a vertex when one
/// was certified, and says whether it is the only one (``isUnique``, a strict dual certificate on
/// exactly `p` interpolated rows; `false` means not proven unique, not proven non-unique).
///
/// Sample weights multiply each row's loss, as R's `rq(weights = w)` (which scales the rows of
/// `X` and `y` by `w`); integer weights give the fit of the rows repeated. Everything is computed
/// in `Double`, whatever `Scalar`. Not here: R's exact simplex (`br`) itself, bootstrap and
/// rank-inversion standard errors.
public struct QuantileRegression<Scalar: BLASScalar>: Sendable {
    /// The fitted model `ŷ = xᵀw + b` (with the source's feature names).
    public internal(set) var model: LinearModel<Scalar>
    /// The quantile τ.
    public let quantile: Double
    /// `Σᵢ wᵢ·ρ_τ(yᵢ − ŷᵢ)` at the model (R's `rho`: summed, not averaged), computed in `Double`
    /// from the model's `Double` coefficients.
    public let objective: Double
    /// `(P − D)/|P|`: the objective's distance to a dual-feasible point's value, relative (`P − D`
    /// when `P = 0`). An upper bound on the objective's relative distance to the optimum.
    public let dualityGap: Double
    /// Frisch–Newton iterations (each three passes over the rows).
    public let iterations: Int
    /// The duality gap is at most 10⁻⁹ with a dual point feasible to rounding (subgradients
    /// within 10⁻⁹ of their intervals).
    public let converged: Bool
    /// The coefficients are an exactly interpolating vertex (else the interior point's, on a
    /// face with no certified vertex).
    public let isVertex: Bool
    /// Certified the only optimum: exactly `p` rows interpolated, with a strict dual margin.
    public let isUnique: Bool
    /// The number of rows (over every MPI rank), zero weights included.
    public let observations: Int
    /// The fit has an intercept.
    public let hasIntercept: Bool
    /// The fit was weighted.
    public let isWeighted: Bool
    /// What the summary needs: the rows, the weights, the collective, the shifted coefficients.
    let context: Context

    struct Context: @unchecked Sendable {
        let source: any RowSource<Scalar>
        let collective: any Collective
        let weights: [Scalar]?
        let outcome: PiecewiseLinearSolver<Scalar>.Outcome
        let shift: [Double]
    }

    /// Fits the τ-quantile of `targets` given `features` exactly.
    ///
    /// - Parameters:
    ///   - features: `n × d` features, row-major.
    ///   - targets: `n` targets.
    ///   - quantile: τ, strictly between 0 and 1.
    ///   - weights: `n` sample weights, finite and ≥ 0, not all zero (`nil`: every row 1).
    ///   - intercept: Fit a bias `b` (default).
    /// - Returns: The fit, its objective and certified duality gap.
    /// - Throws: ``DescentError/invalidOption(name:value:expected:)`` for τ ∉ (0, 1) or NaN
    ///   (`quantile`) and unusable weights (`weights`); ``DescentError/nonFiniteValue(at:)``;
    ///   shape errors; ``DescentError/unsolvable(method:reason:conditionEstimate:)`` for collinear
    ///   or constant columns.
    /// - Complexity: O(n·p²) per iteration, typically 15–40 iterations; O(n) memory beside the rows.
    public static func fit(_ features: Matrix<Scalar>, _ targets: [Scalar], quantile: Double,
                           weights: [Scalar]? = nil, intercept: Bool = true) throws(DescentError) -> QuantileRegression {
        try fit(from: Dataset(features: features, targets: targets), quantile: quantile, weights: weights,
                intercept: intercept)
    }

    /// Fits the τ-quantile of any ``RowSource`` exactly, reading it in passes of row blocks (three
    /// per iteration): the answer equals the in-memory fit's on the same rows.
    ///
    /// - Parameters:
    ///   - source: The rows (one target per row).
    ///   - quantile: τ, strictly between 0 and 1.
    ///   - weights: `source.rowCount` sample weights, or `nil`.
    ///   - intercept: Fit a bias `b` (default).
    /// - Returns: The fit (with the source's feature names).
    /// - Throws: as ``fit(_:_:quantile:weights:intercept:)``, and the source's read errors.
    /// - Complexity: O(n·p²) per iteration; O(n) memory for the per-row dual variables.
    public static func fit(from source: some RowSource<Scalar>, quantile: Double, weights: [Scalar]? = nil,
                           intercept: Bool = true) throws(DescentError) -> QuantileRegression {
        try fit(from: source, quantile: quantile, weights: weights, intercept: intercept, collective: LocalCollective())
    }

    /// ``fit(from:quantile:weights:intercept:)`` over rows split over the parts of `collective`.
    package static func fit(from source: some RowSource<Scalar>, quantile: Double, weights: [Scalar]?,
                            intercept: Bool, collective: some Collective) throws(DescentError) -> QuantileRegression {
        try collective.agree(quantile > 0 && quantile < 1 ? nil : .invalidOption(
            name: "quantile", value: "\(quantile)", expected: "a quantile τ strictly between 0 and 1"))
        let (solver, outcome) = try solve(source, loss: .quantile(quantile), weights: weights, intercept: intercept,
                                          collective: collective)
        var model = solver.linearModel(outcome.beta)
        model.featureNames = source.featureNames
        return QuantileRegression(
            model: model, quantile: quantile, objective: outcome.objective, dualityGap: outcome.relativeGap,
            iterations: outcome.iterations, converged: outcome.converged, isVertex: outcome.isVertex,
            isUnique: outcome.isUnique, observations: solver.totalRows, hasIntercept: intercept,
            isWeighted: weights != nil,
            context: Context(source: source, collective: collective, weights: weights, outcome: outcome,
                             shift: solver.shift))
    }

    /// The solver on `source`'s rows, and what it found.
    static func solve(_ source: some RowSource<Scalar>, loss: Loss, weights: [Scalar]?, intercept: Bool,
                      collective: some Collective) throws(DescentError)
        -> (PiecewiseLinearSolver<Scalar>, PiecewiseLinearSolver<Scalar>.Outcome) {
        try collective.agree(source.targetColumns == 1 ? nil : .invalidOption(
            name: "source", value: "\(source.targetColumns) targets per row", expected: "one target per row"))
        let solver = try PiecewiseLinearSolver(SolverRows(source, collective: collective), loss: loss, weights: weights,
                                               intercept: intercept)
        return (solver, try solver.solve())
    }
}

/// The exact optimum of a piecewise-linear loss: ``QuantileRegression/exactOptimum(features:targets:weights:loss:intercept:)``.
public struct PiecewiseLinearOptimum<Scalar: BLASScalar>: Sendable {
    /// The optimal model (one optimal point when the optimum is a face).
    public let model: LinearModel<Scalar>
    /// The loss.
    public let loss: Loss
    /// `(1/Σvᵢ)·Σ vᵢ ℓ(rᵢ)`: the weighted mean loss, Descent's training objective (the plain mean
    /// without weights).
    public let meanObjective: Double
    /// `Σ vᵢ ℓ(rᵢ)`, summed.
    public let objective: Double
    /// The certified relative duality gap of ``objective`` (absolute when the objective is 0).
    public let dualityGap: Double
    /// The gap is at most 10⁻⁹ with a feasible dual point.
    public let converged: Bool
    /// Certified the only optimum.
    public let isUnique: Bool
    /// Frisch–Newton iterations.
    public let iterations: Int
}

extension QuantileRegression {
    /// The exact minimiser of `(1/Σvᵢ)·Σ vᵢ ℓ(xᵢᵀw + b − yᵢ)` for a piecewise-linear training
    /// ``Loss``: ``Loss/quantile(_:)``, ``Loss/absolute`` or ``Loss/epsilonInsensitive(_:)``, by the
    /// same interior point and vertex finish as ``fit(_:_:quantile:weights:intercept:)``. The
    /// reference a gradient-descent fit of the same loss is verified against; its
    /// ``PiecewiseLinearOptimum/meanObjective`` is the training objective's convention.
    ///
    /// ```swift
    /// let exact = try QuantileRegression.exactOptimum(features: X, targets: y, loss: .epsilonInsensitive(0.1))
    /// exact.meanObjective; exact.model
    /// ```
    ///
    /// - Parameters:
    ///   - features: `n × d` features, row-major.
    ///   - targets: `n` targets.
    ///   - weights: `n` weights `vᵢ` (finite, ≥ 0, not all zero), or `nil`.
    ///   - loss: A piecewise-linear loss (τ ∈ (0, 1), ε ≥ 0 finite).
    ///   - intercept: Fit a bias `b` (default).
    /// - Returns: The optimal model, the mean and summed objective and the certified gap.
    /// - Throws: as ``fit(_:_:quantile:weights:intercept:)``; a bad τ or ε, or a loss that is not
    ///   piecewise linear, is ``DescentError/invalidOption(name:value:expected:)`` naming `loss`.
    /// - Complexity: O(n·p²) per iteration; one variable per row and kink.
    public static func exactOptimum(features: Matrix<Scalar>, targets: [Scalar], weights: [Scalar]? = nil,
                                    loss: Loss,
                                    intercept: Bool = true) throws(DescentError) -> PiecewiseLinearOptimum<Scalar> {
        try exactOptimum(from: Dataset(features: features, targets: targets), weights: weights, loss: loss,
                         intercept: intercept)
    }

    /// ``exactOptimum(features:targets:weights:loss:intercept:)`` of any ``RowSource``.
    ///
    /// - Parameters:
    ///   - source: The rows.
    ///   - weights: `source.rowCount` weights, or `nil`.
    ///   - loss: The loss.
    ///   - intercept: Fit a bias `b` (default).
    /// - Returns: The optimal model and objective.
    /// - Throws: as ``exactOptimum(features:targets:weights:loss:intercept:)``, and the source's read errors.
    /// - Complexity: as ``exactOptimum(features:targets:weights:loss:intercept:)``.
    public static func exactOptimum(from source: some RowSource<Scalar>, weights: [Scalar]? = nil,
                                    loss: Loss,
                                    intercept: Bool = true) throws(DescentError) -> PiecewiseLinearOptimum<Scalar> {
        try exactOptimum(from: source, weights: weights, loss: loss, intercept: intercept, collective: LocalCollective())
    }

    /// ``exactOptimum(from:weights:loss:intercept:)`` over rows split over the parts of `collective`.
    package static func exactOptimum(from source: some RowSource<Scalar>, weights: [Scalar]?, loss: Loss,
                                     intercept: Bool, collective: some Collective) throws(DescentError)
        -> PiecewiseLinearOptimum<Scalar> {
        let (solver, outcome) = try solve(source, loss: loss, weights: weights, intercept: intercept, collective: collective)
        var model = solver.linearModel(outcome.beta)
        model.featureNames = source.featureNames
        return PiecewiseLinearOptimum(model: model, loss: loss, meanObjective: outcome.objective / outcome.totalWeight,
                                      objective: outcome.objective, dualityGap: outcome.relativeGap,
                                      converged: outcome.converged, isUnique: outcome.isUnique,
                                      iterations: outcome.iterations)
    }
}

extension PiecewiseLinearSolver {
    /// The model of shifted coefficients, in `Scalar`.
    func linearModel(_ beta: [Double]) -> LinearModel<S> {
        let (weights, bias) = model(beta)
        return LinearModel(weights: weights.map { S($0) }, bias: S(bias))
    }
}
