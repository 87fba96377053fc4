/// The lag-window cross products `Γₗ = Σᵢ uᵢuᵢ₋ₗᵀ` (`l = 0…L`) of a series of `p`-vectors met in
/// blocks of consecutive rows: Newey–West's meat and its automatic bandwidth. The last `L` rows of
/// each block are carried to the next (`gemm` on the carried rows stacked over the block), so a
/// streamed source gives the in-memory products; across the parts of a ``Collective``, each part's
/// first and last `L` rows are exchanged and the pairs that straddle two parts added on every part
/// in rank order after the sum: the same bits everywhere.
struct LaggedProducts {
    let width: Int
    let lags: Int
    /// `Γ₀…Γ_L`, each row-major `p × p`, one after another.
    private(set) var products: [Double]
    /// The rows seen so far on this part.
    private(set) var count = 0
    /// The last `min(L, count)` rows (row-major), oldest first.
    private var carry: [Double] = []
    /// The first `min(L, count)` rows.
    private var head: [Double] = []

    init(width p: Int, lags: Int) {
        width = p
        self.lags = lags
        products = [Double](repeating: 0, count: (lags + 1) * p * p)
    }

    /// Adds the `m` rows `u` (row-major `m × p`).
    mutating func append(_ u: [Double], rows m: Int) {
        let p = width, L = lags
        guard m > 0 else { return }
        let carried = carry.count / p
        let stacked = carry + u[0..<(m * p)]
        stacked.withUnsafeBufferPointer { s in
            products.withUnsafeMutableBufferPointer { g in
                for l in 0...L where carried + m - l > 0 {
                    // Rows i ≥ max(l, carried) of the stack against rows i − l: the pairs whose later row is new.
                    let first = Swift.max(l, carried), pairs = carried + m - first
                    guard pairs > 0 else { continue }
                    BLAS.gemm(s.baseAddress! + first * p, transposeA: true, s.baseAddress! + (first - l) * p,
                              m: p, n: p, k: pairs, beta: 1, g.baseAddress! + l * p * p)
                }
            }
        }
        if head.count < L * p { head += u[0..<(Swift.min(m, L - head.count / p) * p)] }
        let keep = Swift.min(L, carried + m)
        carry = Array(stacked[((carried + m - keep) * p)...])
        count += m
    }

    /// The products over every part of `collective`.
    mutating func combine(_ collective: any Collective) throws(DescentError) {
        try collective.sum(&products)
        guard collective.size > 1, lags > 0 else { return }
        let p = width, L = lags, parts = collective.size, slot = 1 + 2 * L * p
        var edges = [Double](repeating: 0, count: parts * slot)
        let base = collective.rank * slot
        edges[base] = Double(count)
        for (k, v) in head.enumerated() { edges[base + 1 + k] = v }
        let tailStart = base + 1 + L * p + (L * p - carry.count)   // right-aligned
        for (k, v) in carry.enumerated() { edges[tailStart + k] = v }
        try collective.sum(&edges)
        // Global positions: part a's rows start at the sum of the counts before it.
        var starts = [Int](repeating: 0, count: parts + 1)
        for a in 0..<parts { starts[a + 1] = starts[a] + Int(edges[a * slot]) }
        for b in 1..<parts {
            let headRows = Swift.min(L, starts[b + 1] - starts[b])
            for j in 0..<headRows {
                let later = b * slot + 1 + j * p, position = starts[b] + j
                for a in stride(from: b - 1, through: 0, by: -1) {
                    let rows = starts[a + 1] - starts[a], tailRows = Swift.min(L, rows)
                    for t in 0..<tailRows {
                        let earlier = a * slot + 1 + L * p + (L - tailRows + t) * p
                        let l = position - (starts[a + 1] - tailRows + t)
                        guard l >= 1, l <= L else { continue }
                        for r in 0..<p { for c in 0..<p { products[l * p * p + r * p + c] += edges[later + r] * edges[earlier + c] } }
                    }
                }
            }
        }
    }

    /// `Σₗ kₗ(Γₗ + Γₗᵀ)` with `k₀ = ½` (so `Γ₀` counts once) and Bartlett weights `1 − l/(L + 1)`:
    /// Newey–West's meat, row-major `p × p`.
    var bartlett: [Double] {
        let p = width
        var meat = [Double](repeating: 0, count: p * p)
        for l in 0...lags {
            let weight = l == 0 ? 0.5 : 1 - Double(l) / Double(lags + 1)
            for r in 0..<p { for c in 0..<p {
                meat[r * p + c] += weight * (products[l * p * p + r * p + c] + products[l * p * p + c * p + r])
            } }
        }
        return meat
    }
}
