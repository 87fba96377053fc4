import Descent
import Dispatch

extension SyntheticData {
    /// The same rows with every tenth column (1, 11, 21, …) made nearly collinear with the column
    /// before it, `xⱼ ← xⱼ₋₁ + δ·xⱼ`, and the targets recomputed from the same weights, bias and
    /// noise: with unit-norm centred columns each such pair has singular values ≈ √2 and δ/√2, so
    /// `κ(X) ≈ 2/δ`. Deterministic: no new random numbers.
    init(nearlyCollinear base: SyntheticData, condition: Double) {
        let n = base.rows, d = base.columns, delta = 2 / condition
        var x = base.x
        var y = base.y
        let w = base.weights
        x.withUnsafeMutableBufferPointer { xs in
            y.withUnsafeMutableBufferPointer { ys in
                nonisolated(unsafe) let xs = xs, ys = ys
                let chunk = 4096
                DispatchQueue.concurrentPerform(iterations: (n + chunk - 1) / chunk) { c in
                    for i in (c * chunk)..<Swift.min(n, (c + 1) * chunk) {
                        var change = 0.0
                        for j in stride(from: 1, to: d, by: 10) {
                            let old = xs[i * d + j]
                            xs[i * d + j] = xs[i * d + j - 1] + delta * old
                            change += w[j] * (xs[i * d + j] - old)
                        }
                        ys[i] += change
                    }
                }
            }
        }
        self.init(rows: n, columns: d, x: x, y: y, weights: w, bias: base.bias)
    }

    private init(rows: Int, columns: Int, x: [Double], y: [Double], weights: [Double], bias: Double) {
        self.rows = rows
        self.columns = columns
        self.x = x
        self.y = y
        self.weights = weights
        self.bias = bias
    }
}

extension Workload {
    /// The exact solvers on nearly collinear data (`κ(X) ≈ 10⁶`): the normal equations, then QR,
    /// interleaved repetition by repetition (three each, the median reported) so both see the same
    /// state of the machine, and each repetition paired with the streaming read just before it
    /// (`ratio_to_stream`, as every other row).
    static func measureIllConditioned(settings: Settings, data: SyntheticData, pairing: StreamPairing,
                                      readOnce: Double?) throws -> [Measurement] {
        let names: [(BenchmarkName, LeastSquares.Method)] = [(.normalEquationsIllConditioned, .normalEquations),
                                                             (.qrIllConditioned, .qr)]
        guard names.contains(where: { settings.selected($0.0) }) else { return [] }
        let workload = try Workload(settings: settings, data: SyntheticData(nearlyCollinear: data, condition: 1e6))
        var times = [BenchmarkName: PairedTimes]()
        var solutions = [BenchmarkName: LeastSquaresSolution<S>]()
        for repetition in 0..<3 {
            for (name, method) in names where settings.selected(name) {
                let paired = try Progress.phase("\(workload.precision) \(name.rawValue) (\(repetition + 1)/3)") {
                    try pairing.interleave(repetitions: 1, warmUp: false) {
                        do {
                            solutions[name] = try LeastSquares.solve(workload.features, workload.targets, method: method)
                        } catch DescentError.unsolvable {
                            // The normal equations may refuse this condition: the time to refuse is the figure.
                        }
                        return nil
                    }
                }
                times[name, default: PairedTimes()].stream += paired.stream
                times[name, default: PairedTimes()].workload += paired.workload
            }
        }
        return names.compactMap { name, _ in
            guard let paired = times[name] else { return nil }
            var result = workload.measurement(name, paired, readOnce: readOnce)
            result.methodUsed = solutions[name]?.method.description ?? "refused"
            result.condition = solutions[name]?.conditionEstimate
            return result
        }
    }
}
