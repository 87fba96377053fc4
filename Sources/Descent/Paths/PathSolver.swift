import Foundation

/// The path over a built ``PathProblem``: the `λ` sequence (glmnet's or given), coordinate
/// descent at each `λ` from the previous solution, glmnet's early stop rules for its own sequence.
enum PathSolver {
    /// The resolved settings of one path.
    struct Settings {
        let alpha: Double
        /// Given `λ` (raw units, any order: solved from the largest), or `nil` for glmnet's sequence.
        let lambdas: [Double]?
        let count: Int
        let minimumRatio: Double?
        let tolerance: Double
    }

    /// The raw solutions along the path, largest `λ` first.
    struct Raw {
        var lambdas: [Double] = []
        var weights: [[Double]] = []
        var biases: [Double] = []
        var devianceExplained: [Double] = []
        var gaps: [Double] = []
        var sweeps: [Int] = []
    }

    /// glmnet's `λ_max` in raw units: the smallest `λ` at which every coefficient is 0,
    /// `s_y·maxⱼ|cⱼ| / max(α, 10⁻³)`.
    static func largestLambda(_ problem: PathProblem, alpha: Double) -> Double {
        let top = (0..<problem.columns).reduce(0.0) { problem.included[$1] ? Swift.max($0, Swift.abs(problem.correlations[$1])) : $0 }
        return problem.targetScale * top / Swift.max(alpha, 1e-3)
    }

    /// glmnet's sequence: `count` values from `λ_max` down to `ratio·λ_max`, evenly spaced in log
    /// scale, with `ratio` 10⁻⁴ when `n > d`, else 10⁻² (`lambda.min.ratio`).
    static func defaultLambdas(_ problem: PathProblem, alpha: Double, count: Int, minimumRatio: Double?) -> [Double] {
        let top = largestLambda(problem, alpha: alpha)
        let ratio = minimumRatio ?? (problem.rows > problem.columns ? 1e-4 : 1e-2)
        guard count > 1 else { return [top] }
        let step = log(ratio) / Double(count - 1)
        return (0..<count).map { top * exp(step * Double($0)) }
    }

    /// Solves the path. With glmnet's own sequence, the path stops early as glmnet's does (from the
    /// fifth `λ` on): when the deviance explained grew by less than 10⁻⁵ of itself since the
    /// previous `λ`, or passed 0.999.
    static func solve(_ problem: PathProblem, _ settings: Settings) -> Raw {
        let own = settings.lambdas == nil
        let lambdas = settings.lambdas?.sorted(by: >)
            ?? defaultLambdas(problem, alpha: settings.alpha, count: settings.count, minimumRatio: settings.minimumRatio)
        var raw = Raw()
        func run<Model: CoordinateModel>(_ model: Model) {
            var descent = CoordinateDescent(model: model, alpha: settings.alpha, included: problem.included,
                                            tolerance: settings.tolerance)
            // The smallest λ̃ with β = 0 optimal (KKT: every |cⱼ| ≤ λ̃α); ∞ for ridge.
            let top = settings.alpha > 0 ? largestLambda(problem, alpha: 1) / problem.targetScale / settings.alpha : .infinity
            var previous = largestLambda(problem, alpha: settings.alpha) / problem.targetScale
            var explainedBefore = 0.0
            for (index, lambda) in lambdas.enumerated() {
                let scaled = lambda / problem.targetScale
                // At λ_max and above, β = 0 is the optimum (KKT); the soft threshold would only see rounding there.
                let step = scaled >= top * (1 - 1e-12) ? descent.zero(lambda: scaled)
                                                       : descent.solve(lambda: scaled, previous: Swift.max(previous, scaled))
                previous = scaled
                let (weights, bias) = problem.raw(step.coefficients)
                raw.lambdas.append(lambda)
                raw.weights.append(weights)
                raw.biases.append(bias)
                raw.devianceExplained.append(step.devianceExplained)
                raw.gaps.append(step.gap)
                raw.sweeps.append(step.sweeps)
                if own && index >= 4 && lambdas.count > 4 {
                    if step.devianceExplained - explainedBefore < 1e-5 * step.devianceExplained { break }
                    if step.devianceExplained > 0.999 { break }
                }
                explainedBefore = step.devianceExplained
            }
        }
        if problem.isCovariance { run(CovarianceModel(problem)) } else { run(NaiveModel(problem)) }
        return raw
    }
}
