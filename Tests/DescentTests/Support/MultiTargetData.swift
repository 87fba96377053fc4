import Foundation
import Testing
@testable import Descent

/// A seeded, well-conditioned problem with `k` targets: `X ~ N(0, 1)`, `Y = XW + 1bᵀ + σ·noise`,
/// each target with its own weights and bias.
struct RandomMultiProblem<S: BLASScalar> {
    let features: Matrix<S>
    let targets: Matrix<S>

    init(rows: Int, columns: Int, targets k: Int, noise: Double = 0.01, seed: UInt64 = 7) {
        var random = RandomSource(seed: seed)
        let w = (0..<(columns * k)).map { _ in random.nextNormal() }
        let b = (0..<k).map { _ in random.nextNormal() }
        var x = [S](), y = [S]()
        for _ in 0..<rows {
            let row = (0..<columns).map { _ in random.nextNormal() }
            x += row.map { S($0) }
            for t in 0..<k {
                var target = b[t]
                for j in 0..<columns { target += w[j * k + t] * row[j] }
                y.append(S(target + noise * random.nextNormal()))
            }
        }
        features = try! Matrix(rows: rows, columns: columns, elements: x)
        targets = try! Matrix(rows: rows, columns: k, elements: y)
    }
}

/// scikit-learn's linnerud data set (20 rows, 3 features, 3 targets) with LinearRegression's and
/// Ridge's coefficients and the exact ones (Resources/multitarget/generate.py).
struct Linnerud: Decodable {
    let sklearn: String
    let featureNames, targetNames: [String]
    let x, y: [[Double]]
    /// `k × d`, one row per target, as scikit-learn's `coef_`.
    let coef, exactCoef, coefNoIntercept, ridgeCoef: [[Double]]
    let intercept, exactIntercept, ridgeIntercept: [Double]
    let ridgeLambda: Double

    var features: Matrix<Double> { try! Matrix(x) }
    var targets: Matrix<Double> { try! Matrix(y) }

    static let data: Linnerud = {
        let url = Bundle.module.url(forResource: "linnerud", withExtension: "json", subdirectory: "Resources/multitarget")!
        return try! JSONDecoder().decode(Linnerud.self, from: Data(contentsOf: url))
    }()
}

/// `max |a − b|` over a target's coefficients (weights and bias) relative to the largest of `b`'s:
/// agreement at the scale of the solution.
func relativeDifference<S: BLASScalar>(_ a: LinearModel<S>, _ b: LinearModel<S>) -> Double {
    let ours = (a.weights + [a.bias]).map { Double($0) }, theirs = (b.weights + [b.bias]).map { Double($0) }
    let scale = theirs.reduce(0.0) { Swift.max($0, Swift.abs($1)) }
    let difference = zip(ours, theirs).reduce(0.0) { Swift.max($0, Swift.abs($1.0 - $1.1)) }
    return scale > 0 ? difference / scale : difference
}

/// linnerud's three targets with sample weights (one zero), and scikit-learn's weighted
/// LinearRegression and Ridge, the exact weighted solution, and statsmodels' WLS of each target
/// (Resources/multitarget/generate_weighted.py).
struct WeightedLinnerud: Decodable {
    struct WLS: Decodable {
        let params, bse, tvalues, pvalues: [Double]
        let rsquared, fvalue: Double
    }

    let sklearn, statsmodels: String
    let featureNames, targetNames: [String]
    let x, y: [[Double]]
    let weights: [Double]
    /// `k × d`, one row per target, as scikit-learn's `coef_`.
    let coef, exactCoef, coefNoIntercept, exactCoefNoIntercept, ridgeCoef: [[Double]]
    let intercept, exactIntercept, ridgeIntercept: [Double]
    /// scikit-learn's `alpha`, and Descent's `λ = alpha/Σw` for the same problem.
    let ridgeAlpha, ridgeLambda: Double
    /// One per target.
    let wls: [WLS]

    var features: Matrix<Double> { try! Matrix(x) }
    var targets: Matrix<Double> { try! Matrix(y) }

    static let data: WeightedLinnerud = {
        let url = Bundle.module.url(forResource: "linnerud-weighted", withExtension: "json",
                                    subdirectory: "Resources/multitarget")!
        return try! JSONDecoder().decode(WeightedLinnerud.self, from: Data(contentsOf: url))
    }()
}

/// The fewest correct digits of `model`'s weights (`coef`: one row per target, as scikit-learn's
/// `coef_`) and, when given, its biases, against a reference; at most 15.
func digitsAgainst(_ model: MultiLinearModel<Double>, coef: [[Double]], intercept: [Double]?) -> Double {
    var worst = 15.0
    for t in 0..<coef.count {
        for j in 0..<coef[t].count { worst = Swift.min(worst, digits(model.weights[j, t], coef[t][j])) }
        if let intercept { worst = Swift.min(worst, digits(model.biases[t], intercept[t])) }
    }
    return worst
}
