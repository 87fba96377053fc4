#if canImport(Glibc)
import Glibc
#endif

/// How ``QuantileRegression/summary(standardErrors:featureNames:)`` estimates the covariance of
/// the coefficients: both are Huber sandwiches, `τ(1 − τ)` or the kernel weights around `XᵀX`,
/// and differ in how they estimate the density of the errors at the quantile.
public enum QuantileStandardErrors: String, Sendable, CaseIterable, CustomStringConvertible {
    /// R quantreg's `summary.rq(se = "nid")`: the local sparsity of each row from the fits at
    /// `τ ± h` (Hall–Sheather bandwidth `h`), `fᵢ = max(0, 2h/(xᵢᵀ(β̂(τ+h) − β̂(τ−h)) − √ε))`,
    /// and `τ(1 − τ)(XᵀFX)⁻¹XᵀX(XᵀFX)⁻¹`. Two more exact fits.
    case nid
    /// statsmodels' `QuantReg` default (`vcov='robust'`, `kernel='epa'`, `bandwidth='hsheather'`):
    /// one density `f̂(0)` of the residuals from an Epanechnikov kernel with bandwidth
    /// `min(σ_y, IQR/1.34)·(Φ⁻¹(τ + h) − Φ⁻¹(τ − h))`, then `(XᵀX)⁻¹XᵀDX(XᵀX)⁻¹` with
    /// `dᵢ = (τ/f̂)²` for positive residuals `y − ŷ`, `((1 − τ)/f̂)²` otherwise (interpolated rows,
    /// whose residual is zero, count as non-positive).
    case kernel

    /// `nid` or `kernel`.
    public var description: String { rawValue }
}

/// The inference summary of an exact quantile regression, laid out like statsmodels'
/// `QuantReg.summary()`: intercept first (`const`), standard errors by the named method, t
/// statistics with `n − p` degrees of freedom (as R's `summary.rq` and statsmodels report them),
/// two-sided p-values and 95 % intervals from Student's t, and Koenker–Machado's pseudo R².
///
/// ```swift
/// let s = try QuantileRegression.fit(X, y, quantile: 0.5).summary(standardErrors: .nid)
/// s.standardErrors; s.pValues; print(s)
/// ```
public struct QuantileRegressionSummary: Sendable, CustomStringConvertible {
    /// `const` (with an intercept), then the feature names.
    public let names: [String]
    /// The estimates, intercept first.
    public let coefficients: [Double]
    /// Their standard errors, by ``standardErrorMethod``.
    public let standardErrors: [Double]
    /// `coefficient / standard error`.
    public let tStatistics: [Double]
    /// Two-sided p-values from Student's t with ``degreesOfFreedom``.
    public let pValues: [Double]
    /// How the standard errors were estimated.
    public let standardErrorMethod: QuantileStandardErrors
    /// The quantile τ.
    public let quantile: Double
    /// The bandwidth: `h` in quantile units for `nid` (R's `bandwidth.rq`, Hall–Sheather), in
    /// residual units for `kernel` (statsmodels' `bandwidth`).
    public let bandwidth: Double
    /// `1/f̂(0)` (statsmodels' `sparsity`) for `kernel`; `nil` for `nid`, whose density is per row.
    public let sparsity: Double?
    /// Rows (zero weights included), residual degrees of freedom `n − p`, model degrees of freedom `d`.
    public let observations: Int, degreesOfFreedom: Int, modelDegreesOfFreedom: Int
    /// `V̂ = Σwᵢρ_τ(rᵢ)`, and `Ṽ`, the intercept-only fit's (the weighted τ-quantile of `y`).
    public let objective: Double, restrictedObjective: Double
    /// Koenker–Machado's `1 − V̂/Ṽ`.
    public let pseudoRSquared: Double
    /// The fit's certified relative duality gap.
    public let dualityGap: Double
    /// The fit was certified the only optimum.
    public let isUnique: Bool
    /// The fit has an intercept / was weighted.
    public let hasIntercept: Bool, isWeighted: Bool
    /// What a reader should know (a non-unique optimum, non-positive densities).
    public let notes: [String]

    /// Intervals `coefficient ± t(1 − α/2; n − p)·standard error` at `level`, intercept first.
    ///
    /// - Parameter level: The confidence level, in (0, 1).
    /// - Returns: `(lower, upper)` per term; NaN bounds for a level outside (0, 1).
    public func confidenceIntervals(level: Double = 0.95) -> [(lower: Double, upper: Double)] {
        guard level > 0, level < 1, degreesOfFreedom > 0 else { return coefficients.map { _ in (Double.nan, Double.nan) } }
        let t = StudentT.quantile(0.5 + level / 2, degreesOfFreedom: Double(degreesOfFreedom))
        return zip(coefficients, standardErrors).map { ($0 - t * $1, $0 + t * $1) }
    }

    /// The table, as statsmodels' `QuantReg.summary()` lays it out (without its date and time).
    public var description: String {
        let width = 78
        let errors = standardErrorMethod == .nid ? "nid" : "kernel"
        let left: [(String, String)] = [
            ("Dep. Variable", "y"), ("Model", "QuantReg"), ("Method", "Frisch–Newton"), ("Quantile", "\(quantile)"),
            ("Std. errors", errors), ("Objective Σwρ", SummaryFormat.number(objective)),
        ]
        var right: [(String, String)] = [
            ("Pseudo R-squared", String(format: "%.4f", pseudoRSquared)), ("Bandwidth", SummaryFormat.number(bandwidth)),
        ]
        if let sparsity { right.append(("Sparsity", SummaryFormat.number(sparsity))) }
        right += [("No. Observations", "\(observations)"), ("Df Residuals", "\(degreesOfFreedom)"),
                  ("Df Model", "\(modelDegreesOfFreedom)"), ("Duality gap", SummaryFormat.number(Swift.max(0, dualityGap)))]
        return SummaryFormat.render(title: SummaryFormat.pad("", (width - 27) / 2) + "QuantReg Regression Results",
                                    left: left, right: right, names: names, coefficients: coefficients,
                                    standardErrors: standardErrors, statistics: tStatistics, pValues: pValues,
                                    intervals: confidenceIntervals(level: 0.95), notes: notes, width: width)
    }
}

extension QuantileRegression {
    /// The inference summary of this fit: standard errors by `standardErrors`, t statistics,
    /// p-values, 95 % intervals, the pseudo R² (see ``QuantileRegressionSummary``).
    ///
    /// It reads the rows the fit was computed from again (the same source; on MPI ranks every
    /// rank must call it): `.kernel` in two passes and a few selections of residuals, `.nid` in
    /// two more exact fits (at `τ ± h`) and two passes. With sample weights both follow R's
    /// `summary.rq` for `rq(weights = w)`: the rows of `X` and `y` and the residuals scaled by `w`.
    /// The coefficients are one optimal point when the optimum is a face (see ``isUnique``); so
    /// are the fits at `τ ± h` that `nid` differences, as with R's `br`.
    ///
    /// - Parameters:
    ///   - standardErrors: `.kernel` (statsmodels' default, by default) or `.nid` (R's).
    ///   - featureNames: Names for the table (default: the model's, or `x1`, `x2`, …).
    /// - Returns: The summary.
    /// - Throws: ``DescentError/invalidOption(name:value:expected:)`` for names of the wrong count;
    ///   ``DescentError/unsolvable(method:reason:conditionEstimate:)`` when a sandwich's matrix
    ///   is singular (no positive density, or no residual degrees of freedom); the source's
    ///   read errors.
    /// - Complexity: O(n·p²) for `.kernel`; two exact fits more for `.nid`.
    public func summary(standardErrors: QuantileStandardErrors = .kernel,
                        featureNames: [String]? = nil) throws(DescentError) -> QuantileRegressionSummary {
        let d = model.weights.count
        let names = featureNames ?? model.featureNames ?? (0..<d).map { "x\($0 + 1)" }
        guard names.count == d else {
            throw .invalidOption(name: "featureNames", value: "\(names.count) names",
                                 expected: "one name per feature column (\(d))")
        }
        let solver = try PiecewiseLinearSolver(SolverRows(context.source, collective: context.collective),
                                               loss: .quantile(quantile), weights: context.weights, intercept: hasIntercept)
        let inference = try solver.inference(context.outcome.beta, tau: quantile)
        var notes = [String]()
        let covariance: [Double], bandwidth: Double, sparsity: Double?
        switch standardErrors {
        case .nid:
            var h = QuantileInference.hallSheather(n: observations, tau: quantile)
            while quantile - h < 0 || quantile + h > 1 { h /= 2 }
            let high = try Self.fit(from: context.source, quantile: quantile + h, weights: context.weights,
                                    intercept: hasIntercept, collective: context.collective)
            let low = try Self.fit(from: context.source, quantile: quantile - h, weights: context.weights,
                                   intercept: hasIntercept, collective: context.collective)
            let result = try solver.nidCovariance(high.context.outcome.beta, low.context.outcome.beta, h: h, tau: quantile)
            covariance = result.covariance
            if result.nonPositive > 0 { notes.append("\(result.nonPositive) non-positive fis (R's warning): their density is 0.") }
            bandwidth = h
            sparsity = nil
        case .kernel:
            let result = try solver.kernelCovariance(inference, tau: quantile)
            covariance = result.covariance
            bandwidth = result.bandwidth
            sparsity = result.sparsity
        }
        let raw = solver.rawCovariance(covariance)
        let p = solver.p
        let errors = (0..<p).map { raw[$0 * p + $0].squareRoot() }
        let coefficients = (hasIntercept ? [Double(model.bias)] : []) + model.weights.map { Double($0) }
        let df = observations - p
        let t = zip(coefficients, errors).map { $0 / $1 }
        if !isUnique {
            notes.append("The optimum was not certified unique: these coefficients are one optimal point (R: \"solution may be nonunique\").")
        }
        return QuantileRegressionSummary(
            names: (hasIntercept ? [model.design == nil ? "const" : "Intercept"] : []) + names, coefficients: coefficients, standardErrors: errors,
            tStatistics: t, pValues: t.map { df > 0 ? StudentT.twoSidedPValue($0, degreesOfFreedom: Double(df)) : .nan },
            standardErrorMethod: standardErrors, quantile: quantile, bandwidth: bandwidth, sparsity: sparsity,
            observations: observations, degreesOfFreedom: df, modelDegreesOfFreedom: d,
            objective: objective, restrictedObjective: inference.restricted,
            pseudoRSquared: 1 - objective / inference.restricted, dualityGap: dualityGap, isUnique: isUnique,
            hasIntercept: hasIntercept, isWeighted: isWeighted, notes: notes)
    }
}

/// The bandwidths of the quantile regression summaries.
enum QuantileInference {
    /// Hall and Sheather's bandwidth, in quantile units, at level α = 0.05: R's
    /// `bandwidth.rq(τ, n, hs = TRUE)` and statsmodels' `hall_sheather`.
    static func hallSheather(n: Int, tau: Double) -> Double {
        let x0 = StandardNormal.quantile(tau), f0 = StandardNormal.density(x0)
        let z = StandardNormal.quantile(0.975)
        return pow(Double(n), -1.0 / 3) * pow(z, 2.0 / 3) * pow(1.5 * f0 * f0 / (2 * x0 * x0 + 1), 1.0 / 3)
    }
}

extension PiecewiseLinearSolver {
    /// The residuals `eᵢ = wᵢ(yᵢ − ŷᵢ)` (zero for rows the fit interpolates, to rounding) and the
    /// intercept-only fit's objective.
    struct Inference {
        var residuals: [Double]
        var restricted: Double
    }

    /// Residuals at `beta` (shifted coordinates) and the restricted objective.
    func inference(_ beta: [Double], tau: Double) throws(DescentError) -> Inference {
        var e = [Double](repeating: 0, count: n)
        let p = self.p
        _ = try pass(multiply: beta, multiplied: 1) { first, m, design, products, _, _, _ in
            for i in first..<(first + m) {
                let ri = products[i - first] - self.y[i]
                var size = Swift.abs(self.y[i])
                for j in 0..<p { size += Swift.abs(design[(i - first) * p + j] * beta[j]) }
                e[i] = Swift.abs(ri) <= 16 * Double(p + 1) * Double.ulpOfOne * size ? 0 : -self.w[i] * ri
                if self.debug && Swift.abs(ri) < 1e-6 * size { print("row \(i) r \(ri) size \(size) e \(e[i])") }
            }
        }
        // Ṽ: Σwᵢρ_τ(yᵢ − b) at the weighted τ-quantile b of y.
        let totalWeight = try total([w.reduce(0, +)])[0]
        let b = try orderStatistic(y, weights: w, reaching: tau * totalWeight)
        let restricted = try total([(0..<n).reduce(0.0) { $0 + w[$1] * loss.value(b - y[$1]) }])[0]
        return Inference(residuals: e, restricted: restricted)
    }

    /// The smallest value `v` of `values` (over every part) with `Σ_{xᵢ ≤ v} weightᵢ ≥ target`:
    /// a bisection on the order of the `Double`s (at most 64 steps), each one count over every part.
    func orderStatistic(_ values: [Double], weights: [Double]?, reaching target: Double) throws(DescentError) -> Double {
        func key(_ x: Double) -> UInt64 {
            x.sign == .minus ? ~x.bitPattern : x.bitPattern | (1 << 63)
        }
        func value(_ k: UInt64) -> Double {
            Double(bitPattern: k & (1 << 63) != 0 ? k & ~(1 << 63) : ~k)
        }
        var lo = key(try minimum(values.min() ?? .infinity))
        var hi = key(-(try minimum(-(values.max() ?? -.infinity))))
        if debug { print("order \(lo) \(hi) \(values.min()!) \(values.max()!) target \(target)") }
        while lo < hi {
            let mid = lo + (hi - lo) / 2, v = value(mid)
            var count = 0.0
            for (i, x) in values.enumerated() where x <= v { count += weights?[i] ?? 1 }
            if try total([count])[0] >= target { hi = mid } else { lo = mid + 1 }
        }
        return value(lo)
    }

    /// `τ(1 − τ)(XᵀFX)⁻¹XᵀX(XᵀFX)⁻¹` in shifted coordinates, with R's `fᵢ` from the fits at `τ ± h`
    /// (rows scaled by the weights); and the number of non-positive `ŷ` differences.
    func nidCovariance(_ high: [Double], _ low: [Double], h: Double, tau: Double) throws(DescentError)
        -> (covariance: [Double], nonPositive: Int) {
        let difference = zip(high, low).map { $0 - $1 }
        let eps = Double.ulpOfOne.squareRoot()
        let density = try pass(multiply: difference, multiplied: 1, gram: true, scalars: 1) {
            first, m, _, products, gw, _, scalars in
            for i in first..<(first + m) {
                let dyhat = self.w[i] * products[i - first]
                if dyhat <= 0 { scalars[0] += 1 }
                gw[i - first] = Swift.max(0, 2 * h / (dyhat - eps)) * self.w[i] * self.w[i]
            }
        }
        let sandwich = try self.sandwich(outer: density.gram, inner: try weightedGram())
        return (sandwich.map { tau * (1 - tau) * $0 }, Int(density.scalars[0]))
    }

    /// statsmodels' robust kernel covariance (Epanechnikov, Hall–Sheather) at the residuals `e`.
    func kernelCovariance(_ inference: Inference, tau: Double) throws(DescentError)
        -> (covariance: [Double], bandwidth: Double, sparsity: Double) {
        let e = inference.residuals, rowsTotal = Double(totalRows)
        // Population standard deviation of the (weighted) targets, two passes.
        let mean = try total([(0..<n).reduce(0.0) { $0 + w[$1] * y[$1] }])[0] / rowsTotal
        let variance = try total([(0..<n).reduce(0.0) { $0 + (w[$1] * y[$1] - mean) * (w[$1] * y[$1] - mean) }])[0] / rowsTotal
        // Percentiles as NumPy interpolates them: position (N − 1)·q between order statistics.
        func percentile(_ q: Double) throws(DescentError) -> Double {
            let position = (rowsTotal - 1) * q, below = position.rounded(.down)
            let lower = try orderStatistic(e, weights: nil, reaching: below + 1)
            let upper = below + 1 < rowsTotal ? try orderStatistic(e, weights: nil, reaching: below + 2) : lower
            return lower + (position - below) * (upper - lower)
        }
        let iqr = try percentile(0.75) - percentile(0.25)
        let hs = QuantileInference.hallSheather(n: totalRows, tau: tau)
        let h = Swift.min(variance.squareRoot(), iqr / 1.34)
            * (StandardNormal.quantile(tau + hs) - StandardNormal.quantile(tau - hs))
        var kernelSum = 0.0
        for x in e {
            let u = x / h
            if Swift.abs(u) <= 1 { kernelSum += 0.75 * (1 - u * u) }
        }
        let f0 = try total([kernelSum])[0] / (rowsTotal * h)
        let outer = try pass(gram: true) { first, m, _, _, gw, _, _ in
            for i in first..<(first + m) {
                let factor = e[i] > 0 ? tau / f0 : (1 - tau) / f0
                gw[i - first] = factor * factor * self.w[i] * self.w[i]
            }
        }
        let inverse = try inverse(try weightedGram())
        return (product(product(inverse, outer.gram), inverse), h, 1 / f0)
    }

    /// `Σwᵢ²aᵢaᵢᵀ`: `XᵀX` of the rows scaled by the weights.
    func weightedGram() throws(DescentError) -> [Double] {
        try pass(gram: true) { first, m, _, _, gw, _, _ in
            for i in first..<(first + m) { gw[i - first] = self.w[i] * self.w[i] }
        }.gram
    }

    /// `B⁻¹·A·B⁻¹` for symmetric `A` and `B`.
    func sandwich(outer b: [Double], inner a: [Double]) throws(DescentError) -> [Double] {
        let inverse = try inverse(b)
        return product(product(inverse, a), inverse)
    }

    /// The inverse of a symmetric positive definite `p × p` matrix.
    func inverse(_ a: [Double]) throws(DescentError) -> [Double] {
        guard let f = Factor(a, p: p) else {
            throw .unsolvable(method: "quantile regression summary",
                              reason: "a matrix of the sandwich covariance is singular (no rows with positive density, "
                                  + "or collinear columns)", conditionEstimate: nil)
        }
        var result = [Double](repeating: 0, count: p * p)
        for j in 0..<p {
            let column = f.solve((0..<p).map { $0 == j ? 1 : 0 })
            for i in 0..<p { result[i * p + j] = column[i] }
        }
        return result
    }

    /// The product of two row-major `p × p` matrices.
    func product(_ a: [Double], _ b: [Double]) -> [Double] {
        var c = [Double](repeating: 0, count: p * p)
        for i in 0..<p { for k in 0..<p { for j in 0..<p { c[i * p + j] += a[i * p + k] * b[k * p + j] } } }
        return c
    }

    /// A covariance of the shifted coefficients `(β₀, w)` as one of `(b, w)`, `b = β₀ − μᵀw`:
    /// `TᵀCT` with `T = [[1, 0], [−μ, I]]`.
    func rawCovariance(_ c: [Double]) -> [Double] {
        guard intercept else { return c }
        var transform = [Double](repeating: 0, count: p * p)
        for i in 0..<p { transform[i * p + i] = 1 }
        for j in 0..<d { transform[(j + 1) * p] = -shift[j] }
        var transposed = transform
        for i in 0..<p { for j in 0..<p { transposed[i * p + j] = transform[j * p + i] } }
        return product(product(transposed, c), transform)
    }
}
