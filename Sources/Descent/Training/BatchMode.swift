/// How many rows each gradient-descent update uses.
public enum BatchMode: Sendable, Hashable, CustomStringConvertible {
    /// Full batch: one update per epoch, from all `n` rows.
    case batch
    /// Mini-batch: one update per `size` rows, ⌈n/size⌉ updates per epoch; the last, shorter batch
    /// uses its own row count in the gradient's `2/m` (so its rows weigh a little more in that
    /// epoch). A size of `n` or more is the same as `.batch`.
    case miniBatch(size: Int)
    /// Stochastic: one update per row, `n` updates per epoch.
    case stochastic

    /// `batch`, `mini-batch(256)` or `stochastic`.
    public var description: String {
        switch self {
        case .batch: "batch"
        case let .miniBatch(size): "mini-batch(\(size))"
        case .stochastic: "stochastic"
        }
    }

    /// The rows per update for `rows` training rows.
    func batchSize(rows: Int) -> Int {
        switch self {
        case .batch: rows
        case let .miniBatch(size): Swift.min(size, rows)
        case .stochastic: 1
        }
    }

    func validate() throws(DescentError) {
        if case let .miniBatch(size) = self, size < 1 { throw .invalidBatchSize(size) }
    }
}
