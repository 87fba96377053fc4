/// Reading every cell as text, and typing a column of text cells: booleans, numbers (integral or
/// not) or text, as pandas infers them, or as the caller demands.
extension Table {
    /// Reads every record as text, then types each column: for the files ``parseCells(_:path:missing:types:missingValues:options:)``
    /// leaves (a column mixing numbers and text, numbers read as text, a missing-value spelling that is a number).
    static func parseText(_ bytes: UnsafeRawBufferPointer, path: String, missing: MissingPolicy,
                          types: [String: ColumnType], missingValues: Set<String>,
                          options: CSVOptions) throws(DescentError) -> Table {
        var scanner = try CSVReader.scanner(bytes, path: path, options: options)
        var names: [String] = []
        var cells: [[String?]] = []
        var lines: [Int] = []
        var dropped = 0
        do throws(CSVScanStop) {
            guard let first = try scanner.readNames() else {
                throw .problem(CSVProblem(line: 1, column: 1, reason: "it holds nothing but blank lines"))
            }
            if options.hasHeader {
                names = first
                cells = names.map { _ in [] }
            } else {
                names = (1...first.count).map { "column \($0)" }
                cells = first.map { [missingValues.contains($0) ? nil : $0] }
                lines.append(1)
            }
            while true {
                try scanner.skipBlankLines()
                let line = scanner.line
                guard let record = try scanner.readNames() else { break }
                guard record.count == names.count else {
                    if options.dropInvalidRows {
                        dropped += 1
                        continue
                    }
                    throw widthProblem(line: line, cells: record.count, names: names, options: options)
                }
                lines.append(line)
                for j in record.indices { cells[j].append(missingValues.contains(record[j]) ? nil : record[j]) }
            }
        } catch {
            throw describe(error, path: path)
        }
        for name in types.keys where !names.contains(name) { throw .unknownColumn(name: name, available: names) }
        var columns = [Column]()
        for j in names.indices {
            columns.append(try typed(cells[j], as: types[names[j]], name: names[j], field: j + 1, lines: lines,
                                     path: path))
        }
        var table = Table(checkedNames: names, columns: columns, rows: lines.count, missing: missing, source: path)
        table.rowLines = lines
        if dropped > 0 { table.droppedRows["the wrong number of cells"] = dropped }
        return table
    }

    /// A column of text cells as the type `type` demands, or as the cells suggest.
    static func typed(_ cells: [String?], as type: ColumnType?, name: String, field: Int, lines: [Int],
                      path: String) throws(DescentError) -> Column {
        func number(_ text: String) -> Double? {
            var text = text
            return text.withUTF8 { bytes in
                if case let .number(value) = CSVScanner.number(in: bytes) { return value }
                return nil
            }
        }
        func refuse(_ i: Int, _ what: String) -> DescentError {
            .invalidCSV(path: path, line: lines[i], column: field,
                        reason: "field \(field) ('\(name)'): the cell \(cells[i]!.debugDescription) is not \(what)")
        }
        if type == .text { return .text(cells) }
        if type == nil || type == .boolean {
            // The first present cell that is not a boolean ends the search (a text column's first).
            if let i = cells.indices.first(where: { cells[$0].map { boolean($0) == nil } ?? false }) {
                if type == .boolean { throw refuse(i, "True or False") }
            } else if type == .boolean || cells.contains(where: { $0 != nil }) {
                return .boolean(cells.map { $0.flatMap(boolean) })
            }
        }
        var values = [Double]()
        values.reserveCapacity(cells.count)
        for i in cells.indices {
            guard let text = cells[i] else {
                values.append(.nan)
                continue
            }
            guard let value = number(text) else {
                if type == .numeric { throw refuse(i, "a finite number") }
                return .text(cells)
            }
            values.append(value)
        }
        let integral = cells.allSatisfy { $0.map(isIntegerText) ?? false }
        return .numeric(values, integral: integral)
    }

    /// `true`/`false` for `True`/`False` in any case, as pandas reads booleans; `nil` otherwise.
    static func boolean(_ text: String) -> Bool? {
        // Byte by byte, ASCII letters folded (no other character lowercases to these words).
        func spells(_ word: StaticString) -> Bool {
            text.utf8.count == word.utf8CodeUnitCount
                && zip(text.utf8, UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)).allSatisfy { $0 | 0x20 == $1 }
        }
        return spells("true") ? true : spells("false") ? false : nil
    }

    /// Whether `text` spells an integer (an optional sign, then digits).
    static func isIntegerText(_ text: String) -> Bool {
        let digits = text.utf8.drop { $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "+") }
        return !digits.isEmpty && digits.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
