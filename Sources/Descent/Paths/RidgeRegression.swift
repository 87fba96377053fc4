/// Ridge regression for every `λ` of a grid from one eigendecomposition, scored by generalised
/// cross-validation or exact leave-one-out, on rows in memory or any ``RowSource``.
///
/// ```swift
/// let ridge = try RidgeRegression.crossValidated(X, y, lambdas: grid)   // criterion: .gcv or .leaveOneOut
/// ridge.lambda; ridge.scores; ridge.model
/// ```
///
/// `λ` is ``LeastSquares/solve(_:_:intercept:method:ridge:)->LeastSquaresSolution<Scalar>``'s:
/// the fit minimises `MSE + λ‖w‖²` on the raw (unstandardised) columns with the bias unpenalised,
/// which is scikit-learn's `Ridge(alpha=n·λ)`. From the centred Gram matrix `Xcᵀ Xc = VΛVᵀ`
/// (one pass) every `λ` costs `O(d²)`:
///
/// - GCV: `n·RSS/(n − tr H)²` with `tr H = 1 + Σₖ Λₖ/(Λₖ + nλ)`, the intercept counted in
///   `tr H` (Golub, Heath & Wahba 1979).
/// - Leave-one-out: the mean of `(eᵢ/(1 − hᵢᵢ))²` with `hᵢᵢ = 1/n + x̃ᵢᵀV(Λ + nλ)⁻¹Vᵀx̃ᵢ` (PRESS),
///   exactly what scikit-learn's `RidgeCV` (its default, efficient leave-one-out) scores, from
///   one more pass over the rows.
///
/// The chosen `λ` minimises the score (the first of equal scores, largest `λ` first); the model is
/// then the exact solve at it.
public enum RidgeRegression {
    /// How each `λ` is scored.
    public enum Criterion: String, Sendable, Hashable, CustomStringConvertible {
        /// Generalised cross-validation, `n·RSS/(n − tr H)²`.
        case gcv
        /// Exact leave-one-out mean squared error (PRESS/n).
        case leaveOneOut

        /// The criterion's name.
        public var description: String { rawValue }
    }

    /// Scores every `λ` of `lambdas` on rows in memory and fits the best.
    ///
    /// - Parameters:
    ///   - features: `n × d` features, row-major.
    ///   - targets: `n` targets.
    ///   - lambdas: The candidates, each finite and > 0 (scikit-learn's `alphas` divided by `n`).
    ///   - criterion: ``Criterion/gcv`` (default) or ``Criterion/leaveOneOut``.
    /// - Returns: The scores, the chosen `λ` and its model.
    /// - Throws: ``DescentError`` for mismatched shapes, no rows or columns, NaN or ±∞, or `λ` not > 0.
    /// - Complexity: `O(n·d² + d³)`, plus `O(n·d·L)` for leave-one-out over `L` values of `λ`.
    @specialized(where Scalar == Float)
    @specialized(where Scalar == Double)
    public static func crossValidated<Scalar: BLASScalar>(_ features: Matrix<Scalar>, _ targets: [Scalar], lambdas: [Double],
                                                          criterion: Criterion = .gcv)
        throws(DescentError) -> RidgeCrossValidation<Scalar> {
        try Validation.checkShape(features, targets)
        return try crossValidated(from: Dataset(features: features, targets: targets), lambdas: lambdas, criterion: criterion)
    }

    /// Scores every `λ` of `lambdas` on the rows of any ``RowSource`` (streamed, your own store) and
    /// fits the best: two passes for GCV (column means, Gram), one more for leave-one-out, then the
    /// exact solve at the chosen `λ`.
    ///
    /// - Parameters:
    ///   - source: The rows, one target per row.
    ///   - lambdas: The candidates, each finite and > 0.
    ///   - criterion: ``Criterion/gcv`` (default) or ``Criterion/leaveOneOut``.
    /// - Returns: The scores, the chosen `λ` and its model (with the source's feature names).
    /// - Throws: as for matrices, and the source's read errors.
    /// - Complexity: as for matrices; `O(d²)` memory beside a chunk.
    public static func crossValidated<Source: RowSource>(from source: Source, lambdas: [Double], criterion: Criterion = .gcv)
        throws(DescentError) -> RidgeCrossValidation<Source.Scalar> {
        try crossValidated(from: source, lambdas: lambdas, criterion: criterion, collective: LocalCollective())
    }

    /// ``crossValidated(from:lambdas:criterion:)`` over the parts of `collective`.
    package static func crossValidated<Source: RowSource>(from source: Source, lambdas: [Double], criterion: Criterion,
                                                          collective: some Collective)
        throws(DescentError) -> RidgeCrossValidation<Source.Scalar> {
        guard !lambdas.isEmpty, lambdas.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw .invalidOption(name: "lambdas", value: "\(lambdas)", expected: "at least one λ, each finite and > 0")
        }
        try collective.agree(source.targetColumns == 1 ? nil : .invalidOption(
            name: "source", value: "\(source.targetColumns) targets per row", expected: "one target per row"))
        let rows = SolverRows(source, collective: collective)
        let moments = try CentredMoments(rows)
        let spectrum = try RidgeSpectrum(moments)
        let scores = criterion == .gcv ? spectrum.gcv(lambdas) : try spectrum.leaveOneOut(rows, lambdas)
        let best = scores.indices.min { scores[$0] < scores[$1] || (scores[$0] == scores[$1] && lambdas[$0] > lambdas[$1]) }!
        let solution = try LeastSquares.solve(from: source, method: .automatic, ridge: lambdas[best], collective: collective)
        return RidgeCrossValidation(lambdas: lambdas, scores: scores, criterion: criterion, index: best, model: solution.model)
    }
}

/// The scores of ridge regression over a grid of `λ` (``RidgeRegression``).
public struct RidgeCrossValidation<Scalar: BLASScalar>: Sendable {
    /// The candidates, in the order given.
    public let lambdas: [Double]
    /// The score of each candidate (GCV, or leave-one-out mean squared error).
    public let scores: [Double]
    /// The criterion that scored them.
    public let criterion: RidgeRegression.Criterion
    /// The position of the chosen `λ` in ``lambdas``.
    public let index: Int
    /// The exact ridge fit at the chosen `λ`.
    public let model: LinearModel<Scalar>

    /// The chosen `λ`: the smallest score.
    public var lambda: Double { lambdas[index] }
}

/// The centred Gram matrix's eigendecomposition `VΛVᵀ` and `a = VᵀXcᵀ(y − ȳ)`: every ridge fit
/// `w(λ) = V(Λ + nλ)⁻¹a` and its hat matrix's trace in `O(d)` each.
struct RidgeSpectrum {
    let moments: CentredMoments
    /// `Λ`, ascending (rounding may leave tiny negative values for a singular Gram matrix).
    let values: [Double]
    /// `V`, column-major: eigenvector `k` is `vectors[k·d ..< (k+1)·d]`.
    let vectors: [Double]
    let projected: [Double]

    init(_ moments: CentredMoments) throws(DescentError) {
        self.moments = moments
        let d = moments.means.count
        var v = moments.gram
        guard let values = v.withUnsafeMutableBufferPointer({ LAPACK.symmetricEigen($0, n: d) }) else {
            throw .unsolvable(method: "RidgeRegression", reason: "the eigendecomposition (syevd) did not converge", conditionEstimate: nil)
        }
        self.values = values
        vectors = v
        projected = (0..<d).map { k in (0..<d).reduce(0.0) { $0 + v[k * d + $1] * moments.rhs[$1] } }
    }

    /// The ridge fit at `lambda`: `w = V(Λ + nλ)⁻¹a`, `b = ȳ − μᵀw`.
    func model<S: BLASScalar>(_ lambda: Double) -> LinearModel<S> {
        let d = values.count, n = Double(moments.rows)
        var w = [Double](repeating: 0, count: d)
        for k in 0..<d {
            let coefficient = projected[k] / (values[k] + n * lambda)
            for j in 0..<d { w[j] += vectors[k * d + j] * coefficient }
        }
        var bias = Double.Accumulator(moments.targetMean)
        for j in 0..<d { bias -= Double.Accumulator(moments.means[j]) * Double.Accumulator(w[j]) }
        return LinearModel(weights: w.map { S($0) }, bias: S(Double(bias)))
    }

    /// GCV for each `λ`: `n·RSS/(n − tr H)²`, `RSS = Syy − Σₖaₖ²(2/Dₖ − Λₖ/Dₖ²)`, `Dₖ = Λₖ + nλ`.
    func gcv(_ lambdas: [Double]) -> [Double] {
        let n = Double(moments.rows)
        return lambdas.map { lambda in
            var rss = moments.targetSquares, trace = 1.0
            for k in values.indices {
                let dk = values[k] + n * lambda
                rss -= projected[k] * projected[k] * (2 / dk - values[k] / (dk * dk))
                trace += values[k] / dk
            }
            return n * Swift.max(0, rss) / ((n - trace) * (n - trace))
        }
    }

    /// The leave-one-out mean squared error for each `λ`, from one pass over the rows: per block,
    /// `P = (X − 1μᵀ)V` (`gemm`), then `hᵢᵢ = 1/n + Σₖ Pᵢₖ²/Dₖ` and `ŷᵢ = Σₖ Pᵢₖaₖ/Dₖ`.
    func leaveOneOut<S: BLASScalar>(_ rows: SolverRows<S>, _ lambdas: [Double]) throws(DescentError) -> [Double] {
        let d = values.count, n = Double(moments.rows), count = lambdas.count
        let blockRows = Swift.max(1, Swift.min(Swift.max(1, rows.localRows), 65_536 / Swift.max(1, d)))
        var centred = [Double](repeating: 0, count: blockRows * d)
        var projections = [Double](repeating: 0, count: blockRows * d)
        // Row-major Vᵀ·… : P = Xc·V, V row-major is the transpose of the column-major storage.
        var sums = [Double](repeating: 0, count: count)
        let inverse = lambdas.map { lambda in values.map { 1 / ($0 + n * lambda) } }
        try rows.forEachBlock(rows: blockRows) { (block) throws(DescentError) in
            let m = block.count
            for i in 0..<m {
                let x = block.row(i)
                for j in 0..<d { centred[i * d + j] = Double(x[j]) - moments.means[j] }
            }
            // P (m × d) = Xc (m × d) · V (d × d): V column-major is Vᵀ row-major, so transpose it.
            BLAS.gemm(centred, vectors, transposeB: true, m: m, n: d, k: d, beta: 0, &projections)
            for i in 0..<m {
                let residual = Double(block.target(i, 0)) - moments.targetMean
                for (l, scale) in inverse.enumerated() {
                    var h = 1 / n, fitted = 0.0
                    for k in 0..<d {
                        let p = projections[i * d + k]
                        h += p * p * scale[k]
                        fitted += p * projected[k] * scale[k]
                    }
                    let e = (residual - fitted) / (1 - h)
                    sums[l] += e * e
                }
            }
        }
        try rows.sum(&sums)
        return sums.map { $0 / n }
    }
}
