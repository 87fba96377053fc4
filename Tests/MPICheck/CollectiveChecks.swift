import Descent
import DescentMPI

/// The collective operations themselves, against sums and factorisations every rank computes
/// alone from every rank's (deterministically generated) inputs.
func checkCollectives(_ c: Checker) {
    let world = c.world, p = world.size, me = world.rank

    // Integer-valued parts: the sum is exact whatever the order.
    do {
        var v = (0..<7).map { Double(me * 1000 + $0) }
        try world.sum(&v)
        let expected = (0..<7).map { i in (0..<p).reduce(0.0) { $0 + Double($1 * 1000 + i) } }
        c.check("sum of integers is exact", v == expected, "\(v) vs \(expected)")
        c.sameOnEveryRank("sum of integers", v)
    } catch { c.check("sum of integers", false, "\(error)") }

    // Random parts: within a few ulps of the sum in rank order, the same bits everywhere.
    do {
        func part(_ rank: Int) -> [Double] {
            var random = RandomSource(seed: 100 + UInt64(rank))
            return (0..<1000).map { _ in random.nextNormal() * 1e3 }
        }
        var v = part(me)
        try world.sum(&v)
        var naive = [Double](repeating: 0, count: 1000)
        for rank in 0..<p { for (i, x) in part(rank).enumerated() { naive[i] += x } }
        let gap = zip(v, naive).map { Swift.abs($0 - $1) / Swift.max(1, Swift.abs($1)) }.max() ?? 0
        c.check("sum of random parts matches the rank-order sum", gap <= 8 * Double.ulpOfOne * Double(p), "gap \(gap)")
        c.sameOnEveryRank("sum of random parts", v)
        var empty: [Double] = []
        try world.sum(&empty)
        c.check("sum of empty vectors", empty.isEmpty)
    } catch { c.check("sum of random parts", false, "\(error)") }

    // agree: nobody failing returns everywhere; otherwise the lowest failing rank's error everywhere.
    do {
        try world.agree(nil)
        c.check("agree with no error returns", true)
    } catch { c.check("agree with no error returns", false, "\(error)") }
    let last = p - 1
    let lastError = DescentError.nonFiniteValue(at: .features(row: 3, column: me))
    c.expectError("agree throws the failing rank's error", {
        $0 == .nonFiniteValue(at: .features(row: 3, column: last))
    }) { () throws(DescentError) in
        try world.agree(me == last ? lastError : nil)
    }
    c.expectError("agree throws the lowest failing rank's error", {
        $0 == .diverged(epoch: Swift.min(1, last) + 1, update: 2, learningRate: 0.5, hint: "rank \(Swift.min(1, last))")
    }) { () throws(DescentError) in
        try world.agree(me >= Swift.min(1, last) ? .diverged(epoch: me + 1, update: 2, learningRate: 0.5, hint: "rank \(me)") : nil)
    }

    c.expectError("agree sends a NaN payload", {
        if case .invalidLearningRate(let rate) = $0 { return rate.isNaN }
        return false
    }) { () throws(DescentError) in
        try world.agree(me == last ? .invalidLearningRate(.nan) : nil)
    }

    // A vector of another length on one rank: every rank throws, nobody waits.
    if p > 1 {
        c.expectError("sum of vectors of different lengths", {
            if case .ranksDisagree(_, let values) = $0 { return values == (0..<p).map { $0 == last ? 4 : 3 } }
            return false
        }) { () throws(DescentError) in
            var v = [Double](repeating: 1, count: me == last ? 4 : 3)
            try world.sum(&v)
        }
    }

    // Triangles: the combined R and z keep RᵀR = Σ RᵣᵀRᵣ and Rᵀz = Σ Rᵣᵀzᵣ (the normal equations
    // of the stacked rows), and are the same bits everywhere. Rank 1 has no rows: a zero triangle.
    let d = 6, k = 2
    func triangle(_ rank: Int) -> (r: [Double], z: [Double]) {
        if rank == 1 { return ([Double](repeating: 0, count: d * d), [Double](repeating: 0, count: d * k)) }
        var random = RandomSource(seed: 500 + UInt64(rank))
        var r = [Double](repeating: 0, count: d * d)
        for j in 0..<d { for i in 0...j { r[i + j * d] = random.nextNormal() + (i == j ? 4 : 0) } }
        return (r, (0..<(d * k)).map { _ in random.nextNormal() })
    }
    func gram(_ r: [Double], _ z: [Double]) -> [Double] {
        // [RᵀR | Rᵀz], column-major d × (d + k).
        var g = [Double](repeating: 0, count: d * (d + k))
        for a in 0..<d {
            for b in 0..<d { for i in 0..<d { g[a + b * d] += r[i + a * d] * r[i + b * d] } }
            for t in 0..<k { for i in 0..<d { g[a + (d + t) * d] += r[i + a * d] * z[i + t * d] } }
        }
        return g
    }
    do {
        var (r, z) = triangle(me)
        try world.combineTriangles(&r, &z, columns: d, targets: k)
        var expected = [Double](repeating: 0, count: d * (d + k))
        for rank in 0..<p {
            let (rr, zz) = triangle(rank)
            for (i, x) in gram(rr, zz).enumerated() { expected[i] += x }
        }
        let lowerIsZero = (0..<d).allSatisfy { j in ((j + 1)..<d).allSatisfy { r[$0 + j * d] == 0 } }
        c.check("combined triangle is upper triangular", lowerIsZero)
        let gap = relativeGap(gram(r, z), expected)
        c.check("combined triangle keeps the normal equations", gap <= 1e-13, "gap \(gap)")
        c.sameOnEveryRank("combined triangles", r + z)
    } catch { c.check("combined triangles", false, "\(error)") }
    if p > 1 {
        c.expectError("triangles of different widths", {
            if case .ranksDisagree(_, let values) = $0 { return values == (0..<p).map { $0 == last ? 3 : 2 } }
            return false
        }) { () throws(DescentError) in
            let w = me == last ? 3 : 2
            var r = [Double](repeating: 1, count: w * w), z = [Double](repeating: 1, count: w)
            try world.combineTriangles(&r, &z, columns: w, targets: 1)
        }
    }
}
