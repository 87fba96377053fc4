import Descent
import DescentMPI

extension Bench {
    /// This rank's share of the `rows × columns` problem: consecutive rows, as even as can be.
    /// Rows are drawn in blocks of 4096 from seeds of their own, so the whole problem is the same
    /// for any number of ranks.
    func localRows() -> (Matrix<Double>, [Double]) {
        let start = rows * world.rank / world.size, end = rows * (world.rank + 1) / world.size
        let block = 4096
        var weights = RandomSource(seed: 1)
        let w = (0..<columns).map { _ in weights.nextNormal() }
        var x = [Double](repeating: 0, count: (end - start) * columns), y = [Double](repeating: 0, count: end - start)
        var first = start / block * block
        while first < end {
            var random = RandomSource(seed: 1000 + UInt64(first / block))
            for i in first..<Swift.min(first + block, end) {
                var target = 0.5
                for j in 0..<columns {
                    let value = random.nextNormal()
                    target += value * w[j]
                    if i >= start { x[(i - start) * columns + j] = value }
                }
                if i >= start { y[i - start] = target + 0.1 * random.nextNormal() }
            }
            first += block
        }
        return (try! Matrix(rows: end - start, columns: columns, elements: x), y)
    }

    /// The median epoch of a batch fit, from the times `onEpoch` is called.
    func epochSeconds(_ fit: (_ onEpoch: @escaping (EpochReport<Double>) -> Void) throws(DescentError) -> Void) -> Double {
        var marks: [Double] = []
        do { try fit { _ in marks.append(Bench.now()) } } catch { fail(error) }
        let steps = (1..<marks.count).map { marks[$0] - marks[$0 - 1] }.sorted()
        return steps[steps.count / 2]
    }

    /// With one rank: the same work through Descent alone, no MPI (the matrix and row-source entry points).
    func singleProcessReference(_ x: Matrix<Double>, _ y: [Double], _ gd: GradientDescent<Double>) {
        guard world.size == 1 else { return }
        let matrix = epochSeconds { (onEpoch) throws(DescentError) in
            var model = LinearModel<Double>()
            _ = try gd.fit(&model, features: x, targets: y, onEpoch: onEpoch)
        }
        report("batch epoch, Descent alone: fit(features:targets:)", seconds: matrix, communication: 0)
        let data = try! Dataset(features: x, targets: y)
        let source = epochSeconds { (onEpoch) throws(DescentError) in
            var model = LinearModel<Double>()
            _ = try gd.fit(&model, from: data, onEpoch: onEpoch)
        }
        report("batch epoch, Descent alone: fit(from: Dataset)", seconds: source, communication: 0)
        for method in [LeastSquares.Method.normalEquations, .qr] {
            let m = measure(repeats: 3) { () throws(DescentError) in _ = try LeastSquares.solve(x, y, method: method) }
            report("exact solve, \(method), Descent alone", seconds: m.seconds, communication: 0)
        }
    }

    /// One batch epoch (the median of `epochs`, after the fit's first pass) and each exact solve.
    func workloads() {
        let (x, y) = localRows()
        var gd = GradientDescent<Double>(mode: .batch, learningRate: 0.01, epochs: epochs, seed: 1)
        gd.stopWhenConverged = false
        singleProcessReference(x, y, gd)
        var marks: [(seconds: Double, communication: Double, calls: Int)] = []
        var model = LinearModel<Double>()
        do {
            try world.barrier()
            marks.append((Bench.now(), world.communicationSeconds, world.collectiveCalls))
            _ = try gd.fit(&model, features: x, targets: y, across: world) { _ in
                marks.append((Bench.now(), world.communicationSeconds, world.collectiveCalls))
            }
        } catch { fail(error) }
        let steps = (2..<marks.count).map { (marks[$0].seconds - marks[$0 - 1].seconds,
                                             marks[$0].communication - marks[$0 - 1].communication,
                                             marks[$0].calls - marks[$0 - 1].calls) }
        let median = steps.sorted { $0.0 < $1.0 }[steps.count / 2]
        report("batch epoch (median of \(steps.count))", seconds: median.0, communication: median.1,
               calls: Double(median.2), doubles: columns + 3)
        report("fit set-up and first epoch", seconds: marks[1].seconds - marks[0].seconds,
               communication: marks[1].communication - marks[0].communication, calls: Double(marks[1].calls - marks[0].calls))
        for method in [LeastSquares.Method.normalEquations, .qr, .automatic] {
            let m = measure(repeats: 3) { () throws(DescentError) in
                _ = try LeastSquares.solve(x, y, across: world, method: method)
            }
            report("exact solve, \(method)", seconds: m.seconds, communication: m.communication, calls: m.calls)
        }
    }
}
