/// How well a model fits some data.
public struct RegressionMetrics: Sendable, Equatable, CustomStringConvertible {
    /// Mean squared error, `(1/n)·Σ(ŷᵢ − yᵢ)²`.
    public let meanSquaredError: Double
    /// Root mean squared error, `√MSE`.
    public let rootMeanSquaredError: Double
    /// Mean absolute error, `(1/n)·Σ|ŷᵢ − yᵢ|`.
    public let meanAbsoluteError: Double
    /// Coefficient of determination, `1 − Σ(ŷᵢ − yᵢ)² / Σ(yᵢ − ȳ)²` (`1` is a perfect fit; it is
    /// `−∞`-bounded below and, for constant targets, 1 when the fit is exact and 0 otherwise).
    public let r2: Double

    /// `MSE = …, RMSE = …, MAE = …, R² = …`.
    public var description: String {
        "MSE = \(meanSquaredError), RMSE = \(rootMeanSquaredError), MAE = \(meanAbsoluteError), R² = \(r2)"
    }
}

extension LinearModel {
    /// MSE, RMSE, MAE and R² of this model on `features` and `targets` (sums in `Double`).
    ///
    /// - Parameters:
    ///   - features: `n × d` features, row-major.
    ///   - targets: `n` targets.
    /// - Throws: as ``meanSquaredError(features:targets:)``.
    /// - Complexity: O(rows × columns).
    public func metrics(features: Matrix<Scalar>, targets: [Scalar]) throws(DescentError) -> RegressionMetrics {
        try Validation.checkShape(features, targets)
        try Validation.checkFinite(targets)
        return Self.metrics(predictions: try predict(features), targets: targets, weights: nil)
    }

    /// Weighted MSE, RMSE, MAE and R², as scikit-learn's metrics with `sample_weight`:
    /// `MSE = Σwᵢrᵢ²/Σwᵢ`, `MAE = Σwᵢ|rᵢ|/Σwᵢ`, `R² = 1 − Σwᵢrᵢ²/Σwᵢ(yᵢ − ȳ)²` with `ȳ` the
    /// weighted mean.
    ///
    /// - Parameters:
    ///   - features: `n × d` features, row-major.
    ///   - targets: `n` targets.
    ///   - weights: `n` weights, finite and ≥ 0, not all zero.
    /// - Throws: as ``metrics(features:targets:)``, and ``DescentError/invalidOption(name:value:expected:)``
    ///   for unusable weights.
    /// - Complexity: O(rows × columns).
    public func metrics(features: Matrix<Scalar>, targets: [Scalar], weights: [Scalar]) throws(DescentError)
        -> RegressionMetrics {
        try Validation.checkShape(features, targets)
        try Validation.checkFinite(targets)
        try Validation.checkWeights(weights, rows: targets.count)
        return Self.metrics(predictions: try predict(features), targets: targets, weights: weights)
    }

    /// The metrics of `predictions`, weighted when `weights` are given.
    static func metrics(predictions: [Scalar], targets: [Scalar], weights: [Scalar]?) -> RegressionMetrics {
        let weight = { (i: Int) -> Double in weights.map { Double($0[i]) } ?? 1 }
        let total = weights.map { $0.reduce(0.0) { $0 + Double($1) } } ?? Double(targets.count)
        let mean = weights == nil ? ColumnStatistics.mean(targets)
            : (0..<targets.count).reduce(0.0) { $0 + weight($1) * Double(targets[$1]) } / total
        var squares = 0.0, absolute = 0.0, spread = 0.0
        for i in 0..<targets.count {
            let r = Double(predictions[i]) - Double(targets[i]), w = weight(i)
            squares += w * r * r
            absolute += w * Swift.abs(r)
            spread += w * (Double(targets[i]) - mean) * (Double(targets[i]) - mean)
        }
        let r2 = spread > 0 ? 1 - squares / spread : (squares == 0 ? 1 : 0)
        return RegressionMetrics(meanSquaredError: squares / total, rootMeanSquaredError: (squares / total).squareRoot(),
                                 meanAbsoluteError: absolute / total, r2: r2)
    }
}
