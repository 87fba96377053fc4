/// The pass that measures the standardised features' (weighted) correlation matrix, and the
/// choice it informs.
struct CorrelationMeasurement {
    let columns: Int
    /// `Σŵᵢsᵢsᵢᵀ` (row-major, upper triangle filled by `syrk`), `Σŵᵢsᵢ` and `Σŵᵢ` for the
    /// standardised rows `sᵢ = (xᵢ − μ)/σ`.
    private(set) var gram: [Double]
    private(set) var sums: [Double]
    private(set) var total = 0.0
    /// The standardised rows of one `syrk` call, kept between calls (a pass adds block by block).
    private var scratch: [Double] = []

    init(columns d: Int) {
        columns = d
        gram = [Double](repeating: 0, count: d * d)
        sums = [Double](repeating: 0, count: d)
    }

    /// Rows per `syrk` call.
    static let blockRows = 512

    /// Adds the rows of `block` (weighted by its sample weights, or 1), standardised with `scaling`.
    @specialized(where S == Float)
    @specialized(where S == Double)
    mutating func add<S: BLASScalar>(_ rowsBlock: RowBlock<S>, scaling: Standardizer<S>) {
        let d = columns, rows = rowsBlock.count, w = rowsBlock.sampleWeights
        guard rows > 0, d > 0 else { return }
        let needed = Swift.min(rows, Self.blockRows) * d
        if scratch.count < needed { scratch = [Double](repeating: 0, count: needed) }
        var scratch = self.scratch   // moved out for the closures below, moved back at the end
        self.scratch = []
        defer { self.scratch = scratch }
        let inverseDeviations = scaling.deviations.map { 1 / $0 }
        // Summed here and stored once: `self.total` written per row inside the closures below
        // was an exclusivity check per row.
        var total = self.total
        defer { self.total = total }
        scratch.withUnsafeMutableBufferPointer { scratchBuffer in
        let block = scratchBuffer.baseAddress!
        scaling.means.withUnsafeBufferPointer { mu in
            inverseDeviations.withUnsafeBufferPointer { scale in
                sums.withUnsafeMutableBufferPointer { sums in
                    gram.withUnsafeMutableBufferPointer { g in
                        var start = 0
                        while start < rows {
                            let count = Swift.min(Self.blockRows, rows - start)
                            for i in 0..<count {
                                let row = rowsBlock.row(start + i), out = block + i * d
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
    }

    /// `totals[j] += Σᵢ ŵᵢxᵢⱼ` for every column, and `totals[d] += Σᵢ ŵᵢ`, row by row in `Double`.
    @specialized(where S == Float)
    @specialized(where S == Double)
    static func addWeightedRows<S: BLASScalar>(_ block: RowBlock<S>, into totals: UnsafeMutablePointer<Double>) {
        let d = block.columns
        for i in 0..<block.count {
            let weight = Double(block.sampleWeights?[i] ?? 1), row = block.row(i)
            for j in 0..<d { totals[j] += weight * Double(row[j]) }
            totals[d] += weight
        }
    }

    /// Adds `other`'s sums (the measurement of other rows) to this one's.
    mutating func merge(_ other: CorrelationMeasurement) {
        for i in gram.indices { gram[i] += other.gram[i] }
        for j in sums.indices { sums[j] += other.sums[j] }
        total += other.total
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
    ///
    /// The measurement's `d × d` sums become `C` in place (the measurement is spent), and `C` is
    /// released once factored, so that no more than whitening's estimate
    /// (``WhiteningCost/bytes(columns:scalar:)``) is held at once.
    /// `threshold` is the condition above which ``Preconditioning/automatic`` whitens.
    mutating func map<S: BLASScalar>(_ preconditioning: Preconditioning, scaling: Standardizer<S>,
                                     standardize: Bool, threshold: Double = Preconditioning.automaticThreshold)
        -> (map: FeatureMap<S>?, condition: Double) {
        let d = columns
        guard total > 0 else { return (standardize ? FeatureMap(scaling: scaling) : nil, .nan) }
        // C = Σŵssᵀ/Σŵ − mmᵀ (symmetric, column-major: syrk filled the row-major upper triangle,
        // read at (i, j), j ≥ i, before (j, i) is written).
        let mean = sums.map { $0 / total }
        var c = gram
        gram = []
        for i in 0..<d {
            for j in i..<d {
                let value = c[i * d + j] / total - mean[i] * mean[j]
                c[i + j * d] = value
                c[j + i * d] = value
            }
        }
        let condition = standardize ? Self.condition(c, d) : Self.rawCondition(c, mean: mean, scaling: scaling)
        let whiten = preconditioning == .whitened
            || (preconditioning == .automatic && !(condition <= threshold))
        guard whiten else { return (standardize ? FeatureMap(scaling: scaling) : nil, condition) }
        let delta = S.ulpOfOne.squareRoot()
        var factor = c
        for j in 0..<d { factor[j + j * d] += Double(delta) }
        c = []
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
