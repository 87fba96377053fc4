#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Sparse features with one target per row (and, optionally, one importance weight per row), as
/// read from a LIBSVM/svmlight file or a Vowpal Wabbit text file.
///
/// ```swift
/// let data = try SparseDataset<Double>(libsvmFile: "train.svm")
/// data.features.columns    // the largest index seen + 1 (or `columns:`)
/// data.targets.count       // one label per row
/// let hashed = try SparseDataset<Double>(vwFile: "train.vw", bits: 18)
/// hashed.weights           // the importance weights, when the file gives any
/// ```
public struct SparseDataset<Scalar: BLASScalar>: Sendable, Equatable {
    /// `n × d` features.
    public var features: SparseMatrix<Scalar>
    /// `n` targets.
    public var targets: [Scalar]
    /// `n` sample weights (a Vowpal Wabbit file's importance weights), or `nil` when every row
    /// weighs the same. Pass them as gradient descent's `weights:`.
    public var weights: [Scalar]?

    /// A dataset of `features`, their `targets` and optional sample `weights`.
    ///
    /// - Parameters:
    ///   - features: `n × d` features.
    ///   - targets: `n` targets, finite.
    ///   - weights: `n` sample weights, finite, ≥ 0 and not all zero; `nil` (default): unweighted.
    /// - Throws: ``DescentError/targetCountMismatch(rows:targets:)`` when the counts differ,
    ///   ``DescentError/nonFiniteValue(at:)`` for a NaN or ±∞ target,
    ///   ``DescentError/invalidOption(name:value:expected:)`` naming `weights` for weights that are
    ///   not one per row, finite and ≥ 0, or are all zero.
    /// - Complexity: O(n).
    public init(features: SparseMatrix<Scalar>, targets: [Scalar], weights: [Scalar]? = nil) throws(DescentError) {
        guard features.rows == targets.count else { throw .targetCountMismatch(rows: features.rows, targets: targets.count) }
        try Validation.checkFinite(targets)
        if let weights { try Validation.checkWeights(weights, rows: features.rows) }
        self.features = features
        self.targets = targets
        self.weights = weights
    }

    /// Reads a LIBSVM/svmlight text file: one row a line, `label index:value index:value …`,
    /// as scikit-learn's `load_svmlight_file` and LIBSVM read it.
    ///
    /// - A `#` starts a comment to the end of the line; blank and comment-only lines are skipped.
    /// - A `qid:N` pair after the label (ranking data) is skipped: the query ids are not kept.
    /// - Indices increase strictly within a line; an index absent from a line is a zero.
    /// - One label per line (multi-label lines, `1,3 …`, are an error).
    ///
    /// - Parameters:
    ///   - path: The file.
    ///   - columns: The number of columns; `nil` (default): the largest index seen + 1 (after the
    ///     shift of one-based indices). A file with a larger index is an error.
    ///   - zeroBased: Whether the file's indices start at 0. `nil` (default) detects it as
    ///     scikit-learn does: an index 0 anywhere means zero-based, otherwise one-based (index 1 is
    ///     column 0).
    /// - Throws: ``DescentError/invalidFile(path:format:reason:)`` naming the line (1-based) and
    ///   what is wrong there (a label or value that is not a number, NaN or ±∞, an index that is not
    ///   a non-negative integer, decreasing or repeated indices, a missing `:`, an index outside
    ///   `columns`, an index 0 in a file declared one-based); ``DescentError/fileNotReadable(path:reason:)``.
    /// - Complexity: O(file size) time; O(nnz) memory beyond the file's bytes.
    public init(libsvmFile path: String, columns: Int? = nil, zeroBased: Bool? = nil) throws(DescentError) {
        let bytes = try FileIO.readAll(path)
        let parsed = try bytes.withUnsafeBufferPointer { (buffer) throws(DescentError) in
            try LIBSVMParser.parse(buffer, path: path)
        }
        let layout = try parsed.extent.layout(columns: columns, zeroBased: zeroBased, path: path)
        try self.init(features: parsed.features(layout, path: path), targets: parsed.labels.map { Scalar($0) })
    }
}

/// The LIBSVM text format, parsed in one pass over the bytes with the CSV reader's decimal parser.
enum LIBSVMParser {
    /// What a file holds, before its indices are shifted.
    struct Parsed {
        var labels: [Double] = []
        var offsets: [Int] = [0]
        var indices: [Int] = []
        var values: [Double] = []
        /// The 1-based line of each row.
        var lines: [Int] = []
        /// The indices seen, for the column count and the index base.
        var extent = IndexExtent()

        /// The line of stored value `k`.
        func lineOfValue(_ k: Int) -> Int {
            var low = 0, high = offsets.count - 1   // the row r with offsets[r] ≤ k < offsets[r + 1]
            while high - low > 1 {
                let middle = (low + high) / 2
                if offsets[middle] <= k { low = middle } else { high = middle }
            }
            return lines[low]
        }
    }

    /// Parses the lines in `buffer`, the first of which is line `firstLine` of the file `path`.
    static func parse(_ buffer: UnsafeBufferPointer<UInt8>, path: String, firstLine: Int = 1) throws(DescentError) -> Parsed {
        var parsed = Parsed()
        guard let base = buffer.baseAddress, buffer.count > 0 else { return parsed }
        let end = base + buffer.count
        var p = base
        var line = firstLine - 1
        func fail(_ reason: String) -> DescentError {
            .invalidFile(path: path, format: "LIBSVM", reason: "line \(line): \(reason)")
        }
        func isSpace(_ c: UInt8) -> Bool { c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\r") }
        func token(_ start: UnsafePointer<UInt8>) -> String {
            var q = start
            while q < end, !isSpace(q.pointee), q.pointee != UInt8(ascii: "\n") { q += 1 }
            return String(decoding: UnsafeBufferPointer(start: start, count: Swift.min(q - start, 40)), as: UTF8.self)
        }
        while p < end {
            line += 1
            var lineEnd = p
            while lineEnd < end, lineEnd.pointee != UInt8(ascii: "\n") { lineEnd += 1 }
            var contentEnd = lineEnd
            if let hash = UnsafeBufferPointer(start: p, count: lineEnd - p).firstIndex(of: UInt8(ascii: "#")) {
                contentEnd = p + hash
            }
            while p < contentEnd, isSpace(p.pointee) { p += 1 }
            if p == contentEnd {   // blank or comment-only
                p = lineEnd + 1
                continue
            }
            var label = 0.0
            guard let afterLabel = DecimalParser.parse(p, contentEnd, into: &label),
                  afterLabel == contentEnd || isSpace(afterLabel.pointee) else {
                if let q = DecimalParser.parse(p, contentEnd, into: &label), q < contentEnd, q.pointee == UInt8(ascii: ",") {
                    throw fail("'\(token(p))' holds several labels; Descent reads one target a row")
                }
                throw fail("the label '\(token(p))' is not a number")
            }
            guard label.isFinite else { throw fail("the label '\(token(p))' is not finite") }
            parsed.labels.append(label)
            parsed.lines.append(line)
            p = afterLabel
            var previous = -1
            var first = true
            while true {
                while p < contentEnd, isSpace(p.pointee) { p += 1 }
                if p == contentEnd { break }
                let pairStart = p
                var index = 0
                var digits = 0
                while p < contentEnd, p.pointee >= UInt8(ascii: "0"), p.pointee <= UInt8(ascii: "9") {
                    guard index <= (Int.max - 9) / 10 else { throw fail("the index in '\(token(pairStart))' is too large") }
                    index = index * 10 + Int(p.pointee - UInt8(ascii: "0"))
                    digits += 1
                    p += 1
                }
                if first, digits == 0, contentEnd - p >= 4,
                   UnsafeBufferPointer(start: p, count: 4).elementsEqual("qid:".utf8) {
                    // qid:N (ranking data): skipped.
                    p += 4
                    while p < contentEnd, !isSpace(p.pointee) { p += 1 }
                    first = false
                    continue
                }
                first = false
                guard digits > 0, p < contentEnd, p.pointee == UInt8(ascii: ":") else {
                    throw fail("'\(token(pairStart))' is not an index:value pair (a non-negative integer index, ':', a number)")
                }
                p += 1
                var value = 0.0
                guard let afterValue = DecimalParser.parse(p, contentEnd, into: &value),
                      afterValue == contentEnd || isSpace(afterValue.pointee) else {
                    throw fail("the value in '\(token(pairStart))' is not a number")
                }
                guard value.isFinite else { throw fail("the value in '\(token(pairStart))' is not finite") }
                guard index > previous else {
                    throw fail("index \(index) follows index \(previous): indices must increase within a line")
                }
                parsed.extent.add(index, line: line)
                parsed.indices.append(index)
                parsed.values.append(value)
                previous = index
                p = afterValue
            }
            parsed.offsets.append(parsed.indices.count)
            p = lineEnd + 1
        }
        return parsed
    }
}
