/// What a request that does not fit in memory can do instead: the remedies a
/// ``DescentError/insufficientMemory(needed:available:what:remedies:)`` names, typed so that a
/// front end (the `descent` command) can name its own flags for them.
public enum MemoryRemedy: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Train without whitening (``GradientDescent/preconditioning`` `= .none`), which needs no
    /// `d × d` matrix.
    case withoutWhitening
    /// Another exact method, whose working memory (`bytes`) fits: its name as
    /// ``LeastSquares/Method`` prints it (`normal equations`, `QR`, `SVD`).
    case method(String, bytes: Int)
    /// Read the rows from a ``RowSource`` (a ``StreamingDataset``, chunk by chunk) rather than a
    /// copy in memory.
    case streamedSource
    /// Use fewer feature columns: at most this many fit.
    case fewerColumns(atMost: Int)
    /// Train by gradient descent, whose memory grows with `d`, not `d²`.
    case gradientDescent

    /// The remedy in the library's terms, e.g. `preconditioning = .none`.
    public var description: String {
        switch self {
        case .withoutWhitening: "train without whitening (preconditioning = .none)"
        case let .method(name, bytes): "the \(name) method, which needs \(formatBytes(bytes))"
        case .streamedSource: "read the rows from a RowSource (StreamingDataset) chunk by chunk instead of a copy in memory"
        case let .fewerColumns(atMost): "use fewer feature columns (at most \(atMost) fit)"
        case .gradientDescent: "train by gradient descent (GradientDescent), whose memory grows with d, not d²"
        }
    }
}

/// A byte count as people read it, in decimal units to three digits (`20 GB`, `1.5 MB`);
/// `Int.max` stands for a count that overflowed.
func formatBytes(_ bytes: Int) -> String {
    guard bytes < .max else { return "more than 9.2 EB (the size overflows a 64-bit count)" }
    let units = ["bytes", "kB", "MB", "GB", "TB", "PB", "EB"]
    var value = Double(bytes), unit = 0
    while value >= 1000 && unit < units.count - 1 { value /= 1000; unit += 1 }
    guard unit > 0 else { return "\(bytes) bytes" }
    let digits = value >= 100 ? 0 : value >= 10 ? 1 : 2
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    let text = digits == 0 ? "\(Int(rounded))" : "\(rounded)"
    return "\(text) \(units[unit])"
}
