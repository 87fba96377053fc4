/// Column means and standard deviations of a feature matrix, to train on standardised features
/// and map the model back to the original units.
///
/// A model `ŷ = zᵀv + c` on standardised features `zⱼ = (xⱼ − μⱼ)/σⱼ` is the model
/// `ŷ = xᵀw + b` with `wⱼ = vⱼ/σⱼ` and `b = c − Σⱼ μⱼwⱼ`.
public struct Standardizer<Scalar: BLASScalar>: Sendable {
    /// The column means `μ`.
    public let means: [Double]
    /// The column standard deviations `σ` (population); 1 for a constant column.
    public let deviations: [Double]

    /// Measures the columns of `features` (two passes, in `Double`).
    ///
    /// - Throws: ``DescentError/noRows``, ``DescentError/noFeatures`` or ``DescentError/nonFiniteValue(at:)``.
    public init(fitting features: Matrix<Scalar>) throws(DescentError) {
        guard features.rows > 0 else { throw .noRows }
        guard features.columns > 0 else { throw .noFeatures }
        try Validation.checkFinite(features)
        let n = features.rows, d = features.columns
        var means = [Double](repeating: 0, count: d)
        var squares = [Double](repeating: 0, count: d)
        features.withUnsafeBufferPointer { x in
            for i in 0..<n { for j in 0..<d { means[j] += Double(x[i * d + j]) } }
            for j in 0..<d { means[j] /= Double(n) }
            for i in 0..<n { for j in 0..<d { let v = Double(x[i * d + j]) - means[j]; squares[j] += v * v } }
        }
        self.means = means
        deviations = squares.map { s in
            let sd = (s / Double(n)).squareRoot()
            return sd > 0 && sd.isFinite ? sd : 1
        }
    }

    /// The standardised features `(x − μ)/σ`: one new matrix.
    ///
    /// - Throws: ``DescentError/weightCountMismatch(weights:features:)`` when the matrix's width
    ///   differs from the one measured.
    /// - Complexity: O(rows × columns); one copy of the features.
    public func transform(_ features: Matrix<Scalar>) throws(DescentError) -> Matrix<Scalar> {
        let d = features.columns
        guard d == means.count else { throw .weightCountMismatch(weights: means.count, features: d) }
        var out = [Scalar](repeating: 0, count: features.rows * d)
        features.withUnsafeBufferPointer { x in
            for i in 0..<features.rows {
                for j in 0..<d { out[i * d + j] = Scalar((Double(x[i * d + j]) - means[j]) / deviations[j]) }
            }
        }
        return try! Matrix(rows: features.rows, columns: d, elements: out)
    }

    /// A model on the original features as the same model on standardised ones. Its training
    /// state is kept: it belongs to the standardised problem.
    ///
    /// - Throws: ``DescentError/weightCountMismatch(weights:features:)`` for a model of another width.
    public func standardized(_ model: LinearModel<Scalar>) throws(DescentError) -> LinearModel<Scalar> {
        guard model.weights.count == means.count else {
            throw .weightCountMismatch(weights: model.weights.count, features: means.count)
        }
        var result = model
        var bias = Double(model.bias)
        for j in 0..<means.count {
            bias += means[j] * Double(model.weights[j])
            result.weights[j] = Scalar(Double(model.weights[j]) * deviations[j])
        }
        result.bias = Scalar(bias)
        return result
    }

    /// A model on standardised features as the same model on the original ones.
    ///
    /// - Throws: ``DescentError/weightCountMismatch(weights:features:)`` for a model of another width.
    public func original(_ model: LinearModel<Scalar>) throws(DescentError) -> LinearModel<Scalar> {
        guard model.weights.count == means.count else {
            throw .weightCountMismatch(weights: model.weights.count, features: means.count)
        }
        var result = model
        var bias = Double(model.bias)
        for j in 0..<means.count {
            let w = Double(model.weights[j]) / deviations[j]
            result.weights[j] = Scalar(w)
            bias -= means[j] * w
        }
        result.bias = Scalar(bias)
        return result
    }
}
