import Testing
import Descent

@Suite("Data split")
struct DataSplitTests {
    @Test("the seeded split is disjoint, complete and reproducible")
    func split() throws {
        let x = try Matrix<Double>(rows: 100, columns: 2) { i, j in Double(i * 2 + j) }
        let y = (0..<100).map(Double.init)
        let a = try DataSplit(features: x, targets: y, validationFraction: 0.2, testFraction: 0.1, seed: 5)
        let b = try DataSplit(features: x, targets: y, validationFraction: 0.2, testFraction: 0.1, seed: 5)
        #expect(a.training.targets.count == 70 && a.validation.targets.count == 20 && a.test.targets.count == 10)
        #expect((a.training.targets + a.validation.targets + a.test.targets).sorted() == y)
        #expect(a.validation.targets == b.validation.targets && a.test.targets == b.test.targets)
        for (i, t) in a.training.targets.enumerated() { #expect(a.training.features[i, 1] == 2 * t + 1) }
        #expect(throws: DescentError.self) { try DataSplit(features: x, targets: y, validationFraction: 0.6, testFraction: 0.5) }
    }
}
