import Descent

/// The three modes as a plain scalar Swift loop with no BLAS: what a first implementation would
/// write. Built in release like everything else, so the BLAS speed-up the table shows is real.
enum Naive {
    /// One epoch of mini-batch descent (batch size `m`; `m = n` is full batch, `m = 1` stochastic)
    /// in the row order `order`.
    static func epoch<S: BLASScalar>(_ x: UnsafeBufferPointer<S>, _ y: UnsafeBufferPointer<S>, columns d: Int,
                                     order: [Int], batchSize m: Int, learningRate eta: S,
                                     weights w: inout [S], bias b: inout S) {
        let n = y.count
        var gradient = [S](repeating: 0, count: d)
        var start = 0
        while start < n {
            let end = Swift.min(start + m, n)
            for j in 0..<d { gradient[j] = 0 }
            var biasGradient = S.zero
            for position in start..<end {
                let i = order[position]
                var r = b - y[i]
                for j in 0..<d { r += x[i * d + j] * w[j] }
                for j in 0..<d { gradient[j] += r * x[i * d + j] }
                biasGradient += r
            }
            let step = -eta * 2 / S(end - start)
            for j in 0..<d { w[j] += step * gradient[j] }
            b += step * biasGradient
            start = end
        }
    }
}
