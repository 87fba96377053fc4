import Foundation
import Testing
@testable import Descent

/// Gradient descent on CSR rows against the dense fit of the same rows: the same objective and the
/// same updates, so the models agree to rounding in every mode, optimiser, loss and penalty.
@Suite struct SparseTrainingTests {
    /// `n × d` rows with about `density` of their entries nonzero, and targets from a known model.
    static func data(rows n: Int = 240, columns d: Int = 18, density: Double = 0.2, targets k: Int = 1,
                     seed: UInt64 = 7) throws -> (sparse: SparseMatrix<Double>, dense: Matrix<Double>, y: [Double]) {
        var random = RandomSource(seed: seed)
        var triplets: [(row: Int, column: Int, value: Double)] = []
        var y = [Double](repeating: 0, count: n * k)
        for i in 0..<n {
            for j in 0..<d where random.nextUniform() < density {
                let v = random.nextNormal() * Double(1 + j % 3)
                triplets.append((i, j, v))
                for t in 0..<k { y[i * k + t] += v * Double((j + t) % 5 - 2) * 0.5 }
            }
            for t in 0..<k { y[i * k + t] += 1.5 + 0.1 * random.nextNormal() }
        }
        let x = try SparseMatrix<Double>(rows: n, columns: d, triplets: triplets)
        return (x, try x.dense(), y)
    }

    /// The largest difference between two models' parameters, relative to the largest parameter.
    static func difference(_ a: LinearModel<Double>, _ b: LinearModel<Double>) -> Double {
        let scale = (a.weights.map(abs) + [abs(a.bias), 1e-300]).max()!
        let gap = (zip(a.weights, b.weights).map { abs($0 - $1) } + [abs(a.bias - b.bias)]).max()!
        return gap / scale
    }

    static let modes: [BatchMode] = [.batch, .miniBatch(size: 16), .stochastic]
    static let optimizers: [Optimizer] = [.sgd, .momentum(0.9), .nesterov(0.9), .adam(), .averaged()]

    @Test(arguments: modes, optimizers)
    func everyModeAndOptimizerAgrees(mode: BatchMode, optimizer: Optimizer) throws {
        let (x, dense, y) = try Self.data()
        for shuffle in [false, true] {
            // Momentum on single rows takes a smaller step (about 1/(1 − μ) times the plain one).
            let rate = mode == .stochastic && [Optimizer.momentum(0.9), .nesterov(0.9)].contains(optimizer) ? 0.002 : 0.01
            var gd = GradientDescent<Double>(mode: mode, learningRate: rate, epochs: 6, optimizer: optimizer)
            gd.shuffling = shuffle ? .uniform : .none
            var sparseModel = LinearModel<Double>(), denseModel = LinearModel<Double>()
            let sparseHistory = try gd.fit(&sparseModel, features: x, targets: y)
            let denseHistory = try gd.fit(&denseModel, features: dense, targets: y)
            #expect(Self.difference(sparseModel, denseModel) < 1e-11, "\(mode) \(optimizer) shuffled \(shuffle)")
            #expect(zip(sparseHistory.losses, denseHistory.losses).allSatisfy { abs($0 - $1) <= 1e-11 * abs($1) })
            #expect(sparseModel.weights.contains { $0 != 0 })
        }
    }

    static let penalties: [Penalty] = [.l2(0.05), .l1(0.02), .elasticNet(0.05, l1Ratio: 0.4)]
    static let losses: [Loss] = [.squared, .huber(delta: 1), .absolute, .quantile(0.3), .epsilonInsensitive(0.2)]

    @Test(arguments: penalties, [BatchMode.miniBatch(size: 16), .stochastic])
    func penaltiesAgree(penalty: Penalty, mode: BatchMode) throws {
        let (x, dense, y) = try Self.data(seed: 11)
        for optimizer in [Optimizer.sgd, .averaged()] {
            let gd = GradientDescent<Double>(mode: mode, learningRate: 0.01, epochs: 5, shuffle: false, optimizer: optimizer,
                                             penalty: penalty)
            var a = LinearModel<Double>(), b = LinearModel<Double>()
            try gd.fit(&a, features: x, targets: y)
            try gd.fit(&b, features: dense, targets: y)
            #expect(Self.difference(a, b) < 1e-11, "\(penalty) \(mode) \(optimizer)")
        }
    }

    /// The closed forms of the lazy updates: SVRG's drift, a schedule that changes every update,
    /// averaging that starts late, momentum with a ridge term, each against the dense rule.
    @Test func lazyClosedFormsAgree() throws {
        let (x, dense, y) = try Self.data(rows: 300, columns: 40, density: 0.08, seed: 29)
        var configurations: [GradientDescent<Double>] = []
        var svrg = GradientDescent<Double>(mode: .stochastic, learningRate: 0.005, epochs: 4, shuffle: false,
                                           penalty: .l2(0.05))
        svrg.varianceReduction = .svrg
        configurations.append(svrg)
        configurations.append(GradientDescent(mode: .stochastic, learningRate: 0.02, epochs: 4, shuffle: false,
                                              schedule: .inverseScaling(power: 0.5), penalty: .elasticNet(0.05, l1Ratio: 0.5)))
        configurations.append(GradientDescent(mode: .stochastic, learningRate: 0.01, epochs: 4, shuffle: false,
                                              optimizer: .averaged(startingAfter: 500), penalty: .l2(0.02)))
        configurations.append(GradientDescent(mode: .stochastic, learningRate: 0.002, epochs: 4, shuffle: false,
                                              optimizer: .momentum(0.8), penalty: .l2(0.02)))
        for gd in configurations {
            var a = LinearModel<Double>(), b = LinearModel<Double>()
            try gd.fit(&a, features: x, targets: y)
            try gd.fit(&b, features: dense, targets: y)
            #expect(Self.difference(a, b) < 1e-11, "\(gd.optimizer) \(gd.penalty) \(gd.schedule)")
        }
    }

    @Test(arguments: losses)
    func lossesAgreeAndWeightsCount(loss: Loss) throws {
        let (x, dense, y) = try Self.data(seed: 13)
        var random = RandomSource(seed: 3)
        let weights = (0..<x.rows).map { _ in 0.5 + random.nextUniform() }
        for mode in Self.modes {
            var gd = GradientDescent<Double>(mode: mode, learningRate: 0.01, epochs: 4, shuffle: false)
            gd.loss = loss
            var a = LinearModel<Double>(), b = LinearModel<Double>()
            try gd.fit(&a, features: x, targets: y, weights: weights)
            try gd.fit(&b, features: dense, targets: y, weights: weights)
            #expect(Self.difference(a, b) < 1e-11, "\(loss) \(mode)")
        }
    }

    @Test func defaultsReachTheSameCertifiedOptimum() throws {
        let (x, dense, y) = try Self.data(seed: 17)
        for penalty in [Penalty.none, .l1(0.05)] {
            let gd = GradientDescent<Double>(penalty: penalty)
            var a = LinearModel<Double>(), b = LinearModel<Double>()
            let sparse = try gd.fit(&a, features: x, targets: y)
            let denseHistory = try gd.fit(&b, features: dense, targets: y)
            #expect(sparse.stopReason == .converged)
            #expect(denseHistory.stopReason == .converged)
            #expect(Self.difference(a, b) < 1e-5, "\(penalty)")
        }
    }

    @Test func severalTargetsAgree() throws {
        let (x, dense, y) = try Self.data(targets: 3)
        let targets = try Matrix<Double>(rows: x.rows, columns: 3, elements: y)
        for mode in Self.modes {
            let gd = GradientDescent<Double>(mode: mode, learningRate: 0.01, epochs: 4, shuffle: false)
            var a = MultiLinearModel<Double>(), b = MultiLinearModel<Double>()
            try gd.fit(&a, features: x, targets: targets)
            try gd.fit(&b, features: dense, targets: targets)
            let gap = zip(a.weights.withUnsafeBufferPointer { Array($0) }, b.weights.withUnsafeBufferPointer { Array($0) })
                .map { abs($0 - $1) }.max()!
            #expect(gap < 1e-11, "\(mode)")
        }
    }

    @Test func standardisingScalesWithoutCentring() throws {
        let (x, dense, y) = try Self.data(seed: 19)
        let d = x.columns, n = Double(x.rows)
        // The dense rows divided by each column's deviation about its mean, not shifted.
        var scaled = dense.withUnsafeBufferPointer { Array($0) }
        var deviations = [Double](repeating: 1, count: d)
        for j in 0..<d {
            let column = (0..<x.rows).map { scaled[$0 * d + j] }
            let mean = column.reduce(0, +) / n
            let variance = column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
            if variance > 0 { deviations[j] = variance.squareRoot() }
            for i in 0..<x.rows { scaled[i * d + j] /= deviations[j] }
        }
        var gd = GradientDescent<Double>(mode: .stochastic, learningRate: 0.01, epochs: 5, shuffle: false)
        var plain = gd
        gd.standardize = true
        var a = LinearModel<Double>(), b = LinearModel<Double>()
        try gd.fit(&a, features: x, targets: y)
        plain.standardize = false
        try plain.fit(&b, features: try Matrix(rows: x.rows, columns: d, elements: scaled), targets: y)
        // `a` is in the original units: its weights are the scaled fit's divided by the deviations.
        let unscaled = LinearModel(weights: zip(b.weights, deviations).map { $0 / $1 }, bias: b.bias)
        #expect(Self.difference(a, unscaled) < 1e-11)
    }

    @Test func streamedChunksTrainAsTheMatrix() throws {
        let (x, _, y) = try Self.data(rows: 300, seed: 23)
        let source = ChunkedSparse(features: x, targets: y, chunkRows: 70)
        let gd = GradientDescent<Double>(mode: .miniBatch(size: 10), learningRate: 0.01, epochs: 4, shuffle: false)
        var a = LinearModel<Double>(), b = LinearModel<Double>()
        try gd.fit(&a, from: source)
        try gd.fit(&b, features: x, targets: y)
        #expect(Self.difference(a, b) < 1e-12)
    }

    /// Mini-batches of a source in chunks are lazy inside each chunk and summed across two: with
    /// penalties and every optimiser with a closed form, the fit of the matrix in memory.
    @Test(arguments: [(Optimizer.sgd, Penalty.elasticNet(0.05, l1Ratio: 0.4)), (.sgd, .l2(0.05)),
                      (.momentum(0.8), .l2(0.02)), (.averaged(startingAfter: 5), .l2(0.02))])
    func streamedLazyMiniBatches(optimizer: Optimizer, penalty: Penalty) throws {
        let (x, _, y) = try Self.data(rows: 300, seed: 29)
        // Chunks of 37 rows and batches of 10: most batches inside a chunk, some across two.
        let source = ChunkedSparse(features: x, targets: y, chunkRows: 37)
        let gd = GradientDescent<Double>(mode: .miniBatch(size: 10), learningRate: 0.01, epochs: 4, shuffle: false,
                                         optimizer: optimizer, penalty: penalty)
        var a = LinearModel<Double>(), b = LinearModel<Double>()
        try gd.fit(&a, from: source)
        try gd.fit(&b, features: x, targets: y)
        #expect(Self.difference(a, b) < 1e-11, "\(optimizer) \(penalty)")
        #expect(a.weights.contains { $0 != 0 })
    }

    @Test func errorsAreTyped() throws {
        let (x, _, y) = try Self.data()
        var model = LinearModel<Double>()
        var gd = GradientDescent<Double>(learningRate: 0.01, epochs: 2)
        #expect(throws: DescentError.self) { try gd.fit(&model, features: x, targets: Array(y.dropLast())) }
        #expect(throws: DescentError.self) { try gd.fit(&model, features: x, targets: y.map { _ in .nan }) }
        gd.preconditioning = .whitened
        #expect(throws: DescentError.self) { try gd.fit(&model, features: x, targets: y) }
        var narrow = LinearModel<Double>(weights: [1, 2], bias: 0)
        gd.preconditioning = .none
        #expect(throws: DescentError.self) { try gd.fit(&narrow, features: x, targets: y) }
    }
}

/// Sparse rows in chunks of `chunkRows`.
struct ChunkedSparse: SparseRowSource {
    let features: SparseMatrix<Double>
    let targets: [Double]
    let chunkRows: Int
    var rowCount: Int { features.rows }
    var columns: Int { features.columns }
    var chunkCount: Int { (features.rows + chunkRows - 1) / chunkRows }
    func chunkRows(_ index: Int) -> Range<Int> { (index * chunkRows)..<min(features.rows, (index + 1) * chunkRows) }
    func forEachChunk(_ order: [Int], _ body: (SparseRowChunk<Double>) throws(DescentError) -> Void) throws(DescentError) {
        for index in order {
            let rows = chunkRows(index)
            try body(SparseRowChunk(index: index, rows: rows, features: try features.rows(rows), targets: Array(targets[rows])))
        }
    }
}

extension SparseTrainingTests {
    /// A weighted source's chunks train as the matrix with the same weights (normalised over the
    /// training rows in both).
    @Test func weightedChunksTrainAsTheMatrix() throws {
        let (x, _, y) = try Self.data(rows: 200, seed: 31)
        var random = RandomSource(seed: 5)
        let weights = (0..<x.rows).map { _ in 0.2 + 2 * random.nextUniform() }
        let data = try SparseDataset(features: x, targets: y, weights: weights)
        let gd = GradientDescent<Double>(mode: .stochastic, learningRate: 0.01, epochs: 3, shuffle: false,
                                         penalty: .l2(0.01))
        var a = LinearModel<Double>(), b = LinearModel<Double>(), c = LinearModel<Double>()
        try gd.fit(&a, from: data)
        try gd.fit(&b, features: x, targets: y, weights: weights)
        try gd.fit(&c, features: x, targets: y)
        #expect(Self.difference(a, b) < 1e-13)
        #expect(Self.difference(a, c) > 1e-4)
    }
}

extension SparseTrainingTests {
    /// Float rows: the same seam, the same agreement (to Float's rounding).
    @Test(arguments: [BatchMode.batch, .miniBatch(size: 8), .stochastic])
    func floatRowsAgree(mode: BatchMode) throws {
        let (x, _, y) = try Self.data(seed: 37)
        let sparse = try SparseMatrix<Float>(rows: x.rows, columns: x.columns, rowOffsets: x.rowOffsets,
                                             columnIndices: x.columnIndices, values: x.values.map { Float($0) })
        let targets = y.map { Float($0) }
        let gd = GradientDescent<Float>(mode: mode, learningRate: 0.01, epochs: 3, shuffle: false, penalty: .l2(0.02))
        var a = LinearModel<Float>(), b = LinearModel<Float>()
        try gd.fit(&a, features: sparse, targets: targets)
        try gd.fit(&b, features: try sparse.dense(), targets: targets)
        let scale = a.weights.map(abs).max()!
        #expect(zip(a.weights, b.weights).allSatisfy { abs($0 - $1) <= 1e-5 * scale } && abs(a.bias - b.bias) <= 1e-5 * scale)
    }
}

extension SparseTrainingTests {
    /// L2 alone on stochastic sparse steps holds the weights as `v` with `w = P·v`; when `P` nears
    /// the bottom of the scalar's range the weights are rescaled within the epoch, and the fit is
    /// still the dense one.
    @Test func scaledL2RescalesWithinAnEpoch() throws {
        // 1 − 2ηλ = 0.9 per update: P passes the threshold within the first epoch in both precisions.
        let gd = GradientDescent<Double>(mode: .stochastic, learningRate: 0.01, epochs: 2, shuffle: false, penalty: .l2(5))
        let (x, dense, y) = try Self.data(rows: 4000, seed: 41)
        #expect(pow(0.9, 4000) < LazySparseSteps<Double>.smallestScale)
        var a = LinearModel<Double>(), b = LinearModel<Double>()
        try gd.fit(&a, features: x, targets: y)
        try gd.fit(&b, features: dense, targets: y)
        let scale = b.weights.map(abs).max()!
        #expect(scale > 1e-3 && zip(a.weights, b.weights).allSatisfy { abs($0 - $1) <= 1e-10 * scale })

        let gf = GradientDescent<Float>(mode: .stochastic, learningRate: 0.01, epochs: 2, shuffle: false, penalty: .l2(5))
        let (xd, _, yd) = try Self.data(rows: 1000, seed: 43)
        // Held as `v = w/P` without a rescale, `P` = 0.9¹⁰⁰⁰ ≈ 1.7·10⁻⁴⁶ would overflow `Float`.
        #expect(pow(0.9, 1000) < LazySparseSteps<Float>.smallestScale)
        let xf = try SparseMatrix<Float>(rows: xd.rows, columns: xd.columns, rowOffsets: xd.rowOffsets,
                                         columnIndices: xd.columnIndices, values: xd.values.map { Float($0) })
        let yf = yd.map { Float($0) }
        var c = LinearModel<Float>(), e = LinearModel<Float>()
        try gf.fit(&c, features: xf, targets: yf)
        try gf.fit(&e, features: try xf.dense(), targets: yf)
        let floatScale = e.weights.map(abs).max()!
        #expect(floatScale > 1e-3 && c.weights.allSatisfy(\.isFinite)
                && zip(c.weights, e.weights).allSatisfy { abs($0 - $1) <= 1e-4 * floatScale })
    }
}
