internal import CDescentKernels

/// The AVX-512 kernels of the C target `CDescentKernels`, for the CPUs that have AVX-512 and rows
/// of at most ``maxColumns(_:)`` columns (128 `Double`s, 256 `Float`s): the row's weights (and
/// the gradient) stay in vector registers for a whole block.
///
/// The only file that imports the C target. Each function returns `nil` (or `false`) when it did
/// not run, and the caller in ``Kernels`` runs its portable Swift loop instead. Why a C target:
/// Swift compiles for baseline x86-64 (SSE2) and has no per-function target attribute; measured
/// with `swift run -c release bench` (see the Performance article).
@usableFromInline
package enum CompiledKernels {
    /// Whether this CPU runs the kernels (checked once).
    @usableFromInline package static let available: Bool = dk_available() != 0

    /// Set to `false` to run the portable Swift loops everywhere (the bench compares the two).
    /// Process-wide; do not change it while a fit runs.
    package nonisolated(unsafe) static var enabled = true

    /// Whether the kernels run for rows of `columns` `S` values.
    @usableFromInline
    static func runs<S: BLASScalar>(_: S.Type, columns: Int) -> Bool {
        enabled && available && columns <= maxColumns(S.self) && (S.self == Double.self || S.self == Float.self)
    }

    /// The widest row the kernels take.
    @usableFromInline
    static func maxColumns<S: BLASScalar>(_: S.Type) -> Int {
        S.self == Double.self ? dk_max_columns_f64() : dk_max_columns_f32()
    }

    /// Stochastic steps over the unweighted `block` (``Kernels/stochasticSteps(_:weights:bias:learningRate:)``).
    @usableFromInline
    static func stochasticSteps<S: BLASScalar>(_ block: RowBlock<S>, weights w: UnsafeMutablePointer<S>,
                                               bias: inout S, learningRate eta: S) -> (S, Int?)? {
        guard block.sampleWeights == nil, runs(S.self, columns: block.columns) else { return nil }
        var failed = 0
        let ran: Int32, q: S
        if S.self == Double.self {
            var b = Double(bias), squares = 0.0
            ran = dk_sgd_f64(double(block.features), double(block.targets), block.count, block.columns,
                             mutableDouble(w), &b, Double(eta), &squares, &failed,
                             then(block))
            (bias, q) = (S(b), S(squares))
        } else {
            var b = Float(bias), squares: Float = 0
            ran = dk_sgd_f32(float(block.features), float(block.targets), block.count, block.columns,
                             mutableFloat(w), &b, Float(eta), &squares, &failed,
                             then(block))
            (bias, q) = (S(b), S(squares))
        }
        guard ran != 0 else { return nil }
        return (q, failed < block.count ? failed : nil)
    }

    /// Stochastic steps for `k` targets over the unweighted `block`, each target's arithmetic that
    /// of ``stochasticSteps(_:weights:bias:learningRate:)``
    /// (``Kernels/stochasticSteps(_:targets:weights:biases:learningRate:scratch:)``).
    @usableFromInline
    static func stochasticSteps<S: BLASScalar>(_ block: RowBlock<S>, targets k: Int, weights w: UnsafeMutablePointer<S>,
                                               biases b: UnsafeMutablePointer<S>, learningRate eta: S,
                                               scratch r: UnsafeMutablePointer<S>) -> (S, Int?)? {
        guard block.sampleWeights == nil, runs(S.self, columns: block.columns) else { return nil }
        var failed = 0
        let ran: Int32, q: S
        if S.self == Double.self {
            var squares = 0.0
            ran = dk_sgd_targets_f64(double(block.features), double(block.targets), block.count, block.columns, k,
                                     mutableDouble(w), mutableDouble(b), Double(eta), mutableDouble(r), &squares,
                                     &failed, then(block))
            q = S(squares)
        } else {
            var squares: Float = 0
            ran = dk_sgd_targets_f32(float(block.features), float(block.targets), block.count, block.columns, k,
                                     mutableFloat(w), mutableFloat(b), Float(eta), mutableFloat(r), &squares, &failed,
                                     then(block))
            q = S(squares)
        }
        guard ran != 0 else { return nil }
        return (q, failed < block.count ? failed : nil)
    }

    /// Whether the AVX-512 Gram kernel runs (``GramProduct``): any width of at least 8 columns.
    @usableFromInline
    static var runsGram: Bool { enabled && available }

    /// `C ← XᵀX` (`overwrite`) or `C ← C + XᵀX` on and above the diagonal of the row-major
    /// `columns × columns` matrix `c`, for the row-major `rows × columns` matrix `x`; with
    /// `targets` (`rows × k`, row-major) also `xt ← (xt +) XᵀT` (`columns × k`), and with `sums`
    /// `sums ← (sums +) Xᵀ1` (`dk_gram_f64`). `false` when it did not run (fewer than 8 columns,
    /// no rows, no AVX-512).
    static func gram(_ x: UnsafePointer<Double>, rows: Int, columns: Int, targets: UnsafePointer<Double>?, k: Int,
                     overwrite: Bool, into c: UnsafeMutablePointer<Double>, xt: UnsafeMutablePointer<Double>?,
                     sums: UnsafeMutablePointer<Double>?) -> Bool {
        runsGram && dk_gram_f64(x, rows, columns, targets, targets == nil ? 0 : k, overwrite ? 1 : 0, c, xt, sums) != 0
    }

    /// Asks for the `bytes` from `address` to be brought into this core's L2 cache
    /// (`dk_prefetch_l2`; on any CPU: a prefetch never faults, whatever the address).
    static func prefetch(_ address: UnsafeRawPointer, bytes: Int) {
        dk_prefetch_l2(address, bytes)
    }

    /// `sums ← Xᵀ1` for the row-major `rows × columns` matrix `x` (`dk_column_sums_f64`); `false`
    /// when it did not run (fewer than 8 columns, no rows, no AVX-512).
    static func columnSums(_ x: UnsafePointer<Double>, rows: Int, columns: Int, into sums: UnsafeMutablePointer<Double>) -> Bool {
        runsGram && dk_column_sums_f64(x, rows, columns, sums) != 0
    }

    /// The fused gradient over the unweighted `block` (``Kernels/fusedGradient(_:weights:bias:into:)``).
    @usableFromInline
    static func fusedGradient<S: BLASScalar>(_ block: RowBlock<S>, weights w: UnsafePointer<S>, bias: S,
                                             into g: UnsafeMutablePointer<S>) -> (S, S)? {
        guard block.sampleWeights == nil, runs(S.self, columns: block.columns) else { return nil }
        if S.self == Double.self {
            var sum = 0.0, squares = 0.0
            let ran = dk_fused_f64(double(block.features), double(block.targets), block.count, block.columns,
                                   double(w), Double(bias), mutableDouble(g), &sum, &squares, then(block),
                                   block.readAlone ? 1 : 0)
            return ran != 0 ? (S(sum), S(squares)) : nil
        }
        var sum: Float = 0, squares: Float = 0
        let ran = dk_fused_f32(float(block.features), float(block.targets), block.count, block.columns,
                               float(w), Float(bias), mutableFloat(g), &sum, &squares, then(block),
                               block.readAlone ? 1 : 0)
        return ran != 0 ? (S(sum), S(squares)) : nil
    }

    /// `r ← X_b·w + b − y_b` over `block`'s rows (weights are applied by the caller); `Σr`, `Σr²`.
    @usableFromInline
    static func residuals<S: BLASScalar>(_ block: RowBlock<S>, weights w: UnsafePointer<S>, bias: S,
                                         into r: UnsafeMutablePointer<S>) -> (S, S)? {
        guard runs(S.self, columns: block.columns) else { return nil }
        if S.self == Double.self {
            var sum = 0.0, squares = 0.0
            let ran = dk_residuals_f64(double(block.features), double(block.targets), block.count, block.columns,
                                       double(w), Double(bias), mutableDouble(r), &sum, &squares)
            return ran != 0 ? (S(sum), S(squares)) : nil
        }
        var sum: Float = 0, squares: Float = 0
        let ran = dk_residuals_f32(float(block.features), float(block.targets), block.count, block.columns,
                                   float(w), Float(bias), mutableFloat(r), &sum, &squares)
        return ran != 0 ? (S(sum), S(squares)) : nil
    }

    /// `g ← g + X_bᵀ·r`; `false` when it did not run.
    @usableFromInline
    static func accumulateGradient<S: BLASScalar>(_ block: RowBlock<S>, residuals r: UnsafePointer<S>,
                                                  into g: UnsafeMutablePointer<S>) -> Bool {
        guard runs(S.self, columns: block.columns) else { return false }
        if S.self == Double.self {
            return dk_gradient_f64(double(block.features), double(r), block.count, block.columns, mutableDouble(g)) != 0
        }
        return dk_gradient_f32(float(block.features), float(r), block.count, block.columns, mutableFloat(g)) != 0
    }

    /// Where the kernels prefetch on past `block`'s last row (``RowBlock/followedBy``).
    private static func then<S, T>(_ block: RowBlock<S>) -> UnsafePointer<T>? {
        block.followedBy?.assumingMemoryBound(to: T.self)
    }

    // The same memory seen as the concrete type the caller has checked `S` to be.
    private static func double<S>(_ p: UnsafePointer<S>) -> UnsafePointer<Double> {
        UnsafeRawPointer(p).assumingMemoryBound(to: Double.self)
    }
    private static func float<S>(_ p: UnsafePointer<S>) -> UnsafePointer<Float> {
        UnsafeRawPointer(p).assumingMemoryBound(to: Float.self)
    }
    private static func mutableDouble<S>(_ p: UnsafeMutablePointer<S>) -> UnsafeMutablePointer<Double> {
        UnsafeMutableRawPointer(p).assumingMemoryBound(to: Double.self)
    }
    private static func mutableFloat<S>(_ p: UnsafeMutablePointer<S>) -> UnsafeMutablePointer<Float> {
        UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self)
    }
}
