import Testing
@testable import Descent

/// Training across parts through a ``Collective``, the parts run as threads of this process
/// (``ThreadsWorld``): the single-process fit on the rows concatenated in rank order is the oracle.
@Suite("Training across parts")
struct CollectiveTrainingTests {
    /// Rows of the three parts (one has none) of the 200-row problems, and their chunks.
    static let parts = [0..<0, 0..<70, 70..<200]
    static let starts = [[0], [0, 30, 31], [0, 64]]

    /// Fits on every part at once; returns each part's model and history (or error).
    static func fitParts(_ gd: GradientDescent<Double>, _ x: Matrix<Double>, _ y: [Double],
                         parts: [Range<Int>] = parts, starts: [[Int]] = starts, partial: Bool = false)
        -> [Result<(LinearModel<Double>, FitHistory<Double>), DescentError>] {
        let world = ThreadsWorld(size: parts.count)
        return world.run { collective in
            let source = SplitRows(x, y, rows: parts[collective.rank],
                                   starts: parts[collective.rank].isEmpty ? [] : starts[collective.rank])
            var model = LinearModel<Double>()
            do throws(DescentError) {
                let history = partial ? try gd.partialFit(&model, from: source, collective: collective)
                                      : try gd.fit(&model, from: source, collective: collective)
                return .success((model, history))
            } catch {
                return .failure(error)
            }
        }
    }

    static func relativeGap(_ a: LinearModel<Double>, _ b: LinearModel<Double>) -> Double {
        let scale = Swift.max(1, (b.weights + [b.bias]).map(Swift.abs).max()!)
        return zip(a.weights + [a.bias], b.weights + [b.bias]).map { Swift.abs($0 - $1) }.max()! / scale
    }

    @Test("full batch on 3 parts (one empty) is the single-process fit to 1e-12, the same bits on every part and run")
    func batch() throws {
        let problem = RandomProblem<Double>(rows: 200, columns: 4)
        let x = try Matrix<Double>(rows: 200, columns: 4) { i, j in problem.features[i, j] * Double(j + 1) + Double(j) }
        var configurations: [(String, GradientDescent<Double>)] = [
            ("sgd", GradientDescent(mode: .batch, learningRate: 0.01, epochs: 40)),
            ("defaults", GradientDescent(mode: .batch)),
        ]
        var penalised = GradientDescent<Double>(mode: .batch, epochs: 60, penalty: .l2(0.05))
        penalised.standardize = true
        penalised.tolerance = 1e-9
        configurations.append(("standardised, penalised, automatic rate", penalised))
        for (name, gd) in configurations {
            var single = LinearModel<Double>()
            let reference = try gd.fit(&single, features: x, targets: problem.targets)
            let first = Self.fitParts(gd, x, problem.targets)
            let second = Self.fitParts(gd, x, problem.targets)
            let (rank0, _) = try first[0].get()
            for (rank, (run1, run2)) in zip(first, second).enumerated() {
                let (model, history) = try run1.get()
                let (again, _) = try run2.get()
                #expect(Self.relativeGap(model, single) <= 1e-12, "\(name) part \(rank): \(model) vs \(single)")
                #expect(history.epochs == reference.epochs, "\(name)")
                for (a, b) in zip(history.losses, reference.losses) { #expect(Swift.abs(a - b) <= 1e-12 * b, "\(name)") }
                #expect(model.weights == rank0.weights && model.bias == rank0.bias)
                #expect(again.weights == model.weights && again.bias == model.bias, "\(name): run to run")
                // The ratio is already relative to ‖∇L(0)‖ = O(1): rounding moves it by O(ε), absolutely.
                #expect(Swift.abs(history.relativeGradientNorm! - reference.relativeGradientNorm!) <= 1e-12,
                        "\(name)")
            }
        }
    }

    @Test("partialFit across parts: one epoch of the single-process fit, continuing from a model")
    func partialFit() throws {
        let problem = RandomProblem<Double>(rows: 200, columns: 3)
        let gd = GradientDescent<Double>(mode: .batch, learningRate: 0.05, epochs: 3, optimizer: .adam())
        var single = LinearModel<Double>()
        try gd.partialFit(&single, features: problem.features, targets: problem.targets)
        for result in Self.fitParts(gd, problem.features, problem.targets, partial: true) {
            let (model, history) = try result.get()
            #expect(Self.relativeGap(model, single) <= 1e-12)
            #expect(history.epochs == 1)
        }
    }

    @Test("mini-batches split over the parts in proportion are the single-process fit on the documented global order")
    func miniBatch() throws {
        let problem = RandomProblem<Double>(rows: 200, columns: 3)
        // Parts of 0, 60 and 140 rows with global batches of 20: part p's share of batch u is its
        // rows 6u..<6u+6 and 14u..<14u+14, so the global order is those shares in rank order.
        let parts = [0..<0, 0..<60, 60..<200]
        let starts = [[Int](), [0, 25], [0, 1, 77]]
        var order = [Int]()
        for u in 0..<10 { order += (6 * u)..<(6 * u + 6); order += (60 + 14 * u)..<(60 + 14 * u + 14) }
        let x = try Matrix<Double>(rows: 200, columns: 3) { i, j in problem.features[order[i], j] }
        let y = order.map { problem.targets[$0] }
        for optimizer in [Optimizer.sgd, .adam()] {
            let gd = GradientDescent<Double>(mode: .miniBatch(size: 20), learningRate: 0.02, epochs: 15, shuffle: false,
                                             optimizer: optimizer)
            var single = LinearModel<Double>()
            try gd.fit(&single, features: x, targets: y)
            let results = Self.fitParts(gd, problem.features, problem.targets, parts: parts, starts: starts)
            let (rank0, _) = try results[0].get()
            for result in results {
                let (model, _) = try result.get()
                #expect(Self.relativeGap(model, single) <= 1e-12, "\(optimizer): \(model) vs \(single)")
                #expect(model.weights == rank0.weights)
            }
        }
        // Shuffled, with early stopping by chunks: every part still ends with the same bits.
        var shuffled = GradientDescent<Double>(mode: .miniBatch(size: 16), epochs: 12,
                                               earlyStopping: EarlyStopping(validationFraction: 0.25))
        shuffled.stopWhenConverged = true
        let results = Self.fitParts(shuffled, problem.features, problem.targets, parts: parts, starts: starts)
        let (first, _) = try results[0].get()
        for result in results {
            let (model, history) = try result.get()
            #expect(model.weights == first.weights && model.bias == first.bias)
            #expect(!history.validationLosses.isEmpty)
        }
    }

    @Test("stochastic: local SGD with model averaging ends with one model on every part, near the exact fit")
    func stochastic() throws {
        let problem = RandomProblem<Double>(rows: 200, columns: 3, noise: 0.01)
        let exact = try LeastSquares.solve(problem.features, problem.targets).model
        for interval in [nil, 10] {
            // 60 epochs: the automatic rate of averaged SGD is half the stability bound (Bach and Moulines).
            var gd = GradientDescent<Double>(mode: .stochastic, epochs: 60)
            gd.averagingInterval = interval
            let results = Self.fitParts(gd, problem.features, problem.targets)
            let (first, _) = try results[0].get()
            for result in results {
                let (model, history) = try result.get()
                #expect(model.weights == first.weights && model.bias == first.bias, "interval \(String(describing: interval))")
                #expect(Self.relativeGap(model, exact) <= 1e-2, "\(model) vs \(exact)")
                #expect(history.losses.last! < history.losses.first!)
            }
        }
        // One part is the single-process fit exactly.
        let gd = GradientDescent<Double>(mode: .stochastic, learningRate: 0.01, epochs: 5)
        var single = LinearModel<Double>()
        try gd.fit(&single, from: SplitRows(problem.features, problem.targets, starts: [0, 64]))
        let alone = Self.fitParts(gd, problem.features, problem.targets, parts: [0..<200], starts: [[0, 64]])
        let (model, _) = try alone[0].get()
        #expect(model.weights == single.weights && model.bias == single.bias)
    }

    @Test("NaN on one part, divergence, or different widths: the same typed error on every part, no hang")
    func faults() throws {
        let problem = RandomProblem<Double>(rows: 200, columns: 3)
        var elements = problem.features.elements
        elements[150 * 3 + 1] = .nan
        let bad = try Matrix<Double>(rows: 200, columns: 3, elements: elements)
        for mode in [BatchMode.batch, .miniBatch(size: 8), .stochastic] {
            let results = Self.fitParts(GradientDescent(mode: mode, learningRate: 0.01, epochs: 3), bad, problem.targets)
            for result in results {
                guard case let .failure(error) = result else { Issue.record("\(mode): no error"); continue }
                // Row 150 is row 80 of the third part.
                #expect(error == .nonFiniteValue(at: .features(row: 80, column: 1)), "\(mode): \(error)")
            }
            // A step far too large diverges on every part with the same error.
            let diverging = Self.fitParts(GradientDescent(mode: mode, learningRate: 1000, epochs: 200), problem.features,
                                          problem.targets)
            let errors = diverging.map { result -> DescentError? in
                if case let .failure(error) = result { return error } else { return nil }
            }
            guard case .diverged? = errors[0] else { Issue.record("\(mode): \(String(describing: errors[0]))"); continue }
            #expect(errors.allSatisfy { $0 == errors[0] }, "\(mode)")
        }
        // Parts that disagree on the width.
        let world = ThreadsWorld(size: 2)
        let narrow = try Matrix<Double>(rows: 200, columns: 2) { i, j in problem.features[i, j] }
        let results = world.run { collective in
            var model = LinearModel<Double>()
            let source = collective.rank == 0 ? SplitRows(problem.features, problem.targets, starts: [0])
                                              : SplitRows(narrow, problem.targets, starts: [0])
            do throws(DescentError) {
                try GradientDescent<Double>(learningRate: 0.01, epochs: 2).fit(&model, from: source, collective: collective)
                return DescentError?.none
            } catch { return error }
        }
        guard case .invalidOption(name: "columns", _, _)? = results[0] else { Issue.record("\(results)"); return }
        #expect(results[0] == results[1])
    }
}
