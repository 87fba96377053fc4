#if canImport(Glibc)
import Glibc
#endif

extension Table {
    /// The cells read as missing by default: pandas' default `na_values` (an empty cell, `NA`,
    /// `NaN`, `nan`, `null`, `NULL`, `None`, `N/A`, `n/a`, `#N/A`, `<NA>`, …).
    public static let defaultMissingValues: Set<String> = [
        "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>", "N/A",
        "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
    ]

    /// Reads a CSV file into typed columns.
    ///
    /// Each column's type comes from its present cells, as pandas infers it: numbers if every
    /// one is a finite number, booleans if every one is `True` or `False` (in any case, as pandas'
    /// `get_dummies` writes them), text otherwise; `types` overrides that for the columns it names.
    /// A cell is missing when its text (blanks trimmed, quotes removed) is in `missingValues`.
    /// Missing cells are kept; `missing` says what a formula does with them.
    ///
    /// The file is read by the same scanner as ``Matrix/init(csvFile:columns:options:)`` (quoting,
    /// delimiters, line ends, number parsing): a file of numbers only, with no missing cell, is
    /// read by that reader itself, on the same threads, each thread writing its runs of lines
    /// straight into the columns at their rows (no row-major buffer, no copy; up to 256 columns);
    /// a plain file with text columns (no quote, blank line or CR line end; the first data row's
    /// cells say which columns are text, and the numeric ones hold numbers only) is read by it
    /// too, its text cells kept as positions and made strings a column per thread; any other file
    /// by one pass over its records, cell by cell.
    ///
    /// - Parameters:
    ///   - path: The file's path.
    ///   - missing: What a formula does with a missing cell it uses (default: an error naming
    ///     the row and column).
    ///   - types: Column types that override the inferred ones, by column name.
    ///   - missingValues: The spellings of a missing cell (default ``defaultMissingValues``).
    ///   - options: The delimiter and header; with ``CSVOptions/dropInvalidRows``, rows of the
    ///     wrong width are dropped and counted in ``droppedRows`` instead of throwing.
    /// - Throws: ``DescentError/fileNotReadable(path:reason:)``, ``DescentError/invalidFile(path:format:reason:)``
    ///   for an empty file, ``DescentError/invalidCSV(path:line:column:reason:)`` for a row of the
    ///   wrong width (its line, and the field by number and header name), an unclosed quote, or a
    ///   cell that is not of the type `types` demands; ``DescentError/unknownColumn(name:available:)``
    ///   for a name in `types` the file lacks.
    /// - Complexity: O(file size).
    public init(csvFile path: String, missing: MissingPolicy = .error, types: [String: ColumnType] = [:],
                missingValues: Set<String> = Table.defaultMissingValues,
                options: CSVOptions = CSVOptions()) throws(DescentError) {
        _ = try options.delimiterByte()
        let (descriptor, size) = try FileIO.openForReading(path)
        close(descriptor)
        guard size > 0 else { throw .invalidFile(path: path, format: "CSV", reason: "the file is empty") }
        let file = try MappedFile(path)
        self = try Self.parse(UnsafeRawBufferPointer(start: file.base, count: file.size), path: path, missing: missing,
                              types: types, missingValues: missingValues, options: options)
    }

    /// Reads CSV data from memory, as ``init(csvFile:missing:types:missingValues:options:)`` reads a
    /// file; `path` names it in errors.
    static func parse(_ bytes: UnsafeRawBufferPointer, path: String, missing: MissingPolicy,
                      types: [String: ColumnType], missingValues: Set<String>,
                      options: CSVOptions) throws(DescentError) -> Table {
        // A missing-value spelling that reads as a number (`-999`) must be compared as text.
        let numericMissing = missingValues.contains { text in
            var text = text
            return text.withUTF8 { if case .number = CSVScanner.number(in: $0) { true } else { false } }
        }
        let firstRow = try firstRecord(bytes, path: path, options: options)
        let firstIsNumbers = firstRow?.allSatisfy { text in
            var text = text
            return text.withUTF8 { CSVScanner.finiteNumber(in: $0) != nil }
        } ?? true
        // Numbers only: the numeric reader, threads and all, straight into the columns. It stops at
        // the first cell that is not a finite number, and the readers below take over.
        if !numericMissing, firstIsNumbers, types.values.allSatisfy({ $0 == .numeric }),
           let table = try parseNumbers(bytes, path: path, missing: missing, types: types, options: options,
                                        firstRow: firstRow) {
            return table
        }
        if !numericMissing, types.isEmpty, let firstRow,
           let table = try parseColumns(bytes, path: path, missing: missing, missingValues: missingValues, options: options,
                                        firstRow: firstRow) {
            return table
        }
        if !numericMissing, let table = try parseCells(bytes, path: path, missing: missing, types: types,
                                                       missingValues: missingValues, options: options) {
            return table
        }
        return try parseText(bytes, path: path, missing: missing, types: types, missingValues: missingValues,
                             options: options)
    }

    /// Reads the records cell by cell: a cell that is a number stays a number (no text is made for
    /// it), any other becomes text or missing. `nil` when a column mixes numbers and text, or a
    /// column of numbers is to be read as text: those need every cell's text (``parseText``).
    static func parseCells(_ bytes: UnsafeRawBufferPointer, path: String, missing: MissingPolicy,
                           types: [String: ColumnType], missingValues: Set<String>,
                           options: CSVOptions) throws(DescentError) -> Table? {
        var scanner = try CSVReader.scanner(bytes, path: path, options: options)
        var names: [String] = []
        var lines: [Int] = []
        var dropped = 0
        // Each column's numbers (NaN where missing or text), its text cells once it has one, and
        // what it holds.
        var numbers = [[Double]](), texts = [[String?]?]()
        var hasNumber = [Bool](), hasText = [Bool](), integral = [Bool](), firstText = [Int]()
        // The record being read, committed once its width is right.
        var rowNumbers = [Double](), rowTexts = [String?](), rowKinds = [UInt8](), rowIntegral = [Bool]()
        func classify(_ j: Int, _ text: UnsafeBufferPointer<UInt8>, _ quoted: Bool) {
            guard j < rowKinds.count else { return }
            var trimmed = text
            if quoted {
                var low = 0, high = text.count
                while low < high, text[low] == UInt8(ascii: " ") || text[low] == UInt8(ascii: "\t") { low += 1 }
                while high > low, text[high - 1] == UInt8(ascii: " ") || text[high - 1] == UInt8(ascii: "\t") { high -= 1 }
                trimmed = UnsafeBufferPointer(rebasing: text[low..<high])
            }
            if !trimmed.isEmpty, let value = CSVScanner.finiteNumber(in: trimmed) {
                rowKinds[j] = 1
                rowNumbers[j] = value
                rowIntegral[j] = trimmed.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
                    || (trimmed.count > 1 && (trimmed[0] == UInt8(ascii: "-") || trimmed[0] == UInt8(ascii: "+"))
                        && trimmed.dropFirst().allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
                return
            }
            let string = String(decoding: text, as: UTF8.self)
            if missingValues.contains(string) {
                rowKinds[j] = 0
            } else {
                rowKinds[j] = 2
                rowTexts[j] = string
            }
        }
        do throws(CSVScanStop) {
            try scanner.skipBlankLines()
            let firstLine = scanner.line
            var first = [String]()
            guard let count = try scanner.readCells({ _, text, _ in first.append(String(decoding: text, as: UTF8.self)) }) else {
                throw .problem(CSVProblem(line: 1, column: 1, reason: "it holds nothing but blank lines"))
            }
            names = options.hasHeader ? first : (1...count).map { "column \($0)" }
            let d = names.count
            numbers = .init(repeating: [], count: d)
            texts = .init(repeating: nil, count: d)
            hasNumber = .init(repeating: false, count: d)
            hasText = hasNumber
            integral = .init(repeating: true, count: d)
            firstText = .init(repeating: -1, count: d)
            rowNumbers = .init(repeating: .nan, count: d)
            rowTexts = .init(repeating: nil, count: d)
            rowKinds = .init(repeating: 0, count: d)
            rowIntegral = integral
            func commit(line: Int) {
                let row = lines.count
                lines.append(line)
                for j in 0..<d {
                    switch rowKinds[j] {
                    case 1:
                        numbers[j].append(rowNumbers[j])
                        hasNumber[j] = true
                        if !rowIntegral[j] { integral[j] = false }
                        texts[j]?.append(nil)
                    case 2:
                        numbers[j].append(.nan)
                        if texts[j] == nil { texts[j] = [String?](repeating: nil, count: row) }
                        texts[j]!.append(rowTexts[j])
                        if !hasText[j] { firstText[j] = row }
                        hasText[j] = true
                    default:
                        numbers[j].append(.nan)
                        integral[j] = false
                        texts[j]?.append(nil)
                    }
                }
            }
            if !options.hasHeader {
                for (j, text) in first.enumerated() {
                    var text = text
                    text.withUTF8 { classify(j, $0, false) }
                }
                commit(line: firstLine)
            }
            while true {
                try scanner.skipBlankLines()
                let line = scanner.line
                for j in 0..<d { rowKinds[j] = 0 }
                guard let count = try scanner.readCells(classify) else { break }
                guard count == d else {
                    if options.dropInvalidRows {
                        dropped += 1
                        continue
                    }
                    throw widthProblem(line: line, cells: count, names: names, options: options)
                }
                commit(line: line)
            }
        } catch {
            throw describe(error, path: path)
        }
        for name in types.keys where !names.contains(name) { throw .unknownColumn(name: name, available: names) }
        var columns = [Column]()
        for j in names.indices {
            let type = types[names[j]]
            if hasNumber[j], hasText[j] || type == .text || type == .boolean { return nil }
            if hasText[j], type == .numeric {
                throw .invalidCSV(path: path, line: lines[firstText[j]], column: j + 1,
                                  reason: "field \(j + 1) ('\(names[j])'): the cell "
                                      + "\(texts[j]![firstText[j]]!.debugDescription) is not a finite number")
            }
            if !hasText[j], type != .text, type != .boolean {
                columns.append(.numeric(numbers[j], integral: integral[j] && hasNumber[j]))
                continue
            }
            columns.append(try typed(texts[j] ?? [String?](repeating: nil, count: lines.count), as: type, name: names[j],
                                     field: j + 1, lines: lines, path: path))
        }
        var table = Table(checkedNames: names, columns: columns, rows: lines.count, missing: missing, source: path)
        table.rowLines = lines
        if dropped > 0 { table.droppedRows["the wrong number of cells"] = dropped }
        return table
    }

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

    /// A row of the wrong width, at its line and first missing or extra field.
    static func widthProblem(line: Int, cells count: Int, names: [String], options: CSVOptions) -> CSVScanStop {
        let field = Swift.min(count, names.count) + (count > names.count ? 1 : 0)
        let named = field <= names.count ? " ('\(names[field - 1])')" : ""
        return .problem(CSVProblem(line: line, column: field,
                                   reason: "field \(field)\(named): this row has \(CSVScanner.cells(count)); "
                                       + "\(options.hasHeader ? "the header" : "the first row") has \(names.count)"))
    }

    /// The typed error for a scan that stopped; a file of blank lines is an invalid file.
    static func describe(_ error: CSVScanStop, path: String) -> DescentError {
        if case let .problem(problem) = error, problem.reason == "it holds nothing but blank lines" {
            return .invalidFile(path: path, format: "CSV", reason: problem.reason)
        }
        return CSVReader.describe(error, path: path)
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

    /// The first data record's cells as text, or `nil` if there is none.
    static func firstRecord(_ bytes: UnsafeRawBufferPointer, path: String,
                            options: CSVOptions) throws(DescentError) -> [String]? {
        var scanner = try CSVReader.scanner(bytes, path: path, options: options)
        do throws(CSVScanStop) {
            if options.hasHeader { _ = try scanner.readNames() }
            return try scanner.readNames()
        } catch {
            throw CSVReader.describe(error, path: path)
        }
    }
}
