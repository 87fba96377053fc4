/// Vowpal Wabbit's text format (simple labels), parsed in one pass over the bytes with the CSV
/// reader's decimal parser, every feature hashed as it is read.
///
/// A line is `label [importance] ['tag]|namespace[:weight] feature[:value] … |namespace …`:
/// - the label section (before the first `|`) holds the label and an optional importance weight;
///   its last word is the tag when it starts with `'` or touches the `|` (VW's rule), and the tag
///   is not kept;
/// - a `|` followed by a name starts a namespace (`:weight` scales its values); a `|` followed by a
///   space starts the default namespace;
/// - a feature is `name` (value 1) or `name:value`; a feature of namespace `ns` is hashed as the
///   string `ns^name` (VW's audit spelling), one of the default namespace as `name`.
enum VWParser {
    /// What some lines hold, hashed.
    struct Parsed {
        var labels: [Double] = []
        /// One importance weight per row (1 where none is written).
        var weights: [Double] = []
        /// Whether any line wrote an importance weight.
        var weighted = false
        var offsets: [Int] = [0]
        var columns: [Int] = []
        var values: [Double] = []
        /// The 1-based line of each row.
        var lines: [Int] = []

        /// The features, hashed into `columns` columns (converted to `Scalar`).
        ///
        /// - Throws: ``DescentError/invalidFile(path:format:reason:)`` for a value that does not fit in `Scalar`.
        func features<Scalar: BLASScalar>(columns width: Int, path: String) throws(DescentError) -> SparseMatrix<Scalar> {
            let matrix = SparseMatrix<Scalar>(unchecked: offsets.count - 1, columns: width, rowOffsets: offsets,
                                              columnIndices: columns, values: values.map { Scalar($0) })
            if let k = matrix.values.firstIndex(where: { !$0.isFinite }) {
                let row = offsets.lastIndex { $0 <= k }!
                throw .invalidFile(path: path, format: "Vowpal Wabbit", reason: "line \(lines[row]): the value \(values[k]) "
                                   + "does not fit in \(Scalar.precisionName)")
            }
            return matrix
        }
    }

    /// Parses the lines in `buffer`, the first of which is line `firstLine` of `path`; blank lines
    /// are skipped.
    ///
    /// - Throws: ``DescentError/invalidFile(path:format:reason:)`` naming the line and what is wrong.
    static func parse(_ buffer: UnsafeBufferPointer<UInt8>, hasher: FeatureHasher, path: String, firstLine: Int = 1) throws(DescentError) -> Parsed {
        var parsed = Parsed()
        guard let base = buffer.baseAddress, buffer.count > 0 else { return parsed }
        let end = base + buffer.count
        var p = base
        var line = firstLine - 1
        var key = [UInt8]()           // the hashed string: namespace ^ feature
        var row = [(column: Int, position: Int, value: Double)]()
        var words = [(UnsafePointer<UInt8>, UnsafePointer<UInt8>)]()   // the label section's
        func fail(_ reason: String) -> DescentError {
            .invalidFile(path: path, format: "Vowpal Wabbit", reason: "line \(line): \(reason)")
        }
        func isSpace(_ c: UInt8) -> Bool { c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\r") }
        func text(_ from: UnsafePointer<UInt8>, _ to: UnsafePointer<UInt8>) -> String {
            String(decoding: UnsafeBufferPointer(start: from, count: Swift.min(to - from, 40)), as: UTF8.self)
        }
        /// A whole token `from..<to` as a finite number.
        func number(_ from: UnsafePointer<UInt8>, _ to: UnsafePointer<UInt8>,
                    _ what: @autoclosure () -> String) throws(DescentError) -> Double {
            var value = 0.0
            guard from < to, DecimalParser.parse(from, to, into: &value) == to else {
                throw fail("\(what()) '\(text(from, to))' is not a number")
            }
            guard value.isFinite else { throw fail("\(what()) '\(text(from, to))' is not finite") }
            return value
        }
        while p < end {
            line += 1
            var lineEnd = p
            while lineEnd < end, lineEnd.pointee != UInt8(ascii: "\n") { lineEnd += 1 }
            defer { p = lineEnd + 1 }
            var q = p
            while q < lineEnd, isSpace(q.pointee) { q += 1 }
            if q == lineEnd { continue }   // blank
            guard let bar = UnsafeBufferPointer(start: q, count: lineEnd - q).firstIndex(of: UInt8(ascii: "|")).map({ q + $0 }) else {
                throw fail("no '|': a line is 'label [importance] [tag]|namespace feature[:value] …'")
            }
            // The label section: words; the last is the tag if it starts with ' or touches the bar.
            words.removeAll(keepingCapacity: true)
            var w = q
            while w < bar {
                while w < bar, isSpace(w.pointee) { w += 1 }
                if w == bar { break }
                let start = w
                while w < bar, !isSpace(w.pointee) { w += 1 }
                words.append((start, w))
            }
            if let last = words.last, last.1 == bar || last.0.pointee == UInt8(ascii: "'") {
                words.removeLast()
                if words.isEmpty, last.0.pointee != UInt8(ascii: "'") {
                    throw fail("no label: '\(text(last.0, last.1))' touches the '|', so it is the tag (VW's rule); "
                               + "put a space before the '|'")
                }
            }
            switch words.count {
            case 0: throw fail("no label before the '|' (Descent reads labelled lines only)")
            case 1, 2: break
            case 3: throw fail("a third number before the '|' (VW's initial prediction) is not read by Descent")
            default: throw fail("\(words.count) words before the '|': expected 'label [importance] [tag]'")
            }
            parsed.labels.append(try number(words[0].0, words[0].1, "the label"))
            if words.count == 2 {
                let importance = try number(words[1].0, words[1].1, "the importance weight")
                guard importance >= 0 else { throw fail("the importance weight \(importance) is negative") }
                parsed.weights.append(importance)
                parsed.weighted = true
            } else {
                parsed.weights.append(1)
            }
            parsed.lines.append(line)
            // The namespaces.
            row.removeAll(keepingCapacity: true)
            q = bar
            while q < lineEnd {   // q at a '|'
                q += 1
                key.removeAll(keepingCapacity: true)
                var scale = 1.0
                if q < lineEnd, !isSpace(q.pointee), q.pointee != UInt8(ascii: "|") {
                    let start = q
                    while q < lineEnd, !isSpace(q.pointee), q.pointee != UInt8(ascii: "|"), q.pointee != UInt8(ascii: ":") { q += 1 }
                    key.append(contentsOf: UnsafeBufferPointer(start: start, count: q - start))
                    key.append(UInt8(ascii: "^"))
                    if q < lineEnd, q.pointee == UInt8(ascii: ":") {
                        let from = q + 1
                        while q < lineEnd, !isSpace(q.pointee), q.pointee != UInt8(ascii: "|") { q += 1 }
                        scale = try number(from, q, "the weight of namespace '\(text(start, from - 1))'")
                    }
                }
                let prefix = key.count
                while true {
                    while q < lineEnd, isSpace(q.pointee) { q += 1 }
                    if q == lineEnd || q.pointee == UInt8(ascii: "|") { break }
                    let start = q
                    while q < lineEnd, !isSpace(q.pointee), q.pointee != UInt8(ascii: "|"), q.pointee != UInt8(ascii: ":") { q += 1 }
                    guard q > start else { throw fail("a feature with no name before ':' in '\(text(start, lineEnd))'") }
                    let nameEnd = q
                    var value = 1.0
                    if q < lineEnd, q.pointee == UInt8(ascii: ":") {
                        let from = q + 1
                        while q < lineEnd, !isSpace(q.pointee), q.pointee != UInt8(ascii: "|") { q += 1 }
                        value = try number(from, q, "the value of feature '\(text(start, nameEnd))'")
                    }
                    value *= scale
                    if value == 0 { continue }   // as scikit-learn's FeatureHasher: zeros are not stored
                    key.removeSubrange(prefix...)
                    key.append(contentsOf: UnsafeBufferPointer(start: start, count: nameEnd - start))
                    let (column, sign) = hasher.place(bytes: key)
                    row.append((column, row.count, sign * value))
                }
            }
            // One value per column: features that land on one column are summed (in file order).
            row.sort { ($0.column, $0.position) < ($1.column, $1.position) }
            var k = 0
            while k < row.count {
                var sum = row[k].value
                var next = k + 1
                while next < row.count, row[next].column == row[k].column {
                    sum += row[next].value
                    next += 1
                }
                guard sum.isFinite else { throw fail("the values hashed into column \(row[k].column) overflow") }
                parsed.columns.append(row[k].column)
                parsed.values.append(sum)
                k = next
            }
            parsed.offsets.append(parsed.columns.count)
        }
        return parsed
    }
}
