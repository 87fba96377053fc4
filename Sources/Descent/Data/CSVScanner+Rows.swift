/// Rows of numbers: the plain row read straight from the bytes, any other record cell by cell,
/// and rows of the wrong width.
extension CSVScanner {
    /// Reads data records into `output` (row `rows` onwards, `columns` values each) until the end,
    /// counting the rows kept and dropped. Blank lines are skipped.
    ///
    /// - Throws: ``CSVScanStop/needMore`` with ``position`` at the start of the incomplete record;
    ///   ``CSVScanStop/problem(_:)`` for the first invalid row unless `dropInvalid`, and for an
    ///   unclosed quote or rows beyond `capacity` (a bug: callers size `output` from the line count).
    mutating func readRows<Store: CSVRowStore>(columns: Int, into output: Store, capacity: Int,
                                               rows: inout Int, dropped: inout Int, dropInvalid: Bool) throws(CSVScanStop) {
        while position < end {
            // The common row first: numbers (or planned text) and delimiters only, then a line end.
            if numbersFirst, rows < capacity,
               let next = textColumns == nil
                ? Self.plainRow(at: position, end: end, isFinal: isFinal, delimiter: delimiter, columns: columns,
                                into: output.row(rows), text: nil)
                : Self.plainRow(at: position, end: end, isFinal: isFinal, delimiter: delimiter, columns: columns,
                                into: output.row(rows), text: textColumns) {
                rows += 1
                line += 1
                position = next
                lineStart = next
                continue
            }
            let recordStart = position, recordLine = line, recordLineStart = lineStart
            do throws(CSVScanStop) {
                let first = position.pointee
                if first == Self.lineFeed || first == Self.carriageReturn || isBlank(first),
                   let next = try skipBlankLine(at: position) {
                    position = next
                    continue
                }
                guard rows < capacity else {
                    throw .problem(CSVProblem(line: line, column: 1, reason: "more rows than lines (a bug in Descent)"))
                }
                if textColumns != nil {
                    // Not a row of the plan: read on if the window cut it, else leave it to the general reader.
                    var q = position
                    while q < end, q.pointee != Self.lineFeed, q.pointee != Self.carriageReturn { q += 1 }
                    if q == end, !isFinal { throw .needMore }
                    throw .problem(CSVProblem(line: line, column: 1, reason: TextColumns.offPlan))
                }
                if try readRecord(columns: columns, into: output.row(rows), dropInvalid: dropInvalid) {
                    rows += 1
                } else {
                    dropped += 1
                }
            } catch {
                position = recordStart
                line = recordLine
                lineStart = recordLineStart
                throw error
            }
        }
    }

    /// Reads a row of `columns` numbers, with nothing but a delimiter between them (no blanks, no
    /// quotes) and a line end after them (or the end of final data), into `out`; returns where the
    /// next line starts, or `nil` for any other row (which ``readRecord(columns:into:dropInvalid:)``
    /// then reads, or rejects). With `text`, the cells of its text columns are kept as positions
    /// (``TextColumns/pack(offset:length:)``) instead of numbers.
    @inline(__always)
    static func plainRow<Row: CSVRowCells>(at start: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>, isFinal: Bool,
                                           delimiter: UInt8, columns: Int, into out: Row,
                                           text: TextColumns?) -> UnsafePointer<UInt8>? {
        var p = start
        var cell = 0
        while true {
            let cellEnd: UnsafePointer<UInt8>
            if let text, text.isText[cell] {
                var q = p
                while q < end, q.pointee != delimiter, q.pointee != lineFeed, q.pointee != carriageReturn { q += 1 }
                guard let packed = TextColumns.pack(offset: p - text.origin, length: q - p) else { return nil }
                out.store(packed, at: cell)
                cellEnd = q
            } else {
                var value = 0.0
                guard let numberEnd = DecimalParser.parse(p, end, into: &value), value.isFinite else { return nil }
                out.store(value, at: cell)
                cellEnd = numberEnd
            }
            cell += 1
            guard cellEnd < end else { return isFinal && cell == columns ? end : nil }
            let next = cellEnd.pointee
            if next == delimiter {
                guard cell < columns else { return nil }
                p = cellEnd + 1
                continue
            }
            guard cell == columns else { return nil }
            if next == lineFeed { return cellEnd + 1 }
            guard next == carriageReturn else { return nil }
            guard cellEnd + 1 < end else { return isFinal ? end : nil }
            return (cellEnd + 1).pointee == lineFeed ? cellEnd + 2 : cellEnd + 1
        }
    }

    /// Reads the record at ``position`` as `columns` numbers into `out` and moves past it.
    ///
    /// - Returns: `false` if the row was invalid and skipped (only with `dropInvalid`).
    @inline(__always)
    mutating func readRecord<Row: CSVRowCells>(columns: Int, into out: Row,
                                               dropInvalid: Bool) throws(CSVScanStop) -> Bool {
        var p = position
        var cell = 0
        while true {
            let cellStart = p
            if cell == columns { return try tooManyCells(at: cellStart, columns: columns, dropInvalid: dropInvalid) }
            var value = 0.0
            var terminator = end
            var accepted = false
            if numbersFirst {
                var q = p
                while q < end, isBlank(q.pointee) { q += 1 }
                if let numberEnd = DecimalParser.parse(q, end, into: &value) {
                    q = numberEnd
                    while q < end, isBlank(q.pointee) { q += 1 }
                    if q < end {
                        let next = q.pointee
                        accepted = next == delimiter || next == Self.lineFeed || next == Self.carriageReturn
                    } else {
                        accepted = isFinal
                    }
                    terminator = q
                }
            }
            if !accepted || !value.isFinite {
                let cellLine = line, cellLineStart = lineStart
                let field = try scanField(from: cellStart, keepText: true)
                terminator = field.terminator
                switch cellValue(field) {
                case let .number(number):
                    value = number
                case let .invalid(reason):
                    guard dropInvalid else {
                        throw .problem(CSVProblem(line: cellLine, column: column(cellStart, lineStart: cellLineStart),
                                                  reason: reason))
                    }
                    try skipRest(at: terminator)
                    return false
                }
            }
            out.store(value, at: cell)
            cell += 1
            if terminator < end, terminator.pointee == delimiter {
                p = terminator + 1
                continue
            }
            if cell < columns {
                guard dropInvalid else {
                    throw .problem(CSVProblem(line: line, column: column(terminator, lineStart: lineStart),
                                              reason: "this row has \(Self.cells(cell)); \(widthSource) has \(columns)"))
                }
                position = try endRecord(at: terminator)
                return false
            }
            position = try endRecord(at: terminator)
            return true
        }
    }

    /// A row with a cell beyond the last column, at `cellStart`: counts its cells, then throws, or
    /// skips it (returning `false`) when `dropInvalid`.
    mutating func tooManyCells(at cellStart: UnsafePointer<UInt8>, columns: Int,
                               dropInvalid: Bool) throws(CSVScanStop) -> Bool {
        let cellLine = line, cellColumn = column(cellStart, lineStart: lineStart)
        let extra = try skipRecord(from: cellStart)
        guard dropInvalid else {
            throw .problem(CSVProblem(line: cellLine, column: cellColumn,
                                      reason: "this row has \(Self.cells(columns + extra)); \(widthSource) has \(columns)"))
        }
        return false
    }

    /// Moves past the rest of a record whose current cell ends at `terminator`.
    mutating func skipRest(at terminator: UnsafePointer<UInt8>) throws(CSVScanStop) {
        if terminator < end, terminator.pointee == delimiter {
            _ = try skipRecord(from: terminator + 1)
        } else {
            position = try endRecord(at: terminator)
        }
    }
}
