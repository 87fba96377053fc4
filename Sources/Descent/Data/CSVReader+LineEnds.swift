/// Counting line ends: an upper bound sixteen bytes at a time (to size the rows before they are
/// read), and the exact count (to name an error's line).
extension CSVReader {
    /// An upper bound on the line ends in `start..<end` (every LF and every CR), and whether a
    /// double quote occurs there: sixteen bytes at a time, `window` bytes between page releases.
    static func lineEnds(from start: UnsafePointer<UInt8>, to end: UnsafePointer<UInt8>, window: Int,
                         releasingPages: Bool) -> (lines: Int, quoted: Bool) {
        typealias Bytes = SIMD16<UInt8>
        let lineFeed = Bytes(repeating: CSVScanner.lineFeed), carriageReturn = Bytes(repeating: CSVScanner.carriageReturn)
        let quote = Bytes(repeating: CSVScanner.quote)
        var count = 0
        var quotes = Bytes()
        var p = UnsafeRawPointer(start)
        let last = UnsafeRawPointer(end)
        var released = start
        var nextRelease = p + Swift.min(window, last - p)
        while last - p >= 16 {
            // Each lane counts up to 255 matches before they are added up.
            var lanes = Bytes()
            var blocks = Swift.min(255, (last - p) / 16)
            while blocks > 0 {
                let bytes = p.loadUnaligned(as: Bytes.self)
                lanes &-= unsafeBitCast(bytes .== lineFeed, to: Bytes.self)
                lanes &-= unsafeBitCast(bytes .== carriageReturn, to: Bytes.self)
                quotes |= unsafeBitCast(bytes .== quote, to: Bytes.self)
                p += 16
                blocks -= 1
            }
            for lane in 0..<16 { count += Int(lanes[lane]) }
            if p >= nextRelease {
                if releasingPages { releasePages(&released, upTo: p.assumingMemoryBound(to: UInt8.self)) }
                nextRelease = p + Swift.min(window, last - p)
            }
        }
        var quoted = quotes != Bytes()
        for byte in UnsafeBufferPointer(start: p.assumingMemoryBound(to: UInt8.self), count: last - p) {
            if byte == CSVScanner.lineFeed || byte == CSVScanner.carriageReturn { count += 1 }
            if byte == CSVScanner.quote { quoted = true }
        }
        return (count, quoted)
    }

    /// The line ends in `start..<end`, exactly: LF, CRLF and lone CR each count once.
    static func exactLineEnds(from start: UnsafePointer<UInt8>, to end: UnsafePointer<UInt8>) -> Int {
        var count = 0
        var p = start
        while p < end {
            if p.pointee == CSVScanner.lineFeed || (p.pointee == CSVScanner.carriageReturn
                                                    && (p + 1 == end || (p + 1).pointee != CSVScanner.lineFeed)) {
                count += 1
            }
            p += 1
        }
        return count
    }
}
