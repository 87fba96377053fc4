import Foundation
import Testing
@testable import Descent

/// What whitening costs, and what happens when it costs too much: ``Preconditioning/automatic``
/// skips it by its cost rule or for its memory (and says why in the history), training exactly as
/// with ``Preconditioning/none``; ``Preconditioning/whitened`` refuses a budget it does not fit
/// with a typed error, for one target or several.
@Suite("Whitening's cost and memory")
struct WhiteningBudgetTests {
    @Test("the cost rule: wide or costly shapes are not whitened, the real data sets and the bench's are")
    func costRule() {
        func cost(_ n: Int, _ d: Int, b: Int, k: Int = 1) -> WhiteningCost {
            WhiteningCost(rows: n, columns: d, targets: k, rowsPerUpdate: b)
        }
        // The issue's 10,000 × 5,000: over a thousand plain epochs to set up.
        let wide = cost(10_000, 5_000, b: 10_000)
        #expect(!wide.affordable && wide.setupEpochs > 1000 && wide.epochFactor < Preconditioning.maximumEpochFactor)
        #expect(!cost(5, 50_000, b: 5).affordable && !cost(20, 400, b: 20).affordable)
        // star98 (303 × 20) in every mode, and the bench's 1,000,000 × 100 in full and mini-batches.
        for b in [303, 32, 1] { #expect(cost(303, 20, b: b).affordable, "star98, \(b) rows per update") }
        #expect(cost(1_000_000, 100, b: 1_000_000).affordable && cost(1_000_000, 100, b: 64).affordable)
        // O(d²) per row or per small update: single rows of 100 columns, mini-batches of 32 at 1,000.
        #expect(!cost(1_000_000, 100, b: 1).affordable && !cost(1_000_000, 1_000, b: 32).affordable)
        // Several targets: their epochs cost k times more, their P·G too; single rows gain.
        #expect(cost(10_000, 50, b: 32, k: 3).epochFactor == cost(10_000, 50, b: 32).epochFactor)
        #expect(cost(10_000, 40, b: 1, k: 4).affordable && !cost(10_000, 40, b: 1).affordable)
        // More columns never make whitening cheaper.
        let setups = [10, 100, 1_000, 10_000].map { cost(100_000, $0, b: 100_000).setupEpochs }
        #expect(zip(setups, setups.dropFirst()).allSatisfy { $0 < $1 })
    }

    /// `x₁ = u`, `x₂ = u + 0.01v`, …: columns correlated enough that ``Preconditioning/automatic``
    /// whitens them when it measures.
    static func correlated<S: BLASScalar>(_: S.Type, rows n: Int, columns d: Int) throws -> (Matrix<S>, [S]) {
        var random = RandomSource(seed: 3)
        let base = (0..<n).map { _ in random.nextNormal() }
        let x = try Matrix<S>(rows: n, columns: d) { i, j in S(base[i] + 0.01 * Double(j) * random.nextNormal()) }
        let y = (0..<n).map { i in S((0..<d).reduce(1.0) { $0 + Double(x[i, $1]) * Double($1 % 3 - 1) }) }
        return (x, y)
    }

    @Test("automatic skips whitening for its cost or its memory, says why, and trains exactly as without it",
          arguments: Precision.allCases)
    func skips(_ precision: Precision) throws { try skips(precision.scalar) }

    func skips<S: BLASScalar>(_: S.Type) throws {
        var gd = GradientDescent<S>(mode: .batch)
        gd.epochs = 20
        var none = gd
        none.preconditioning = .none

        // Cost: 20 rows of 400 columns.
        let (wx, wy) = try Self.correlated(S.self, rows: 20, columns: 400)
        var a = LinearModel<S>(), b = LinearModel<S>()
        let skipped = try gd.fit(&a, features: wx, targets: wy)
        let plain = try none.fit(&b, features: wx, targets: wy)
        guard case let .cost(setup, _) = skipped.whiteningSkipped else {
            Issue.record("not skipped for its cost: \(String(describing: skipped.whiteningSkipped))")
            return
        }
        #expect(setup > Preconditioning.maximumSetupEpochs && !skipped.whitened && skipped.conditionEstimate == nil)
        #expect(a.weights == b.weights && a.bias == b.bias && skipped.losses == plain.losses)
        #expect(plain.whiteningSkipped == nil)
        // The same from a source read in chunks.
        var c = LinearModel<S>()
        let streamed = try gd.fit(&c, from: SplitRows(wx, wy, starts: [0, 7, 13]))
        #expect(streamed.whiteningSkipped == skipped.whiteningSkipped && !streamed.whitened)

        // Memory: 300 × 5 whitens with the machine's memory, not within 500 bytes.
        let (x, y) = try Self.correlated(S.self, rows: 300, columns: 5)
        var d = LinearModel<S>(), e = LinearModel<S>()
        #expect(try gd.fit(&d, features: x, targets: y).whitened)
        let tight = try MemoryBudget.$simulatedAvailable.withValue(500) { try gd.fit(&e, features: x, targets: y) }
        #expect(tight.whiteningSkipped == .memory(needed: WhiteningCost.bytes(columns: 5, scalar: S.self), available: 500))
        #expect(!tight.whitened && tight.conditionEstimate == nil)
        var f = LinearModel<S>()
        let unwhitened = try none.fit(&f, features: x, targets: y)
        #expect(e.weights == f.weights && tight.losses == unwhitened.losses)
        #expect(tight.whiteningSkipped!.description.contains("memory"))

        // The history keeps the reason through its JSON form.
        let decoded = try JSONDecoder().decode(FitHistory<S>.self, from: JSONEncoder().encode(skipped))
        #expect(decoded.whiteningSkipped == skipped.whiteningSkipped)
    }

    @Test("whitening on request refuses a budget it does not fit, for one target and for several",
          arguments: Precision.allCases)
    func refuses(_ precision: Precision) throws { try refuses(precision.scalar) }

    func refuses<S: BLASScalar>(_: S.Type) throws {
        let (x, y) = try Self.correlated(S.self, rows: 300, columns: 5)
        var whitened = GradientDescent<S>(mode: .batch)
        whitened.epochs = 5
        whitened.preconditioning = .whitened
        var model = LinearModel<S>()
        try MemoryBudget.$simulatedAvailable.withValue(500) {
            do {
                _ = try whitened.fit(&model, features: x, targets: y)
                Issue.record("whitening fitted in 500 bytes")
            } catch let DescentError.insufficientMemory(needed, available, what, remedies) {
                #expect(needed == WhiteningCost.bytes(columns: 5, scalar: S.self) && available == 500)
                #expect(what.contains("whitening") && remedies.first == .withoutWhitening)
            }
            // Several targets whiten with the same matrices.
            let targets = try Matrix<S>(rows: 300, columns: 2, elements: y.flatMap { [$0, -$0] })
            var multi = MultiLinearModel<S>()
            do {
                _ = try whitened.fit(&multi, features: x, targets: targets)
                Issue.record("whitening several targets fitted in 500 bytes")
            } catch let DescentError.insufficientMemory(_, _, what, remedies) {
                #expect(what.contains("whitening") && remedies.first == .withoutWhitening)
            }
        }
    }
}
