/// The arithmetic of one block of rows for `k` targets at once: the block's features are read
/// once for all targets (`gemm`). The targets' weights are one row each, `Wᵀ` row-major `k × d`,
/// so that target `t`'s weights are contiguous; the block's targets are `count × k` row-major.
/// With one target each kernel is its single-target counterpart (a `gemm` with one column is a
/// `gemv`), so one target trains exactly as ``LinearModel`` does. Weighted rows: the residuals
/// become `ŵ⊙r`, as for one target.
extension Kernels {
    /// `R ← X_b·Wᵀ + 1bᵀ − Y_b` for the rows of `block` (`gemm`), adding each target's `Σr` into
    /// `sums` (`k` entries) and returning `Σr²` over all targets; for weighted rows `R ← ŵ⊙R`,
    /// `Σŵr` and `Σŵr²`.
    @inlinable
    static func residuals<S: BLASScalar>(_ block: RowBlock<S>, targets k: Int, weights w: UnsafePointer<S>,
                                         biases b: UnsafePointer<S>, into r: UnsafeMutablePointer<S>,
                                         sums: UnsafeMutablePointer<S>) -> S {
        if let x = block.sparse {
            return SparseKernels.residuals(block, x, targets: k, weights: w, biases: b, into: r, sums: sums)
        }
        if k == 1 {
            let (s, q) = residuals(block, weights: w, bias: b[0], into: r)
            sums[0] += s
            return q
        }
        let m = block.count
        r.update(from: block.targets, count: m * k)
        BLAS.gemm(block.features, w, transposeB: true, m: m, n: k, k: block.columns, beta: -1, r)
        var q = S.zero
        if let weights = block.sampleWeights {
            for i in 0..<m {
                let row = r + i * k, weight = weights[i]
                for t in 0..<k {
                    let v = row[t] + b[t], weighted = weight * v
                    row[t] = weighted
                    sums[t] += weighted
                    q += weighted * v
                }
            }
            return q
        }
        for i in 0..<m {
            let row = r + i * k
            for t in 0..<k {
                let v = row[t] + b[t]
                row[t] = v
                sums[t] += v
                q += v * v
            }
        }
        return q
    }

    /// `G ← G + Rᵀ·X_b` for the rows of `block` and their residuals `R` (`count × k`): the
    /// gradient of every target's weights, one target per row of `G` (`k × d`; `gemm`).
    @inlinable
    static func accumulateGradient<S: BLASScalar>(_ block: RowBlock<S>, targets k: Int, residuals r: UnsafePointer<S>,
                                                  into g: UnsafeMutablePointer<S>) {
        if let x = block.sparse { return SparseKernels.accumulateGradient(block, x, targets: k, residuals: r, into: g) }
        if k == 1 { return accumulateGradient(block, residuals: r, into: g) }
        BLAS.gemm(r, transposeA: true, block.features, m: k, n: block.columns, k: block.count, beta: 1, g)
    }

    /// One plain stochastic update per row of `block`, in order, for every target at once:
    /// `rₜ = xᵢᵀwₜ + bₜ − yᵢₜ` for all `t` first, then `wₜ ← wₜ − η·2rₜ·xᵢ`, `bₜ ← bₜ − η·2rₜ`.
    /// The row stays in L1 while its `k` dot products and updates run (a per-row `gemm` would cost
    /// more than the row's work). Returns `Σr²` over the rows updated, and the index of the first
    /// row whose loss was not finite (no update is made for it), if any. `r` holds `2k` scratch values.
    @inlinable
    static func stochasticSteps<S: BLASScalar>(_ block: RowBlock<S>, targets k: Int, weights w: UnsafeMutablePointer<S>,
                                               biases b: UnsafeMutablePointer<S>, learningRate eta: S,
                                               scratch r: UnsafeMutablePointer<S>) -> (sumOfSquares: S, failedRow: Int?) {
        if let x = block.sparse {
            return SparseKernels.stochasticSteps(block, x, targets: k, weights: w, biases: b, learningRate: eta, scratch: r)
        }
        if k == 1 {
            var bias = b[0]
            defer { b[0] = bias }
            return stochasticSteps(block, weights: w, bias: &bias, learningRate: eta)
        }
        // Each target's numbers must be those its own single-target fit computes: the compiled
        // kernel where the single-target kernel is the compiled one.
        if let result = CompiledKernels.stochasticSteps(block, targets: k, weights: w, biases: b, learningRate: eta,
                                                        scratch: r) {
            return result
        }
        let d = block.columns
        var q = S.zero
        for i in 0..<block.count {
            let x = block.row(i)
            let y = block.targets + i * k
            var loss = S.zero
            for t in 0..<k {
                r[t] = dot(x, w + t * d, d) + b[t] - y[t]
                loss += r[t] * r[t]
            }
            guard loss.isFinite else { return (q, i) }
            q += loss
            for t in 0..<k {
                let step = -eta * 2 * r[t]
                axpy(step, x, w + t * d, d)
                b[t] += step
            }
        }
        return (q, nil)
    }
}

extension Kernels {
    /// The residual stage of every gradient and measurement: for the squared loss the weighted
    /// residuals `ŵr` of ``residuals(_:targets:weights:biases:into:sums:)`` and their `Σŵr²`; for
    /// any other loss `ŵψ(r)` (``Loss/backward(_:rows:targets:sampleWeights:sums:smoothing:)``,
    /// from the unweighted residuals) and `Σŵℓ(r)`. Adds each target's `Σ` of what it leaves in
    /// `r` into `sums` and returns the block's loss.
    static func residuals<S: BLASScalar>(_ block: RowBlock<S>, targets k: Int, weights w: UnsafePointer<S>,
                                         biases b: UnsafePointer<S>, into r: UnsafeMutablePointer<S>,
                                         sums: UnsafeMutablePointer<S>, loss: Loss, smoothing: Double) -> S {
        if loss.usesSquaredKernels { return residuals(block, targets: k, weights: w, biases: b, into: r, sums: sums) }
        let plain = block.unweighted
        return withUnsafeTemporaryAllocation(of: S.self, capacity: k) { scratch in
            scratch.initialize(repeating: 0)
            _ = residuals(plain, targets: k, weights: w, biases: b, into: r, sums: scratch.baseAddress!)
            return loss.backward(r, rows: block.count, targets: k, sampleWeights: block.sampleWeights, sums: sums,
                                 smoothing: smoothing)
        }
    }
}
