/// A weighted problem as an ordinary one: `Z = √W(X − 1μᵀ)`, `T = √W(Y − 1ȳᵀ)` with weighted
/// means (zero without an intercept), in `Double`, for `k ≥ 1` targets that share the weights.
///
/// Each target's column of `T` and its mean are computed exactly as for that target alone, so a
/// target of a multi-target problem is bit for bit the single-target problem of its column.
struct WeightedProblem {
    /// `Z`, `n × d`.
    let features: Matrix<Double>
    /// `T`, `n × k` row-major (for one target, its `n` values).
    let targets: [Double]
    /// `k`, the number of targets.
    let targetCount: Int
    /// The weighted column means `μ`.
    let means: [Double]
    /// The weighted target means `ȳ`, one per target.
    let targetMeans: [Double]
    /// `Σwᵢ`.
    let totalWeight: Double

    /// - Throws: ``DescentError/insufficientMemory(needed:available:what:remedies:)`` when the
    ///   weighted copies (`n·(d + k)` `Double`s) cannot be allocated.
    init<S: BLASScalar>(_ x: Matrix<S>, _ y: TargetColumns<S>, weights w: [S], intercept: Bool) throws(DescentError) {
        let n = x.rows, d = x.columns, k = y.count
        try MemoryBudget.reserve(MemoryBudget.bytes(MemoryBudget.count(n, d + k)),
                                 for: "the weighted copy of the features and targets (\(n) × \(d + k) Double values)",
                                 remedies: [.fewerColumns(atMost: d - 1)])
        let total = w.reduce(0.0) { $0 + Double($1) }
        var means = [Double](repeating: 0, count: d)
        var targetMeans = [Double](repeating: 0, count: k)
        var z = [Double](repeating: 0, count: n * d)
        var t = [Double](repeating: 0, count: n * k)
        if intercept {
            x.forEachRow { i, row in
                guard w[i] > 0 else { return }
                let share = Double(w[i]) / total
                for j in 0..<d { means[j] += share * Double(row[j]) }
                for c in 0..<k { targetMeans[c] += share * Double(y[i, c]) }
            }
            // A second pass removes the first one's rounding error, as for unweighted means.
            var correction = [Double](repeating: 0, count: d)
            var targetCorrection = [Double](repeating: 0, count: k)
            x.forEachRow { i, row in
                guard w[i] > 0 else { return }
                let share = Double(w[i]) / total
                for j in 0..<d { correction[j] += share * (Double(row[j]) - means[j]) }
                for c in 0..<k { targetCorrection[c] += share * (Double(y[i, c]) - targetMeans[c]) }
            }
            for j in 0..<d where correction[j].isFinite { means[j] += correction[j] }
            for c in 0..<k where targetCorrection[c].isFinite { targetMeans[c] += targetCorrection[c] }
        }
        x.forEachRow { i, row in
            let root = Double(w[i]).squareRoot()
            for j in 0..<d { z[i * d + j] = root * (Double(row[j]) - means[j]) }
            for c in 0..<k { t[i * k + c] = root * (Double(y[i, c]) - targetMeans[c]) }
        }
        features = Matrix(rows: n, columns: d, validElements: z)
        targets = t
        targetCount = k
        self.means = means
        self.targetMeans = targetMeans
        totalWeight = total
    }

    /// `b = ȳₜ − μᵀw` for target `target` with slopes `w`, in extended precision.
    func intercept(for slopes: [Double], target: Int = 0) -> Double {
        var b = Double.Accumulator(targetMeans[target])
        for j in 0..<slopes.count { b -= Double.Accumulator(means[j]) * Double.Accumulator(slopes[j]) }
        return Double(b)
    }
}
