import Testing
import Descent

@Suite("Concurrency")
struct ConcurrencyTests {
    @Test("fits and solves on different models from concurrent tasks give the sequential results")
    func concurrentFits() async throws {
        let problems = (0..<6).map { RandomProblem<Double>(rows: 3000 + 500 * $0, columns: 20, seed: UInt64($0)) }
        let modes: [BatchMode] = [.batch, .miniBatch(size: 64), .stochastic]
        func run(_ k: Int) throws -> (LinearModel<Double>, LinearModel<Double>) {
            let problem = problems[k]
            var model = LinearModel<Double>()
            try GradientDescent<Double>(mode: modes[k % 3], learningRate: 0.01, epochs: 3, seed: UInt64(k))
                .fit(&model, features: problem.features, targets: problem.targets)
            return (model, try LeastSquares.solve(problem.features, problem.targets).model)
        }
        let sequential = try (0..<6).map(run)
        let concurrent = try await withThrowingTaskGroup(of: (Int, LinearModel<Double>, LinearModel<Double>).self) { group in
            for k in 0..<6 { group.addTask { let (a, b) = try run(k); return (k, a, b) } }
            var results = [(LinearModel<Double>, LinearModel<Double>)?](repeating: nil, count: 6)
            for try await (k, a, b) in group { results[k] = (a, b) }
            return results.map { $0! }
        }
        for k in 0..<6 {
            #expect(concurrent[k].0 == sequential[k].0, "fit \(k)")
            #expect(concurrent[k].1 == sequential[k].1, "solve \(k)")
        }
    }
}
