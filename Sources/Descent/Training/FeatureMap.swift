/// What training applies to each block of features as it reads it: `(x − μ)/σ`, and when
/// whitening `z = Mᵀ((x − μ)/σ)` with `M = U⁻¹` for the upper Cholesky factor `U` of `C + δI`
/// (so `zzᵀ` averages to `U⁻ᵀCU⁻¹ ≈ I`); and the maps of models between the two coordinate
/// systems, which use the same `M`.
///
/// The block is multiplied by the explicit inverse (`gemm`) rather than solved with `U` (`trsm`):
/// the map only has to be some fixed well-conditioned change of coordinates, the same one
/// forward and back, and on the bench's blocks the `gemm` made a whitened epoch 1.9× faster than `trsm`.
struct FeatureMap<S: BLASScalar>: Sendable {
    /// Centring and scaling (weighted means when the rows are weighted).
    let scaling: Standardizer<S>
    /// `M = U⁻¹`, row-major `d × d` (upper triangular), in the training precision for the
    /// per-block product and in `Double` for the model maps; `nil`: standardise only.
    let inverse: [S]?
    let exactInverse: [Double]?
    /// `U`, column-major, for the map of a model into the whitened coordinates (`v = U·D·w`).
    let exactFactor: [Double]?

    /// Whitening by preconditioning the gradient instead of mapping the rows (full and
    /// mini-batches): the loop reads standardised rows and keeps the standardised weights `w`,
    /// and each update steps along `P·g` with `P = MMᵀ ≈ C⁻¹`. With `w = Mv` that is, step for
    /// step, gradient descent on the whitened features (`∇ᵥ = Mᵀ∇_w`, so `Δw = M·Δv = −ηMMᵀ∇_w`)
    /// for every optimiser that is linear in the gradient (SGD, momentum, Nesterov, averaging), at
    /// `O(d²)` per update instead of per row.
    private(set) var preconditionsGradients = false
    /// `P = MMᵀ`, row-major `d × d`, in the training precision (gradient mode only).
    private(set) var gradientPreconditioner: [S] = []

    var columns: Int { scaling.means.count }
    var whitened: Bool { inverse != nil }

    /// With `factor`, the upper Cholesky factor `U` (column-major, `d × d`), whitening by its inverse.
    init(scaling: Standardizer<S>, factor: [Double]? = nil) {
        self.scaling = scaling
        exactFactor = factor
        let d = scaling.means.count
        exactInverse = factor.map { Self.upperInverse($0, d) }
        inverse = exactInverse?.map { S($0) }
    }

    /// This map in gradient mode (``preconditionsGradients``); itself when it does not whiten.
    /// `P = MMᵀ` is `AᵀA` for `A = Mᵀ`, one `syrk`.
    func preconditioningGradients() -> FeatureMap {
        guard let m = exactInverse else { return self }
        var map = self
        let d = columns
        var transposed = [Double](repeating: 0, count: d * d)
        for i in 0..<d { for j in i..<d { transposed[j * d + i] = m[i * d + j] } }   // M upper: j ≥ i
        var p = [Double](repeating: 0, count: d * d)
        BLAS.syrk(transposed, rows: d, columns: d, beta: 0, &p)   // the row-major upper triangle
        transposed = []
        for i in 0..<d { for j in (i + 1)..<Swift.max(i + 1, d) { p[j * d + i] = p[i * d + j] } }
        map.gradientPreconditioner = p.map { S($0) }
        map.preconditionsGradients = true
        return map
    }

    /// `out ← P·g` for the `d` weight entries of a gradient (gradient mode).
    func precondition(_ g: UnsafePointer<S>, into out: UnsafeMutablePointer<S>) {
        gradientPreconditioner.withUnsafeBufferPointer { p in
            BLAS.gemv(p.baseAddress!, rows: columns, columns: columns, g, beta: 0, out)
        }
    }

    /// `g ← Mᵀ·g` for the `d` weight entries of a gradient in the standardised coordinates: the
    /// same gradient in the whitened ones, where the convergence criterion is measured.
    func toWhitenedGradient(_ g: UnsafeMutablePointer<S>) {
        guard let m = exactInverse else { return }
        let d = columns
        let w = (0..<d).map { Double(g[$0]) }
        for j in 0..<d {
            var value = 0.0
            for i in 0...j { value += m[i * d + j] * w[i] }   // (Mᵀg)ⱼ = Σᵢ Mᵢⱼgᵢ, M upper: i ≤ j
            g[j] = S(value)
        }
    }

    /// `U⁻¹` of the upper triangular, column-major `u`, as a row-major matrix: `trtrs` solves
    /// `UX = I` (blocked, `trsm`), and the column-major `X` read row by row is `Xᵀ`, so it is
    /// transposed into place.
    static func upperInverse(_ u: [Double], _ d: Int) -> [Double] {
        var x = [Double](repeating: 0, count: d * d)
        for j in 0..<d { x[j + j * d] = 1 }
        u.withUnsafeBufferPointer { _ = LAPACK.triangularSolve($0.baseAddress!, n: d, lda: d, &x, nrhs: d) }
        var m = [Double](repeating: 0, count: d * d)
        for j in 0..<d { for i in 0...j { m[i * d + j] = x[i + j * d] } }   // U⁻¹ is upper: i ≤ j
        return m
    }

    /// `out ← (x − μ)/σ` for `rows` rows (`out` may be `x`), as ``Standardizer/transform(_:)``
    /// computes it, then, when whitening, `out ← out·M` (each row `Mᵀ` times itself) through
    /// `scratch` (room for `rows × d`; without it, a small buffer of a few hundred rows is used
    /// piece by piece).
    func apply(_ out: UnsafeMutablePointer<S>, from x: UnsafePointer<S>, rows: Int,
               scratch: UnsafeMutablePointer<S>? = nil) {
        if preconditionsGradients {
            standardizeRows(out, from: x, rows: rows, means: scaling.means, deviations: scaling.deviations)
            return
        }
        whiten(out, from: x, rows: rows, scratch: scratch)
    }

    /// ``apply(_:from:rows:scratch:)`` with the product by `M` even in gradient mode: the rows as
    /// the whitened problem sees them (the automatic learning rate's sample).
    func whiten(_ out: UnsafeMutablePointer<S>, from x: UnsafePointer<S>, rows: Int,
                scratch: UnsafeMutablePointer<S>? = nil) {
        guard let inverse, rows > 0 else {
            standardizeRows(out, from: x, rows: rows, means: scaling.means, deviations: scaling.deviations)
            return
        }
        let d = columns
        let pieceRows = scratch == nil ? Swift.min(rows, 256) : rows
        let buffer = scratch ?? UnsafeMutablePointer<S>.allocate(capacity: pieceRows * d)
        defer { if scratch == nil { buffer.deallocate() } }
        // In calls small enough that OpenBLAS runs them on the calling thread: training calls
        // this from its own threads, and nested BLAS threads would oversubscribe the cores. But
        // never fewer than 16 rows a call: each call packs all of M (d² values), which for one row
        // at a time cost more than the product (a whitened fit at 20,000 × 1,000 spent most of
        // its setup packing M for the learning rate's sample).
        let step = Swift.max(Self.minimumProductRows, Self.singleThreadedProduct / (d * d))
        inverse.withUnsafeBufferPointer { m in
            var piece = 0
            while piece < rows {
                // Each piece is read whole into the buffer before its rows of `out` are written,
                // so `out` may be `x`.
                let pieceCount = Swift.min(pieceRows, rows - piece)
                standardizeRows(buffer, from: x + piece * d, rows: pieceCount, means: scaling.means,
                                deviations: scaling.deviations)
                var start = 0
                while start < pieceCount {
                    let count = Swift.min(step, pieceCount - start)
                    BLAS.gemm(UnsafePointer(buffer + start * d), m.baseAddress!, m: count, n: d, k: d, beta: 0,
                              out + (piece + start) * d)
                    start += count
                }
                piece += pieceCount
            }
        }
    }

    /// OpenBLAS threads a `gemm` whose `m·n·k` exceeds `65536 × 4`; below that it runs on the
    /// calling thread.
    static var singleThreadedProduct: Int { 65_536 * 4 }

    /// The fewest rows one `gemm` of ``whiten(_:from:rows:scratch:)`` multiplies by `M`.
    static var minimumProductRows: Int { 16 }

    /// A model on the original features as the same model on the mapped ones: `v = U·D·w`,
    /// `c = b + μᵀw`. Its training state is kept.
    func inner(_ model: LinearModel<S>) throws(DescentError) -> LinearModel<S> {
        let standardized = try scaling.standardized(model)
        guard let u = exactFactor, !preconditionsGradients else { return standardized }
        let d = columns
        let scaled = (0..<d).map { Double(model.weights[$0]) * scaling.deviations[$0] }
        var result = standardized
        for i in 0..<d {
            var v = 0.0
            for j in i..<d { v += u[i + j * d] * scaled[j] }
            result.weights[i] = S(v)
        }
        return result
    }

    /// A model on the mapped features as the same model on the original ones: `w = D⁻¹Mv`,
    /// `b = c − μᵀw`, in `Double`.
    func original(_ model: LinearModel<S>) throws(DescentError) -> LinearModel<S> {
        guard let m = exactInverse, !preconditionsGradients else { return try scaling.original(model) }
        let d = columns
        guard model.weights.count == d else { throw .weightCountMismatch(weights: model.weights.count, features: d) }
        let v = model.weights.map { Double($0) }
        let w = (0..<d).map { i in (i..<d).reduce(0.0) { $0 + m[i * d + $1] * v[$1] } }
        var result = model
        var bias = Double(model.bias)
        for j in 0..<d {
            let weight = w[j] / scaling.deviations[j]
            result.weights[j] = S(weight)
            bias -= scaling.means[j] * weight
        }
        result.bias = S(bias)
        return result
    }

    /// ``inner(_:)`` target by target.
    func inner(_ model: MultiLinearModel<S>) throws(DescentError) -> MultiLinearModel<S> {
        try model.mapTargets { (column) throws(DescentError) in try inner(column) }
    }

    /// ``original(_:)`` target by target.
    func original(_ model: MultiLinearModel<S>) throws(DescentError) -> MultiLinearModel<S> {
        try model.mapTargets { (column) throws(DescentError) in try original(column) }
    }
}

/// `out ← (x − μ)/σ` row by row, each element as ``Standardizer/transform(_:)`` computes it:
/// specialised, so that the per-element conversions are not generic calls.
@specialized(where S == Float)
@specialized(where S == Double)
func standardizeRows<S: BLASScalar>(_ out: UnsafeMutablePointer<S>, from x: UnsafePointer<S>, rows: Int,
                                    means: [Double], deviations: [Double]) {
    let d = means.count
    let source = RowBlock(features: x, count: rows, columns: d)
    means.withUnsafeBufferPointer { means in
        deviations.withUnsafeBufferPointer { deviations in
            for i in 0..<rows {
                let row = source.row(i), target = out + i * d   // `out`: the slot's own dense scratch
                for j in 0..<d { target[j] = S((Double(row[j]) - means[j]) / deviations[j]) }
            }
        }
    }
}
