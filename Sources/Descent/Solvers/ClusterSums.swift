/// The per-cluster sums `s_g = Σ_{i∈g} uᵢ` of a series of `p`-vectors, keyed by a label of one or
/// more integers (two-way clusters add the pair), and the clustered meat
/// `G/(G − 1)·Σ_g s_g s_gᵀ` over every part of a ``Collective``: each part's labels and sums are
/// exchanged (labels travel as `Double`, exact below 2⁵³), merged by label in rank order and
/// summed in label order, so every part gets the same bits.
struct ClusterSums {
    let width: Int
    let keyLength: Int
    private(set) var sums: [[Int]: [Double]] = [:]

    init(width p: Int, keyLength: Int) {
        width = p
        self.keyLength = keyLength
    }

    /// Adds row `u` (at `offset` in `values`, `p` entries) to cluster `key`.
    mutating func add(_ key: [Int], _ values: [Double], offset: Int) {
        let p = width
        sums[key, default: [Double](repeating: 0, count: p)].withUnsafeMutableBufferPointer { s in
            for j in 0..<p { s[j] += values[offset + j] }
        }
    }

    /// The clusters of every part, merged: `G` and `Σ_g s_g s_gᵀ` (row-major `p × p`).
    func combined(_ collective: any Collective) throws(DescentError) -> (clusters: Int, meat: [Double]) {
        let p = width, slot = keyLength + p
        var merged = sums
        if collective.size > 1 {
            var counts = [Double](repeating: 0, count: collective.size)
            counts[collective.rank] = Double(sums.count)
            try collective.sum(&counts)
            let offsets = counts.reduce(into: [0]) { $0.append($0.last! + Int($1)) }
            var packed = [Double](repeating: 0, count: offsets.last! * slot)
            var at = offsets[collective.rank] * slot
            for key in sums.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                for (k, label) in key.enumerated() { packed[at + k] = Double(label) }
                for j in 0..<p { packed[at + keyLength + j] = sums[key]![j] }
                at += slot
            }
            try collective.sum(&packed)
            merged = [:]
            for entry in 0..<offsets.last! {
                let key = (0..<keyLength).map { Int(packed[entry * slot + $0]) }
                merged[key, default: [Double](repeating: 0, count: p)].withUnsafeMutableBufferPointer { s in
                    for j in 0..<p { s[j] += packed[entry * slot + keyLength + j] }
                }
            }
        }
        var meat = [Double](repeating: 0, count: p * p)
        for key in merged.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            let s = merged[key]!
            for r in 0..<p { for c in 0..<p { meat[r * p + c] += s[r] * s[c] } }
        }
        return (merged.count, meat)
    }
}
