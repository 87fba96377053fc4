import Foundation
import Testing
@testable import Descent

/// statsmodels' OLS and WLS on the dense version of `Resources/sparse/exact.json`'s design (one-hot
/// and numeric columns; see generate_exact.py beside it).
struct ExactReference: Decodable {
    struct Fit: Decodable {
        let params: [Double], bse: [Double], pvalues: [Double]
        let rsquared: Double, rsquared_adj: Double, fvalue: Double, f_pvalue: Double
        let llf: Double, aic: Double, bic: Double, condition_number: Double
        let omnibus: [Double], jarque_bera: [Double], skew: Double, kurtosis: Double, durbin_watson: Double
        let bse_HC0: [Double], bse_HC1: [Double], bse_HC2: [Double], bse_HC3: [Double]
    }
    struct Ridge: Decodable { let lambda: Double, weights: [Double], bias: Double }
    let rows: Int, columns: Int
    let indptr: [Int], indices: [Int], values: [Double], targets: [Double], weights: [Double]
    let ols: Fit, wls: Fit, ridge: Ridge

    static let shared: ExactReference = {
        let url = try! TestData.url("sparse/exact.json")
        return try! JSONDecoder().decode(ExactReference.self, from: Data(contentsOf: url))
    }()

    func features<S: BLASScalar>(_: S.Type = Double.self) throws -> SparseMatrix<S> {
        try SparseMatrix(rows: rows, columns: columns, rowOffsets: indptr, columnIndices: indices, values: values.map { S($0) })
    }
}

/// `max|a − b| / max|b|`.
private func relativeError(_ a: [Double], _ b: [Double]) -> Double {
    zip(a, b).reduce(0.0) { max($0, abs($1.0 - $1.1)) } / b.reduce(0.0) { max($0, abs($1)) }
}

/// The relative error of each element, largest.
private func elementwiseError(_ a: [Double], _ b: [Double]) -> Double {
    zip(a, b).reduce(0.0) { max($0, abs($1.0 - $1.1) / abs($1.1)) }
}

private func digits(_ error: Double) -> Double { -log10(max(error, 1e-17)) }

@Suite("Exact sparse least squares: the sparse Gram, LSMR's path, summaries, verification")
struct SparseExactTests {
    static let reference = ExactReference.shared

    /// The Gram path against the dense exact solver on the same data (`SparseMatrix.dense()`).
    func gramMatchesDense<S: BLASScalar>(_: S.Type, ridge: Double, weighted: Bool) throws -> (Double, LeastSquaresSolution<S>) {
        let r = Self.reference
        let x: SparseMatrix<S> = try r.features(S.self), y = r.targets.map { S($0) }, w = r.weights.map { S($0) }
        let sparse = weighted ? try LeastSquares.solve(x, y, weights: w, ridge: ridge) : try LeastSquares.solve(x, y, ridge: ridge)
        let dense = weighted ? try LeastSquares.solve(try x.dense(), y, weights: w, ridge: ridge)
            : try LeastSquares.solve(try x.dense(), y, ridge: ridge)
        let a = [Double(sparse.model.bias)] + sparse.model.weights.map { Double($0) }
        let b = [Double(dense.model.bias)] + dense.model.weights.map { Double($0) }
        #expect(sparse.method == .normalEquations && sparse.iterative == nil)
        return (relativeError(a, b), sparse)
    }

    @Test("The sparse Gram path agrees with the dense exact solver (plain, ridge, weighted), Double and Float")
    func gramPath() throws {
        for (ridge, weighted) in [(0.0, false), (0.05, false), (0.0, true), (0.05, true)] {
            let (double, fit) = try gramMatchesDense(Double.self, ridge: ridge, weighted: weighted)
            let (float, _) = try gramMatchesDense(Float.self, ridge: ridge, weighted: weighted)
            print("sparse Gram vs dense, ridge \(ridge), weighted \(weighted): Double \(digits(double)) digits, Float \(digits(float)) (refinement steps \(fit.refinementSteps))")
            #expect(double <= 1e3 * Double.ulpOfOne)
            #expect(float <= 1e2 * Double(Float.ulpOfOne))
        }
    }

    @Test("Ridge matches numpy's solve of the centred system, and the weighted fit statsmodels' WLS")
    func ridgeAndWeights() throws {
        let r = Self.reference
        let x: SparseMatrix<Double> = try r.features()
        let ridge = try LeastSquares.solve(x, r.targets, ridge: r.ridge.lambda)
        let ridgeError = relativeError([ridge.model.bias] + ridge.model.weights, [r.ridge.bias] + r.ridge.weights)
        let weighted = try LeastSquares.solve(x, r.targets, weights: r.weights)
        let wlsError = relativeError([weighted.model.bias] + weighted.model.weights, r.wls.params)
        let ols = try LeastSquares.solve(x, r.targets)
        let olsError = relativeError([ols.model.bias] + ols.model.weights, r.ols.params)
        print("ridge vs numpy \(digits(ridgeError)) digits, WLS vs statsmodels \(digits(wlsError)), OLS \(digits(olsError))")
        #expect(ridgeError <= 1e-11 && wlsError <= 1e-11 && olsError <= 1e-11)
    }

    @Test("The summary matches statsmodels' OLS and WLS, nonrobust and HC0–HC3")
    func summaries() throws {
        let r = Self.reference
        let x: SparseMatrix<Double> = try r.features()
        for weighted in [false, true] {
            let fit = weighted ? try LeastSquares.solve(x, r.targets, weights: r.weights) : try LeastSquares.solve(x, r.targets)
            let ref = weighted ? r.wls : r.ols
            func summary(_ c: LeastSquares.Covariance) throws -> RegressionSummary {
                weighted ? try fit.summary(features: x, targets: r.targets, weights: r.weights, covariance: c)
                    : try fit.summary(features: x, targets: r.targets, covariance: c)
            }
            let s = try summary(.nonrobust)
            var worst = [String: Double]()
            worst["params"] = elementwiseError(s.coefficients, ref.params)
            worst["bse"] = elementwiseError(s.standardErrors, ref.bse)
            worst["pvalues"] = elementwiseError(s.pValues, ref.pvalues)
            worst["scalars"] = elementwiseError([s.rSquared, s.adjustedRSquared, s.fStatistic, s.fPValue, s.logLikelihood, s.aic, s.bic],
                                                [ref.rsquared, ref.rsquared_adj, ref.fvalue, ref.f_pvalue, ref.llf, ref.aic, ref.bic])
            worst["condition"] = elementwiseError([s.conditionNumber], [ref.condition_number])
            let t = try #require(s.residualTests)
            worst["residual tests"] = elementwiseError([t.omnibus, t.omnibusPValue, t.jarqueBera, t.jarqueBeraPValue, t.skew, t.kurtosis, t.durbinWatson],
                                                       [ref.omnibus[0], ref.omnibus[1], ref.jarque_bera[0], ref.jarque_bera[1], ref.skew, ref.kurtosis, ref.durbin_watson])
            for (c, expected) in [(LeastSquares.Covariance.hc0, ref.bse_HC0), (.hc1, ref.bse_HC1), (.hc2, ref.bse_HC2), (.hc3, ref.bse_HC3)] {
                worst["bse \(c)"] = elementwiseError(try summary(c).standardErrors, expected)
            }
            print("summary vs statsmodels \(weighted ? "WLS" : "OLS"):", worst.sorted { $0.key < $1.key }.map { "\($0.key) \(String(format: "%.1f", digits($0.value)))" }.joined(separator: ", "))
            // Measured: 10.9–11.1 digits for the estimates, 8.8–10.8 for the standard errors,
            // 7.1–8.2 for p-values (relative, including values near 1e-20), 11.6–12.2 for the scalars.
            let bounds = ["params": 1e-9, "pvalues": 1e-6, "scalars": 1e-10, "residual tests": 1e-9]
            for (name, error) in worst { #expect(error <= bounds[name] ?? 1e-8, "\(name)") }
        }
    }
}
