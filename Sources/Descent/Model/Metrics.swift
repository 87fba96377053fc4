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
        let predictions = try predict(features)
        let n = Double(targets.count)
        let mean = ColumnStatistics.mean(targets)
        var squares = 0.0, absolute = 0.0, total = 0.0
        for (p, t) in zip(predictions, targets) {
            let r = Double(p) - Double(t)
            squares += r * r
            absolute += Swift.abs(r)
            total += (Double(t) - mean) * (Double(t) - mean)
        }
        let r2 = total > 0 ? 1 - squares / total : (squares == 0 ? 1 : 0)
        return RegressionMetrics(meanSquaredError: squares / n, rootMeanSquaredError: (squares / n).squareRoot(),
                                 meanAbsoluteError: absolute / n, r2: r2)
    }
}
