import Testing
@testable import Descent

@Suite("Random source")
struct RandomSourceTests {
    @Test("shuffle is a permutation, reproducible from the seed, and differs between seeds")
    func shuffle() {
        func shuffled(seed: UInt64) -> [Int] {
            var random = RandomSource(seed: seed)
            var values = Array(0..<1000)
            random.shuffle(&values)
            return values
        }
        let a = shuffled(seed: 11)
        #expect(a.sorted() == Array(0..<1000))
        #expect(a != Array(0..<1000))
        #expect(shuffled(seed: 11) == a)
        #expect(shuffled(seed: 12) != a)
        // A slice (indices not starting at 0) is permuted in place, and nothing outside it moves.
        var random = RandomSource(seed: 3)
        var values = Array(0..<30)
        random.shuffle(&values[10..<20])
        #expect(Array(values[0..<10]) == Array(0..<10) && Array(values[20..<30]) == Array(20..<30))
        #expect(values[10..<20].sorted() == Array(10..<20) && Array(values[10..<20]) != Array(10..<20))
        // Empty and one-element collections are left alone.
        var empty = [Int](), one = [5]
        random.shuffle(&empty)
        random.shuffle(&one)
        #expect(empty.isEmpty && one == [5])
    }

    @Test("shuffle is unbiased: the six orders of three elements are equally frequent")
    func shuffleUniform() {
        var random = RandomSource(seed: 2026)
        var counts = [[Int]: Int]()
        for _ in 0..<6000 {
            var values = [0, 1, 2]
            random.shuffle(&values)
            counts[values, default: 0] += 1
        }
        // 1000 expected each, standard deviation √(6000·⅙·⅚) ≈ 29: ±200 is about 7σ.
        #expect(counts.count == 6)
        #expect(counts.values.allSatisfy { (800...1200).contains($0) }, "\(counts)")
    }

    @Test("partition gives disjoint, sorted parts of the requested sizes covering 0..<n, from the seed")
    func partition() {
        for (count, sizes) in [(100, [20, 10]), (7, [0, 3]), (5, [5]), (1, []), (0, [0]), (50, [1, 1, 1, 1])] {
            var random = RandomSource(seed: 9)
            let parts = random.partition(count, sizes: sizes)
            #expect(parts.count == sizes.count + 1)
            #expect(parts.map(\.count) == sizes + [count - sizes.reduce(0, +)])
            for part in parts { #expect(part == part.sorted()) }
            #expect(parts.flatMap { $0 }.sorted() == Array(0..<count), "\(count) \(sizes)")
            var again = RandomSource(seed: 9)
            #expect(again.partition(count, sizes: sizes) == parts)
        }
        // The parts are drawn at random, not taken in order.
        var random = RandomSource(seed: 9)
        #expect(random.partition(100, sizes: [20])[0] != Array(0..<20))
    }

    @Test("normal pairs: nextNormal is the first of a pair, and draws have mean 0 and variance 1")
    func normals() {
        var a = RandomSource(seed: 5), b = RandomSource(seed: 5)
        for _ in 0..<10 { #expect(a.nextNormal() == b.nextNormalPair().0) }
        var random = RandomSource(seed: 8)
        var values = [Double]()
        for _ in 0..<20_000 {
            let (u, v) = random.nextNormalPair()
            values += [u, v]
        }
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
        // Standard errors with 40 000 draws: 0.005 for the mean, 0.007 for the variance; 4σ bounds.
        let meanBound = 0.02, varianceBound = 0.03
        #expect(Swift.abs(mean) < meanBound && Swift.abs(variance - 1) < varianceBound, "mean \(mean), variance \(variance)")
        // The two values of a pair are uncorrelated.
        let pairs = stride(from: 0, to: values.count, by: 2).map { (values[$0], values[$0 + 1]) }
        let correlation = pairs.reduce(0) { $0 + $1.0 * $1.1 } / Double(pairs.count)
        #expect(Swift.abs(correlation) < 4 / Double(pairs.count).squareRoot(), "\(correlation)")
    }
}
