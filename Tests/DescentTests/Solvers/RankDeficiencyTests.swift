import Testing
import Descent

/// Rank-deficient systems: the methods that cannot solve them say why (naming the columns), the
/// SVD and `.automatic` give the minimum-norm solution.
@Suite("Rank deficiency")
struct RankDeficiencyTests {
    @Test("systems a method cannot solve")
    func unsolvable() throws {
        // Two identical columns: rank 1 of 2.
        let collinear = try Matrix<Double>(rows: 4, columns: 2, elements: [1, 1, 2, 2, 3, 3, 4, 4])
        let targets: [Double] = [1, 2, 3, 5]
        for method in [LeastSquares.Method.normalEquations, .qr] {
            #expect(throws: DescentError.self) { try LeastSquares.solve(collinear, targets, method: method) }
            do { _ = try LeastSquares.solve(collinear, targets, method: method) } catch {
                guard case .unsolvable = error else { Issue.record("\(error)"); continue }
                #expect(error.description.contains(".svd"))
                #expect(error.description.contains("linear combination") && error.description.contains("zero-based"),
                        "\(error)")
            }
        }
        // A constant column is named, with an intercept, by both methods that throw.
        let constant = try Matrix<Double>(rows: 5, columns: 3, elements: [1, 7, 2, 2, 7, 1, 3, 7, 5, 4, 7, 3, 5, 7, 8])
        for method in [LeastSquares.Method.normalEquations, .qr] {
            do { _ = try LeastSquares.solve(constant, [1, 2, 3, 5, 4], method: method); Issue.record("\(method) solved") } catch {
                #expect(error.description.contains("column 1 is constant"), "\(method): \(error)")
            }
        }
        // The SVD and .automatic give the minimum-norm solution: equal weights, rank 1.
        for method in [LeastSquares.Method.svd, .automatic] {
            let solution = try LeastSquares.solve(collinear, targets, method: method)
            #expect(solution.rank == 1, "\(method)")
            #expect(solution.method == .svd)
            let tolerance = Double.ulps(4096)
            #expect(Swift.abs(solution.model.weights[0] - solution.model.weights[1]) < tolerance)
            let single = try LeastSquares.solve(try Matrix(rows: 4, columns: 1, elements: [1, 2, 3, 4]), targets)
            #expect(Swift.abs(solution.model.weights[0] * 2 - single.model.weights[0]) < tolerance)
            #expect(Swift.abs(solution.model.bias - single.model.bias) < tolerance)
        }
        // One row with an intercept: nothing to fit a slope from.
        let oneRow = try Matrix<Double>(rows: 1, columns: 2, elements: [1, 2])
        #expect(throws: DescentError.self) { try LeastSquares.solve(oneRow, [3], method: .qr) }
        let minimal = try LeastSquares.solve(oneRow, [3])
        #expect(minimal.rank == 0 && minimal.model.bias == 3)
    }
}
