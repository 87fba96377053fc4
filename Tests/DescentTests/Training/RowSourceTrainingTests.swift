import Testing
@testable import Descent

/// Training from a ``RowSource``: one chunk gives the matrix path's bits; uneven chunks give the
/// same model to rounding (or exactly, where the arithmetic is the same); a read that fails
/// mid-epoch leaves the last whole epoch's model and a typed error.
@Suite("Training from a row source")
struct RowSourceTrainingTests {
    /// Uneven chunk starts of the 200-row problems below.
    static let starts = [0, 7, 50, 51, 120]

    /// A fit through the generic entry point (a `Dataset` would otherwise pick its own overload).
    static func fit<R: RowSource>(_ gd: GradientDescent<R.Scalar>, _ model: inout LinearModel<R.Scalar>,
                                  _ source: R) throws(DescentError) -> FitHistory<R.Scalar> {
        try gd.fit(&model, from: source)
    }

    static func configurations<S: BLASScalar>(_: S.Type) -> [(String, GradientDescent<S>)] {
        var list: [(String, GradientDescent<S>)] = []
        for mode in [BatchMode.batch, .miniBatch(size: 16), .stochastic] {
            list.append(("\(mode) defaults", GradientDescent<S>(mode: mode)))
            var stopping = GradientDescent<S>(mode: mode, learningRate: 0.01, epochs: 30,
                                              earlyStopping: EarlyStopping(validationFraction: 0.2, patience: 3))
            stopping.penalty = .l2(0.01)
            list.append(("\(mode) early stopping", stopping))
            var standardized = GradientDescent<S>(mode: mode, epochs: 20)
            standardized.standardize = true
            standardized.shuffling = .uniform
            list.append(("\(mode) standardised", standardized))
        }
        return list
    }

    @Test("a data set as a source (one chunk) trains to the matrix path's bits", arguments: Precision.allCases)
    func oneChunk(_ precision: Precision) throws { try checkOneChunk(precision.scalar) }

    func checkOneChunk<S: BLASScalar>(_: S.Type) throws {
        let problem = RandomProblem<S>(rows: 200, columns: 4)
        let x = try Matrix<S>(rows: 200, columns: 4) { i, j in problem.features[i, j] * S(j + 1) + S(j) }
        let dataset = try Dataset(features: x, targets: problem.targets)
        for (name, gd) in Self.configurations(S.self) {
            var expected = LinearModel<S>(), actual = LinearModel<S>()
            let reference = try gd.fit(&expected, features: x, targets: problem.targets)
            let history = try Self.fit(gd, &actual, dataset)
            #expect(actual.weights == expected.weights && actual.bias == expected.bias, "\(name)")
            #expect(history.losses == reference.losses, "\(name)")
            #expect(history.validationLosses == reference.validationLosses, "\(name)")
            #expect(history.relativeGradientNorm == reference.relativeGradientNorm, "\(name)")
            var partialExpected = LinearModel<S>(), partialActual = LinearModel<S>()
            try gd.partialFit(&partialExpected, features: x, targets: problem.targets)
            try gd.partialFit(&partialActual, from: dataset)
            #expect(partialActual.weights == partialExpected.weights && partialActual.bias == partialExpected.bias, "\(name)")
        }
    }

    @Test("standardised training reads the raw rows: today's copy-based result, bit for bit", arguments: Precision.allCases)
    func standardizedWithoutCopy(_ precision: Precision) throws { try checkStandardized(precision.scalar) }

    func checkStandardized<S: BLASScalar>(_: S.Type) throws {
        let problem = RandomProblem<S>(rows: 300, columns: 3)
        let scales: [S] = [1000, 1, 0.01]
        let x = try Matrix<S>(rows: 300, columns: 3) { i, j in problem.features[i, j] * scales[j] + 50 }
        let y = problem.targets
        for mode in [BatchMode.batch, .miniBatch(size: 20), .stochastic] {
            for shuffling in [Shuffling.blocks, .uniform] {
                var gd = GradientDescent<S>(mode: mode, epochs: 30,
                                            earlyStopping: mode == .batch ? nil : EarlyStopping(validationFraction: 0.2))
                gd.shuffling = shuffling
                gd.standardize = true
                var actual = LinearModel<S>()
                let history = try gd.fit(&actual, features: x, targets: y)
                // The oracle: a standardised copy of X, trained on, mapped back.
                let standardizer = try Standardizer(fitting: x)
                let z = try standardizer.transform(x)
                var plain = gd
                plain.standardize = false
                var inner = try standardizer.standardized(LinearModel<S>(weights: [0, 0, 0], bias: 0))
                let reference = try plain.fit(&inner, features: z, targets: y)
                let expected = try standardizer.original(inner)
                #expect(actual.weights == expected.weights && actual.bias == expected.bias, "\(mode) \(shuffling)")
                #expect(history.losses == reference.losses && history.validationLosses == reference.validationLosses)
                #expect(history.relativeGradientNorm == reference.relativeGradientNorm)
                // From a source in uneven chunks: the column statistics merged chunk by chunk.
                var chunked = LinearModel<S>()
                var stored = gd
                stored.shuffling = .none
                stored.earlyStopping = nil
                var matrix = LinearModel<S>()
                try stored.fit(&matrix, features: x, targets: y)
                try stored.fit(&chunked, from: SplitRows(x, y, starts: [0, 7, 150, 151]))
                // Rounding: the moments merged chunk by chunk differ from the two-pass ones in the
                // last bits, and 30 epochs of mini-batches at the automatic (expected-smoothness)
                // rate carry that to ~500 ulps of the largest weight.
                let scale = Double(matrix.weights.map(Swift.abs).max()!)
                for j in 0..<3 {
                    #expect(Swift.abs(Double(chunked.weights[j] - matrix.weights[j])) <= S.ulps(1024) * scale,
                            "\(mode): \(chunked.weights) vs \(matrix.weights)")
                }
            }
        }
    }

    @Test("uneven chunks in stored order: the matrix path's model to rounding")
    func chunks() throws {
        let problem = RandomProblem<Double>(rows: 200, columns: 5)
        let source = SplitRows(problem.features, problem.targets, starts: Self.starts)
        for mode in [BatchMode.batch, .miniBatch(size: 16), .stochastic] {
            for optimizer in [Optimizer.sgd, .nesterov(0.9), .adam()] {
                let gd = GradientDescent<Double>(mode: mode, learningRate: 0.01, epochs: 25, shuffle: false,
                                                 optimizer: optimizer)
                var expected = LinearModel<Double>(), actual = LinearModel<Double>()
                let reference = try gd.fit(&expected, features: problem.features, targets: problem.targets)
                let history = try gd.fit(&actual, from: source)
                let scale = expected.weights.map(Swift.abs).max()!
                for j in 0..<5 {
                    #expect(Swift.abs(actual.weights[j] - expected.weights[j]) <= 1e-12 * scale, "\(mode) \(optimizer)")
                }
                #expect(Swift.abs(actual.bias - expected.bias) <= 1e-12 * Swift.max(1, Swift.abs(expected.bias)))
                for (a, b) in zip(history.losses, reference.losses) { #expect(Swift.abs(a - b) <= 1e-12 * b) }
                if mode == .stochastic {   // one update per row in the same order: the same arithmetic
                    #expect(actual.weights == expected.weights && actual.bias == expected.bias)
                }
                // The convergence criterion over chunks is the one over the matrix.
                // The ratio is already relative to ‖∇L(0)‖ = O(1): rounding moves it by O(ε), absolutely.
                #expect(Swift.abs(history.relativeGradientNorm! - reference.relativeGradientNorm!) <= 1e-12)
            }
        }
    }

    @Test("every option through chunks in stored order, and partialFit, match the matrix path to rounding")
    func options() throws {
        let problem = RandomProblem<Double>(rows: 200, columns: 4, noise: 0.1)
        let source = SplitRows(problem.features, problem.targets, starts: Self.starts)
        var list: [GradientDescent<Double>] = []
        for mode in [BatchMode.batch, .miniBatch(size: 24), .stochastic] {
            for schedule in [LearningRateSchedule.inverseScaling(power: 0.5), .stepDecay(every: 3, factor: 0.5),
                             .adaptive(tolerance: 1e-3, patience: 2, minimum: 1e-9)] {
                var gd = GradientDescent<Double>(mode: mode, learningRate: 0.01, epochs: 20, shuffle: false,
                                                 optimizer: .averaged(), schedule: schedule, penalty: .elasticNet(0.01, l1Ratio: 0.5))
                gd.tolerance = 1e-6
                gd.lossThreshold = 1e-3
                list.append(gd)
            }
            var automatic = GradientDescent<Double>(mode: mode, shuffle: false)
            automatic.stopWhenConverged = true
            list.append(automatic)
        }
        for gd in list {
            var expected = LinearModel<Double>(), actual = LinearModel<Double>()
            let reference = try gd.fit(&expected, features: problem.features, targets: problem.targets)
            let history = try gd.fit(&actual, from: source)
            #expect(history.epochs == reference.epochs && history.stopReason == reference.stopReason, "\(gd.mode)")
            #expect(Swift.abs(history.learningRate - reference.learningRate) <= 1e-12 * reference.learningRate)
            let scale = Swift.max(1, expected.weights.map(Swift.abs).max()!)
            for j in 0..<4 { #expect(Swift.abs(actual.weights[j] - expected.weights[j]) <= 1e-12 * scale, "\(gd.mode)") }
            // partialFit: one epoch, continuing the optimiser's state.
            var partialExpected = expected, partialActual = actual
            try gd.partialFit(&partialExpected, features: problem.features, targets: problem.targets)
            try gd.partialFit(&partialActual, from: source)
            for j in 0..<4 {
                #expect(Swift.abs(partialActual.weights[j] - partialExpected.weights[j]) <= 1e-12 * scale, "\(gd.mode)")
            }
        }
    }

    /// Fits `source` with `gd` and expects the weights of the same fit on the matrix to 1e-12.
    static func fitMatchingMatrix(_ gd: GradientDescent<Double>, _ problem: RandomProblem<Double>, _ source: SplitRows<Double>,
                                  _ label: String) throws -> LinearModel<Double> {
        var expected = LinearModel<Double>(), actual = LinearModel<Double>()
        try gd.fit(&expected, features: problem.features, targets: problem.targets)
        try gd.fit(&actual, from: source)
        let scale = expected.weights.map(Swift.abs).max()!
        for j in expected.weights.indices {
            #expect(Swift.abs(actual.weights[j] - expected.weights[j]) <= 1e-12 * scale, "\(label)")
        }
        return actual
    }

    @Test("mini-batches large enough for two threads: chunks in stored order match the matrix path")
    func pairedMiniBatches() throws {
        // 64 × 80 elements per batch: each batch's halves run on two threads (when two are allowed).
        let problem = RandomProblem<Double>(rows: 1000, columns: 80)
        let source = SplitRows(problem.features, problem.targets, starts: [0, 130, 131, 640, 700])
        for threads in [1, 2] {
            var gd = GradientDescent<Double>(mode: .miniBatch(size: 64), learningRate: 0.002, epochs: 4, shuffle: false)
            gd.threadsOverride = threads
            _ = try Self.fitMatchingMatrix(gd, problem, source, "threads \(threads)")
            var shuffled = gd
            shuffled.shuffle = true
            var a = LinearModel<Double>(), b = LinearModel<Double>()
            try shuffled.fit(&a, from: source)
            var one = shuffled
            one.threadsOverride = 3 - threads
            try one.fit(&b, from: source)
            #expect(a.weights == b.weights && a.bias == b.bias, "the thread count changes no bit")
        }
    }

    /// A chunk's full-batch gradient is eight partitions; on two threads the helper takes the
    /// second four (``ParallelGradient/startHelper(chunked:)``), reduced in the same order.
    @Test("full batches over chunks: one thread and two give the same bits, and match the matrix path")
    func pairedChunkBatches() throws {
        // Chunks of 2,000 × 80 elements and more: eight partitions each (ParallelGradient.parallelElements).
        let problem = RandomProblem<Double>(rows: 9000, columns: 80)
        let source = SplitRows(problem.features, problem.targets, starts: [0, 2000, 4100, 4101, 6500])
        var runs = [LinearModel<Double>]()
        for threads in [1, 2] {
            var gd = GradientDescent<Double>(mode: .batch, learningRate: 0.1, epochs: 5)
            gd.threadsOverride = threads
            runs.append(try Self.fitMatchingMatrix(gd, problem, source, "threads \(threads)"))
        }
        #expect(runs[0].weights == runs[1].weights && runs[0].bias == runs[1].bias, "the thread count changes no bit")
    }

    @Test("a chunked shuffle visits every row once per epoch, in a new order of chunks each epoch")
    func chunkedShuffle() throws {
        let problem = RandomProblem<Double>(rows: 200, columns: 3)
        let source = SplitRows(problem.features, problem.targets, starts: Self.starts)
        let gd = GradientDescent<Double>(mode: .stochastic, learningRate: 0.01, epochs: 6, seed: 11)
        let chunks = InMemoryChunks.of(source, training: [0, 1, 2, 3, 4], validation: [])
        let settings = TrainingSettings(gd, rows: 200, columns: 3, epochs: 6, baseRate: 0.01, validating: false,
                                        orderSeed: 11, measuresConvergence: false)
        let driver = EpochDriver(chunks: chunks, settings: settings, members: nil, validation: [], validating: false)
        var orders = Set<[Int]>()
        for epoch in 0..<6 {
            let order = driver.chunkOrder(epoch: epoch)
            #expect(order.sorted() == [0, 1, 2, 3, 4])
            orders.insert(order)
            var seen = [Int]()
            try chunks.visit(order) { (index, rows) throws(DescentError) in
                driver.bind(index, rows, epoch: epoch)
                let base = source.chunkRows(index).lowerBound
                seen += (0..<driver.order.rows).map { base + driver.order.order[$0] }
                #expect(rows.rowCount == source.chunkRows(index).count)
            }
            #expect(seen.sorted() == Array(0..<200))
        }
        #expect(orders.count > 1)
        // The same seed gives the same fit; another seed another one.
        var a = LinearModel<Double>(), b = LinearModel<Double>(), c = LinearModel<Double>()
        try gd.fit(&a, from: source)
        try gd.fit(&b, from: source)
        var other = gd
        other.seed = 12
        try other.fit(&c, from: source)
        #expect(a.weights == b.weights && a.bias == b.bias)
        #expect(a.weights != c.weights)
    }

    @Test("early stopping on several chunks holds out whole chunks")
    func earlyStoppingByChunks() throws {
        let problem = RandomProblem<Double>(rows: 200, columns: 3, noise: 0.5)
        let source = SplitRows(problem.features, problem.targets, starts: Self.starts)
        let gd = GradientDescent<Double>(mode: .batch, learningRate: 0.05, epochs: 40,
                                         earlyStopping: EarlyStopping(validationFraction: 0.3, patience: 100))
        var model = LinearModel<Double>()
        let history = try gd.fit(&model, from: source)
        #expect(history.validationLosses.count == 40)
        #expect(history.bestEpoch == 40)   // a full batch on clean data keeps improving
        // The last validation loss is the MSE of the model on a union of whole chunks (≥ 30 % of rows).
        func mse(_ chunks: [Int]) -> Double {
            var total = 0.0, count = 0
            for c in chunks { for i in source.chunkRows(c) {
                var r = model.bias - problem.targets[i]
                for j in 0..<3 { r += model.weights[j] * problem.features[i, j] }
                total += r * r; count += 1
            } }
            return total / Double(count)
        }
        var matches = [[Int]]()
        for mask in 1..<(1 << 5) {
            let chunks = (0..<5).filter { mask & (1 << $0) != 0 }
            let rows = chunks.reduce(0) { $0 + source.chunkRows($1).count }
            guard rows >= 60, rows < 200 else { continue }
            if Swift.abs(mse(chunks) - history.validationLosses.last!) <= 1e-12 * mse(chunks) { matches.append(chunks) }
        }
        #expect(matches.count == 1, "\(matches)")
    }

    @Test("a read that fails mid-epoch: a typed error and the model of the last whole epoch")
    func failingRead() throws {
        let problem = RandomProblem<Double>(rows: 200, columns: 3)
        for mode in [BatchMode.batch, .miniBatch(size: 16), .stochastic] {
            // Visit 1 checks the data; visits 2, 3 are epochs 1, 2; visit 4 fails at chunk 3 of epoch 3.
            let source = SplitRows(problem.features, problem.targets, starts: Self.starts, failingVisit: 4,
                                   failingChunk: 3)
            let gd = GradientDescent<Double>(mode: mode, learningRate: 0.01, epochs: 10, shuffle: false)
            var model = LinearModel<Double>()
            do {
                try gd.fit(&model, from: source)
                Issue.record("\(mode): no error")
            } catch {
                guard case .fileNotReadable = error else { Issue.record("\(mode): \(error)"); continue }
            }
            var two = LinearModel<Double>()
            var twoEpochs = gd
            twoEpochs.epochs = 2
            try twoEpochs.fit(&two, from: SplitRows(problem.features, problem.targets, starts: Self.starts))
            #expect(model.weights == two.weights && model.bias == two.bias, "\(mode)")
            #expect(model.trainingState?.epochs == 2)
        }
    }
}
