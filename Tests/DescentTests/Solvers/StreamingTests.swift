import Testing
@testable import Descent

@Suite("Streaming QR")
struct StreamingTests {
    /// 12 000 × 100 = 1.2·10⁶ elements: above the size where `.qr` stops copying X.
    @Test("the streaming QR and SVD agree with pivoted QR on a copy, and with the normal equations")
    func agreesWithCopy() throws {
        let problem = RandomProblem<Double>(rows: 12_000, columns: 100, noise: 0.5, seed: 31)
        let x = problem.features, y = problem.targets
        let streamed = try LeastSquares.solve(x, y, method: .qr)
        let svd = try LeastSquares.solve(x, y, method: .svd)
        let normal = try LeastSquares.solve(x, y, method: .normalEquations)
        let copied: RawSolution = try x.withUnsafeBufferPointer { xs in
            try y.withUnsafeBufferPointer { ys in
                let all = try #require(SolverRows(xs, TargetColumns(ys), columns: 100).inMemory)
                guard case let .solved(solutions) = LeastSquares.pivotedQR(CenteredProblem(all, columns: 100, intercept: true), all)
                else { throw DescentError.noRows }
                return solutions[0]
            }
        }
        #expect(streamed.refinementSteps >= 1 && streamed.rank == 100)
        #expect(svd.rank == 100 && svd.singularValues?.count == 100)
        // Refined QR and SVD agree with the copy to a few ulps; the normal equations, which square
        // the condition number, to a few hundred.
        let close = Double.ulps(32), normalClose = Double.ulps(512)
        for j in 0..<100 {
            let scale = 1 + Swift.abs(copied.weights[j])
            #expect(Swift.abs(streamed.model.weights[j] - copied.weights[j]) <= close * scale)
            #expect(Swift.abs(svd.model.weights[j] - copied.weights[j]) <= close * scale)
            #expect(Swift.abs(normal.model.weights[j] - copied.weights[j]) <= normalClose * scale)
        }
        #expect(Swift.abs(streamed.model.bias - copied.bias) <= close * (1 + Swift.abs(copied.bias)))
        // Condition estimates of the same (centred, scaled) matrix.
        #expect(Swift.abs(streamed.conditionEstimate / copied.condition - 1) < 0.5)
    }

    @Test("the streaming SVD gives the minimum-norm solution in the caller's units when rank deficient")
    func rankDeficient() throws {
        // Column 2 duplicates column 0 at another scale: rank 99 of 100.
        let base = RandomProblem<Double>(rows: 12_000, columns: 100, noise: 0.5, seed: 32)
        let x = try Matrix<Double>(rows: 12_000, columns: 100) { i, j in j == 2 ? 3 * base.features[i, 0] : base.features[i, j] }
        #expect(throws: DescentError.self) { try LeastSquares.solve(x, base.targets, method: .qr) }
        let solution = try LeastSquares.solve(x, base.targets)
        #expect(solution.rank == 99 && solution.method == .svd)
        // Minimum norm over w₀ + 3w₂ = const: w₂ = 3·w₀.
        #expect(Swift.abs(solution.model.weights[2] - 3 * solution.model.weights[0]) < Double.ulps(64))
    }
}
