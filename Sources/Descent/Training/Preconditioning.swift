/// How gradient descent conditions the problem before it trains: ``GradientDescent/preconditioning``.
///
/// A first-order method needs about `κ` updates per tenfold reduction of the error along the
/// Hessian's flattest direction, where `κ` is the Hessian's condition number. Standardising
/// makes every column's scale 1 but leaves the correlations: statsmodels' star98 data, standardised,
/// still has `κ ≈ 1.3·10⁵`, and no stable constant rate brings stochastic gradient descent within
/// 30 % of its exact R² in 1000 epochs. Whitening removes the correlations too: the features are
/// centred, scaled and multiplied by `U⁻ᵀ`, where `UᵀU` is the Cholesky factorisation of their
/// correlation matrix `C` (plus a small `δI`, see below). On the whitened features the Hessian is
/// (nearly) the identity, so every mode converges in a few epochs whatever the correlations.
///
/// The objective, the model returned and its units do not change: the model trained on the
/// whitened features `z = U⁻ᵀ((x − μ)/σ)` is mapped back exactly (`w = D⁻¹U⁻¹v`,
/// `b = c − μᵀw`). Full and mini-batches do not even map the rows: they keep the standardised
/// weights and step along `U⁻¹U⁻ᵀg`, the same steps at `O(d²)` per update; single rows and
/// several targets map each block as it is read (`O(d²)` per row). Either way whitening costs one
/// extra pass over the data before training (the correlation matrix, `O(n·d²)`) and a `d × d`
/// Cholesky factorisation. On the bench's 1,000,000 × 100 a whitened batch epoch took 82 ms
/// against a plain one's 45 ms (`batch-epoch-whitened`), and whitened full batch converges in a
/// few epochs where the plain one may not converge at all.
///
/// `δ = √ε` of the training precision (`1.5·10⁻⁸` for `Double`, `3.5·10⁻⁴` for `Float`) keeps the
/// factor well defined when columns are (nearly) collinear: directions with eigenvalues below `δ`
/// are whitened only partly, and a direction the data does not span at all keeps the weight it
/// started with (zero from the default initialisation), as unpreconditioned gradient descent does.
public enum Preconditioning: String, Sendable, Hashable, Codable, CaseIterable {
    /// Train on the features as given (standardised when ``GradientDescent/standardize`` is set).
    case none
    /// Whiten when the problem as configured is ill-conditioned and not penalised (whitening would
    /// move a penalty onto the whitened weights, another objective): the condition number of the
    /// Hessian the fit would otherwise train on (of the standardised features with
    /// ``GradientDescent/standardize``, of the raw features and the bias without) is estimated in
    /// the pass that measures `C`, and the features are whitened when it exceeds
    /// ``automaticThreshold``. Otherwise training is exactly as with ``none``.
    case automatic
    /// Always whiten (which includes centring and scaling, whether or not ``GradientDescent/standardize`` is set).
    /// A penalised configuration refuses it with ``DescentError/invalidOption(name:value:expected:)``.
    case whitened

    /// The condition number above which ``automatic`` whitens: `100`. Below it, a first-order
    /// method with the automatic rate converges in a few hundred epochs and whitening's `O(d²)`
    /// per row does not pay.
    public static let automaticThreshold = 100.0
}

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
    func preconditioningGradients() -> FeatureMap {
        guard let m = exactInverse else { return self }
        var map = self
        let d = columns
        var p = [Double](repeating: 0, count: d * d)
        for i in 0..<d {
            for j in i..<d {
                var value = 0.0
                for k in j..<d { value += m[i * d + k] * m[j * d + k] }   // M upper: k ≥ max(i, j)
                p[i * d + j] = value
                p[j * d + i] = value
            }
        }
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

    /// `U⁻¹` of the upper triangular, column-major `u`, as a row-major matrix (column `j` of the
    /// inverse solves `Ux = eⱼ` by back substitution).
    static func upperInverse(_ u: [Double], _ d: Int) -> [Double] {
        var m = [Double](repeating: 0, count: d * d)
        for j in 0..<d {
            for i in stride(from: j, through: 0, by: -1) {
                var value = i == j ? 1.0 : 0.0
                for k in (i + 1)..<(j + 1) { value -= u[i + k * d] * m[k * d + j] }
                m[i * d + j] = value / u[i + i * d]
            }
        }
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
        // this from its own threads, and nested BLAS threads would oversubscribe the cores.
        let step = Swift.max(1, Self.singleThreadedProduct / (d * d))
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

/// The pass that measures the standardised features' (weighted) correlation matrix, and the
/// choice it informs.
struct CorrelationMeasurement {
    let columns: Int
    /// `Σŵᵢsᵢsᵢᵀ` (row-major, upper triangle filled by `syrk`), `Σŵᵢsᵢ` and `Σŵᵢ` for the
    /// standardised rows `sᵢ = (xᵢ − μ)/σ`.
    private(set) var gram: [Double]
    private(set) var sums: [Double]
    private(set) var total = 0.0

    init(columns d: Int) {
        columns = d
        gram = [Double](repeating: 0, count: d * d)
        sums = [Double](repeating: 0, count: d)
    }

    /// Rows per `syrk` call.
    static let blockRows = 512

    /// Adds `rows` rows of `x` (weights `w`, or 1), standardised with `scaling`.
    @specialized(where S == Float)
    @specialized(where S == Double)
    mutating func add<S: BLASScalar>(_ x: UnsafePointer<S>, weights w: UnsafePointer<S>?, rows: Int,
                                     scaling: Standardizer<S>) {
        let d = columns
        let block = UnsafeMutablePointer<Double>.allocate(capacity: Swift.min(rows, Self.blockRows) * d)
        defer { block.deallocate() }
        let inverseDeviations = scaling.deviations.map { 1 / $0 }
        scaling.means.withUnsafeBufferPointer { mu in
            inverseDeviations.withUnsafeBufferPointer { scale in
                sums.withUnsafeMutableBufferPointer { sums in
                    gram.withUnsafeMutableBufferPointer { g in
                        var start = 0
                        while start < rows {
                            let count = Swift.min(Self.blockRows, rows - start)
                            for i in 0..<count {
                                let row = x + (start + i) * d, out = block + i * d
                                let weight = w.map { Double($0[start + i]) } ?? 1
                                let root = weight.squareRoot()
                                total += weight
                                for j in 0..<d {
                                    let s = (Double(row[j]) - mu[j]) * scale[j]
                                    sums[j] += weight * s
                                    out[j] = root * s
                                }
                            }
                            BLAS.syrk(UnsafePointer(block), rows: count, columns: d, beta: 1, g.baseAddress!)
                            start += count
                        }
                    }
                }
            }
        }
    }

    /// Sums the measurement over the parts of a distributed data set (in rank order).
    mutating func combine(_ collective: some Collective) throws(DescentError) {
        guard collective.size > 1 else { return }
        var all = gram + sums + [total]
        try collective.sum(&all)
        let d = columns
        gram = Array(all[0..<(d * d)])
        sums = Array(all[(d * d)..<(d * d + d)])
        total = all[d * d + d]
    }

    /// The map training applies, per `preconditioning`: `nil` when training reads the features as
    /// given, the standardiser alone when it standardises, and a whitening map when
    /// ``Preconditioning/whitened`` asks for it or ``Preconditioning/automatic`` finds the
    /// problem ill-conditioned. Also returns the condition estimate the choice was made on.
    func map<S: BLASScalar>(_ preconditioning: Preconditioning, scaling: Standardizer<S>,
                            standardize: Bool) -> (map: FeatureMap<S>?, condition: Double) {
        let d = columns
        guard total > 0 else { return (standardize ? FeatureMap(scaling: scaling) : nil, .nan) }
        // C = Σŵssᵀ/Σŵ − mmᵀ (symmetric, column-major: syrk filled the row-major upper triangle).
        let mean = sums.map { $0 / total }
        var c = [Double](repeating: 0, count: d * d)
        for i in 0..<d {
            for j in i..<d {
                let value = gram[i * d + j] / total - mean[i] * mean[j]
                c[i + j * d] = value
                c[j + i * d] = value
            }
        }
        let condition = standardize ? Self.condition(c, d) : Self.rawCondition(c, mean: mean, scaling: scaling)
        let whiten = preconditioning == .whitened
            || (preconditioning == .automatic && !(condition <= Preconditioning.automaticThreshold))
        guard whiten else { return (standardize ? FeatureMap(scaling: scaling) : nil, condition) }
        let delta = S.ulpOfOne.squareRoot()
        var factor = c
        for j in 0..<d { factor[j + j * d] += Double(delta) }
        let failed = factor.withUnsafeMutableBufferPointer { LAPACK.choleskyFactor($0, n: d) }
        if failed != nil {
            // Not positive definite even with δ (negative rounding on a zero column): whiten the
            // diagonal only, which is standardisation.
            return (FeatureMap(scaling: scaling), condition)
        }
        for j in 0..<d { for i in (j + 1)..<d { factor[i + j * d] = 0 } }
        // Centre on the weighted means: μ' = μ + σ∘m, so that the bias decouples from the weights.
        let centred = Standardizer<S>(means: (0..<d).map { scaling.means[$0] + scaling.deviations[$0] * mean[$0] },
                                      deviations: scaling.deviations)
        return (FeatureMap(scaling: centred, factor: factor), condition)
    }

    /// The 1-norm condition estimate of the symmetric `d × d` column-major `a` (`.infinity` when
    /// it is not positive definite).
    static func condition(_ a: [Double], _ d: Int) -> Double {
        var factor = a
        let norm = (0..<d).map { j in (0..<d).reduce(0.0) { $0 + Swift.abs(a[$1 + j * d]) } }.max() ?? 0
        guard norm > 0, factor.withUnsafeMutableBufferPointer({ LAPACK.choleskyFactor($0, n: d) }) == nil else {
            return .infinity
        }
        let reciprocal = factor.withUnsafeBufferPointer { LAPACK.choleskyReciprocalCondition($0, n: d, oneNorm: norm) }
        return reciprocal > 0 ? 1 / reciprocal : .infinity
    }

    /// The condition estimate of the Hessian of the raw problem, `E[[x 1][x 1]ᵀ]`, from the
    /// standardised covariance `c`, the standardised weighted means and the scaling.
    static func rawCondition<S>(_ c: [Double], mean: [Double], scaling: Standardizer<S>) -> Double {
        let d = mean.count, e = d + 1
        let mu = (0..<d).map { scaling.means[$0] + scaling.deviations[$0] * mean[$0] }
        var h = [Double](repeating: 0, count: e * e)
        for i in 0..<d {
            for j in 0..<d {
                h[i + j * e] = scaling.deviations[i] * c[i + j * d] * scaling.deviations[j] + mu[i] * mu[j]
            }
            h[i + d * e] = mu[i]
            h[d + i * e] = mu[i]
        }
        h[d + d * e] = 1
        return condition(h, e)
    }
}
