/// Column means and standard deviations of a feature matrix, to train on standardised features
/// `zⱼ = (xⱼ − μⱼ)/σⱼ` and map the model back to the original units (see
/// ``original(_:)`` and ``standardized(_:)``).
public struct Standardizer<Scalar: BLASScalar>: Sendable {
    /// The column means `μ`.
    public let means: [Double]
    /// The column standard deviations `σ` (population); 1 for a constant column.
    public let deviations: [Double]

    /// Measures the columns of `features` (in `Double`: the means in two passes, as the exact solvers compute
    /// them, then the deviations from them).
    ///
    /// - Throws: ``DescentError/noRows``, ``DescentError/noFeatures`` or ``DescentError/nonFiniteValue(at:)``.
    public init(fitting features: Matrix<Scalar>) throws(DescentError) {
        guard features.rows > 0 else { throw .noRows }
        guard features.columns > 0 else { throw .noFeatures }
        try Validation.checkFinite(features)
        let n = features.rows, d = features.columns
        var squares = [Double](repeating: 0, count: d)
        let means = features.withUnsafeBufferPointer { x in
            let means = ColumnStatistics.means(x, columns: d)
            for i in 0..<n { for j in 0..<d { let v = Double(x[i * d + j]) - means[j]; squares[j] += v * v } }
            return means
        }
        self.means = means
        deviations = squares.map { s in
            let sd = (s / Double(n)).squareRoot()
            return sd > 0 && sd.isFinite ? sd : 1
        }
    }

    /// A standardiser with the column means and deviations already measured (e.g. in one pass
    /// over the chunks of a ``RowSource``).
    init(means: [Double], deviations: [Double]) {
        self.means = means
        self.deviations = deviations
    }

    /// The standardised features `(x − μ)/σ`: one new matrix.
    ///
    /// - Throws: ``DescentError/weightCountMismatch(weights:features:)`` when the matrix's width
    ///   differs from the one measured.
    /// - Complexity: O(rows × columns); one copy of the features.
    public func transform(_ features: Matrix<Scalar>) throws(DescentError) -> Matrix<Scalar> {
        let d = features.columns
        guard d == means.count else { throw .weightCountMismatch(weights: means.count, features: d) }
        return features.withUnsafeBufferPointer { x in
            Matrix(rows: features.rows, columns: d, validInitializingWith: { out in
                for i in 0..<features.rows {
                    for j in 0..<d { out[i * d + j] = Scalar((Double(x[i * d + j]) - means[j]) / deviations[j]) }
                }
            })
        }
    }
}
