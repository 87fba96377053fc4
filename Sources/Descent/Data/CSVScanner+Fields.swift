/// Cells as text: quoting, header names, counting and skipping records, and turning a cell's text
/// into a number or the reason it is not one.
extension CSVScanner {
    /// One cell found by ``scanField(from:keepText:)``.
    struct Field {
        /// The delimiter, line end or end of data after the cell.
        var terminator: UnsafePointer<UInt8>
        /// Whether the cell was quoted; its text is then in ``CSVScanner/scratch``.
        var quoted: Bool
        /// An unquoted cell's text, blanks trimmed.
        var text: UnsafeBufferPointer<UInt8>
    }

    /// The number in a cell, or why there is none.
    enum CellValue {
        case number(Double)
        case invalid(String)
    }

    /// Finds the end of the cell that starts at `start`.
    ///
    /// An unquoted cell runs to the next delimiter or line end, blanks trimmed. A cell whose first
    /// non-blank character is `"` is quoted: it runs to the next lone `"` (`""` stands for one
    /// `"`), across delimiters and line ends, which are counted; anything between the closing quote
    /// and the next delimiter is appended, as pandas does. With `keepText`, a quoted cell's text is
    /// left in ``scratch``.
    ///
    /// - Throws: ``CSVScanStop/needMore`` where the bytes end inside the cell and more will come;
    ///   a problem at the opening quote where the data ends inside a quoted cell.
    mutating func scanField(from start: UnsafePointer<UInt8>, keepText: Bool) throws(CSVScanStop) -> Field {
        var p = start
        while p < end, isBlank(p.pointee) { p += 1 }
        guard p < end, p.pointee == Self.quote else {
            let textStart = p
            while p < end, !isTerminator(p.pointee) { p += 1 }
            if p == end, !isFinal { throw .needMore }
            var textEnd = p
            while textEnd > textStart, isBlank((textEnd - 1).pointee) { textEnd -= 1 }
            return Field(terminator: p, quoted: false, text: UnsafeBufferPointer(start: textStart, count: textEnd - textStart))
        }
        let openLine = line, openColumn = column(p, lineStart: lineStart)
        if keepText { scratch.removeAll(keepingCapacity: true) }
        p += 1
        var run = p
        while true {
            guard p < end else {
                guard isFinal else { throw .needMore }
                throw .problem(CSVProblem(line: openLine, column: openColumn,
                                          reason: "the quoted cell that opens here is never closed"))
            }
            let byte = p.pointee
            if byte == Self.quote {
                if keepText { scratch.append(contentsOf: UnsafeBufferPointer(start: run, count: p - run)) }
                if p + 1 < end, (p + 1).pointee == Self.quote {
                    if keepText { scratch.append(Self.quote) }
                    p += 2
                    run = p
                    continue
                }
                if p + 1 == end, !isFinal { throw .needMore }
                p += 1
                break
            }
            if byte == Self.lineFeed || byte == Self.carriageReturn {
                // CRLF counts once, at its LF.
                let crlf = byte == Self.carriageReturn && p + 1 < end && (p + 1).pointee == Self.lineFeed
                if byte == Self.carriageReturn, p + 1 == end, !isFinal { throw .needMore }
                if !crlf {
                    line += 1
                    lineStart = p + 1
                }
            }
            p += 1
        }
        while p < end, isBlank(p.pointee) { p += 1 }
        let rest = p
        while p < end, !isTerminator(p.pointee) { p += 1 }
        if p == end, !isFinal { throw .needMore }
        if keepText, p > rest { scratch.append(contentsOf: UnsafeBufferPointer(start: rest, count: p - rest)) }
        return Field(terminator: p, quoted: true, text: UnsafeBufferPointer(start: nil, count: 0))
    }

    /// Moves past the record whose cell starts at `start`, to the start of the next record.
    ///
    /// - Returns: The number of cells from `start` to the record's end.
    mutating func skipRecord(from start: UnsafePointer<UInt8>) throws(CSVScanStop) -> Int {
        try forEachCell(from: start, keepText: false) { _, _, _ in }
    }

    /// Moves past the record whose cell starts at `start`, handing each cell to `cell` (its
    /// index, its text when `keepText` — blanks trimmed, a quoted cell's from ``scratch`` — and
    /// whether it was quoted).
    ///
    /// - Returns: The number of cells from `start` to the record's end.
    mutating func forEachCell(from start: UnsafePointer<UInt8>, keepText: Bool,
                              _ cell: (Int, UnsafeBufferPointer<UInt8>, Bool) -> Void) throws(CSVScanStop) -> Int {
        var p = start
        var count = 0
        while true {
            let field = try scanField(from: p, keepText: keepText)
            if field.quoted, keepText {
                scratch.withUnsafeBufferPointer { cell(count, $0, true) }
            } else {
                cell(count, field.text, field.quoted)
            }
            count += 1
            if field.terminator < end, field.terminator.pointee == delimiter {
                p = field.terminator + 1
                continue
            }
            position = try endRecord(at: field.terminator)
            return count
        }
    }

    /// The number of cells in the record at ``position`` (which stays where it is).
    mutating func countCells() throws(CSVScanStop) -> Int {
        let saved = (position, line, lineStart)
        defer { (position, line, lineStart) = saved }
        return try skipRecord(from: position)
    }

    /// Reads the record at ``position`` as text, one string per cell (a header), after any blank
    /// lines; `nil` if there is no record left. Invalid UTF-8 becomes U+FFFD.
    mutating func readNames() throws(CSVScanStop) -> [String]? {
        var names = [String]()
        guard try readCells({ _, text, _ in names.append(String(decoding: text, as: UTF8.self)) }) != nil else { return nil }
        return names
    }

    /// The number in `field`, or why it holds none.
    func cellValue(_ field: Field) -> CellValue {
        guard field.quoted else { return Self.number(in: field.text) }
        return scratch.withUnsafeBufferPointer { text in
            // Inside quotes, blanks are not delimiters: trim spaces and tabs.
            var low = 0, high = text.count
            while low < high, text[low] == UInt8(ascii: " ") || text[low] == UInt8(ascii: "\t") { low += 1 }
            while high > low, text[high - 1] == UInt8(ascii: " ") || text[high - 1] == UInt8(ascii: "\t") { high -= 1 }
            return Self.number(in: UnsafeBufferPointer(rebasing: text[low..<high]))
        }
    }

    /// The number `text` (trimmed) spells as `Double(_:)` reads it, if it is finite.
    static func number(in text: UnsafeBufferPointer<UInt8>) -> CellValue {
        guard !text.isEmpty else { return .invalid("the cell is empty") }
        if let value = finiteNumber(in: text) { return .number(value) }
        guard let value = anyNumber(in: text) else { return .invalid("the cell \(shown(text)) is not a number") }
        return value.isFinite ? .number(value) : .invalid("the cell \(shown(text)) is not a finite number")
    }

    /// The number `text` spells, if it is one and finite (``number(in:)`` without the reason).
    static func finiteNumber(in text: UnsafeBufferPointer<UInt8>) -> Double? {
        anyNumber(in: text).flatMap { $0.isFinite ? $0 : nil }
    }

    /// The number `text` spells as `Double(_:)` reads it, ±∞ and NaN included.
    static func anyNumber(in text: UnsafeBufferPointer<UInt8>) -> Double? {
        guard let start = text.baseAddress, !text.isEmpty else { return nil }
        var parsed = 0.0
        if DecimalParser.parse(start, start + text.count, into: &parsed) == start + text.count { return parsed }
        // Not a plain decimal: `Double(_:)` decides (hexadecimal floats, nan and inf) — but only
        // text that starts (after a sign) with a digit, a point, or the letters of those words
        // can be one (or white space), so a word is refused without making a string. A NUL would end `Double`'s C
        // string early, so text with one is never a number.
        let sign = start.pointee == UInt8(ascii: "-") || start.pointee == UInt8(ascii: "+") ? 1 : 0
        if text.count > sign {
            let lead = text[sign] | 0x20
            let digit = text[sign] &- UInt8(ascii: "0") < 10 || text[sign] == UInt8(ascii: ".")
            // (Leading white space other than the blanks trimmed goes to `Double(_:)` too.)
            guard digit || lead == UInt8(ascii: "i") || lead == UInt8(ascii: "n") || text[sign] <= 0x20 else { return nil }
        }
        guard !text.contains(0) else { return nil }
        return Double(String(decoding: text, as: UTF8.self))
    }

    /// A cell's text for an error message: quoted and escaped, cut to 40 characters.
    static func shown(_ text: UnsafeBufferPointer<UInt8>) -> String {
        let decoded = String(decoding: UnsafeBufferPointer(rebasing: text.prefix(400)), as: UTF8.self)
        let cut = text.count > 400 || decoded.count > 40
        return (cut ? String(decoded.prefix(40)) + "…" : decoded).debugDescription
    }
}
