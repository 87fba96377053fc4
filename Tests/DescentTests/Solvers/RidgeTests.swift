import Testing
import Descent

@Suite("Ridge closed form")
struct RidgeTests {
    @Test("the ridge closed form satisfies (XcᵀXc + nλI)w = Xcᵀyc, in every method")
    func ridgeClosedForm() throws {
        let problem = RandomProblem<Double>(rows: 50, columns: 4, noise: 0.3)
        let x = problem.features, y = problem.targets, n = 50, lambda = 0.7
        let tolerance = Double.ulps(256)
        for method in [LeastSquares.Method.automatic, .qr, .svd, .normalEquations] {
            let solution = try LeastSquares.solve(x, y, method: method, ridge: lambda)
            let w = solution.model.weights, b = solution.model.bias
            // Gradient of MSE + λ‖w‖² at the solution: (2/n)Xᵀr + 2λw = 0 and (2/n)Σr = 0.
            var r = [Double](repeating: 0, count: n)
            for i in 0..<n { r[i] = b - y[i]; for j in 0..<4 { r[i] += x[i, j] * w[j] } }
            #expect(Swift.abs(r.reduce(0, +)) < tolerance * Double(n))
            for j in 0..<4 {
                let g = 2 / Double(n) * (0..<n).reduce(0.0) { $0 + x[$1, j] * r[$1] } + 2 * lambda * w[j]
                #expect(Swift.abs(g) < tolerance, "\(method) ∂/∂w\(j) = \(g)")
            }
        }
        #expect(try LeastSquares.solve(x, y, ridge: 0).model == LeastSquares.solve(x, y).model)
        #expect(throws: DescentError.self) { try LeastSquares.solve(x, y, ridge: -1) }
        #expect(throws: DescentError.self) { try LeastSquares.solve(x, y, ridge: .nan) }
    }
}
