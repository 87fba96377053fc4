import Foundation
import Testing
@testable import Descent

/// Exact quantile regression and the exact optima of the piecewise-linear losses against the
/// stored references: reference.json (HiGHS + 60-digit vertex polish; R quantreg; statsmodels) and
/// quantile.json (generate_quantile.py: statsmodels' kernel formula at the exact vertex with the
/// interpolated rows' residuals exactly 0, weighted R rq fits). Digits measured when written (the
/// fewest over the ten sets × τ ∈ {0.1, 0.5, 0.9}): objectives 13.4 (R's br objective 13.1), the
/// absolute loss 13.9, ε-insensitive 14.2; coefficients of unique optima 15; duality gaps ≤ 7e-14;
/// nid standard errors 10.8 against R, kernel 11.0 against statsmodels' formula; weighted fits:
/// objective 15, coefficients 9.0, nid 12.9, kernel 13.5. The thresholds below leave margin.
@Suite struct QuantileRegressionTests {
    static let taus = [0.1, 0.5, 0.9]

    @Test(arguments: QuantileReference.names)
    func quantileOptimaMatchTheExactReference(_ name: String) throws {
        let (x, y) = try QuantileReference.data(name)
        for tau in Self.taus {
            let exact = QuantileReference.exactCase(name, loss: "quantile", tau: tau)
            let fit = try QuantileRegression.fit(x, y, quantile: tau)
            // reference.json's objective is the mean; R's rho (and ours) the sum.
            let reference = (exact["objective"] as! Double) * Double(y.count)
            let rho = ((exact["rq"] as! [String: Any])["br_objective"] as! Double) * Double(y.count)
            #expect(digits(fit.objective, reference) >= 12, "\(name) τ = \(tau)")
            #expect(digits(fit.objective, rho) >= 12, "\(name) τ = \(tau): R's br objective")
            #expect(fit.converged && fit.dualityGap <= 1e-9, "\(name) τ = \(tau): gap \(fit.dualityGap)")
            #expect(fit.observations == y.count && fit.hasIntercept && !fit.isWeighted)
            if exact["unique"] as! Bool {
                let coefficients = [Double(fit.model.bias)] + fit.model.weights
                #expect(minimumDigits(coefficients, QuantileReference.coefficients(exact)) >= 8, "\(name) τ = \(tau)")
            }
            // A certified unique optimum is one the reference found unique too.
            if fit.isUnique { #expect(exact["unique"] as! Bool, "\(name) τ = \(tau)") }
        }
    }

    @Test(arguments: QuantileReference.names)
    func absoluteAndEpsilonInsensitiveOptimaMatchTheExactReference(_ name: String) throws {
        let (x, y) = try QuantileReference.data(name)
        let absolute = QuantileReference.exactCase(name, loss: "absolute")
        let lad = try QuantileRegression.exactOptimum(features: x, targets: y, loss: .absolute)
        #expect(digits(lad.meanObjective, absolute["objective"] as! Double) >= 12, "\(name)")
        #expect(lad.converged && lad.dualityGap <= 1e-9)
        if absolute["unique"] as! Bool {
            #expect(minimumDigits([Double(lad.model.bias)] + lad.model.weights, QuantileReference.coefficients(absolute)) >= 8)
        }
        let insensitive = QuantileReference.exactCase(name, loss: "epsilonInsensitive")
        let epsilon = insensitive["epsilon"] as! Double, reference = insensitive["objective"] as! Double
        let fit = try QuantileRegression.exactOptimum(features: x, targets: y, loss: .epsilonInsensitive(epsilon))
        #expect(fit.converged && fit.dualityGap <= 1e-9, "\(name): gap \(fit.dualityGap)")
        if reference == 0 {
            // longley: every residual fits in the band at the optimum; the gap is then absolute.
            #expect(fit.meanObjective <= 1e-9 * (insensitive["epsilon"] as! Double))
        } else {
            #expect(digits(fit.meanObjective, reference) >= 10, "\(name)")
            #expect(digits(fit.objective / Double(y.count), reference) >= 10)
        }
        if insensitive["unique"] as! Bool, reference != 0 {
            #expect(minimumDigits([Double(fit.model.bias)] + fit.model.weights, QuantileReference.coefficients(insensitive)) >= 8,
                    "\(name)")
        }
    }

    @Test(arguments: QuantileReference.names)
    func standardErrorsMatchRAndStatsmodels(_ name: String) throws {
        let (x, y) = try QuantileReference.data(name)
        let stored = QuantileReference.entry(name)["quantreg"] as! [String: Any]
        let kernelReference = QuantileReference.quantile["kernel"] as! [String: [String: [String: Any]]]
        for tau in Self.taus {
            let fit = try QuantileRegression.fit(x, y, quantile: tau)
            let kernel = try fit.summary(standardErrors: .kernel)
            let reference = kernelReference[name]!["\(tau)"]!
            if let bandwidth = reference["bandwidth"] as? Double, let se = reference["se"] as? [Double] {
                #expect(minimumDigits(kernel.standardErrors, se) >= 9, "\(name) τ = \(tau)")
                #expect(digits(kernel.bandwidth, bandwidth) >= 10)
                #expect(digits(kernel.sparsity!, reference["sparsity"] as! Double) >= 10)
            } else {
                // No interquartile range of the residuals (more than half interpolated): statsmodels' NaN.
                #expect(kernel.bandwidth.isNaN)
            }
            let r = stored["\(tau)"] as! [String: Any]
            if tau == 0.5 {
                // At τ = ½ the interpolated rows weigh the same on either side: reference.json agrees.
                if let se = r["kernel_se_at_exact"] as? [Double] {
                    #expect(minimumDigits(kernel.standardErrors, se) >= 9, "\(name)")
                }
            }
            // fair's fits at τ ± h are slow, degenerate programs in a debug build (4,313 rows on the
            // kink): its nid path is left to the other nine sets.
            if name != "fair", let nid = r["rq_nid_se"] as? [Double] {
                let summary = try fit.summary(standardErrors: .nid)
                #expect(minimumDigits(summary.standardErrors, nid) >= 8, "\(name) τ = \(tau): nid")
                #expect(summary.standardErrorMethod == .nid && summary.sparsity == nil)
            }
        }
    }

    @Test(arguments: ["stackloss", "diabetes"])
    func weightedFitsMatchRWithWeights(_ name: String) throws {
        let (x, y) = try QuantileReference.data(name)
        let sets = (QuantileReference.quantile["weighted"] as! [String: [String: [String: [String: Any]]]])[name]!
        let n = y.count
        let weights: [String: [Double]] = [
            "integer": (0..<n).map { 1 + Double($0 % 3) },
            "fractional": (0..<n).map { 0.25 + Double((7 * $0) % 11) / 8 },
            "with_zeros": (0..<n).map { $0 % 5 == 2 ? 0 : 1 + Double($0 % 3) },
        ]
        for (set, w) in weights {
            for tau in Self.taus {
                let reference = sets[set]!["\(tau)"]!
                let fit = try QuantileRegression.fit(x, y, quantile: tau, weights: w)
                #expect(fit.isWeighted && fit.converged && fit.dualityGap <= 1e-9)
                // R's rho of a weighted fit is Σρ_τ(rᵢ) unweighted; the objective both minimise is Σwᵢρ_τ(rᵢ).
                #expect(digits(fit.objective, reference["weighted_objective"] as! Double) >= 12, "\(name) \(set) τ = \(tau)")
                guard !(reference["nonunique_warning"] as! Bool), fit.isUnique else { continue }
                let coefficients = [Double(fit.model.bias)] + fit.model.weights
                #expect(coefficientDigits(coefficients, reference["coefficients"] as! [Double]) >= 8, "\(name) \(set) τ = \(tau)")
                if let se = reference["nid_se"] as? [Double] {
                    let nid = try fit.summary(standardErrors: .nid)
                    #expect(minimumDigits(nid.standardErrors, se) >= 6, "\(name) \(set) τ = \(tau)")
                }
                if let se = reference["kernel_se"] as? [Double] {
                    let kernel = try fit.summary(standardErrors: .kernel)
                    #expect(minimumDigits(kernel.standardErrors, se) >= 8, "\(name) \(set) τ = \(tau)")
                }
            }
        }
    }

    @Test func integerWeightsAreRepeatedRows() throws {
        let (x, y) = try QuantileReference.data("stackloss")
        let counts = (0..<y.count).map { 1 + ($0 * 5) % 3 }
        var rows = [[Double]](), targets = [Double]()
        for i in 0..<y.count {
            for _ in 0..<counts[i] {
                rows.append((0..<x.columns).map { x[i, $0] })
                targets.append(y[i])
            }
        }
        for tau in Self.taus {
            let weighted = try QuantileRegression.fit(x, y, quantile: tau, weights: counts.map(Double.init))
            let repeated = try QuantileRegression.fit(try Matrix(rows), targets, quantile: tau)
            #expect(digits(weighted.objective, repeated.objective) >= 12)
            if weighted.isUnique && repeated.isUnique {
                #expect(minimumDigits([weighted.model.bias] + weighted.model.weights,
                                      [repeated.model.bias] + repeated.model.weights) >= 10)
            }
        }
    }

    @Test func aRowSourceGivesTheInMemoryAnswer() throws {
        let (x, y) = try QuantileReference.data("diabetes_outliers")
        let source = SplitRows(x, y, chunkSizes: [37, 100, 5])
        for tau in Self.taus {
            let memory = try QuantileRegression.fit(x, y, quantile: tau)
            let streamed = try QuantileRegression.fit(from: source, quantile: tau)
            #expect(digits(streamed.objective, memory.objective) >= 13)
            #expect(minimumDigits([streamed.model.bias] + streamed.model.weights, [memory.model.bias] + memory.model.weights) >= 12)
            #expect(streamed.converged && streamed.isUnique == memory.isUnique)
            let a = try streamed.summary(standardErrors: .nid), b = try memory.summary(standardErrors: .nid)
            #expect(minimumDigits(a.standardErrors, b.standardErrors) >= 10)
        }
        let exact = try QuantileRegression.exactOptimum(from: source, loss: .epsilonInsensitive(5))
        let memory = try QuantileRegression.exactOptimum(features: x, targets: y, loss: .epsilonInsensitive(5))
        #expect(digits(exact.meanObjective, memory.meanObjective) >= 13)
    }

    @Test func floatDataGivesTheOptimumOfItsRoundedValues() throws {
        let (x, y) = try QuantileReference.data("stackloss", as: Float.self)
        let xd = try Matrix(rows: x.rows, columns: x.columns, elements: x.elements.map(Double.init))
        for tau in Self.taus {
            let single = try QuantileRegression.fit(x, y, quantile: tau)
            let double = try QuantileRegression.fit(xd, y.map(Double.init), quantile: tau)
            // Computed in Double from the same (Float-rounded) values: the same optimum.
            #expect(digits(single.objective, double.objective) >= 13)
            #expect(minimumDigits([Double(single.model.bias)] + single.model.weights.map(Double.init),
                                  [Float(double.model.bias), Float(double.model.weights[0]), Float(double.model.weights[1]),
                                   Float(double.model.weights[2])].map(Double.init)) >= 6)
            #expect(single.converged)
        }
    }

    @Test func theSummaryReadsLikeStatsmodels() throws {
        let (x, y) = try QuantileReference.data("stackloss")
        let fit = try QuantileRegression.fit(x, y, quantile: 0.5)
        let summary = try fit.summary(standardErrors: .kernel, featureNames: ["air", "water", "acid"])
        let text = summary.description
        for expected in ["QuantReg Regression Results", "Pseudo R-squared:", "Bandwidth:", "Sparsity:",
                         "No. Observations:", "21", "Df Residuals:", "17", "Frisch–Newton", "kernel (statsmodels)",
                         "const", "air", "P>|t|", "[0.025"] {
            #expect(text.contains(expected), "missing \(expected) in\n\(text)")
        }
        // Koenker–Machado: 1 − V̂/Ṽ with Ṽ the objective of the intercept-only fit, the median here.
        let sorted = y.sorted(), median = sorted[y.count / 2]
        let restricted = y.reduce(0.0) { $0 + 0.5 * Swift.abs($1 - median) }
        #expect(digits(summary.restrictedObjective, restricted) >= 13)
        #expect(digits(summary.pseudoRSquared, 1 - fit.objective / restricted) >= 13)
        #expect(summary.degreesOfFreedom == 17 && summary.modelDegreesOfFreedom == 3)
        let intervals = summary.confidenceIntervals()
        #expect(intervals[1].lower < summary.coefficients[1] && summary.coefficients[1] < intervals[1].upper)
        #expect(summary.pValues.allSatisfy { $0 >= 0 && $0 <= 1 })
        let nid = try fit.summary(standardErrors: .nid)
        #expect(nid.description.contains("nid (R summary.rq)") && !nid.description.contains("Sparsity:"))
    }

    @Test func badInputIsATypedError() throws {
        let (x, y) = try QuantileReference.data("stackloss")
        for tau in [0.0, 1.0, -0.5, 1.5, Double.nan] {
            expectDescentError(.invalidOption(name: "quantile", value: "\(tau)", expected: "a quantile τ strictly between 0 and 1")) {
                _ = try QuantileRegression.fit(x, y, quantile: tau)
            }
        }
        // A bad loss parameter is the engine's own error (Loss.validate()); a smooth loss is refused.
        for loss in [Loss.epsilonInsensitive(-1), .quantile(1), .quantile(.nan)] {
            let expected: DescentError? = { () -> DescentError? in
                do throws(DescentError) { try loss.validate(); return nil } catch { return error }
            }()
            expectDescentError(try #require(expected)) {
                _ = try QuantileRegression.exactOptimum(features: x, targets: y, loss: loss)
            }
        }
        for loss in [Loss.squared, .huber(delta: 1), .squaredEpsilonInsensitive(1)] {
            #expect(throws: DescentError.self) { _ = try QuantileRegression.exactOptimum(features: x, targets: y, loss: loss) }
        }
        expectDescentError(.invalidOption(name: "weights", value: "3 weights", expected: "one weight per row (21)")) {
            _ = try QuantileRegression.fit(x, y, quantile: 0.5, weights: [1, 2, 3])
        }
        expectDescentError(.invalidOption(name: "weights", value: "weights[4] = -1.0 (zero-based)", expected: "finite weights ≥ 0")) {
            _ = try QuantileRegression.fit(x, y, quantile: 0.5, weights: (0..<21).map { $0 == 4 ? -1 : 1 })
        }
        expectDescentError(.invalidOption(name: "weights", value: "all zero", expected: "at least one weight > 0")) {
            _ = try QuantileRegression.fit(x, y, quantile: 0.5, weights: [Double](repeating: 0, count: 21))
        }
        var bad = y
        bad[3] = .nan
        expectDescentError(.nonFiniteValue(at: .targets(index: 3))) { _ = try QuantileRegression.fit(x, bad, quantile: 0.5) }
        expectDescentError(.targetCountMismatch(rows: 21, targets: 20)) {
            _ = try QuantileRegression.fit(x, Array(y.prefix(20)), quantile: 0.5)
        }
        let constant = try Matrix(rows: 21, columns: 2) { i, j in j == 0 ? x[i, 0] : 1 }
        #expect(throws: DescentError.self) { _ = try QuantileRegression.fit(constant, y, quantile: 0.5) }
        let fit = try QuantileRegression.fit(x, y, quantile: 0.5)
        expectDescentError(.invalidOption(name: "featureNames", value: "1 names", expected: "one name per feature column (3)")) {
            _ = try fit.summary(featureNames: ["a"])
        }
    }
}

/// The fewest correct digits over paired values (−∞ if any is NaN).
func minimumDigits(_ values: [Double], _ references: [Double]) -> Double {
    guard values.count == references.count else { return -.infinity }
    return zip(values, references).map { $0.isNaN || $1.isNaN ? -.infinity : digits($0, $1) }.min() ?? -.infinity
}

/// The fewest correct digits of coefficients, each relative to itself or 10⁻⁸ of the largest
/// (a coefficient that is 0 at the optimum, as R's `-0x1.4p-53`, has no relative digits).
func coefficientDigits(_ values: [Double], _ references: [Double]) -> Double {
    guard values.count == references.count, !values.contains(where: \.isNaN) else { return -.infinity }
    let floor = 1e-8 * (references.map { Swift.abs($0) }.max() ?? 0)
    return zip(values, references).map { value, reference in
        value == reference ? 15 : Swift.min(15, -log10(Swift.abs(value - reference) / Swift.max(Swift.abs(reference), floor)))
    }.min() ?? -.infinity
}

func minimumDigits(_ values: [Float], _ references: [Float]) -> Double {
    minimumDigits(values.map(Double.init), references.map(Double.init))
}
