/// The kernels of ``Kernels`` for a block of sparse rows (``RowBlock/sparse``): the same
/// quantities, in work proportional to the block's nonzeros. Each ``Kernels`` entry point comes
/// here first when its block is sparse, so every pass of the engine (updates, certificates,
/// validation) reads CSR rows through the one layout seam.
@usableFromInline
enum SparseKernels {
    /// `R ← X_b·Wᵀ + 1bᵀ − Y_b` (`count × k`, row-major) with `W` row-major `k × d`; for weighted
    /// rows `R ← ŵ⊙R`. Adds each target's `Σ` into `sums` and returns `Σŵr²`.
    @inlinable
    static func residuals<S: BLASScalar>(_ block: RowBlock<S>, _ x: SparseRows<S>, targets k: Int,
                                         weights w: UnsafePointer<S>, biases b: UnsafePointer<S>,
                                         into r: UnsafeMutablePointer<S>, sums: UnsafeMutablePointer<S>) -> S {
        let d = block.columns
        var q = S.zero
        for i in 0..<block.count {
            let weight = block.sampleWeights?[i]
            for t in 0..<k {
                let v = x.dot(i, w + t * d) + b[t] - block.targets[i * k + t]
                let weighted = weight.map { $0 * v } ?? v
                r[i * k + t] = weighted
                sums[t] += weighted
                q += weighted * v
            }
        }
        return q
    }

    /// `G ← G + Rᵀ·X_b`: every target's gradient (`G` row-major `k × d`) from the block's
    /// residuals (`count × k`).
    @inlinable
    static func accumulateGradient<S: BLASScalar>(_ block: RowBlock<S>, _ x: SparseRows<S>, targets k: Int,
                                                  residuals r: UnsafePointer<S>, into g: UnsafeMutablePointer<S>) {
        let d = block.columns
        for i in 0..<block.count {
            for t in 0..<k { x.axpy(i, r[i * k + t], g + t * d) }
        }
    }

    /// ``Kernels/fusedGradient(_:weights:bias:into:)`` on sparse rows: `g ← g + X_bᵀ(ŵ⊙r)`,
    /// returning `Σŵr` and `Σŵr²`.
    @inlinable
    static func fusedGradient<S: BLASScalar>(_ block: RowBlock<S>, _ x: SparseRows<S>, weights w: UnsafePointer<S>,
                                             bias: S, into g: UnsafeMutablePointer<S>) -> (sum: S, sumOfSquares: S) {
        var sum = S.zero, squares = S.zero
        for i in 0..<block.count {
            let r = x.dot(i, w) + bias - block.targets[i]
            let weighted = block.sampleWeights.map { $0[i] * r } ?? r
            sum += weighted
            squares += weighted * r
            x.axpy(i, weighted, g)
        }
        return (sum, squares)
    }

    /// Plain stochastic updates, one per row in order, for `k` targets: `rₜ = xᵢᵀwₜ + bₜ − yᵢₜ`,
    /// then `wₜ ← wₜ − η·2ŵᵢrₜ·xᵢ` (touching the row's nonzeros only) and `bₜ ← bₜ − η·2ŵᵢrₜ`.
    /// Returns `Σŵr²` and the first row whose loss was not finite (not updated), if any.
    @inlinable
    static func stochasticSteps<S: BLASScalar>(_ block: RowBlock<S>, _ x: SparseRows<S>, targets k: Int,
                                               weights w: UnsafeMutablePointer<S>, biases b: UnsafeMutablePointer<S>,
                                               learningRate eta: S, scratch r: UnsafeMutablePointer<S>)
        -> (sumOfSquares: S, failedRow: Int?) {
        let d = block.columns
        var q = S.zero
        for i in 0..<block.count {
            let weight = block.sampleWeights?[i] ?? 1
            var loss = S.zero
            for t in 0..<k {
                r[t] = x.dot(i, w + t * d) + b[t] - block.targets[i * k + t]
                loss += weight * r[t] * r[t]
            }
            guard loss.isFinite else { return (q, i) }
            q += loss
            for t in 0..<k {
                let step = -eta * 2 * (weight * r[t])
                x.axpy(i, step, w + t * d)
                b[t] += step
            }
        }
        return (q, nil)
    }
}
