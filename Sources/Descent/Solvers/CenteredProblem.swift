/// The centring and scaling shared by every method: column means `μ` (zero without an
/// intercept), the targets' means, and column scales `sⱼ = 1/‖xⱼ − μⱼ‖₂`. The methods solve for `v`
/// in `ŷ = c + Σⱼ (xⱼ − μⱼ)·sⱼ·vⱼ`; then `wⱼ = sⱼvⱼ` and `b = c − μᵀw`.
///
/// Everything but the target means describes the features alone: the `k` targets share one
/// problem, each with its own entry of ``targetMeans``.
struct CenteredProblem {
    let rows: Int
    let columns: Int
    let intercept: Bool
    let means: [Double]
    /// The mean of each target (zeros without an intercept).
    let targetMeans: [Double]
    let scales: [Double]
    /// Columns that are constant (with an intercept) or all zero (without): zero after centring.
    let constantColumns: [Int]
    /// The input type's unit roundoff: the numerical rank is judged at the data's own precision
    /// (Float data is computed on in Double, but is only as exact as Float).
    let dataEpsilon: Double

    /// The problem of rows in memory (``SolverRows/inMemory``), in two passes over them: the
    /// largest deviation of each column, then the scaled sums of squares; the means from
    /// ``ColumnStatistics``.
    init<S: BLASScalar>(_ all: SolverRows<S>.Block, columns d: Int, intercept: Bool) {
        let n = all.count, k = all.targetColumns
        rows = n
        columns = d
        self.intercept = intercept
        let means = intercept ? ColumnStatistics.means(UnsafeBufferPointer(start: all.features, count: n * d), columns: d)
                              : [Double](repeating: 0, count: d)
        var squares = [Double](repeating: 0, count: d)
        var largest = [Double](repeating: 0, count: d)
        for i in 0..<n {
            let x = all.row(i)
            for j in 0..<d { largest[j] = Swift.max(largest[j], Swift.abs(Double(x[j]) - means[j])) }
        }
        for i in 0..<n {
            let x = all.row(i)
            for j in 0..<d where largest[j] > 0 {
                let v = (Double(x[j]) - means[j]) / largest[j]   // scaled: no overflow near 1e±150
                squares[j] += v * v
            }
        }
        // Unit-norm columns, except that the factor stays within 10^±300 (a column of subnormal
        // values would need one beyond Double's range; QR copes with the rest of the scale).
        scales = (0..<d).map { j in
            largest[j] > 0 ? Swift.min(1e300, Swift.max(1e-300, 1 / (largest[j] * squares[j].squareRoot()))) : 1
        }
        self.means = means
        targetMeans = TargetColumns(UnsafeBufferPointer(start: all.targets, count: n * k), count: k).means(intercept: intercept)
        constantColumns = (0..<d).filter { largest[$0] == 0 }
        dataEpsilon = Double(S.ulpOfOne)
    }

    /// A problem whose centring and scaling are already known.
    init(rows: Int, columns: Int, intercept: Bool, means: [Double], targetMeans: [Double], scales: [Double],
         dataEpsilon: Double) {
        self.rows = rows
        self.columns = columns
        self.intercept = intercept
        self.means = means
        self.targetMeans = targetMeans
        self.scales = scales
        constantColumns = []
        self.dataEpsilon = dataEpsilon
    }

    /// The problem of every part's rows, in three passes after ``RowTotals``: the means'
    /// correction (`Σ(x − μ̃)`, and `Σ(y − ȳ)` for each target), the largest deviation of each
    /// column (each part's, added up: a safe bound within a factor of the number of parts), and
    /// the scaled sums of squares.
    init<S: BLASScalar>(_ rows: SolverRows<S>, _ totals: RowTotals, intercept: Bool) throws(DescentError) {
        let n = totals.rows, d = rows.columns, k = rows.targets
        self.rows = n
        columns = d
        self.intercept = intercept
        var means = totals.shift
        var targetMeans = totals.targetMeans
        if intercept {
            var correction = [Double](repeating: 0, count: d + k)
            try rows.forEachBlock(rows: 4096) { (block) throws(DescentError) in
                for i in 0..<block.count {
                    let x = block.row(i)
                    for j in 0..<d { correction[j] += Double(x[j]) - means[j] }
                    for t in 0..<k { correction[d + t] += Double(block.target(i, t)) - targetMeans[t] }
                }
            }
            try rows.sum(&correction)
            for j in 0..<d where correction[j].isFinite { means[j] += correction[j] / Double(n) }
            for t in 0..<k where correction[d + t].isFinite { targetMeans[t] += correction[d + t] / Double(n) }
        }
        var largest = [Double](repeating: 0, count: d)
        try rows.forEachBlock(rows: 4096) { (block) throws(DescentError) in
            for i in 0..<block.count {
                let x = block.row(i)
                for j in 0..<d { largest[j] = Swift.max(largest[j], Swift.abs(Double(x[j]) - means[j])) }
            }
        }
        try rows.sum(&largest)
        var squares = [Double](repeating: 0, count: d)
        try rows.forEachBlock(rows: 4096) { (block) throws(DescentError) in
            for i in 0..<block.count {
                let x = block.row(i)
                for j in 0..<d where largest[j] > 0 {
                    let v = (Double(x[j]) - means[j]) / largest[j]
                    squares[j] += v * v
                }
            }
        }
        try rows.sum(&squares)
        scales = (0..<d).map { j in
            largest[j] > 0 ? Swift.min(1e300, Swift.max(1e-300, 1 / (largest[j] * squares[j].squareRoot()))) : 1
        }
        self.means = means
        self.targetMeans = targetMeans
        constantColumns = (0..<d).filter { largest[$0] == 0 }
        dataEpsilon = Double(S.ulpOfOne)
    }

    /// The centred (and, if `scaled`, column-scaled) features of rows in memory as a column-major
    /// `n × d` copy.
    func centredCopy<S: BLASScalar>(_ all: SolverRows<S>.Block, scaled: Bool) -> [Double] {
        let n = rows, d = columns
        var a = [Double](repeating: 0, count: n * d)
        for i in 0..<n {
            let x = all.row(i)
            for j in 0..<d {
                a[i + j * n] = (Double(x[j]) - means[j]) * (scaled ? scales[j] : 1)
            }
        }
        return a
    }

    /// Maps target `t`'s solution in centred, scaled coordinates back to the caller's units, in
    /// extended precision (`b = c − μᵀw` cancels heavily when the means are large): its column of
    /// `V` (column-major `d × k`, one column per target) and its intercept `c`.
    func model(target t: Int = 0, v: [Double.Accumulator], c: Double.Accumulator,
               scaled: Bool = true) -> (weights: [Double], bias: Double) {
        typealias E = Double.Accumulator
        let w = (0..<columns).map { j in scaled ? v[t * columns + j] * E(scales[j]) : v[t * columns + j] }
        var b = c
        if intercept { for j in 0..<columns { b -= E(means[j]) * w[j] } }
        return (w.map { Double($0) }, intercept ? Double(b) : 0)
    }

    /// ``model(target:v:c:scaled:)`` for a solution computed in `Double`.
    func model(target t: Int = 0, v: [Double], c: Double, scaled: Bool = true) -> (weights: [Double], bias: Double) {
        model(v: (0..<columns).map { Double.Accumulator(v[t * columns + $0]) }, c: Double.Accumulator(c), scaled: scaled)
    }
}
