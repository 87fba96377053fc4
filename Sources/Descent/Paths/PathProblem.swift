/// The elastic-net problem in glmnet's standardised units, built once from the rows, on which
/// every `λ` of a path is solved.
///
/// With weights `ωᵢ` normalised to `Σωᵢ = 1`, weighted means `μⱼ`, `ȳ`, population deviations
/// `sⱼ` (1 when not standardising) and `s_y`, and `x̃ᵢⱼ = (xᵢⱼ − μⱼ)/sⱼ`, `ỹᵢ = (yᵢ − ȳ)/s_y`,
/// the path solves for each `λ̃ = λ/s_y`
///
///     f(b) = ½Σωᵢ(ỹᵢ − x̃ᵢᵀb)² + λ̃(α‖b‖₁ + (1 − α)/2·‖b‖²),
///
/// which is glmnet's gaussian objective `(1/2n)Σωᵢ·n·rᵢ² + λα‖β‖₁ + λ(1 − α)/(2s_y)‖β‖²` in raw
/// units (with `|βⱼ|` weighted by `sⱼ` when standardising) divided by `s_y²`, with
/// `βⱼ = s_y·bⱼ/sⱼ` and `β₀ = ȳ − μᵀβ`. The null objective `f(0)` is ½.
///
/// Covariance mode keeps `G = Σωx̃x̃ᵀ` and `c = Σωx̃ỹ` (`d × d` and `d` numbers, from one Gram
/// pass); naive mode keeps the columns `z̃ⱼ = √ω·x̃ⱼ` (column-major) and `r̃₀ = √ω·ỹ`.
struct PathProblem {
    /// `n`, the rows (with any weight).
    let rows: Int
    /// `d`.
    let columns: Int
    /// The weighted column means `μ`.
    let means: [Double]
    /// `sⱼ`: the columns' population standard deviations when standardising, else 1.
    let scales: [Double]
    /// Whether each column varies (a constant column keeps a zero coefficient, as in glmnet).
    let included: [Bool]
    /// The weighted target mean `ȳ`.
    let targetMean: Double
    /// `s_y`, the targets' weighted population standard deviation.
    let targetScale: Double
    /// `c = Σωx̃ỹ`.
    let correlations: [Double]
    /// `G`, row-major `d × d`, in covariance mode; empty in naive mode.
    let gram: [Double]
    /// `√ω·x̃ⱼ` column after column (`d × n`), in naive mode; empty in covariance mode.
    let standardized: [Double]
    /// `√ω·ỹ`, in naive mode; empty in covariance mode.
    let scaledTargets: [Double]

    /// Whether the problem holds the Gram matrix (covariance mode).
    var isCovariance: Bool { !gram.isEmpty || columns == 0 }

    /// Raw coefficients `βⱼ = s_y·bⱼ/sⱼ` and the intercept `β₀ = ȳ − μᵀβ` (extended precision).
    func raw(_ b: [Double]) -> (weights: [Double], bias: Double) {
        let beta = (0..<columns).map { included[$0] ? targetScale * b[$0] / scales[$0] : 0 }
        var bias = Double.Accumulator(targetMean)
        for j in 0..<columns { bias -= Double.Accumulator(means[j]) * Double.Accumulator(beta[j]) }
        return (beta, Double(bias))
    }

    /// The covariance-mode problem of unweighted rows (in memory, streamed, or over the parts of a
    /// collective): the first pass (``RowTotals``), then one Gram pass
    /// (``LeastSquares/centredGram(_:shift:targetMeans:)``).
    @specialized(where S == Float)
    @specialized(where S == Double)
    static func covariance<S: BLASScalar>(_ rows: SolverRows<S>, standardize: Bool) throws(DescentError) -> PathProblem {
        let m = try CentredMoments(rows)
        return try standardized(gram: m.gram, rhs: m.rhs, targetSquares: m.targetSquares, total: Double(m.rows), rows: m.rows,
                                means: m.means, targetMean: m.targetMean, standardize: standardize)
    }

    /// The covariance-mode problem of weighted rows in memory: ``WeightedProblem``'s `√ω(X − μ)`
    /// and `√ω(y − ȳ)`, then one Gram pass over them.
    static func covariance<S: BLASScalar>(_ x: Matrix<S>, _ y: TargetColumns<S>, weights: [S],
                                          standardize: Bool) throws(DescentError) -> PathProblem {
        let problem = try WeightedProblem(x, y, weights: weights, intercept: true)
        let d = x.columns
        let pass = try problem.features.withUnsafeBufferPointer { (z) throws(DescentError) in
            try problem.targets.withUnsafeBufferPointer { (t) throws(DescentError) in
                try LeastSquares.gramOfRows(SolverRows(z, TargetColumns(t), columns: d),
                                            shift: [Double](repeating: 0, count: d), targetMeans: [0], centre: false)
            }
        }
        return try standardized(gram: pass.gram, rhs: pass.rhs, targetSquares: pass.targetSquares[0],
                                total: problem.totalWeight, rows: x.rows, means: problem.means,
                                targetMean: problem.targetMeans[0], standardize: standardize)
    }

    /// The naive-mode problem of rows in memory (weights of 1 when `weights` is `nil`): the
    /// standardised columns `√ω·x̃ⱼ`, column-major, for wide data whose `d × d` Gram matrix would
    /// cost more than the rows.
    static func naive<S: BLASScalar>(_ x: Matrix<S>, _ y: TargetColumns<S>, weights: [S]?,
                                     standardize: Bool) throws(DescentError) -> PathProblem {
        let n = x.rows, d = x.columns
        let problem = try WeightedProblem(x, y, weights: weights ?? [S](repeating: 1, count: n), intercept: true)
        try MemoryBudget.reserve(MemoryBudget.bytes(MemoryBudget.count(n, d)),
                                 for: "the standardised columns of the path (\(n) × \(d) Double values)",
                                 remedies: [.fewerColumns(atMost: d - 1)])
        let total = problem.totalWeight
        var squares = [Double](repeating: 0, count: d)
        var products = [Double](repeating: 0, count: d)
        var targetSquares = 0.0
        problem.features.withUnsafeBufferPointer { z in
            for i in 0..<n {
                let t = problem.targets[i]
                targetSquares += t * t
                for j in 0..<d { squares[j] += z[i * d + j] * z[i * d + j]; products[j] += z[i * d + j] * t }
            }
        }
        let (scales, included, targetScale) = try deviations(squares: squares, targetSquares: targetSquares, total: total,
                                                            means: problem.means, standardize: standardize)
        var columns = [Double](repeating: 0, count: n * d)
        let root = total.squareRoot()
        problem.features.withUnsafeBufferPointer { z in
            for j in 0..<d where included[j] {
                let factor = 1 / (scales[j] * root)
                for i in 0..<n { columns[j * n + i] = z[i * d + j] * factor }
            }
        }
        let targets = problem.targets.map { $0 / (targetScale * root) }
        let correlations = (0..<d).map { included[$0] ? products[$0] / (total * scales[$0] * targetScale) : 0 }
        return PathProblem(rows: n, columns: d, means: problem.means, scales: scales, included: included,
                           targetMean: problem.targetMeans[0], targetScale: targetScale, correlations: correlations,
                           gram: [], standardized: columns, scaledTargets: targets)
    }

    /// The problem from the centred co-moments: `gram = Σω(x − μ)(x − μ)ᵀ`, `rhs = Σω(x − μ)(y − ȳ)`,
    /// `targetSquares = Σω(y − ȳ)²`, unnormalised (`Σω = total`).
    static func standardized(gram: [Double], rhs: [Double], targetSquares: Double, total: Double, rows: Int,
                             means: [Double], targetMean: Double, standardize: Bool) throws(DescentError) -> PathProblem {
        let d = means.count
        let (scales, included, targetScale) = try deviations(squares: (0..<d).map { gram[$0 * d + $0] },
                                                            targetSquares: targetSquares, total: total, means: means,
                                                            standardize: standardize)
        var g = [Double](repeating: 0, count: d * d)
        for i in 0..<d where included[i] {
            for j in 0..<d where included[j] { g[i * d + j] = gram[i * d + j] / (total * scales[i] * scales[j]) }
        }
        let correlations = (0..<d).map { included[$0] ? rhs[$0] / (total * scales[$0] * targetScale) : 0 }
        guard g.allSatisfy(\.isFinite), correlations.allSatisfy(\.isFinite) else {
            throw .unsolvable(method: "ElasticNet.path", reason: GramFactor.overflow, conditionEstimate: nil)
        }
        return PathProblem(rows: rows, columns: d, means: means, scales: scales, included: included, targetMean: targetMean,
                           targetScale: targetScale, correlations: correlations, gram: d == 0 ? [] : g, standardized: [],
                           scaledTargets: [])
    }

    /// The columns' scales, which columns vary, and `s_y`, from the sums of squares about the means.
    /// A column varies when its deviation exceeds 10⁻¹³ of its mean's magnitude (below, what is
    /// left is the rounding of a constant column's mean).
    static func deviations(squares: [Double], targetSquares: Double, total: Double, means: [Double],
                           standardize: Bool) throws(DescentError) -> (scales: [Double], included: [Bool], target: Double) {
        let deviation = squares.map { Swift.max(0, $0 / total).squareRoot() }
        let included = (0..<squares.count).map { deviation[$0] > 1e-13 * Swift.abs(means[$0]) && deviation[$0] > 0 }
        let target = Swift.max(0, targetSquares / total).squareRoot()
        guard target > 0, target.isFinite else {
            throw .invalidOption(name: "targets", value: "constant", expected: "targets that vary (every coefficient of a constant target is 0)")
        }
        return (standardize ? deviation.map { $0 > 0 ? $0 : 1 } : [Double](repeating: 1, count: squares.count), included, target)
    }
}
