import Foundation
import Testing
import Descent

/// Ill-conditioned problems whose exact answer is known: polynomial designs on dyadic points
/// `xᵢ = i/2⁵`, `i < 48`, where every power (`47⁹ < 2⁵³`) and every target `7 + Σ cₖxᵢᵏ` with
/// small integer `cₖ` is exactly representable in `Double`, so the least-squares solution is
/// exactly `c` (zero residual).
@Suite("Exact answers beyond NIST")
struct ExactAnswerTests {
    static func problem(degree: Int, points: Int) throws -> (Matrix<Double>, [Double], [Double], Double) {
        // Small non-zero integers: −2, −1, 3, 1, 2, −2, …
        let pattern: [Double] = [-2, -1, 3, 1, 2]
        let coefficients: [Double] = (0..<degree).map { pattern[$0 % 5] }
        let intercept = 7.0
        let xs = (0..<points).map { Double($0) / 32 }
        let x = try Matrix<Double>(rows: points, columns: degree) { i, k in Foundation.pow(xs[i], Double(k + 1)) }
        var y = [Double]()
        for v in xs {
            var sum = intercept
            for k in 0..<degree { sum += coefficients[k] * Foundation.pow(v, Double(k + 1)) }
            y.append(sum)
        }
        return (x, y, coefficients, intercept)
    }

    /// The smallest relative error counted: an exact answer reports 17 digits (not an assertion).
    static let exactDigitsFloor = 1e-17

    @Test("polynomial fits of degree 4 to 9 return the exact coefficients", arguments: [4, 6, 8, 9])
    func polynomial(degree: Int) throws {
        let (x, y, c, b) = try Self.problem(degree: degree, points: 48)
        for method in [LeastSquares.Method.automatic, .qr] {
            let solution = try LeastSquares.solve(x, y, method: method)
            var errors: [Double] = zip(solution.model.weights, c).map { pair in Swift.abs(pair.0 - pair.1) / Swift.abs(pair.1) }
            errors.append(Swift.abs(solution.model.bias - b) / b)
            // An exact answer (error 0) counts as 17 digits rather than log₁₀(0).
            let digits = -Foundation.log10(Swift.max(errors.max()!, Self.exactDigitsFloor))
            // The condition estimate grows with the degree (over 10⁶ at degree 9); with exact data
            // the refined QR recovers the answer to ≥ 11 digits throughout.
            #expect(digits >= 11, "degree \(degree) \(method): \(digits) digits, condition \(solution.conditionEstimate)")
        }
        if degree >= 6 { #expect(try LeastSquares.solve(x, y).conditionEstimate > 1e4) }
    }
}
