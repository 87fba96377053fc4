#if canImport(Glibc)
import Glibc
#endif

/// The bandwidths of the quantile regression summaries.
enum QuantileInference {
    /// Hall and Sheather's bandwidth, in quantile units, at level α = 0.05: R's
    /// `bandwidth.rq(τ, n, hs = TRUE)` and statsmodels' `hall_sheather`.
    static func hallSheather(n: Int, tau: Double) -> Double {
        let x0 = StandardNormal.quantile(tau), f0 = StandardNormal.density(x0)
        let z = StandardNormal.quantile(0.975)
        return pow(Double(n), -1.0 / 3) * pow(z, 2.0 / 3) * pow(1.5 * f0 * f0 / (2 * x0 * x0 + 1), 1.0 / 3)
    }
}

/// What a quantile regression summary reads from the rows: the residuals, the restricted objective, the sandwich covariances.
extension PiecewiseLinearSolver {
    /// The residuals `eᵢ = wᵢ(yᵢ − ŷᵢ)` (zero for rows the fit interpolates, to rounding) and the
    /// intercept-only fit's objective.
    struct Inference {
        var residuals: [Double]
        var restricted: Double
    }

    /// Residuals at `beta` (shifted coordinates) and the restricted objective.
    func inference(_ beta: [Double], tau: Double) throws(DescentError) -> Inference {
        var e = [Double](repeating: 0, count: n)
        let p = self.p
        _ = try pass(multiply: beta, multiplied: 1) { first, m, design, products, _, _, _ in
            for i in first..<(first + m) {
                let ri = products[i - first] - self.y[i]
                var size = Swift.abs(self.y[i])
                for j in 0..<p { size += Swift.abs(design[(i - first) * p + j] * beta[j]) }
                e[i] = Swift.abs(ri) <= 16 * Double(p + 1) * Double.ulpOfOne * size ? 0 : -self.w[i] * ri
            }
        }
        // Ṽ: Σwᵢρ_τ(yᵢ − b) at the weighted τ-quantile b of y.
        let totalWeight = try total([w.reduce(0, +)])[0]
        let b = try orderStatistic(y, weights: w, reaching: tau * totalWeight)
        let restricted = try total([(0..<n).reduce(0.0) { $0 + w[$1] * loss.value(b - y[$1]) }])[0]
        return Inference(residuals: e, restricted: restricted)
    }

    /// The smallest value `v` of `values` (over every part) with `Σ_{xᵢ ≤ v} weightᵢ ≥ target`:
    /// a bisection on the order of the `Double`s (at most 64 steps), each one count over every part.
    func orderStatistic(_ values: [Double], weights: [Double]?, reaching target: Double) throws(DescentError) -> Double {
        func key(_ x: Double) -> UInt64 {
            x.sign == .minus ? ~x.bitPattern : x.bitPattern | (1 << 63)
        }
        func value(_ k: UInt64) -> Double {
            Double(bitPattern: k & (1 << 63) != 0 ? k & ~(1 << 63) : ~k)
        }
        var lo = key(try minimum(values.min() ?? .infinity))
        var hi = key(-(try minimum(-(values.max() ?? -.infinity))))
        while lo < hi {
            let mid = lo + (hi - lo) / 2, v = value(mid)
            var count = 0.0
            for (i, x) in values.enumerated() where x <= v { count += weights?[i] ?? 1 }
            if try total([count])[0] >= target { hi = mid } else { lo = mid + 1 }
        }
        return value(lo)
    }

    /// `τ(1 − τ)(XᵀFX)⁻¹XᵀX(XᵀFX)⁻¹` in shifted coordinates, with R's `fᵢ` from the fits at `τ ± h`
    /// (rows scaled by the weights); and the number of non-positive `ŷ` differences.
    func nidCovariance(_ high: [Double], _ low: [Double], h: Double, tau: Double) throws(DescentError)
        -> (covariance: [Double], nonPositive: Int) {
        let difference = zip(high, low).map { $0 - $1 }
        let eps = Double.ulpOfOne.squareRoot()
        let density = try pass(multiply: difference, multiplied: 1, gram: true, scalars: 1) {
            first, m, _, products, gw, _, scalars in
            for i in first..<(first + m) {
                let dyhat = self.w[i] * products[i - first]
                if dyhat <= 0 { scalars[0] += 1 }
                gw[i - first] = Swift.max(0, 2 * h / (dyhat - eps)) * self.w[i] * self.w[i]
            }
        }
        let sandwich = try self.sandwich(outer: density.gram, inner: try weightedGram())
        return (sandwich.map { tau * (1 - tau) * $0 }, Int(density.scalars[0]))
    }

    /// statsmodels' robust kernel covariance (Epanechnikov, Hall–Sheather) at the residuals `e`.
    func kernelCovariance(_ inference: Inference, tau: Double) throws(DescentError)
        -> (covariance: [Double], bandwidth: Double, sparsity: Double) {
        let e = inference.residuals, rowsTotal = Double(totalRows)
        // Population standard deviation of the (weighted) targets, two passes.
        let mean = try total([(0..<n).reduce(0.0) { $0 + w[$1] * y[$1] }])[0] / rowsTotal
        let variance = try total([(0..<n).reduce(0.0) { $0 + (w[$1] * y[$1] - mean) * (w[$1] * y[$1] - mean) }])[0] / rowsTotal
        // Percentiles as NumPy interpolates them: position (N − 1)·q between order statistics.
        func percentile(_ q: Double) throws(DescentError) -> Double {
            let position = (rowsTotal - 1) * q, below = position.rounded(.down)
            let lower = try orderStatistic(e, weights: nil, reaching: below + 1)
            let upper = below + 1 < rowsTotal ? try orderStatistic(e, weights: nil, reaching: below + 2) : lower
            return lower + (position - below) * (upper - lower)
        }
        let iqr = try percentile(0.75) - percentile(0.25)
        let hs = QuantileInference.hallSheather(n: totalRows, tau: tau)
        let h = Swift.min(variance.squareRoot(), iqr / 1.34)
            * (StandardNormal.quantile(tau + hs) - StandardNormal.quantile(tau - hs))
        var kernelSum = 0.0
        for x in e {
            let u = x / h
            if Swift.abs(u) <= 1 { kernelSum += 0.75 * (1 - u * u) }
        }
        let f0 = try total([kernelSum])[0] / (rowsTotal * h)
        let outer = try pass(gram: true) { first, m, _, _, gw, _, _ in
            for i in first..<(first + m) {
                let factor = e[i] > 0 ? tau / f0 : (1 - tau) / f0
                gw[i - first] = factor * factor * self.w[i] * self.w[i]
            }
        }
        let inverse = try inverse(try weightedGram())
        return (product(product(inverse, outer.gram), inverse), h, 1 / f0)
    }

    /// `Σwᵢ²aᵢaᵢᵀ`: `XᵀX` of the rows scaled by the weights.
    func weightedGram() throws(DescentError) -> [Double] {
        try pass(gram: true) { first, m, _, _, gw, _, _ in
            for i in first..<(first + m) { gw[i - first] = self.w[i] * self.w[i] }
        }.gram
    }

    /// `B⁻¹·A·B⁻¹` for symmetric `A` and `B`.
    func sandwich(outer b: [Double], inner a: [Double]) throws(DescentError) -> [Double] {
        let inverse = try inverse(b)
        return product(product(inverse, a), inverse)
    }

    /// The inverse of a symmetric positive definite `p × p` matrix.
    func inverse(_ a: [Double]) throws(DescentError) -> [Double] {
        guard let f = Factor(a, p: p) else {
            throw .unsolvable(method: "quantile regression summary",
                              reason: "a matrix of the sandwich covariance is singular (no rows with positive density, "
                                  + "or collinear columns)", conditionEstimate: nil)
        }
        var result = [Double](repeating: 0, count: p * p)
        for j in 0..<p {
            let column = f.solve((0..<p).map { $0 == j ? 1 : 0 })
            for i in 0..<p { result[i * p + j] = column[i] }
        }
        return result
    }

    /// The product of two row-major `p × p` matrices.
    func product(_ a: [Double], _ b: [Double]) -> [Double] {
        var c = [Double](repeating: 0, count: p * p)
        for i in 0..<p { for k in 0..<p { for j in 0..<p { c[i * p + j] += a[i * p + k] * b[k * p + j] } } }
        return c
    }

    /// A covariance of the shifted coefficients `(β₀, w)` as one of `(b, w)`, `b = β₀ − μᵀw`:
    /// `TᵀCT` with `T = [[1, 0], [−μ, I]]`.
    func rawCovariance(_ c: [Double]) -> [Double] {
        guard intercept else { return c }
        var transform = [Double](repeating: 0, count: p * p)
        for i in 0..<p { transform[i * p + i] = 1 }
        for j in 0..<d { transform[(j + 1) * p] = -shift[j] }
        var transposed = transform
        for i in 0..<p { for j in 0..<p { transposed[i * p + j] = transform[j * p + i] } }
        return product(product(transposed, c), transform)
    }
}
