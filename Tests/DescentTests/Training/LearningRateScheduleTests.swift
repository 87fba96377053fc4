import Testing
import Descent

@Suite("Learning-rate schedules")
struct LearningRateScheduleTests {
    /// `xⁿ` by repeated multiplication, as the schedule computes it.
    func power(_ x: Double, _ n: Int) -> Double { (0..<n).reduce(1.0) { a, _ in a * x } }

    @Test("schedules: the rate of each epoch follows its formula")
    func schedules() throws {
        let problem = RandomProblem<Double>(rows: 64, columns: 3)
        func rates(_ schedule: LearningRateSchedule, mode: BatchMode = .batch) throws -> [Double] {
            try GradientDescent<Double>(mode: mode, learningRate: 0.1, epochs: 5, schedule: schedule)
                .fit(features: problem.features, targets: problem.targets).history.learningRates
        }
        #expect(try rates(.constant) == [0.1, 0.1, 0.1, 0.1, 0.1])
        #expect(try rates(.stepDecay(every: 2, factor: 0.5)) == [0.1, 0.1, 0.05, 0.05, 0.025])
        let exponential = try rates(.exponential(decay: 0.9))
        for (e, rate) in exponential.enumerated() {
            #expect(Swift.abs(rate - 0.1 * power(0.9, e)) < Double.ulps(4))
        }
        // Inverse scaling counts updates: 8 per epoch with batches of 8; each epoch starts at t = 8e + 1.
        let inverse = try rates(.inverseScaling(power: 0.5), mode: .miniBatch(size: 8))
        for (e, rate) in inverse.enumerated() {
            #expect(Swift.abs(rate - 0.1 / Double(8 * e + 1).squareRoot()) < Double.ulps(4))
        }
    }

    @Test("the adaptive schedule divides η by 5 on a plateau and stops when it is exhausted")
    func adaptive() throws {
        let problem = RandomProblem<Double>(rows: 100, columns: 3, noise: 0)
        let minimum = 1e-4
        let gd = GradientDescent<Double>(mode: .batch, learningRate: 0.3, epochs: 100_000,
                                         schedule: .adaptive(tolerance: 0, patience: 3, minimum: minimum))
        var model = LinearModel<Double>()
        let history = try gd.fit(&model, features: problem.features, targets: problem.targets)
        #expect(history.stopReason == .learningRateExhausted)
        let distinct = history.learningRates.reduce(into: [Double]()) { if $0.last != $1 { $0.append($1) } }
        for (a, b) in zip(distinct, distinct.dropFirst()) {
            #expect(Swift.abs(b - a / 5) < Double.ulps(4))
        }
        #expect(distinct.last! >= minimum && distinct.last! / 5 < minimum)
        // Noise-free data: the run ends at the least-squares solution, to within rounding.
        #expect(try LeastSquares.verify(model, features: problem.features, targets: problem.targets).maxWeightDifference
                < Double.ulps(64))
    }
}
