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
    struct LSQRCase: Decodable {
        let intercept: Bool, damp: Double, tolerance: Double, iter_lim: Int?
        let weights: [Double], bias: Double
        let istop: Int, itn: Int, r2norm: Double, arnorm: Double, anorm: Double, acond: Double, xnorm: Double
    }
    let rows: Int, columns: Int
    let indptr: [Int], indices: [Int], values: [Double], targets: [Double], weights: [Double]
    let ols: Fit, wls: Fit, ridge: Ridge, lsqr: [LSQRCase]

    static let shared: ExactReference = {
        let url = try! TestData.url("sparse/exact.json")
        return try! JSONDecoder().decode(ExactReference.self, from: Data(contentsOf: url))
    }()

    func features<S: BLASScalar>(_: S.Type = Double.self) throws -> SparseMatrix<S> {
        try SparseMatrix(rows: rows, columns: columns, rowOffsets: indptr, columnIndices: indices, values: values.map { S($0) })
    }

    /// The sparse solve of these targets on `x`, with these weights when `weighted`.
    func solve(_ x: SparseMatrix<Double>, weighted: Bool) throws -> LeastSquaresSolution<Double> {
        weighted ? try LeastSquares.solve(x, targets, weights: weights) : try LeastSquares.solve(x, targets)
    }

    /// `fit`'s in-memory sparse summary on `x` (weighted when `weighted`).
    func summary(_ fit: LeastSquaresSolution<Double>, _ x: SparseMatrix<Double>, weighted: Bool,
                 covariance: LeastSquares.Covariance) throws -> RegressionSummary {
        weighted ? try fit.summary(features: x, targets: targets, weights: weights, covariance: covariance)
            : try fit.summary(features: x, targets: targets, covariance: covariance)
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

    @Test("Float data: the sparse summary in Float agrees with Double's to the data's rounding")
    func floatSummary() throws {
        let r = Self.reference
        let x: SparseMatrix<Float> = try r.features(Float.self), y = r.targets.map { Float($0) }
        let s = try LeastSquares.solve(x, y).summary(features: x, targets: y, covariance: .hc3)
        let xd: SparseMatrix<Double> = try r.features()
        let d = try LeastSquares.solve(xd, r.targets).summary(features: xd, targets: r.targets, covariance: .hc3)
        // The Float inputs differ from the Double ones by up to 6e-8 (relative), and the Float model's
        // coefficients, rounded to Float, move the residuals (the year column is near 2000): measured 1.9e-5.
        #expect(elementwiseError(s.standardErrors, d.standardErrors) <= 1e4 * Double(Float.ulpOfOne))
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
            let fit = try r.solve(x, weighted: weighted)
            let ref = weighted ? r.wls : r.ols
            func summary(_ c: LeastSquares.Covariance) throws -> RegressionSummary { try r.summary(fit, x, weighted: weighted, covariance: c) }
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

    /// The first `rows` rows of `Resources/sparse/train.svm` (120 columns).
    static func train(rows: Int) throws -> (SparseMatrix<Double>, [Double]) {
        let data = try SparseDataset<Double>(libsvmFile: try TestData.url("sparse/train.svm").path)
        return (try data.features.rows(0..<rows), Array(data.targets[0..<rows]))
    }

    @Test("Fewer rows than unknowns take LSMR: converged by its stated test; with a ridge, the dense solver's answer")
    func lsmrPath() throws {
        let (x, y) = try Self.train(rows: 100)
        let fit = try LeastSquares.solve(x, y)
        let run = try #require(fit.iterative)
        #expect(fit.method == .automatic && run.converged)
        // LSMR's least-squares test: ‖Aᵀr‖ ≤ 10⁻¹²·‖A‖·‖r‖ for the centred design A (or a compatible system).
        let r = zip(y, try fit.model.predict(x)).map { $0 - $1 }
        let mu = try x.transposeMultiply([Double](repeating: 1 / Double(x.rows), count: x.rows))
        let total = r.reduce(0, +)
        let g = zip(try x.transposeMultiply(r), mu).map { $0 - $1 * total }
        let norm = { (v: [Double]) in v.reduce(0.0) { $0 + $1 * $1 }.squareRoot() }
        #expect(norm(g) <= 1e-10 * run.normEstimate * max(norm(r), 1e-300) || run.stopReason == .compatible)
        // Forced LSMR with a ridge, plain and weighted, against the dense solver.
        let weights = (0..<x.rows).map { 0.5 + Double($0 % 5) / 4 }
        for weighted in [false, true] {
            let ridge = try LeastSquares.solveSparse(x, y, weights: weighted ? weights : nil, intercept: true, ridge: 0.01,
                                                     allowGram: false)
            let dense = weighted ? try LeastSquares.solve(try x.dense(), y, weights: weights, ridge: 0.01)
                : try LeastSquares.solve(try x.dense(), y, ridge: 0.01)
            #expect(ridge.iterative != nil)
            let error = relativeError([ridge.model.bias] + ridge.model.weights, [dense.model.bias] + dense.model.weights)
            print("LSMR path with ridge (weighted \(weighted)) vs dense: \(digits(error)) digits in \(ridge.iterative!.iterations) iterations")
            #expect(error <= 1e-9)
        }
    }

    @Test("Summaries and solves refuse what they cannot do, with typed errors")
    func refusals() throws {
        let r = Self.reference
        let x: SparseMatrix<Double> = try r.features()
        let fit = try LeastSquares.solve(x, r.targets)
        #expect {
            _ = try fit.summary(features: x, targets: r.targets, covariance: .hac(lags: 2))
        } throws: { error in
            guard case let .invalidOption(name, _, _) = error as? DescentError else { return false }
            return name == "covariance"
        }
        // Every level of the first factor beside the intercept: the dummy trap, named.
        var triplets = [(row: Int, column: Int, value: Double)]()
        for i in 0..<r.rows {
            var level0 = true
            for p in r.indptr[i]..<r.indptr[i + 1] {
                triplets.append((i, r.indices[p], r.values[p]))
                if r.indices[p] < 7 { level0 = false }
            }
            if level0 { triplets.append((i, 13, 1)) }
        }
        let trap = try SparseMatrix<Double>(rows: r.rows, columns: 14, triplets: triplets)
        // The solve hands it to LSMR (the minimum-norm weights, predictions as good as the full-rank fit's);
        // the summary refuses, naming the column.
        let trapFit = try LeastSquares.solve(trap, r.targets)
        #expect(trapFit.iterative?.converged == true)
        let trapMSE = zip(try trapFit.model.predict(trap), r.targets).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        let fullMSE = zip(try fit.model.predict(x), r.targets).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        #expect(abs(trapMSE - fullMSE) <= 1e-9 * fullMSE)
        #expect {
            _ = try trapFit.summary(features: trap, targets: r.targets)
        } throws: { error in
            guard case let .unsolvable(_, reason, _) = error as? DescentError else { return false }
            return reason.contains("column")
        }
        // A summary of a fit with fewer rows than unknowns.
        let (wide, y) = try Self.train(rows: 100)
        let wideFit = try LeastSquares.solve(wide, y, ridge: 0.01)
        #expect(throws: DescentError.self) { _ = try wideFit.summary(features: wide, targets: y) }
        // Input errors.
        #expect(throws: DescentError.targetCountMismatch(rows: r.rows, targets: 2)) { _ = try LeastSquares.solve(x, [1.0, 2]) }
        var bad = r.targets
        bad[7] = .nan
        #expect(throws: DescentError.nonFiniteValue(at: .targets(index: 7))) { _ = try LeastSquares.solve(x, bad) }
        #expect(throws: DescentError.self) { _ = try LeastSquares.solve(x, r.targets, ridge: -1) }
        var weights = r.weights
        weights[3] = -1
        #expect(throws: DescentError.self) { _ = try LeastSquares.solve(x, r.targets, weights: weights) }
    }

    @Test("Too many columns for the Gram matrix: LSMR solves, the summary says why it cannot")
    func wideSummary() throws {
        let d = LeastSquares.sparseGramColumnLimit + 1, n = d + 50
        var triplets = [(row: Int, column: Int, value: Double)]()
        var y = [Double]()
        for i in 0..<n {
            triplets.append((i, i % d, 1 + Double(i % 7) / 10))
            y.append(Double(i % 11) - 5)
        }
        let x = try SparseMatrix<Double>(rows: n, columns: d, triplets: triplets)
        let fit = try LeastSquares.solve(x, y, ridge: 1e-3)
        #expect(fit.iterative?.converged == true)
        #expect {
            _ = try fit.summary(features: x, targets: y)
        } throws: { error in
            guard case let .unsolvable(method, reason, _) = error as? DescentError else { return false }
            return method == "summary" && reason.contains("too many")
        }
    }

    @Test("verify compares a model with the sparse exact solution")
    func verification() throws {
        let r = Self.reference
        let x: SparseMatrix<Double> = try r.features()
        let exact = try LeastSquares.solve(x, r.targets)
        let same = try LeastSquares.verify(exact.model, features: x, targets: r.targets)
        #expect(same.maxWeightDifference == 0 && same.biasDifference == 0 && same.relativeMSEGap == 0)
        var off = exact.model
        off.weights[12] += 0.01
        let check = try LeastSquares.verify(off, features: x, targets: r.targets)
        #expect(abs(check.maxWeightDifference - 0.01) <= 1e-12 && check.relativeMSEGap > 0)
        let dense = try LeastSquares.verify(off, features: try x.dense(), targets: r.targets)
        #expect(abs(check.relativeMSEGap - dense.relativeMSEGap) <= 1e-8 * dense.relativeMSEGap)
        let weighted = try LeastSquares.verify(off, features: x, targets: r.targets, weights: r.weights)
        let denseWeighted = try LeastSquares.verify(off, features: try x.dense(), targets: r.targets, weights: r.weights)
        #expect(abs(weighted.relativeMSEGap - denseWeighted.relativeMSEGap) <= 1e-8 * denseWeighted.relativeMSEGap)
    }

    @Test("LSMR from a source in chunks: the same bits as in memory; a bad target named by its row")
    func streamedLSMR() throws {
        let data = try SparseDataset<Double>(libsvmFile: try TestData.url("sparse/train.svm").path)
        for (intercept, damp) in [(true, 0.0), (false, 0.0), (true, 2.0)] {
            let memory = try LeastSquares.lsmr(data.features, data.targets, intercept: intercept, damp: damp, tolerance: 1e-10,
                                               maximumIterations: 2000)
            let streamed = try LeastSquares.lsmr(from: ChunkedSparse(features: data.features, targets: data.targets, chunkRows: 37), intercept: intercept, damp: damp,
                                                 tolerance: 1e-10, maximumIterations: 2000)
            #expect(streamed.model.weights == memory.model.weights && streamed.model.bias == memory.model.bias)
            #expect(streamed.iterations == memory.iterations && streamed.residualNorm == memory.residualNorm
                    && streamed.stopReason == memory.stopReason)
        }
        var targets = data.targets
        targets[50] = .infinity
        let bad = ChunkedSparse(features: data.features, targets: targets, chunkRows: 37)
        #expect(throws: DescentError.nonFiniteValue(at: .targets(index: 50))) { _ = try LeastSquares.lsmr(from: bad) }
        #expect(throws: DescentError.self) { _ = try LeastSquares.lsmr(from: ChunkedSparse(features: data.features, targets: data.targets, chunkRows: 37), damp: -1) }
    }

    @Test("LSMR and LSQR on rows large enough for two threads: the sparse Gram's answer, and the same bits from chunks of any size")
    func twoThreadProducts() throws {
        // 6,000 rows of 12 nonzeros: 72,000 nonzeros, past SparseProducts' split, and three blocks
        // of its alternating Xᵀu split.
        let n = 6000, d = 400, perRow = 12
        var random = RandomSource(seed: 11)
        var offsets = [0], indices = [Int](), values = [Double](), targets = [Double]()
        let truth = (0..<d).map { Double($0 % 7) - 3 }
        for _ in 0..<n {
            let columns = Set((0..<perRow).map { _ in Int(random.next() % UInt64(d)) }).sorted()
            var y = 1.5
            for j in columns {
                let x = Double(random.next() % 1000) / 250 - 2
                indices.append(j)
                values.append(x)
                y += x * truth[j]
            }
            offsets.append(indices.count)
            targets.append(y + Double(random.next() % 1000) / 1000 - 0.5)
        }
        let x = try SparseMatrix<Double>(rows: n, columns: d, rowOffsets: offsets, columnIndices: indices, values: values)
        #expect(x.nonzeros >= SparseProducts<Double>.parallelNonzeros && n > 2 * SparseProducts<Double>.blockRows)
        let exact = try LeastSquares.solve(x, targets)
        let memory = try LeastSquares.lsmr(x, targets, intercept: true, damp: 0, tolerance: 1e-12)
        #expect(memory.stopReason.converged)
        let scale = exact.model.weights.map(abs).max()!
        #expect(zip(memory.model.weights, exact.model.weights).allSatisfy { abs($0 - $1) <= 1e-8 * scale })
        #expect(abs(memory.model.bias - exact.model.bias) <= 1e-8 * scale)
        for chunkRows in [37, 2048, 2500] {
            let chunks = ChunkedSparse(features: x, targets: targets, chunkRows: chunkRows)
            let streamed = try LeastSquares.lsmr(from: chunks, intercept: true, damp: 0, tolerance: 1e-12)
            #expect(streamed.model.weights == memory.model.weights && streamed.model.bias == memory.model.bias)
            #expect(streamed.iterations == memory.iterations)
            let lsqr = try LeastSquares.lsqr(x, targets, intercept: true, damp: 0, tolerance: 1e-12)
            let lsqrStreamed = try LeastSquares.lsqr(from: chunks, intercept: true, damp: 0, tolerance: 1e-12)
            #expect(lsqrStreamed.model.weights == lsqr.model.weights && lsqrStreamed.model.bias == lsqr.model.bias)
        }
    }

    @Test("LSQR matches scipy's lsqr: solution, stop reason, iterations and norms; streamed bits as in memory")
    func lsqr() throws {
        let data = try SparseDataset<Double>(libsvmFile: try TestData.url("sparse/train.svm").path)
        for c in Self.reference.lsqr {
            let fit = try LeastSquares.lsqr(data.features, data.targets, intercept: c.intercept, damp: c.damp, tolerance: c.tolerance,
                                            maximumIterations: c.iter_lim)
            let error = relativeError([fit.model.bias] + fit.model.weights, [c.bias] + c.weights)
            // The recurrences are scipy's (equal to 15 digits over the first 5 iterations); the
            // Lanczos vectors amplify rounding as in LSMR: scipy itself, given b perturbed by 1e-15,
            // moves its weights by 5e-11 (tolerance 1e-10) and 1e-3 (tolerance 1e-3, 40 iterations),
            // and its ‖A‖ estimate by 1%.
            let tight = c.tolerance <= 1e-8
            print("LSQR vs scipy (intercept \(c.intercept), damp \(c.damp), tol \(c.tolerance)): weights \(digits(error)) digits")
            #expect(fit.stopReason.rawValue == c.istop && abs(fit.iterations - c.itn) <= (tight ? 3 : 0), "\(fit.iterations) vs \(c.itn)")
            #expect(error <= (tight ? 1e-8 : 1e-2))
            #expect(abs(fit.residualNorm / c.r2norm - 1) <= (tight ? 1e-6 : 1e-2) && abs(fit.solutionNorm / c.xnorm - 1) <= (tight ? 1e-6 : 1e-2))
            #expect(abs(fit.normEstimate / c.anorm - 1) <= 0.05 && fit.conditionEstimate / c.acond < 2 && c.acond / fit.conditionEstimate < 2)
            // The reported ‖r‖ (damped) is the residual of the returned model.
            let predictions = try fit.model.predict(data.features)
            let plain = zip(data.targets, predictions).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
            let measured = (plain + c.damp * c.damp * fit.model.weights.reduce(0.0) { $0 + $1 * $1 }).squareRoot()
            #expect(abs(measured / fit.residualNorm - 1) <= 1e-6)
            let streamed = try LeastSquares.lsqr(from: ChunkedSparse(features: data.features, targets: data.targets, chunkRows: 37),
                                                 intercept: c.intercept, damp: c.damp, tolerance: c.tolerance, maximumIterations: c.iter_lim)
            #expect(streamed.model.weights == fit.model.weights && streamed.model.bias == fit.model.bias)
        }
    }
}
