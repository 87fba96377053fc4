import Foundation
import Testing
@testable import Descent

@Suite struct QuantileRegressionTests {
    @Test(arguments: ProcessInfo.processInfo.environment["QSET"].map { [$0] } ?? QuantileReference.names)
    func quantileOptimaMatchTheExactReference(_ name: String) throws {
        let (x, y) = try QuantileReference.data(name)
        let n = Double(y.count)
        for tau in [0.1, 0.5, 0.9] {
            let exact = QuantileReference.exactCase(name, loss: "quantile", tau: tau)
            let fit = try QuantileRegression.fit(x, y, quantile: tau)
            let reference = (exact["objective"] as! Double) * n
            let coefficientDigits = zip([Double(fit.model.bias)] + fit.model.weights, QuantileReference.coefficients(exact))
                .map { digits($0, $1) }.min()!
            print("\(name) τ=\(tau): objective digits \(digits(fit.objective, reference)) gap \(fit.dualityGap) it \(fit.iterations) vertex \(fit.isVertex) unique \(fit.isUnique)/\(exact["unique"]!) coef digits \(coefficientDigits)")
            #expect(digits(fit.objective, reference) >= 10)
            #expect(fit.converged && fit.dualityGap <= 1e-9)
            if exact["unique"] as! Bool { #expect(coefficientDigits >= 8) }
        }
    }
}
