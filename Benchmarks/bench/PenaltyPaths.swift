import Descent
import Foundation

extension Workload {
    /// The ridge grid the bench scores: `λ = 10⁻⁶…10` (13 values, half decades), and the five the
    /// 10-fold cross-validation fits (decades from 10⁻⁴ to 1).
    static var ridgeGrid: [Double] { (0..<13).map { 10 * pow(10, -Double($0) / 2) } }
    static var ridgeFoldGrid: [Double] { [1, 0.1, 0.01, 1e-3, 1e-4] }
    /// The wide shape of the naive-mode path.
    static var wideShape: (rows: Int, columns: Int) { (1_000, 10_000) }

    /// Penalty paths and ridge selection, float64 only, timed end to end through their public entry
    /// points (validation, every pass, the result): `lasso-path-gram`, `ElasticNet.path(X, y)` (glmnet's
    /// 100 λ, covariance mode); `lasso-path-naive`, the same on 1,000 × 10,000 (naive mode; its
    /// row has that shape, its stream pairing is the main X's); `lasso-cv-10fold`, `CrossValidation(folds: 10).evaluate(ElasticNet.path(alpha: 1), …)`; `ridge-gcv`,
    /// `RidgeRegression.crossValidated(X, y, lambdas:)` over 13 λ; `ridge-cv-10fold`,
    /// `CrossValidation(folds: 10).evaluate(RidgeRegression.grid(5 λ), …)`. One repetition each on
    /// the main shape (three on a small one); rows report the λ count and whether every λ was certified.
    func measurePenaltyPaths(_ pairing: StreamPairing, readOnce: Double) throws -> [Measurement] {
        guard S.self == Double.self, !settings.skipSolvers else { return [] }
        let features = self.features as! Matrix<Double>, targets = self.targets as! [Double]
        let repetitions = settings.mainIsSmall ? 3 : 1
        var results = [Measurement]()
        if case let (times, path)? = try timeExact(.lassoPathGram, pairing, repetitions: repetitions, {
            try ElasticNet.path(features, targets, alpha: 1)
        }) {
            var result = measurement(.lassoPathGram, times, readOnce: readOnce)
            result.loss = "lasso, \(path.lambdas.count) λ, \(path.mode) mode"
            (result.iterations, result.converged) = (path.sweeps.reduce(0, +), path.converged)
            result.dualityGap = path.dualityGaps.max()
            results.append(result)
        }
        if settings.selected(.lassoPathNaive) {
            let shape = Self.wideShape
            let wide = Progress.phase("generating \(shape.rows) × \(shape.columns) data") {
                SyntheticData(rows: shape.rows, columns: shape.columns, seed: settings.seed)
            }
            let x = try Matrix<Double>(rows: shape.rows, columns: shape.columns, elements: wide.x)
            if case let (times, path)? = try timeExact(.lassoPathNaive, pairing, repetitions: 1, {
                try ElasticNet.path(x, wide.y, alpha: 1)
            }) {
                var result = Measurement(benchmark: .lassoPathNaive, precision: precision, rows: shape.rows,
                                         features: shape.columns, seconds: times.seconds,
                                         bytes: Double(shape.rows * shape.columns * 8), readOnceSeconds: nil)
                result.loss = "lasso, \(path.lambdas.count) λ, \(path.mode) mode"
                (result.iterations, result.converged) = (path.sweeps.reduce(0, +), path.converged)
                result.dualityGap = path.dualityGaps.max()
                results.append(result)
            }
        }
        if case let (times, cv)? = try timeExact(.lassoCVTenFold, pairing, repetitions: 1, {
            try CrossValidation(folds: 10, seed: settings.seed).evaluate(ElasticNet.path(alpha: 1), features: features,
                                                                         targets: targets)
        }) {
            var result = measurement(.lassoCVTenFold, times, readOnce: readOnce)
            result.loss = "lasso, 10 folds over \(cv.lambdas.count) λ"
            results.append(result)
        }
        if case let (times, ridge)? = try timeExact(.ridgeGCV, pairing, repetitions: repetitions, {
            try RidgeRegression.crossValidated(features, targets, lambdas: Self.ridgeGrid)
        }) {
            var result = measurement(.ridgeGCV, times, readOnce: readOnce)
            result.loss = "ridge, GCV over \(ridge.lambdas.count) λ"
            results.append(result)
        }
        if case let (times, cv)? = try timeExact(.ridgeTenFold, pairing, repetitions: 1, {
            try CrossValidation(folds: 10, seed: settings.seed).evaluate(RidgeRegression.grid(Self.ridgeFoldGrid),
                                                                         features: features, targets: targets)
        }) {
            var result = measurement(.ridgeTenFold, times, readOnce: readOnce)
            result.loss = "ridge, 10 folds over \(cv.lambdas.count) λ"
            results.append(result)
        }
        return results
    }
}
