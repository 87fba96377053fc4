import Testing
@testable import Descent

@Suite("Column statistics")
struct ColumnStatisticsTests {
    /// Column means of data far from zero (offset 1e4) against a naive mean accumulated in
    /// `Float80` (the oracle's own error is far below the tolerance).
    func meansLikeNaive<S: BLASScalar>(_: S.Type) {
        for (n, d) in [(1, 1), (7, 3), (1000, 5)] {
            let x = Naive.values(S.self, n * d, seed: UInt64(n + d)).map { $0 + 10_000 }
            let means = x.withUnsafeBufferPointer { ColumnStatistics.means($0, columns: d) }
            #expect(means.count == d)
            for j in 0..<d {
                var sum: Float80 = 0
                for i in 0..<n { sum += Float80(x[i * d + j]) }
                let naive = Double(sum / Float80(n))
                // Both are rounded to Double once; the two-pass mean adds a few ulps.
                #expect(Swift.abs(means[j] - naive) <= Double.ulps(4) * Swift.abs(naive), "\(S.self) \(n)×\(d) column \(j)")
            }
            // The mean of one column through the vector helper is the same number.
            let column = (0..<n).map { x[$0 * d] }
            let single = column.withUnsafeBufferPointer { ColumnStatistics.mean($0) }
            #expect(Swift.abs(single - means[0]) <= Double.ulps(4) * Swift.abs(means[0]))
        }
    }

    @Test("column means match a naive mean", arguments: Precision.allCases)
    func means(_ precision: Precision) {
        meansLikeNaive(precision.scalar)
    }

    @Test("means of values whose sum overflows are computed as sums of xᵢ/n")
    func overflowingSums() {
        let big = Double.greatestFiniteMagnitude
        let x: [Double] = [big, big / 2, big, big / 4, big / 2, big / 4]   // two columns
        let means = x.withUnsafeBufferPointer { ColumnStatistics.means($0, columns: 2) }
        let naive = [big / 3 + big / 3 + big / 6, big / 6 + big / 12 + big / 12]
        for j in 0..<2 {
            #expect(means[j].isFinite)
            #expect(Swift.abs(means[j] - naive[j]) <= Double.ulps(4) * naive[j], "column \(j): \(means[j]) vs \(naive[j])")
        }
        #expect(ColumnStatistics.means(UnsafeBufferPointer<Double>(start: nil, count: 0), columns: 3) == [0, 0, 0])
    }

    @Test("deviations that overflow keep the first-pass mean: finite means for columns spanning ±max")
    func overflowingDeviations() {
        let big = Double.greatestFiniteMagnitude
        let column: [Double] = [big, -big, -big]
        let means = column.withUnsafeBufferPointer { ColumnStatistics.means($0, columns: 1) }
        #expect(means[0].isFinite && Swift.abs(means[0] + big / 3) <= Double.ulps(4) * big / 3, "\(means)")
        let vector: [Double] = [big, big / 2, -big]
        let mean = ColumnStatistics.mean(vector)
        #expect(mean.isFinite && Swift.abs(mean - big / 6) <= Double.ulps(4) * big / 6, "\(mean)")
    }
}
