/// The certificate of a piecewise-linear fit (``PiecewiseLinearSolver``): its objective, a feasible dual point and their gap.
extension PiecewiseLinearSolver {
    struct Certificate {
        var objective: Double, dual: Double, relativeGap: Double, margin: Double, onKink: Int
    }

    /// The objective at `coefficients` and a dual point that certifies it: the `gᵢ` of rows off
    /// the basis (the slope of their piece, or the interior point's value clamped to the
    /// interval of a kink they sit on: within rounding at a vertex, within 10⁻⁸ relative at the
    /// interior point), the basis rows' `gᵢ` solving `Σwᵢgᵢaᵢ = 0`, kept in their kink's
    /// interval (vertex) or in `[s₀, s_K]`.
    func certify(_ coefficients: [Double], basis: Basis, interiorG: [Double],
                 vertex: Bool) throws(DescentError) -> Certificate {
        let rank = rows.collective.rank, p = self.p, K = self.K
        // A row sits on a kink within rounding at a vertex; within the interior point's accuracy
        // (its residuals are ~10⁻¹¹ relative from the face it converges to) otherwise.
        let onKink = vertex ? 16 * Double(p + 1) * Double.ulpOfOne : 1e-8
        var isBasis = Set<Int>()
        for b in 0..<basis.parts.count where basis.parts[b] == rank { isBasis.insert(basis.localRows[b]) }
        let sums = try pass(multiply: coefficients, multiplied: 1, coefficients: 1, scalars: 3) {
            first, m, design, products, _, coef, scalars in
            for i in first..<(first + m) {
                let ri = products[i - first] - self.y[i]
                self.r[i] = ri
                scalars[0] += self.w[i] * self.loss.value(ri)
                guard !isBasis.contains(i) else { coef[i - first] = 0; continue }
                let near = self.nearestKink(ri)
                var size = Swift.abs(self.y[i]) + Swift.abs(self.kinks[near.kink])
                for j in 0..<p { size += Swift.abs(design[(i - first) * p + j] * coefficients[j]) }
                let g: Double
                if near.distance <= onKink * size {
                    g = Swift.min(Swift.max(interiorG[i], self.slopes[near.kink]), self.slopes[near.kink + 1])
                    scalars[2] += 1
                } else {
                    g = self.loss.slope(at: ri)
                }
                coef[i - first] = self.w[i] * g
                scalars[1] += self.w[i] * (g * self.y[i] + self.loss.conjugate(g))
            }
        }
        var objective = sums.scalars[0], dualPart = sums.scalars[1]
        var margin = Double.infinity
        if let h = solve(basis, sums.vectors.map { -$0 }, transposed: true) {
            for b in 0..<p {
                let (lo, hi) = vertex ? (slopes[basis.kinks[b]], slopes[basis.kinks[b] + 1]) : (slopes[0], slopes[K])
                let g = h[b] / basis.weights[b]
                margin = Swift.min(margin, Swift.min(g - lo, hi - g) / (hi - lo))
                let clamped = Swift.min(Swift.max(g, lo), hi)
                dualPart += basis.weights[b] * (clamped * basis.targets[b] + loss.conjugate(clamped))
            }
        } else {
            margin = -.infinity
        }
        if !objective.isFinite { objective = .infinity }
        let dual = -dualPart
        let gap = objective - dual
        return Certificate(objective: objective, dual: dual, relativeGap: objective != 0 ? gap / Swift.abs(objective) : gap,
                           margin: margin, onKink: Int(sums.scalars[2]))
    }
}
