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
