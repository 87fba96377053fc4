import Descent
import Dispatch

/// The data, generated once in `Double` (and rounded for `Float`): seeded, and the same with any
/// number of threads because every chunk of rows has its own stream.
struct SyntheticData: Sendable {
    let rows: Int
    let columns: Int
    let x: [Double]
    let y: [Double]
    let weights: [Double]
    let bias: Double
    /// The standard deviation of the targets' Gaussian noise.
    static let noiseScale = 0.1

    init(rows: Int, columns: Int, seed: UInt64) {
        self.rows = rows
        self.columns = columns
        var random = RandomSource(seed: seed)
        weights = (0..<columns).map { _ in random.nextNormal() }
        bias = random.nextNormal()
        let chunk = 4096
        let chunks = (rows + chunk - 1) / chunk
        var x = [Double](repeating: 0, count: rows * columns)
        var y = [Double](repeating: 0, count: rows)
        let w = weights, b = bias
        x.withUnsafeMutableBufferPointer { xs in
            y.withUnsafeMutableBufferPointer { ys in
                // Each chunk writes only its own rows, so the concurrent writes never overlap.
                nonisolated(unsafe) let xs = xs, ys = ys
                DispatchQueue.concurrentPerform(iterations: chunks) { c in
                    var random = RandomSource(seed: seed &+ 0x9E37_79B9 &* UInt64(c + 1))
                    for i in (c * chunk)..<Swift.min(rows, (c + 1) * chunk) {
                        var target = b
                        var j = 0
                        while j < columns {
                            let (first, second) = random.nextNormalPair()
                            for v in [first, second] where j < columns {
                                xs[i * columns + j] = v
                                target += w[j] * v
                                j += 1
                            }
                        }
                        let noise = random.nextNormal()
                        ys[i] = target + Self.noiseScale * noise
                    }
                }
            }
        }
        self.x = x
        self.y = y
    }
}
