import Foundation
import Testing
@testable import Descent

/// Exact robust regression (IRLS) against statsmodels' RLM at its fixed point and R's MASS::rlm,
/// and the exact piecewise-quadratic optima against the 60-digit references of
/// Resources/robust/reference.json.
@Suite("Robust regression")
struct RobustRegressionTests {
    @Test("Huber T (MAD scale): coefficients, scale, H1–H3 standard errors, p-values as statsmodels' fixed point",
          arguments: RobustReference.names)
    func huberMatchesStatsmodels(name: String) throws {
        let reference = try #require(RobustReference.all[name]).rlmHuber
        let (x, y) = try RobustReference.data(name)
        let fit = try RobustRegression.fit(x, y, norm: .huber(t: 1.345))
        #expect(fit.converged, "\(name): last change \(fit.lastChange) after \(fit.iterations)")
        let coefficients = leastDigits(fit.coefficients, try #require(reference.coefficients))
        let scale = digits(fit.scale, try #require(reference.scale))
        let h1 = leastDigits(try fit.summary(covariance: .h1).standardErrors, try #require(reference.bseH1))
        let h2 = leastDigits(try fit.summary(covariance: .h2).standardErrors, try #require(reference.bseH2))
        let h3 = leastDigits(try fit.summary(covariance: .h3).standardErrors, try #require(reference.bseH3))
        print("MEASURE huber \(name) its \(fit.iterations) coef \(coefficients) scale \(scale) h1 \(h1) h2 \(h2) h3 \(h3)")
        #expect(coefficients >= 8 && scale >= 8, "\(name): coefficients \(coefficients), scale \(scale) digits")
        #expect(h1 >= 6 && h2 >= 6 && h3 >= 6, "\(name): H1 \(h1), H2 \(h2), H3 \(h3) digits")
    }

    @Test("Tukey biweight (MAD scale) from the least-squares start as statsmodels'", arguments: RobustReference.names)
    func tukeyMatchesStatsmodels(name: String) throws {
        let reference = try #require(RobustReference.all[name]).rlmTukey
        let (x, y) = try RobustReference.data(name)
        guard reference.error == nil else {
            do {
                let fit = try RobustRegression.fit(x, y, norm: .tukeyBiweight(c: 4.685))
                print("MEASURE tukey \(name) no reference; ours converged \(fit.converged) scale \(fit.scale)")
            } catch {
                print("MEASURE tukey \(name) no reference; ours threw \(error)")
            }
            return
        }
        let fit = try RobustRegression.fit(x, y, norm: .tukeyBiweight(c: 4.685))
        let coefficients = leastDigits(fit.coefficients, try #require(reference.coefficients))
        let scale = digits(fit.scale, try #require(reference.scale))
        let h1 = leastDigits(try fit.summary(covariance: .h1).standardErrors, try #require(reference.bseH1))
        let h2 = leastDigits(try fit.summary(covariance: .h2).standardErrors, try #require(reference.bseH2))
        let h3 = leastDigits(try fit.summary(covariance: .h3).standardErrors, try #require(reference.bseH3))
        print("MEASURE tukey \(name) its \(fit.iterations) conv \(fit.converged) coef \(coefficients) scale \(scale) h1 \(h1) h2 \(h2) h3 \(h3)")
        #expect(fit.converged)
        #expect(coefficients >= 8 && scale >= 8, "\(name): coefficients \(coefficients), scale \(scale) digits")
        #expect(h1 >= 6 && h2 >= 6 && h3 >= 6, "\(name): H1 \(h1), H2 \(h2), H3 \(h3) digits")
    }

    @Test("a fixed scale reproduces MASS::rlm given its final scale", arguments: RobustReference.names)
    func fixedScaleMatchesMASS(name: String) throws {
        let reference = try #require(RobustReference.all[name]).massRlm
        let (x, y) = try RobustReference.data(name)
        let fit = try RobustRegression.fit(x, y, norm: .huber(t: 1.345), scale: .fixed(reference.scale))
        let coefficients = leastDigits(fit.coefficients, reference.coefficients)
        print("MEASURE mass \(name) its \(fit.iterations) coef \(coefficients)")
        #expect(fit.converged && fit.scale == reference.scale)
        #expect(coefficients >= 8, "\(name): \(coefficients) digits")
    }

    @Test("exact Huber and squared ε-insensitive optima against the 60-digit references", arguments: RobustReference.names)
    func piecewiseQuadraticOptima(name: String) throws {
        let reference = try #require(RobustReference.all[name])
        let (x, y) = try RobustReference.data(name)
        var worstObjective = 15.0, worstCoefficients = 15.0
        for c in reference.cases where c.loss == "huber" || c.loss == "squaredEpsilonInsensitive" {
            let loss: PiecewiseQuadraticOptimum.PiecewiseQuadraticLoss = c.loss == "huber"
                ? .huber(delta: try #require(c.delta)) : .squaredEpsilonInsensitive(epsilon: try #require(c.epsilon))
            let optimum = try RobustRegression.exactOptimum(features: x, targets: y, weights: nil, loss: loss)
            let objective = digits(optimum.objective, c.objective)
            worstObjective = min(worstObjective, objective)
            #expect(optimum.exact, "\(name) \(loss)")
            #expect(objective >= 12, "\(name) \(loss): objective \(optimum.objective) vs \(c.objective)")
            if c.unique {
                let coefficients = leastDigits(optimum.coefficients, c.coefficients)
                worstCoefficients = min(worstCoefficients, coefficients)
                #expect(optimum.unique)
                #expect(coefficients >= 10, "\(name) \(loss): \(optimum.coefficients) vs \(c.coefficients)")
            }
        }
        print("MEASURE pwq \(name) objective \(worstObjective) coef \(worstCoefficients)")
    }
}
