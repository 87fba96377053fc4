import Foundation
import Testing
@testable import Descent

/// Targets are data: several targets train through the one engine from every location a single
/// target can (a matrix, a streamed `.npy` pair whose targets file is `n × k`, parts of a data set
/// across a collective), with the same results, and their weighted losses and verdicts are those
/// of their single-target fits.
@Suite("Several targets through the one engine")
struct SeveralTargetsEngineTests {
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("descent-k-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func gap(_ a: MultiLinearModel<Double>, _ b: MultiLinearModel<Double>) -> Double {
        let x = a.weights.elements + a.biases, y = b.weights.elements + b.biases
        let scale = Swift.max(1, y.map(Swift.abs).max() ?? 1)
        return zip(x, y).map { Swift.abs($0 - $1) }.max()! / scale
    }

    static let configurations: [(String, GradientDescent<Double>)] = {
        var list: [(String, GradientDescent<Double>)] = [
            ("batch sgd", GradientDescent(mode: .batch, learningRate: 0.05, epochs: 30)),
            ("mini-batch nesterov l1", GradientDescent(mode: .miniBatch(size: 16), learningRate: 0.02, epochs: 10,
                                                       shuffle: false, optimizer: .nesterov(0.9), penalty: .l1(0.01))),
            ("stochastic adam", GradientDescent(mode: .stochastic, learningRate: 0.005, epochs: 4, shuffle: false,
                                                optimizer: .adam())),
        ]
        var defaults = GradientDescent<Double>(mode: .miniBatch(size: 16), epochs: 12, shuffle: false)
        defaults.penalty = .elasticNet(0.05, l1Ratio: 0.5)
        list.append(("mini-batch defaults (SVRG) elastic net", defaults))
        return list
    }()

    @Test("a streamed .npy pair with an n × k targets file trains as the matrices do (one chunk: the same bits)")
    func streamed() throws {
        let problem = RandomMultiProblem<Double>(rows: 120, columns: 5, targets: 3, noise: 0.3, seed: 11)
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let xPath = dir.appendingPathComponent("X.npy").path, yPath = dir.appendingPathComponent("Y.npy").path
        try problem.features.writeNPY(to: xPath)
        try problem.targets.writeNPY(to: yPath)
        let whole = try StreamingDataset<Double>(npyFeatures: xPath, targets: yPath)
        let chunked = try StreamingDataset<Double>(npyFeatures: xPath, targets: yPath, chunkBytes: 37 * 8 * 8)
        #expect(whole.targetColumns == 3 && chunked.chunkCount > 2)
        for (name, gd) in Self.configurations {
            var reference = MultiLinearModel<Double>()
            let expected = try gd.fit(&reference, features: problem.features, targets: problem.targets)
            var one = MultiLinearModel<Double>(), many = MultiLinearModel<Double>()
            let history = try gd.fit(&one, from: whole)
            try gd.fit(&many, from: chunked)
            #expect(one.weights == reference.weights && one.biases == reference.biases, "\(name)")
            #expect(history.losses == expected.losses, "\(name)")
            // Chunks sum a batch's gradient chunk by chunk: the same fit to rounding.
            #expect(Self.gap(many, reference) <= 1e-10, "\(name): \(Self.gap(many, reference))")
        }
    }

    @Test("across 3 parts (one empty) several targets train by full batches as one process does")
    func acrossParts() throws {
        let problem = RandomMultiProblem<Double>(rows: 150, columns: 4, targets: 2, noise: 0.3, seed: 12)
        let parts = [0..<0, 0..<60, 60..<150], starts = [[], [0, 25], [0, 40, 41]]
        var defaults = GradientDescent<Double>(mode: .batch)
        defaults.penalty = .elasticNet(0.05, l1Ratio: 0.5)
        // (Mini-batches across parts take every part's share of a global batch, not the single
        // process's consecutive rows: the distributed mini-batch checks compare with their own oracle.)
        for (name, gd) in [Self.configurations[0], ("batch defaults, elastic net", defaults)] {
            var single = MultiLinearModel<Double>()
            let reference = try gd.fit(&single, features: problem.features, targets: problem.targets)
            let results = ThreadsWorld(size: 3).run { collective in
                let source = SplitRows(problem.features, targets: problem.targets, rows: parts[collective.rank],
                                       starts: starts[collective.rank])
                var model = MultiLinearModel<Double>()
                return Result { () throws(DescentError) in
                    let history = try gd.fit(&model, from: source, collective: collective)
                    return (model, history)
                }
            }
            for (rank, result) in results.enumerated() {
                let (model, history) = try result.get()
                #expect(Self.gap(model, single) <= 1e-12, "\(name) part \(rank): \(Self.gap(model, single))")
                #expect(history.epochs == reference.epochs, "\(name)")
            }
        }
    }

    @Test("weighted: the validation losses and the certified objective of k targets are those of their single-target fits")
    func weightedAgreement() throws {
        let problem = RandomMultiProblem<Double>(rows: 160, columns: 4, targets: 3, noise: 0.4, seed: 13)
        let weights = (0..<160).map { Double($0 % 5) * 0.5 }
        var gd = GradientDescent<Double>(mode: .batch, learningRate: 0.05, epochs: 25, penalty: .l2(0.01),
                                         earlyStopping: .init(validationFraction: 0.25, patience: 100))
        gd.shuffle = false
        var multi = MultiLinearModel<Double>()
        let together = try gd.fit(&multi, features: problem.features, targets: problem.targets, weights: weights)
        var singles = [FitHistory<Double>]()
        for t in 0..<3 {
            var model = LinearModel<Double>()
            singles.append(try gd.fit(&model, features: problem.features, targets: problem.targets.column(t),
                                      weights: weights))
        }
        #expect(together.validationLosses.count == singles[0].validationLosses.count)
        for e in together.validationLosses.indices {
            let mean = singles.reduce(0.0) { $0 + $1.validationLosses[e] } / 3
            #expect(Swift.abs(together.validationLosses[e] - mean) <= 1e-12 * mean, "epoch \(e + 1)")
        }
        // The objective is the sum of the targets' objectives, and so is the certified gap.
        let objective = singles.reduce(0.0) { $0 + $1.objective! }
        #expect(Swift.abs(together.objective! - objective) <= 1e-10 * objective)
        func absolute(_ h: FitHistory<Double>) -> Double { h.objectiveGap! * h.objective! / (1 + h.objectiveGap!) }
        let gaps = singles.reduce(0.0) { $0 + absolute($1) }
        #expect(Swift.abs(absolute(together) - gaps) <= 1e-6 * gaps, "\(absolute(together)) vs \(gaps)")
        #expect(together.certificate == singles[0].certificate)
    }
}
