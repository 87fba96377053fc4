import Foundation
import Descent
import DescentMPI

/// Gradient descent across ranks: batch (with each option that reads global statistics) against
/// the single-process fit on the concatenated rows; mini-batch and stochastic against the exact
/// answer they must approach, the same bits on every rank.
func checkFits(_ c: Checker) {
    let world = c.world
    let problem = SplitProblem(rows: 257, columns: 5, seed: 77, rank: world.rank, size: world.size)

    func batch(_ name: String, _ configure: (inout GradientDescent<Double>) -> Void) {
        var gd = GradientDescent<Double>(mode: .batch, learningRate: 0.01, epochs: 60, seed: 5)
        configure(&gd)
        do {
            var single = LinearModel<Double>(), split = LinearModel<Double>()
            let one = try gd.fit(&single, features: problem.all, targets: problem.allTargets)
            let many = try gd.fit(&split, features: problem.local, targets: problem.localTargets, across: world)
            let gap = relativeGap(parameters(split), parameters(single))
            c.check("batch \(name): equals the single-process fit", gap <= 1e-12, "gap \(gap)")
            let lossGap = relativeGap(many.losses, one.losses)
            c.check("batch \(name): the same loss history", lossGap <= 1e-12, "gap \(lossGap)")
            c.check("batch \(name): the same stop", many.stopReason == one.stopReason && many.updates == one.updates,
                    "\(many.stopReason) after \(many.updates) vs \(one.stopReason) after \(one.updates)")
            c.sameOnEveryRank("batch \(name)", parameters(split) + many.losses)
        } catch {
            c.check("batch \(name)", false, "\(error)")
        }
    }
    batch("plain") { _ in }
    batch("standardised, automatic rate") { $0.standardize = true; $0.automaticLearningRate = true }
    batch("L2 penalty, Adam") { $0.penalty = .l2(0.01); $0.optimizer = .adam() }
    batch("tolerance") { $0.tolerance = 1e-3; $0.epochs = 400; $0.standardize = true }
    // Whitening: the correlation matrix summed over the ranks, one factor everywhere.
    batch("whitened, automatic rate") { $0.preconditioning = .whitened; $0.automaticLearningRate = true }

    // Early stopping holds out rows on every rank (its own share), so it is not the
    // single-process split: the held-out loss must still be global (the same on every rank) and
    // the fit must end with the same model everywhere.
    do {
        var gd = GradientDescent<Double>(mode: .batch, learningRate: 0.01, epochs: 300, seed: 5,
                                         earlyStopping: .init(validationFraction: 0.2, patience: 3))
        gd.standardize = true
        var model = LinearModel<Double>()
        let history = try gd.fit(&model, features: problem.local, targets: problem.localTargets, across: world)
        c.check("early stopping: a held-out loss per epoch", history.validationLosses.count == history.losses.count,
                "\(history.validationLosses.count) held-out losses for \(history.losses.count) epochs")
        c.sameOnEveryRank("early stopping", parameters(model) + history.validationLosses + [Double(history.bestEpoch ?? -1)])
    } catch { c.check("early stopping across ranks", false, "\(error)") }

    // Mini-batch and stochastic: not the single-process order, but the same model on every rank,
    // close to the exact answer after enough epochs.
    do {
        let exact = try LeastSquares.solve(problem.all, problem.allTargets)
        for (name, mode) in [("mini-batch", BatchMode.miniBatch(size: 16)), ("stochastic", .stochastic)] {
            var gd = GradientDescent<Double>(mode: mode, learningRate: 0.01, epochs: 150, seed: 9)
            gd.standardize = true
            var model = LinearModel<Double>()
            let history = try gd.fit(&model, features: problem.local, targets: problem.localTargets, across: world)
            let gap = relativeGap(parameters(model), parameters(exact.model))
            c.check("\(name): near the exact answer", gap <= 0.05, "gap \(gap)")
            c.sameOnEveryRank(name, parameters(model) + history.losses)
        }
    } catch { c.check("mini-batch and stochastic", false, "\(error)") }
}

/// Bad data on one rank in a fit: every rank throws the same typed error within seconds.
func checkFitFaults(_ c: Checker) {
    let world = c.world, f = FaultyProblem(world: world)
    let gd = GradientDescent<Double>(mode: .batch, learningRate: 0.01, epochs: 20, seed: 1)
    if world.size > 1 {
        c.expectError("fit with another column count on one rank", f.disagree) { () throws(DescentError) in
            var model = LinearModel<Double>()
            _ = try gd.fit(&model, features: f.wide, targets: f.problem.localTargets, across: world)
        }
    }
    for mode in [BatchMode.batch, .miniBatch(size: 8), .stochastic] {
        c.expectError("fit \(mode) with NaN on one rank", isNonFinite) { () throws(DescentError) in
            var model = LinearModel<Double>()
            var gd = gd
            gd.mode = mode
            _ = try gd.fit(&model, features: f.poisoned, targets: f.problem.localTargets, across: world)
        }
    }
    c.expectError("fit with a target missing on one rank", isTargetMismatch) { () throws(DescentError) in
        var model = LinearModel<Double>()
        _ = try gd.fit(&model, features: f.problem.local, targets: f.shortTargets, across: world)
    }

    // Divergence seen by one rank: local stochastic steps on rank `bad`'s rows scaled by 10⁴ blow
    // up there; every rank stops with the same error.
    let me = world.rank
    let scaled = me == f.bad
        ? try! Matrix(rows: f.problem.local.rows, columns: 3) { i, j in f.problem.local[i, j] * 1e4 }
        : f.problem.local
    c.expectError("stochastic fit diverging on one rank", {
        if case .diverged = $0 { return true }; return false
    }) { () throws(DescentError) in
        var model = LinearModel<Double>()
        _ = try GradientDescent<Double>(mode: .stochastic, learningRate: 0.05, epochs: 50, seed: 3)
            .fit(&model, features: scaled, targets: f.problem.localTargets, across: world)
    }

    // Saving: rank 0 writes (atomically), every rank learns the outcome.
    do {
        var model = LinearModel<Double>()
        _ = try gd.fit(&model, features: f.problem.local, targets: f.problem.localTargets, across: world)
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("descent-mpi-check-\(ProcessInfo.processInfo.processIdentifier).json").path
        try model.save(to: path, across: world)
        if world.isRoot {
            let back = try LinearModel<Double>(contentsOf: path)
            c.check("rank 0 saved the model", back == model)
            try? FileManager.default.removeItem(atPath: path)
        }
        c.expectError("a save that fails on rank 0 fails on every rank", {
            if case .fileNotWritable = $0 { return true }; return false
        }) { () throws(DescentError) in
            try model.save(to: "/nonexistent-folder/model.json", across: world)
        }
    } catch { c.check("saving from rank 0", false, "\(error)") }

    // A model loaded on rank 0 only: every rank starts from rank 0's.
    do {
        var model = world.isRoot ? LinearModel<Double>(weights: [0.5, -0.25, 2], bias: 1) : LinearModel<Double>(weights: [0, 0, 0])
        var reference = LinearModel<Double>(weights: [0.5, -0.25, 2], bias: 1)
        _ = try gd.fit(&model, features: f.problem.local, targets: f.problem.localTargets, across: world)
        _ = try gd.fit(&reference, features: f.problem.all, targets: f.problem.allTargets)
        c.check("a fit starts from rank 0's model", relativeGap(parameters(model), parameters(reference)) <= 1e-12)
    } catch { c.check("a fit starts from rank 0's model", false, "\(error)") }
}

/// `partialFit` across ranks, twice, against two single-process `partialFit`s on all rows; and
/// `Float` data through the same paths.
func checkPartialFitsAndFloat(_ c: Checker) {
    let world = c.world
    let problem = SplitProblem(rows: 90, columns: 4, seed: 12, rank: world.rank, size: world.size)
    let gd = GradientDescent<Double>(mode: .batch, learningRate: 0.02, epochs: 1, seed: 2)
    do {
        var single = LinearModel<Double>(), split = LinearModel<Double>()
        for _ in 0..<2 {
            try gd.partialFit(&single, features: problem.all, targets: problem.allTargets)
            try gd.partialFit(&split, features: problem.local, targets: problem.localTargets, across: world)
        }
        let gap = relativeGap(parameters(split), parameters(single))
        c.check("partialFit twice equals the single-process partialFits", gap <= 1e-12, "gap \(gap)")
        c.sameOnEveryRank("partialFit", parameters(split))
    } catch { c.check("partialFit across ranks", false, "\(error)") }
    do {
        let x = try Matrix<Float>(rows: problem.local.rows, columns: 4) { Float(problem.local[$0, $1]) }
        let all = try Matrix<Float>(rows: problem.all.rows, columns: 4) { Float(problem.all[$0, $1]) }
        let y = problem.localTargets.map { Float($0) }, allY = problem.allTargets.map { Float($0) }
        for method in [LeastSquares.Method.normalEquations, .qr] {
            let single = try LeastSquares.solve(all, allY, method: method)
            let split = try LeastSquares.solve(x, y, across: world, method: method)
            let a = split.model.weights.map(Double.init) + [Double(split.model.bias)]
            let b = single.model.weights.map(Double.init) + [Double(single.model.bias)]
            // Both solve in Double from the same Float data and round once: at most an ulp apart.
            let gap = relativeGap(a, b)
            c.check("Float solve \(method) equals the single-process answer", gap <= 2 * Double(Float.ulpOfOne), "gap \(gap)")
            c.sameOnEveryRank("Float solve \(method)", a)
        }
    } catch { c.check("Float solve across ranks", false, "\(error)") }
}

/// Several targets across ranks: full batches (plain, and the defaults with an elastic net, whose
/// accelerated proximal steps and certificate read global sums) against the single-process fit of
/// all rows, the same bits on every rank.
func checkSeveralTargetFits(_ c: Checker) {
    let world = c.world
    let problem = SplitProblem(rows: 211, columns: 4, seed: 31, rank: world.rank, size: world.size)
    // Three targets: the problem's, twice it less a column, and a column plus noise-free offset.
    func targets(_ x: Matrix<Double>, _ y: [Double]) -> Matrix<Double> {
        try! Matrix(rows: x.rows, columns: 3) { i, t in t == 0 ? y[i] : t == 1 ? 2 * y[i] - x[i, 0] : x[i, 1] + 0.5 }
    }
    let all = targets(problem.all, problem.allTargets), local = targets(problem.local, problem.localTargets)
    var defaults = GradientDescent<Double>(mode: .batch)
    defaults.penalty = .elasticNet(0.05, l1Ratio: 0.5)
    for (name, gd) in [("plain", GradientDescent<Double>(mode: .batch, learningRate: 0.01, epochs: 60, seed: 5)),
                       ("defaults, elastic net", defaults)] {
        do {
            var single = MultiLinearModel<Double>(), split = MultiLinearModel<Double>()
            let one = try gd.fit(&single, features: problem.all, targets: all)
            let many = try gd.fit(&split, features: problem.local, targets: local, across: world)
            let a = split.weights.elements + split.biases, b = single.weights.elements + single.biases
            let gap = relativeGap(a, b)
            c.check("several targets, batch \(name): equals the single-process fit", gap <= 1e-12, "gap \(gap)")
            c.check("several targets, batch \(name): the same verdict", many.converged == one.converged
                    && many.epochs == one.epochs, "\(many.epochs) vs \(one.epochs) epochs")
            c.sameOnEveryRank("several targets, batch \(name)", a + many.losses)
        } catch {
            c.check("several targets, batch \(name)", false, "\(error)")
        }
    }
}

/// Robust and quantile losses across ranks, with the defaults: the certificates' passes (the
/// rows nearest a kink gathered from every rank, the Newton point's Hessian summed) make the
/// same verdict as one process on the concatenated rows, and the same model on every rank.
func checkRobustLossFits(_ c: Checker) {
    let world = c.world
    let problem = SplitProblem(rows: 257, columns: 5, seed: 78, rank: world.rank, size: world.size)
    func objective(_ model: LinearModel<Double>, _ loss: Loss) -> Double {
        let x = problem.all, y = problem.allTargets
        var total = 0.0
        for i in 0..<x.rows {
            var r = model.bias - y[i]
            for j in 0..<x.columns { r += x[i, j] * model.weights[j] }
            total += loss.value(r)
        }
        return total / Double(x.rows)
    }
    for loss in [Loss.huber(delta: 0.5), .quantile(0.8), .epsilonInsensitive(0.2)] {
        for (name, mode) in [("batch", BatchMode.batch), ("mini-batch", .miniBatch(size: 16))] {
            do {
                var gd = GradientDescent<Double>(mode: mode)
                gd.loss = loss
                var single = LinearModel<Double>(), split = LinearModel<Double>()
                let one = try gd.fit(&single, features: problem.all, targets: problem.allTargets)
                let many = try gd.fit(&split, features: problem.local, targets: problem.localTargets, across: world)
                let (a, b) = (objective(split, loss), objective(single, loss))
                // Converged fits are both within the tolerance of the same optimum.
                let tolerance = one.converged && many.converged ? 2e-6 : 1e-3
                c.check("\(loss) \(name): the objective of one process", Swift.abs(a - b) <= tolerance * Swift.abs(b),
                        "\(a) vs \(b)")
                c.check("\(loss) \(name): converged where one process did", many.converged == one.converged,
                        "\(many.converged) vs \(one.converged), gap \(many.objectiveGap ?? .nan)")
                c.sameOnEveryRank("\(loss) \(name)", parameters(split) + [many.objectiveGap ?? -1])
            } catch {
                c.check("\(loss) \(name) across ranks", false, "\(error)")
            }
        }
    }
}
