/// The arithmetic of one block of rows. Nothing here allocates, loops over epochs, or knows where
/// the rows came from. BLAS is reached through the typed ``BLAS`` namespace.
@usableFromInline
enum Kernels {
    /// `r ← X_b·w + b − y_b` for the rows of `block` (`gemv`), returning `Σr` and `Σr²`.
    ///
    /// `Σr²` is what the loss needs; `Σr` is the bias gradient's sum. For weighted rows, `r`
    /// becomes `ŵ⊙r` and the sums are `Σŵr` and `Σŵr²`: the gradient then needs no other change.
    /// Runs ``CompiledKernels`` where they apply, else ``portableResiduals(_:weights:bias:into:)``.
    @inlinable
    static func residuals<S: BLASScalar>(_ block: RowBlock<S>, weights: UnsafePointer<S>, bias: S,
                                         into r: UnsafeMutablePointer<S>) -> (sum: S, sumOfSquares: S) {
        if let x = block.sparse {
            var s = S.zero, b = bias
            let q = SparseKernels.residuals(block, x, targets: 1, weights: weights, biases: &b, into: r, sums: &s)
            return (s, q)
        }
        if let (s, q) = CompiledKernels.residuals(block, weights: weights, bias: bias, into: r) {
            return block.sampleWeights == nil ? (s, q) : weigh(block, r)
        }
        return portableResiduals(block, weights: weights, bias: bias, into: r)
    }

    /// ``residuals(_:weights:bias:into:)`` as a `gemv` and a Swift SIMD loop.
    @inlinable
    static func portableResiduals<S: BLASScalar>(_ block: RowBlock<S>, weights: UnsafePointer<S>, bias: S,
                                                 into r: UnsafeMutablePointer<S>) -> (sum: S, sumOfSquares: S) {
        let m = block.count
        r.update(from: block.targets, count: m)
        BLAS.gemv(block.features, rows: m, columns: block.columns, weights, beta: -1, r)
        var sum = SIMD8<S>(), squares = SIMD8<S>()
        var i = 0
        while i + 8 <= m {
            let v = UnsafeRawPointer(r + i).loadUnaligned(as: SIMD8<S>.self) + SIMD8(repeating: bias)
            UnsafeMutableRawPointer(r + i).storeBytes(of: v, as: SIMD8<S>.self)
            sum += v
            squares += v * v
            i += 8
        }
        var s = sum.sum(), q = squares.sum()
        while i < m {
            r[i] += bias
            s += r[i]
            q += r[i] * r[i]
            i += 1
        }
        guard block.sampleWeights != nil else { return (s, q) }
        return weigh(block, r)
    }

    /// `r ← ŵ⊙r` over `block`'s rows; returns `Σŵr` and `Σŵr²`.
    @inlinable
    static func weigh<S: BLASScalar>(_ block: RowBlock<S>, _ r: UnsafeMutablePointer<S>) -> (sum: S, sumOfSquares: S) {
        guard let weights = block.sampleWeights else { return (0, 0) }
        var s = S.zero, q = S.zero
        for k in 0..<block.count {
            let weighted = weights[k] * r[k]
            s += weighted
            q += weighted * r[k]
            r[k] = weighted
        }
        return (s, q)
    }

    /// `g ← g + X_bᵀ·r` for the rows of `block` (``CompiledKernels`` where they apply, else a
    /// transposed `gemv`).
    @inlinable
    static func accumulateGradient<S: BLASScalar>(_ block: RowBlock<S>, residuals r: UnsafePointer<S>,
                                                  into g: UnsafeMutablePointer<S>) {
        if let x = block.sparse { return SparseKernels.accumulateGradient(block, x, targets: 1, residuals: r, into: g) }
        if CompiledKernels.accumulateGradient(block, residuals: r, into: g) { return }
        portableAccumulateGradient(block, residuals: r, into: g)
    }

    /// ``accumulateGradient(_:residuals:into:)`` as a transposed `gemv`.
    @inlinable
    static func portableAccumulateGradient<S: BLASScalar>(_ block: RowBlock<S>, residuals r: UnsafePointer<S>,
                                                          into g: UnsafeMutablePointer<S>) {
        BLAS.gemvTransposed(block.features, rows: block.count, columns: block.columns, r, beta: 1, g)
    }

    /// `g ← g + X_bᵀ·r` with `r = X_b·w + b − y_b`, one row at a time while it is in L1: the
    /// fused form of ``residuals(_:weights:bias:into:)`` and ``accumulateGradient(_:residuals:into:)``.
    /// Returns `Σr` and `Σr²`.
    /// Runs ``CompiledKernels`` where they apply, else ``portableFusedGradient(_:weights:bias:into:)``.
    @inlinable
    static func fusedGradient<S: BLASScalar>(_ block: RowBlock<S>, weights w: UnsafePointer<S>, bias: S,
                                             into g: UnsafeMutablePointer<S>) -> (sum: S, sumOfSquares: S) {
        if let x = block.sparse { return SparseKernels.fusedGradient(block, x, weights: w, bias: bias, into: g) }
        if let (sum, squares) = CompiledKernels.fusedGradient(block, weights: w, bias: bias, into: g) {
            return (sum, squares)
        }
        return portableFusedGradient(block, weights: w, bias: bias, into: g)
    }

    /// ``fusedGradient(_:weights:bias:into:)`` as a Swift SIMD loop.
    @inlinable
    static func portableFusedGradient<S: BLASScalar>(_ block: RowBlock<S>, weights w: UnsafePointer<S>, bias: S,
                                                     into g: UnsafeMutablePointer<S>) -> (sum: S, sumOfSquares: S) {
        let d = block.columns
        var sum = S.zero, squares = S.zero
        if let weights = block.sampleWeights {
            for i in 0..<block.count {
                let x = block.row(i)
                let r = dot(x, w, d) + bias - block.targets[i]
                let weighted = weights[i] * r
                sum += weighted
                squares += weighted * r
                axpy(weighted, x, g, d)
            }
            return (sum, squares)
        }
        for i in 0..<block.count {
            let x = block.row(i)
            let r = dot(x, w, d) + bias - block.targets[i]
            sum += r
            squares += r * r
            axpy(r, x, g, d)
        }
        return (sum, squares)
    }

    /// `xᵀy` over `n` elements, in SIMD lanes with two accumulators.
    @inlinable @inline(__always)
    static func dot<S: BLASScalar>(_ x: UnsafePointer<S>, _ y: UnsafePointer<S>, _ n: Int) -> S {
        var a0 = SIMD8<S>(), a1 = SIMD8<S>()
        var j = 0
        while j + 16 <= n {
            a0 += UnsafeRawPointer(x + j).loadUnaligned(as: SIMD8<S>.self)
                * UnsafeRawPointer(y + j).loadUnaligned(as: SIMD8<S>.self)
            a1 += UnsafeRawPointer(x + j + 8).loadUnaligned(as: SIMD8<S>.self)
                * UnsafeRawPointer(y + j + 8).loadUnaligned(as: SIMD8<S>.self)
            j += 16
        }
        if j + 8 <= n {
            a0 += UnsafeRawPointer(x + j).loadUnaligned(as: SIMD8<S>.self)
                * UnsafeRawPointer(y + j).loadUnaligned(as: SIMD8<S>.self)
            j += 8
        }
        var s = (a0 + a1).sum()
        while j < n { s += x[j] * y[j]; j += 1 }
        return s
    }

    /// `y ← αx + y` over `n` elements, in SIMD lanes.
    @inlinable @inline(__always)
    static func axpy<S: BLASScalar>(_ alpha: S, _ x: UnsafePointer<S>, _ y: UnsafeMutablePointer<S>, _ n: Int) {
        let a = SIMD8<S>(repeating: alpha)
        var j = 0
        while j + 8 <= n {
            let v = UnsafeRawPointer(y + j).loadUnaligned(as: SIMD8<S>.self)
                + a * UnsafeRawPointer(x + j).loadUnaligned(as: SIMD8<S>.self)
            UnsafeMutableRawPointer(y + j).storeBytes(of: v, as: SIMD8<S>.self)
            j += 8
        }
        while j < n { y[j] += alpha * x[j]; j += 1 }
    }

    /// One stochastic update per row of `block`, in order: `r = xᵢᵀw + b − yᵢ`, then
    /// `w ← w − η·2ŵᵢr·xᵢ`, `b ← b − η·2ŵᵢr` (`ŵᵢ = 1` unweighted).
    ///
    /// A per-row BLAS call (`dot` + `axpy`) costs more than the row's own work when rows are
    /// short, so this is a SIMD loop: ``CompiledKernels`` (the weights stay in registers) where
    /// they apply, else a Swift one (the bench compares both with the naive loop).
    /// Returns `Σr²` over the rows updated, and the index of the first row whose loss was not
    /// finite (no update is made for it), if any.
    @inlinable
    static func stochasticSteps<S: BLASScalar>(_ block: RowBlock<S>, weights w: UnsafeMutablePointer<S>,
                                               bias: inout S, learningRate eta: S)
        -> (sumOfSquares: S, failedRow: Int?) {
        if let x = block.sparse {
            var r = S.zero
            return SparseKernels.stochasticSteps(block, x, targets: 1, weights: w, biases: &bias, learningRate: eta,
                                                 scratch: &r)
        }
        if let (q, failed) = CompiledKernels.stochasticSteps(block, weights: w, bias: &bias, learningRate: eta) {
            return (q, failed)
        }
        return portableStochasticSteps(block, weights: w, bias: &bias, learningRate: eta)
    }

    /// ``stochasticSteps(_:weights:bias:learningRate:)`` as a Swift SIMD loop.
    @inlinable
    static func portableStochasticSteps<S: BLASScalar>(_ block: RowBlock<S>, weights w: UnsafeMutablePointer<S>,
                                                       bias: inout S, learningRate eta: S)
        -> (sumOfSquares: S, failedRow: Int?) {
        let d = block.columns
        var q = S.zero
        var b = bias
        defer { bias = b }
        let weights = block.sampleWeights
        for i in 0..<block.count {
            let x = block.row(i)
            let r = dot(x, w, d) + b - block.targets[i]
            let weighted = weights.map { $0[i] * r } ?? r
            let loss = weighted * r
            guard loss.isFinite else { return (q, i) }
            q += loss
            let step = -eta * 2 * weighted
            axpy(step, x, w, d)
            b += step
        }
        return (q, nil)
    }
}
