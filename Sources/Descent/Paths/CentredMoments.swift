/// The centred second moments of unweighted rows with one target, from the first pass
/// (``RowTotals``) and one Gram pass (``LeastSquares/centredGram(_:shift:targetMeans:)``), on
/// every part of the rows' collective alike: what the elastic-net path and ridge's GCV and
/// leave-one-out need, `O(d²)` numbers.
struct CentredMoments {
    /// `n`, over every part.
    let rows: Int
    /// `Xcᵀ Xc`, row-major `d × d`.
    let gram: [Double]
    /// `Xcᵀ(y − ȳ)`.
    let rhs: [Double]
    /// `Σ(y − ȳ)²`.
    let targetSquares: Double
    /// The column means `μ`.
    let means: [Double]
    /// `ȳ`.
    let targetMean: Double

    @specialized(where S == Float)
    @specialized(where S == Double)
    init<S: BLASScalar>(_ rows: SolverRows<S>) throws(DescentError) {
        let totals = try RowTotals.gather(rows, intercept: true)
        guard !totals.sumsOverflow else {
            throw .unsolvable(method: "normal equations", reason: "sums of the features overflow", conditionEstimate: nil)
        }
        let pass = try LeastSquares.centredGram(rows, shift: totals.shift, targetMeans: totals.targetMeans)
        let n = Double(totals.rows), d = rows.columns
        let drift = pass.targetDeviation[0]
        // The rows' offsets from the true means, as sums: Σ(x − shift) centred, or the raw rows.
        let offsets = pass.inPlace ? totals.shift.map { $0 * n } : pass.deviation
        self.rows = totals.rows
        gram = pass.gram
        rhs = (0..<d).map { pass.rhs[$0] - offsets[$0] * drift / n }
        targetSquares = pass.targetSquares[0] - drift * drift / n
        means = (0..<d).map { totals.shift[$0] + (pass.inPlace ? 0 : pass.deviation[$0] / n) }
        targetMean = totals.targetMeans[0] + drift / n
    }
}
