/// One refinement pass over the rows: the residuals `fᵢ = tᵢ − zᵢᵀu + offset` of the centred rows
/// `zᵢ = xᵢ − shift`, `tᵢ = yᵢ − ȳ`, and `g = Zᵀf`, `Σfᵢ`, summed over every part. Each block is
/// centred into a `Double` buffer (two `gemv`s while it is in cache); `Double` rows whose Gram
/// matrix could be centred after the product (``LeastSquares/GramPass/inPlace``) are used in
/// place, the centring folded into the offset (`Zᵀf = Xᵀf − shift·Σf`).
struct ResidualPass {
    let shift: [Double]
    /// Column sums of `X − shift`: the rows were shifted by `μ̃`, not `μ`; the offset `δᵀu/n`
    /// absorbs the difference.
    let deviation: [Double]
    let rows: Int
    let targetMean: Double
    var inPlace = false

    func gradient<S: BLASScalar>(_ source: SolverRows<S>, u: [Double], intercept: Double = 0)
        throws(DescentError) -> (g: [Double], residualSum: Double) {
        let pass = try gradientAndNorm(source, u: u, intercept: intercept)
        return (pass.g, pass.residualSum)
    }

    /// ``gradient(_:u:intercept:)`` and `Σfᵢ²`, in the same pass.
    func gradientAndNorm<S: BLASScalar>(_ source: SolverRows<S>, u: [Double], intercept: Double = 0)
        throws(DescentError) -> (g: [Double], residualSum: Double, residualSquares: Double) {
        let d = source.columns
        let inPlace = self.inPlace && S.self == Double.self
        let blockRows = Swift.max(1, Swift.min(Swift.max(1, source.localRows), 131_072 / d))
        var z = [Double](repeating: 0, count: inPlace ? 0 : blockRows * d)
        var residual = [Double](repeating: 0, count: blockRows)
        var sums = [Double](repeating: 0, count: d + 2)
        var offset = (0..<d).reduce(0.0) { $0 + deviation[$1] / Double(rows) * u[$1] } - intercept
        if inPlace { offset += (0..<d).reduce(0.0) { $0 + shift[$1] * u[$1] } }
        try source.forEachBlock(rows: blockRows) { (block) throws(DescentError) in
            let m = block.count, x = block.features, y = block.targets
            let rows: UnsafePointer<Double>
            if inPlace {
                rows = S.doubles(x)!
                for i in 0..<m { residual[i] = Double(y[i]) - targetMean }
            } else {
                for i in 0..<m {
                    let row = i * d
                    for j in 0..<d { z[row + j] = Double(x[row + j]) - shift[j] }
                    residual[i] = Double(y[i]) - targetMean
                }
                rows = z.withUnsafeBufferPointer { UnsafePointer($0.baseAddress!) }
            }
            BLAS.gemv(rows, rows: m, columns: d, alpha: -1, u, beta: 1, &residual)
            for i in 0..<m { residual[i] += offset }
            for i in 0..<m {
                sums[d] += residual[i]
                sums[d + 1] += residual[i] * residual[i]
            }
            BLAS.gemvTransposed(rows, rows: m, columns: d, residual, beta: 1, &sums)
        }
        try source.sum(&sums)
        if inPlace { for j in 0..<d { sums[j] -= shift[j] * sums[d] } }
        return (Array(sums[0..<d]), sums[d], sums[d + 1])
    }
}
