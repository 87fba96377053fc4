/// One refinement pass over the rows for `k ≥ 1` targets: the residuals
/// `Fᵢₜ = Tᵢₜ − zᵢᵀuₜ + offsetₜ` of the centred rows `zᵢ = xᵢ − shift`, `Tᵢₜ = yᵢₜ − ȳₜ`, and
/// `G = ZᵀF`, `Σᵢ Fᵢₜ` and `Σᵢ Fᵢₜ²`, summed over every part. Each block is centred into a `Double`
/// buffer and multiplied while it is in cache (two `gemv`s for one target, two `gemm`s for
/// several); `Double` rows whose Gram matrix could be centred after the product
/// (``LeastSquares/GramPass/inPlace``) are used in place, the centring folded into the offset
/// (`ZᵀF = XᵀF − shift·ΣF`).
struct ResidualPass {
    let shift: [Double]
    /// Column sums of `X − shift`: the rows were shifted by `μ̃`, not `μ`; the offset `δᵀu/n`
    /// absorbs the difference.
    let deviation: [Double]
    let rows: Int
    /// `ȳₜ`, one per target.
    let targetMeans: [Double]
    var inPlace = false

    /// `G` (row-major `d × k`), `Σᵢ Fᵢₜ` and `Σᵢ Fᵢₜ²` for `U` (row-major `d × k`, one column per
    /// target) and the targets' intercepts (`k` values, zero by default).
    func gradientAndNorm<S: BLASScalar>(_ source: SolverRows<S>, u: [Double], intercepts: [Double]? = nil)
        throws(DescentError) -> (g: [Double], residualSums: [Double], residualSquares: [Double]) {
        let d = source.columns, k = source.targets
        let inPlace = self.inPlace && S.self == Double.self
        let blockRows = Swift.max(1, Swift.min(Swift.max(1, source.localRows), (inPlace ? 819_200 : 409_600) / d))
        let z = UnsafeMutablePointer<Double>.allocate(capacity: inPlace ? 0 : blockRows * d)
        defer { z.deallocate() }
        let residual = UnsafeMutablePointer<Double>.allocate(capacity: blockRows * k)
        defer { residual.deallocate() }
        // G (d·k), then Σf (k), then Σf² (k).
        var sums = [Double](repeating: 0, count: d * k + 2 * k)
        let offsets = (0..<k).map { t in
            var offset = (0..<d).reduce(0.0) { $0 + deviation[$1] / Double(rows) * u[$1 * k + t] } - (intercepts?[t] ?? 0)
            if inPlace { offset += (0..<d).reduce(0.0) { $0 + shift[$1] * u[$1 * k + t] } }
            return offset
        }
        try source.forEachBlock(rows: blockRows) { (block) throws(DescentError) in
            let m = block.count
            block.centredTargets(means: targetMeans, into: residual)
            let rows: UnsafePointer<Double> = inPlace ? S.doubles(block.features)! : UnsafePointer(z)
            sums.withUnsafeMutableBufferPointer { sums in
                let sums = sums.baseAddress!
                // Rows centred into z by each part of the fused kernel's pass, on its own thread.
                let prepare: ((Int, Int) -> Void)? = inPlace ? nil : { block.centredFeatures($0..<$1, shift: shift, into: z) }
                // Large problems take the fused kernel (each row read once, no OpenBLAS call).
                // Small ones keep the BLAS pair's order of operations: there a pass costs nothing,
                // and the order moved NIST's normal-equations digits by up to ±0.5 (Longley
                // 14.34 → 13.92, Wampler4 8.02 → 8.50).
                if k == 1, self.rows * d > LeastSquares.smallProblem, u.withUnsafeBufferPointer({ u in
                    Self.fused(rows, rows: m, columns: d, u: u.baseAddress!, offset: offsets[0], targets: residual, into: sums,
                               prepare: prepare)
                }) {
                    return
                }
                if !inPlace { block.centredFeatures(shift: shift, into: z) }
                if k == 1 {
                    BLAS.gemv(rows, rows: m, columns: d, alpha: -1, u, beta: 1, residual)
                } else {
                    BLAS.gemm(rows, u, m: m, n: k, k: d, alpha: -1, beta: 1, residual)
                }
                // Loops over rows run inside loops over targets: one target's are the plain loops.
                for t in 0..<k {
                    let offset = offsets[t]
                    var sum = sums[d * k + t], squares = sums[d * k + k + t]
                    for i in 0..<m {
                        let f = residual[i * k + t] + offset
                        residual[i * k + t] = f
                        sum += f
                        squares += f * f
                    }
                    sums[d * k + t] = sum
                    sums[d * k + k + t] = squares
                }
                if k == 1 {
                    BLAS.gemvTransposed(rows, rows: m, columns: d, residual, beta: 1, sums)
                } else {
                    BLAS.gemm(rows, transposeA: true, residual, m: d, n: k, k: m, beta: 1, sums)
                }
            }
        }
        try source.sum(&sums)
        if inPlace { for j in 0..<d { for t in 0..<k { sums[j * k + t] -= shift[j] * sums[d * k + t] } } }
        return (Array(sums[0..<(d * k)]), Array(sums[(d * k)..<(d * k + k)]), Array(sums[(d * k + k)...]))
    }

    /// One target's part of a block where the AVX-512 kernels run (`d ≤ 128`): `f = t − Z·u + offset`
    /// over the `m` rows of `z`, adding `Zᵀf` to `sums[0..<d]`, `Σf` to `sums[d]` and `Σf²` to
    /// `sums[d + 1]`, each row read once (the fused gradient kernel, in ``RowParts``: no OpenBLAS
    /// call); `false`, having done nothing, where it does not run. `prepare(lower, upper)` runs
    /// first in each part, on its thread (it may write that part's rows of `z`).
    static func fused(_ z: UnsafePointer<Double>, rows m: Int, columns d: Int, u: UnsafePointer<Double>, offset: Double,
                      targets t: UnsafePointer<Double>, into sums: UnsafeMutablePointer<Double>,
                      prepare: ((Int, Int) -> Void)? = nil) -> Bool {
        guard CompiledKernels.runs(Double.self, columns: d) else { return false }
        // The kernel's residual is r = z·u − offset − t = −f.
        let first = UnsafeMutablePointer<Double>.allocate(capacity: d + 2)
        defer { first.deallocate() }
        func add(_ s: UnsafeMutablePointer<Double>) {
            for j in 0..<d { sums[j] -= s[j] }
            sums[d] -= s[d]
            sums[d + 1] += s[d + 1]
        }
        let parts = RowParts.count(rows: m)
        let ran = RowParts.run(rows: m, parts: parts, stride: d + 2, threads: BLASConfiguration.threads,
                            { _, lower, upper, scratch in
            prepare?(lower, upper)
            // The first part's sums too go to scratch of their own (d + 2 values), then in order.
            let s = scratch ?? first
            s.update(repeating: 0, count: d)
            let block = RowBlock(features: z + lower * d, targets: t + lower, count: upper - lower, columns: d)
            guard let (sum, squares) = CompiledKernels.fusedGradient(block, weights: u, bias: -offset, into: s) else { return false }
            s[d] = sum
            s[d + 1] = squares
            return true
        }, add: { p, s in
            if p == 1 { add(first) }   // the parts in order: the first before the others
            add(s)
        })
        if ran && parts == 1 { add(first) }
        return ran
    }
}
