import Descent
import DescentMPI

extension Bench {
    /// The bare collectives, at the sizes a fit and a solve exchange.
    func collectives() {
        let d = columns
        for (name, count) in [("sum of d + 2 (a batch gradient)", d + 2),
                              ("sum of d(d+1)/2 + 2d + 2 (Gram and sums)", d * (d + 1) / 2 + 2 * d + 2),
                              ("sum of 1,000,000", 1_000_000)] {
            var values = [Double](repeating: 1, count: count)
            let m = measure(repeats: count > 100_000 ? 5 : 101) { () throws(DescentError) in try world.sum(&values) }
            report(name, seconds: m.seconds, communication: m.communication, calls: m.calls, doubles: count)
        }
        var r = [Double](repeating: 0, count: d * d)
        for j in 0..<d { for i in 0...j { r[i + j * d] = i == j ? 2 : 0.5 } }
        let z = [Double](repeating: 1, count: d)
        let m = measure(repeats: 11) { () throws(DescentError) in
            var rr = r, zz = z
            try world.combineTriangles(&rr, &zz, columns: d, targets: 1)
        }
        report("combine triangles (TSQR, d×d and d)", seconds: m.seconds, communication: m.communication,
               calls: m.calls, doubles: d * d + d)
    }
}
