import Foundation

/// The solutions of an elastic-net path, one per `λ`, largest `λ` first (``ElasticNet``).
///
/// Every entry is certified by its duality gap: ``dualityGaps`` holds the gap of the objective at
/// each `λ` relative to the null deviance (the objective at `β = 0`, doubled), and ``certified``
/// says which are within ``tolerance``. The coefficients are in raw units.
public struct ElasticNetPath<Scalar: BLASScalar>: Sendable {
    /// glmnet's mixing `α`.
    public let alpha: Double
    /// The `λ` of each solution, in decreasing order (raw units: glmnet's `lambda`).
    public let lambdas: [Double]
    /// The fitted model at each `λ` (raw units, intercept unpenalised).
    public private(set) var models: [LinearModel<Scalar>]
    /// The number of non-zero coefficients at each `λ`.
    public let nonzeros: [Int]
    /// The duality gap at each `λ`, relative to the null deviance: `(P(β) − D(ν))/(2·P(0))` for
    /// the objective `P` of ``ElasticNet`` and the dual point `ν` scaled from the residuals, an
    /// upper bound on how far `P(β)` is above the optimum.
    public let dualityGaps: [Double]
    /// The gap each `λ` had to reach.
    public let tolerance: Double
    /// The fraction of the (weighted) null deviance explained at each `λ`, `1 − RSS/TSS`
    /// (glmnet's `dev.ratio`).
    public let devianceExplained: [Double]
    /// The coordinate sweeps spent at each `λ`.
    public let sweeps: [Int]
    /// The mode that ran.
    public let mode: ElasticNet.Mode
    /// The rows `n` (every row, whatever its weight).
    public let rows: Int
    /// The feature names, when the rows came from a ``Dataset`` or a source with names.
    public var featureNames: [String]? {
        didSet { for k in models.indices { models[k].featureNames = featureNames } }
    }
    /// `s_y²`, the targets' weighted population variance: the null deviance per row.
    let targetVariance: Double

    init(_ raw: PathSolver.Raw, problem: PathProblem, settings: PathSolver.Settings, mode: ElasticNet.Mode,
         featureNames: [String]?) {
        alpha = settings.alpha
        lambdas = raw.lambdas
        models = (0..<raw.lambdas.count).map { k in
            var model = LinearModel(weights: raw.weights[k].map { Scalar($0) }, bias: Scalar(raw.biases[k]))
            model.featureNames = featureNames
            return model
        }
        nonzeros = raw.weights.map { $0.reduce(0) { $0 + ($1 != 0 ? 1 : 0) } }
        dualityGaps = raw.gaps
        tolerance = settings.tolerance
        devianceExplained = raw.devianceExplained
        sweeps = raw.sweeps
        self.mode = mode
        rows = problem.rows
        targetVariance = problem.targetScale * problem.targetScale
        self.featureNames = featureNames
    }

    /// Whether each `λ`'s duality gap is within ``tolerance``.
    public var certified: [Bool] { dualityGaps.map { $0 <= tolerance } }
    /// Whether every `λ` is certified.
    public var converged: Bool { dualityGaps.allSatisfy { $0 <= tolerance } }

    /// The coefficients `β` at the `index`-th `λ` (raw units; the intercept is `models[index].bias`).
    ///
    /// - Parameter index: A position in ``lambdas``.
    /// - Complexity: O(d).
    public func coefficients(at index: Int) -> [Scalar] { models[index].weights }

    /// The degrees of freedom at each `λ`: the non-zero coefficients (glmnet's `df`; for the lasso,
    /// an unbiased estimate, Zou, Hastie & Tibshirani 2007).
    public var degreesOfFreedom: [Int] { nonzeros }

    /// The residual sum of squares per row at each `λ`, `(1 − devianceExplained)·s_y²` (weighted,
    /// weights of mean 1).
    public var meanSquaredResiduals: [Double] { devianceExplained.map { Swift.max(0, 1 - $0) * targetVariance } }

    /// Akaike's criterion at each `λ`, `n·log(RSS/n) + 2(df + 1)` (the intercept counted; the
    /// Gaussian log-likelihood up to a constant).
    public var aic: [Double] {
        meanSquaredResiduals.enumerated().map { Double(rows) * log($1) + 2 * Double(nonzeros[$0] + 1) }
    }

    /// Schwarz's criterion at each `λ`, `n·log(RSS/n) + log(n)(df + 1)`.
    public var bic: [Double] {
        meanSquaredResiduals.enumerated().map { Double(rows) * log($1) + log(Double(rows)) * Double(nonzeros[$0] + 1) }
    }
}
