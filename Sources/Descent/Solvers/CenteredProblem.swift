/// The centring and scaling shared by every method: column means `μ` (zero without an
/// intercept), the target mean, and column scales `sⱼ = 1/‖xⱼ − μⱼ‖₂`. The methods solve for `v`
/// in `ŷ = c + Σⱼ (xⱼ − μⱼ)·sⱼ·vⱼ`; then `wⱼ = sⱼvⱼ` and `b = c − μᵀw`.
///
/// Everything but the target mean describes the features alone: several targets share one
/// problem, each with its own ``targetMean``.
struct CenteredProblem {
    let rows: Int
    let columns: Int
    let intercept: Bool
    let means: [Double]
    /// The mean of the target being solved for (zero without an intercept).
    var targetMean: Double
    let scales: [Double]
    /// Columns that are constant (with an intercept) or all zero (without): zero after centring.
    let constantColumns: [Int]
    /// The input type's unit roundoff: the numerical rank is judged at the data's own precision
    /// (Float data is computed on in Double, but is only as exact as Float).
    let dataEpsilon: Double

    init<S: BLASScalar>(features x: UnsafeBufferPointer<S>, targets y: UnsafeBufferPointer<S>,
                        columns d: Int, intercept: Bool) {
        self.init(features: x, rows: y.count, columns: d, intercept: intercept,
                  targetMean: intercept ? ColumnStatistics.mean(y) : 0)
    }

    /// The problem of `rows` rows of features `x`, for a target whose mean is `targetMean`.
    init<S: BLASScalar>(features x: UnsafeBufferPointer<S>, rows n: Int, columns d: Int, intercept: Bool,
                        targetMean: Double) {
        rows = n
        columns = d
        self.intercept = intercept
        let means = intercept ? ColumnStatistics.means(x, columns: d) : [Double](repeating: 0, count: d)
        var squares = [Double](repeating: 0, count: d)
        var largest = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { largest[j] = Swift.max(largest[j], Swift.abs(Double(x[i * d + j]) - means[j])) } }
        for i in 0..<n {
            for j in 0..<d where largest[j] > 0 {
                let v = (Double(x[i * d + j]) - means[j]) / largest[j]   // scaled: no overflow near 1e±150
                squares[j] += v * v
            }
        }
        // Unit-norm columns, except that the factor stays within 10^±300 (a column of subnormal
        // values would need one beyond Double's range; QR copes with the rest of the scale).
        scales = (0..<d).map { j in
            largest[j] > 0 ? Swift.min(1e300, Swift.max(1e-300, 1 / (largest[j] * squares[j].squareRoot()))) : 1
        }
        self.means = means
        self.targetMean = targetMean
        constantColumns = (0..<d).filter { largest[$0] == 0 }
        dataEpsilon = Double(S.ulpOfOne)
    }

    /// A problem whose centring and scaling are already known.
    init(rows: Int, columns: Int, intercept: Bool, means: [Double], targetMean: Double, scales: [Double],
         dataEpsilon: Double) {
        self.rows = rows
        self.columns = columns
        self.intercept = intercept
        self.means = means
        self.targetMean = targetMean
        self.scales = scales
        constantColumns = []
        self.dataEpsilon = dataEpsilon
    }

    /// The problem of every part's rows, in three passes after ``RowTotals``: the means'
    /// correction (`Σ(x − μ̃)`), the largest deviation of each column (each part's, added up: a
    /// safe bound within a factor of the number of parts), and the scaled sums of squares.
    init<S: BLASScalar>(_ rows: SolverRows<S>, _ totals: RowTotals, intercept: Bool) throws(DescentError) {
        let n = totals.rows, d = rows.columns
        self.rows = n
        columns = d
        self.intercept = intercept
        var means = totals.shift
        var targetMean = totals.targetMeans[0]
        if intercept {
            var correction = [Double](repeating: 0, count: d + 1)
            try rows.forEachBlock(rows: 4096) { (block) throws(DescentError) in
                for i in 0..<block.count {
                    for j in 0..<d { correction[j] += Double(block.features[i * d + j]) - means[j] }
                    correction[d] += Double(block.targets[i]) - targetMean
                }
            }
            try rows.sum(&correction)
            for j in 0..<d where correction[j].isFinite { means[j] += correction[j] / Double(n) }
            if correction[d].isFinite { targetMean += correction[d] / Double(n) }
        }
        var largest = [Double](repeating: 0, count: d)
        try rows.forEachBlock(rows: 4096) { (block) throws(DescentError) in
            for i in 0..<block.count {
                for j in 0..<d { largest[j] = Swift.max(largest[j], Swift.abs(Double(block.features[i * d + j]) - means[j])) }
            }
        }
        try rows.sum(&largest)
        var squares = [Double](repeating: 0, count: d)
        try rows.forEachBlock(rows: 4096) { (block) throws(DescentError) in
            for i in 0..<block.count {
                for j in 0..<d where largest[j] > 0 {
                    let v = (Double(block.features[i * d + j]) - means[j]) / largest[j]
                    squares[j] += v * v
                }
            }
        }
        try rows.sum(&squares)
        scales = (0..<d).map { j in
            largest[j] > 0 ? Swift.min(1e300, Swift.max(1e-300, 1 / (largest[j] * squares[j].squareRoot()))) : 1
        }
        self.means = means
        self.targetMean = targetMean
        constantColumns = (0..<d).filter { largest[$0] == 0 }
        dataEpsilon = Double(S.ulpOfOne)
    }

    /// The centred (and, if `scaled`, column-scaled) features as a column-major `n × d` copy.
    func centredCopy<S: BLASScalar>(_ x: UnsafeBufferPointer<S>, scaled: Bool) -> [Double] {
        let n = rows, d = columns
        var a = [Double](repeating: 0, count: n * d)
        for i in 0..<n {
            for j in 0..<d {
                a[i + j * n] = (Double(x[i * d + j]) - means[j]) * (scaled ? scales[j] : 1)
            }
        }
        return a
    }

    /// Maps a solution in centred, scaled coordinates back to the caller's units, in extended
    /// precision: `b = c − μᵀw` cancels heavily when the means are large.
    func model(v: [Double.Accumulator], c: Double.Accumulator, scaled: Bool = true) -> (weights: [Double], bias: Double) {
        typealias E = Double.Accumulator
        let w = (0..<columns).map { j in scaled ? v[j] * E(scales[j]) : v[j] }
        var b = c
        if intercept { for j in 0..<columns { b -= E(means[j]) * w[j] } }
        return (w.map { Double($0) }, intercept ? Double(b) : 0)
    }

    /// ``model(v:c:scaled:)`` for a solution computed in `Double`.
    func model(v: [Double], c: Double, scaled: Bool = true) -> (weights: [Double], bias: Double) {
        model(v: v.map { Double.Accumulator($0) }, c: Double.Accumulator(c), scaled: scaled)
    }
}
