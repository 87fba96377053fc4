#if canImport(Glibc)
import Glibc
#endif

/// The pass over the rows behind every robust covariance and the residual diagnostics: per block,
/// the (`√w`-scaled) residuals `eᵢ` in extended precision, and when the covariance needs them the
/// orthonormal coordinates `q̃ᵢ` (``InferenceBasis``), from which the leverages `hᵢ = ‖q̃ᵢ‖²` and the
/// meat: `Σ ωᵢq̃ᵢq̃ᵢᵀ` (`syrk`) for HC, the lag products of `eᵢq̃ᵢ` for HAC
/// (``LaggedProducts``), the cluster sums for clusters (``ClusterSums``). Sums go through the rows'
/// ``Collective`` in rank order: in memory, streamed and across MPI ranks it is one code path.
struct InferencePass {
    /// What the pass returns, summed over every part.
    struct Result {
        /// The meat in orthonormal coordinates (row-major `p × p`) with its small-sample factor,
        /// empty for ``LeastSquares/Covariance/nonrobust``.
        var meat: [Double] = []
        /// The number of clusters (the smaller of two-way clusters' counts), or `nil`.
        var clusters: Int?
        /// `Σ eᵢᵏ`, `k = 1…4`, and the (weighted) total sum of squares about `targetMean`.
        var powers: [Double.Accumulator] = [0, 0, 0, 0]
        var totalSquares: Double.Accumulator = 0
        /// `Σ (eᵢ − eᵢ₋₁)²`, Durbin–Watson's numerator.
        var differenceSquares: Double = 0
        /// The lags HAC used (resolved from the automatic bandwidth when asked).
        var lags: Int?
        /// R's `bwNeweyWest` bandwidth, when computed.
        var bandwidth: Double?
        /// Per row of this part, when asked: `eᵢ` and `hᵢ`.
        var residuals: [Double] = []
        var leverage: [Double] = []
    }

    let basis: InferenceBasis
    let slopes: [Double]
    let bias: Double
    /// `ȳ` (weighted), 0 without an intercept: the total sum of squares is about it.
    let targetMean: Double
    /// `n`, over every part.
    let rows: Int

    /// Runs the pass for `covariance` (an automatic HAC bandwidth takes one more pass first);
    /// `weights` (in memory only) are indexed by the block's row numbers, as are cluster labels.
    func run<S: BLASScalar>(_ source: SolverRows<S>, weights: [S]?, covariance: LeastSquares.Covariance,
                            keepRows: Bool = false) throws(DescentError) -> Result {
        var invalid: DescentError?
        do { try covariance.check(rows: source.localRows) } catch { invalid = error }
        try source.collective.agree(invalid)
        var covariance = covariance
        var bandwidth: Double?
        if case let .hac(nil, correction) = covariance {
            bandwidth = try automaticBandwidth(source, weights: weights)
            covariance = .hac(lags: Int(bandwidth!.rounded(.down)), smallSampleCorrection: correction)
        }
        var result = try pass(source, weights: weights, covariance: covariance, keepRows: keepRows)
        result.bandwidth = bandwidth
        return result
    }

    /// R's `bwNeweyWest(prewhite = FALSE)`: the autocovariances `σⱼ` of `vᵢ = eᵢ·Σⱼ x̃ᵢⱼ` (the
    /// non-intercept columns of the raw, `√w`-scaled design) up to `m = ⌊4(n/100)^{2/9}⌋`, then
    /// `1.1447·((s₁/s₀)²)^{1/3}·n^{1/3}` with `s₀ = σ₀ + 2Σσⱼ`, `s₁ = 2Σ j·σⱼ`.
    func automaticBandwidth<S: BLASScalar>(_ source: SolverRows<S>, weights: [S]?) throws(DescentError) -> Double {
        let n = Double(rows)
        let m = Int((4 * pow(n / 100, 2.0 / 9)).rounded(.down))
        var series = LaggedProducts(width: 1, lags: m)
        let meanTotal = basis.means.reduce(0, +), d = basis.columns
        try forEachResidualBlock(source, weights: weights) { block, z, e, roots in
            var v = [Double](repeating: 0, count: block.count)
            for i in 0..<block.count {
                // Σⱼ √wᵢxᵢⱼ from the centred row.
                var total = roots[i] * meanTotal
                for j in 0..<d { total += z[i * d + j] }
                v[i] = e[i] * total
            }
            series.append(v, rows: block.count)
        }
        try series.combine(source.collective)
        let sigma = series.products.map { $0 / n }
        let s0 = sigma[0] + 2 * sigma.dropFirst().reduce(0, +)
        let s1 = 2 * (1..<(m + 1)).reduce(0.0) { $0 + Double($1) * sigma[$1] }
        return 1.1447 * pow((s1 / s0) * (s1 / s0), 1.0 / 3) * pow(n, 1.0 / 3)
    }

    /// Visits every block with its centred, `√w`-scaled rows `zᵢ = √wᵢ(xᵢ − μ)` (row-major
    /// `m × d`), residuals `eᵢ = √wᵢ(yᵢ − ȳ − c) − zᵢᵀw` (`c = b − ȳ + μᵀw` in extended precision,
    /// one `gemv` per block: centred, so little cancels) and `√wᵢ`.
    func forEachResidualBlock<S: BLASScalar>(
        _ source: SolverRows<S>, weights: [S]?,
        _ body: (SolverRows<S>.Block, [Double], [Double], [Double]) throws(DescentError) -> Void) throws(DescentError) {
        typealias E = Double.Accumulator
        let d = basis.columns, means = basis.means
        var offset = E(bias) - E(targetMean)
        for j in 0..<d { offset += E(means[j]) * E(slopes[j]) }
        let blockRows = Swift.max(1, Swift.min(Swift.max(1, source.localRows), 131_072 / Swift.max(1, d)))
        var z = [Double](repeating: 0, count: blockRows * d)
        var e = [Double](repeating: 0, count: blockRows), roots = [Double](repeating: 1, count: blockRows)
        try source.forEachBlock(rows: blockRows) { (block) throws(DescentError) in
            let m = block.count
            for i in 0..<m {
                let x = block.row(i)
                let root = weights.map { Double($0[block.firstRow + i]).squareRoot() } ?? 1
                roots[i] = root
                for j in 0..<d { z[i * d + j] = root * (Double(x[j]) - means[j]) }
                e[i] = root * Double(E(block.target(i, 0)) - E(targetMean) - offset)
            }
            z.withUnsafeBufferPointer { BLAS.gemv($0.baseAddress!, rows: m, columns: d, alpha: -1, slopes, beta: 1, &e) }
            try body(block, z, e, roots)
        }
    }

    private func pass<S: BLASScalar>(_ source: SolverRows<S>, weights: [S]?, covariance: LeastSquares.Covariance,
                                     keepRows: Bool) throws(DescentError) -> Result {
        typealias E = Double.Accumulator
        let p = basis.parameters, n = Double(rows)
        let coordinatesNeeded = covariance != .nonrobust || keepRows
        var result = Result()
        var meat = [Double](repeating: 0, count: p * p)
        var lagged: LaggedProducts?
        if case let .hac(lags?, _) = covariance { lagged = LaggedProducts(width: p, lags: lags); result.lags = lags }
        let labels = covariance.labels
        var clusters = labels.count == 2 ? [ClusterSums(width: p, keyLength: 1), ClusterSums(width: p, keyLength: 1),
                                            ClusterSums(width: p, keyLength: 2)]
            : labels.map { _ in ClusterSums(width: p, keyLength: 1) }
        var previous: Double?, first: Double?
        var q = [Double](), g = [Double]()
        try forEachResidualBlock(source, weights: weights) { block, z, e, roots in
            let m = block.count
            for i in 0..<m {
                let r = E(e[i])
                result.powers[0] += r
                result.powers[1] += r * r
                result.powers[2] += r * r * r
                result.powers[3] += r * r * r * r
                let spread = E(roots[i]) * (E(block.target(i, 0)) - E(targetMean))
                result.totalSquares += spread * spread
                if let previous { result.differenceSquares += (e[i] - previous) * (e[i] - previous) }
                if first == nil { first = e[i] }
                previous = e[i]
            }
            if keepRows { result.residuals += e[0..<m] }
            guard coordinatesNeeded else { return }
            if q.count < m * p { q = [Double](repeating: 0, count: m * p); g = q }
            basis.coordinates(z, roots: roots, rows: m, into: &q)
            var leverage = [Double](repeating: 0, count: covariance.needsLeverage || keepRows ? m : 0)
            for i in 0..<leverage.count {
                var total = 0.0
                for k in 0..<p { total += q[i * p + k] * q[i * p + k] }
                leverage[i] = total
            }
            if keepRows { result.leverage += leverage }
            for i in 0..<m {
                let scale: Double = switch covariance {
                case .hc2: e[i] / (1 - leverage[i]).squareRoot()
                case .hc3: e[i] / (1 - leverage[i])
                default: e[i]
                }
                for k in 0..<p { g[i * p + k] = scale * q[i * p + k] }
            }
            switch covariance {
            case .nonrobust: break
            case .hc0, .hc1, .hc2, .hc3:
                g.withUnsafeBufferPointer { BLAS.syrk($0.baseAddress!, rows: m, columns: p, beta: 1, &meat) }
            case .hac: lagged!.append(g, rows: m)
            case .cluster, .twoWayCluster:
                for i in 0..<m {
                    let row = block.firstRow + i
                    for (c, labels) in labels.enumerated() { clusters[c].add([labels[row]], g, offset: i * p) }
                    if labels.count == 2 { clusters[2].add([labels[0][row], labels[1][row]], g, offset: i * p) }
                }
            }
        }
        let collective = source.collective
        try source.sum(&result.powers)
        var totals = [result.totalSquares]
        try source.sum(&totals)
        result.totalSquares = totals[0]
        result.differenceSquares = try Self.differenceSquares(result.differenceSquares, first: first, last: previous,
                                                         collective)
        let residualDF = n - Double(p)
        switch covariance {
        case .nonrobust: return result
        case .hc0, .hc1, .hc2, .hc3:
            try source.sum(&meat)
            for r in 0..<p { for c in 0..<r { meat[r * p + c] = meat[c * p + r] } }
            if covariance == .hc1 { meat = meat.map { $0 * n / residualDF } }
        case let .hac(_, correction):
            try lagged!.combine(collective)
            meat = lagged!.bartlett
            if correction { meat = meat.map { $0 * n / residualDF } }
        case .cluster, .twoWayCluster:
            var counts = [Int]()
            for (c, sums) in clusters.enumerated() {
                let (count, part) = try sums.combined(collective)
                guard count >= 2 else {
                    throw .invalidOption(name: "groups", value: "\(count) cluster", expected: "at least two clusters")
                }
                counts.append(count)
                let factor = Double(count) / Double(count - 1) * (n - 1) / residualDF
                let sign = c == 2 ? -1.0 : 1.0
                for k in 0..<(p * p) { meat[k] += sign * factor * part[k] }
            }
            result.clusters = counts.prefix(2).min()
        }
        result.meat = meat
        return result
    }

    /// Durbin–Watson's numerator over every part: each part's own differences, then the pairs
    /// that straddle two parts (each part's first and last residual, exchanged), in rank order.
    static func differenceSquares(_ local: Double, first: Double?, last: Double?,
                                  _ collective: any Collective) throws(DescentError) -> Double {
        guard collective.size > 1 else { return local }
        let parts = collective.size
        var edges = [Double](repeating: 0, count: 4 * parts)
        let base = 4 * collective.rank
        if let first, let last { (edges[base], edges[base + 1], edges[base + 2]) = (1, first, last) }
        edges[base + 3] = local
        try collective.sum(&edges)
        var total = 0.0, previous: Double?
        for a in 0..<parts {
            total += edges[4 * a + 3]
            guard edges[4 * a] == 1 else { continue }
            if let previous { total += (edges[4 * a + 1] - previous) * (edges[4 * a + 1] - previous) }
            previous = edges[4 * a + 2]
        }
        return total
    }
}
