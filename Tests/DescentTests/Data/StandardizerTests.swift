import Testing
import Descent

@Suite("Standardiser")
struct StandardizerTests {
    /// Columns on wildly different scales, offset by 50 (the data of the standardised-training test).
    static func data() throws -> Matrix<Double> {
        let base = RandomProblem<Double>(rows: 300, columns: 3, noise: 0.01)
        let scales = [1000.0, 1.0, 0.01]
        return try Matrix<Double>(rows: 300, columns: 3) { i, j in base.features[i, j] * scales[j] + 50 }
    }

    @Test("means and deviations are the columns' mean and population standard deviation")
    func fitted() throws {
        let x = try Self.data()
        let standardizer = try Standardizer(fitting: x)
        for j in 0..<3 {
            let column = (0..<300).map { x[$0, j] }
            let mean = column.reduce(0, +) / 300
            let deviation = (column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 300).squareRoot()
            // The naive one-pass mean is itself within ~300 ulps; the deviation follows it.
            #expect(Swift.abs(standardizer.means[j] - mean) <= Double.ulps(512) * Swift.abs(mean), "column \(j)")
            #expect(Swift.abs(standardizer.deviations[j] - deviation) <= Double.ulps(512) * deviation, "column \(j)")
        }
        // A constant column keeps its scale: deviation 1, not 0.
        let constant = try Standardizer(fitting: try Matrix<Double>(rows: 3, columns: 2, elements: [1, 4, 2, 4, 3, 4]))
        #expect(constant.means[1] == 4 && constant.deviations[1] == 1)
    }

    @Test("models map between raw and standardised units and predict the same")
    func modelRoundTrip() throws {
        let x = try Self.data()
        let standardizer = try Standardizer(fitting: x)
        let model = LinearModel<Double>(weights: [0.001, -2, 300], bias: 4)
        let back = try standardizer.original(try standardizer.standardized(model))
        #expect(zip(back.weights, model.weights).allSatisfy { Swift.abs($0 - $1) <= Double.ulps(16) * Swift.abs($1) })
        #expect(Swift.abs(back.bias - model.bias) < Double.ulps(4096))
        // Same predictions on raw and standardised data.
        let z = try standardizer.transform(x)
        let p1 = try model.predict(x), p2 = try standardizer.standardized(model).predict(z)
        #expect(throws: DescentError.self) { try standardizer.transform(try Matrix<Double>(rows: 1, columns: 2, elements: [1, 2])) }
        #expect(throws: DescentError.self) { try standardizer.original(LinearModel<Double>(weights: [1])) }
        #expect(zip(p1, p2).allSatisfy { Swift.abs($0 - $1) < Double.ulps(64) * (1 + Swift.abs($0)) })
    }
}
