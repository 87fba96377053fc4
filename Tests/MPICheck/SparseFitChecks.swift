import Descent
import DescentMPI

/// Gradient descent on CSR rows across ranks: a full batch equals the single-process sparse fit
/// of the rows concatenated in rank order; stochastic and mini-batch updates give the same model
/// on every rank.
func checkSparseFits(_ c: Checker) {
    let world = c.world
    let problem = SplitProblem(rows: 211, columns: 9, seed: 41, rank: world.rank, size: world.size)
    /// The rows with every entry of magnitude under 4 dropped: about half of them.
    func sparse(_ x: Matrix<Double>) throws(DescentError) -> SparseMatrix<Double> {
        try SparseMatrix(try Matrix(rows: x.rows, columns: x.columns) { i, j in abs(x[i, j]) < 4 ? 0 : x[i, j] })
    }
    do {
        let all = try sparse(problem.all), local = try sparse(problem.local)
        let weights = (0..<problem.all.rows).map { 0.5 + Double($0 % 3) }
        let localWeights = Array(weights[problem.range])
        func batch(_ name: String, weighted: Bool, _ configure: (inout GradientDescent<Double>) -> Void) throws {
            var gd = GradientDescent<Double>(mode: .batch, learningRate: 0.002, epochs: 40, seed: 5)
            configure(&gd)
            var single = LinearModel<Double>(), split = LinearModel<Double>()
            let one = try gd.fit(&single, features: all, targets: problem.allTargets, weights: weighted ? weights : nil)
            let many = try gd.fit(&split, features: local, targets: problem.localTargets,
                                  weights: weighted ? localWeights : nil, across: world)
            let gap = relativeGap(parameters(split), parameters(single))
            c.check("sparse batch \(name): equals the single-process fit", gap <= 1e-12, "gap \(gap)")
            c.check("sparse batch \(name): the same loss history", relativeGap(many.losses, one.losses) <= 1e-12)
            c.sameOnEveryRank("sparse batch \(name)", parameters(split) + many.losses)
        }
        try batch("plain", weighted: false) { _ in }
        try batch("standardised (scaled), automatic rate, weighted", weighted: true) {
            $0.standardize = true
            $0.automaticLearningRate = true
        }
        try batch("elastic net", weighted: false) { $0.penalty = .elasticNet(0.01, l1Ratio: 0.5) }
        for (name, mode) in [("mini-batch", BatchMode.miniBatch(size: 16)), ("stochastic", .stochastic)] {
            var gd = GradientDescent<Double>(mode: mode, learningRate: 0.001, epochs: 20, seed: 9, penalty: .l2(0.01))
            gd.standardize = true
            var model = LinearModel<Double>()
            let history = try gd.fit(&model, features: local, targets: problem.localTargets, across: world)
            c.check("sparse \(name): finite", parameters(model).allSatisfy(\.isFinite))
            c.sameOnEveryRank("sparse \(name)", parameters(model) + history.losses)
        }
    } catch {
        c.check("sparse fits across ranks", false, "\(error)")
    }
}
