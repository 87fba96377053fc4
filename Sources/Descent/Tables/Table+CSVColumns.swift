import Dispatch

extension Table {
    /// Reads a file whose first data row fixes each column's kind — a number, or text — on the
    /// numeric reader's threads: numeric cells are parsed as numbers, text cells are kept as
    /// positions (``TextColumns``) and become strings afterwards, a column per thread.
    ///
    /// `nil` when the file is not that plain (a quote, a blank line, a CR line end, blanks
    /// around a number, a missing or text cell in a numeric column, a row of the wrong width):
    /// ``parseCells(_:path:missing:types:missingValues:options:)`` then reads it, and says what is
    /// wrong where something is. The columns are those that reader makes of the same file (but a
    /// numeric column is integral as for a file of numbers only: its first cell spells an integer
    /// and every value is whole, where the cell-by-cell reader looks at every cell's text);
    /// `tuning` divides the bytes between threads and windows as for ``CSVReader`` (tests split
    /// them finely).
    static func parseColumns(_ bytes: UnsafeRawBufferPointer, path: String, missing: MissingPolicy,
                             missingValues: Set<String>, options: CSVOptions, firstRow: [String],
                             tuning: CSVReader.Tuning = CSVReader.Tuning()) throws(DescentError) -> Table? {
        var strict = options
        strict.dropInvalidRows = false
        var scanner = try CSVReader.scanner(bytes, path: path, options: strict)
        let names: [String]
        do throws(CSVScanStop) {
            if options.hasHeader {
                guard let header = try scanner.readNames() else { return nil }
                names = header
            } else {
                names = (1...firstRow.count).map { "column \($0)" }
            }
            try scanner.skipBlankLines()
        } catch {
            return nil
        }
        let isText = firstRow.map { text in
            var text = text
            return text.withUTF8 { CSVScanner.finiteNumber(in: $0) == nil }
        }
        guard names.count == firstRow.count, isText.contains(true) else { return nil }
        let dataStart = scanner.position, firstLine = scanner.line
        guard let body = try? CSVReader.readRows(after: scanner, columns: names.count, dropInvalid: false,
                                                 tuning: tuning, path: path, text: isText)
        else { return nil }
        // Every line a row (no blank line, no CR): row i is on line firstLine + i.
        let last = UnsafeRawPointer(scanner.end).load(fromByteOffset: -1, as: UInt8.self)
        guard body.rows > 0, body.rows == body.lineEnds + (last == CSVScanner.lineFeed ? 0 : 1) else { return nil }
        let lines = Array(firstLine..<(firstLine + body.rows))
        let n = body.rows, d = names.count
        let spellings = MissingSpellings(missingValues)
        let byColumn = body.values.withUnsafeBufferPointer { columnsOf($0, rows: n, width: d) }
        let columns = (0..<d).map { j -> Column in
            guard isText[j] else { return numericColumn(byColumn[j], integralText: isIntegerText(firstRow[j])) }
            let texts = strings(byColumn[j], from: dataStart, missing: spellings)
            // With no demanded type, typing cannot fail.
            return (try? typed(texts, as: nil, name: names[j], field: j + 1, lines: lines, path: path)) ?? .text(texts)
        }
        var table = Table(checkedNames: names, columns: columns, rows: n, missing: missing, source: path)
        table.rowLines = lines
        return table
    }

    /// The columns of `n` row-major rows of `d` cells: one pass over the rows in blocks (each
    /// block's rows read once, on the reader's threads) into a column-major copy, then a copy per
    /// column — instead of reading every row once per column, which cost `d` passes over the cells.
    static func columnsOf(_ cells: UnsafeBufferPointer<Double>, rows n: Int, width d: Int) -> [[Double]] {
        let block = 4096
        let byColumn = [Double](unsafeUninitializedCapacity: n * d) { out, count in
            guard let base = out.baseAddress, let cells = cells.baseAddress else { return }
            CSVReader.adviseHugePages(UnsafeMutableRawBufferPointer(out))
            nonisolated(unsafe) let to = base, from = cells
            DispatchQueue.concurrentPerform(iterations: (n + block - 1) / block) { b in
                for i in (b * block)..<Swift.min(n, (b + 1) * block) {
                    let row = from + i * d
                    for j in 0..<d { to[j * n + i] = row[j] }
                }
            }
            count = n * d
        }
        // The copies on the threads too, each column on huge pages (fewer first-touch faults).
        var columns = [[Double]](repeating: [], count: d)
        byColumn.withUnsafeBufferPointer { source in
            columns.withUnsafeMutableBufferPointer { columns in
                nonisolated(unsafe) let source = source, columns = columns
                DispatchQueue.concurrentPerform(iterations: d) { j in
                    columns[j] = [Double](unsafeUninitializedCapacity: n) { column, count in
                        CSVReader.adviseHugePages(UnsafeMutableRawBufferPointer(column))
                        _ = column.initialize(from: UnsafeBufferPointer(rebasing: source[(j * n)..<((j + 1) * n)]))
                        count = n
                    }
                }
            }
        }
        return columns
    }

    /// A text column's cells (``TextColumns`` positions from `origin`) as strings, blanks trimmed,
    /// `nil` for a missing spelling: blocks of rows on the reader's threads.
    static func strings(_ cells: [Double], from origin: UnsafePointer<UInt8>, missing spellings: MissingSpellings) -> [String?] {
        let n = cells.count, block = 16384
        return [String?](unsafeUninitializedCapacity: n) { out, count in
            guard let base = out.baseAddress else { return }
            cells.withUnsafeBufferPointer { cells in
                nonisolated(unsafe) let base = base, cells = cells, origin = origin
                DispatchQueue.concurrentPerform(iterations: (n + block - 1) / block) { b in
                    for i in (b * block)..<Swift.min(n, (b + 1) * block) {
                        let (offset, length) = TextColumns.unpack(cells[i])
                        var text = UnsafeBufferPointer(start: origin + offset, count: length)
                        // Blanks around a cell are not its text (spaces and tabs, as the scanner trims them).
                        while let first = text.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
                            text = UnsafeBufferPointer(rebasing: text.dropFirst())
                        }
                        while let last = text.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") {
                            text = UnsafeBufferPointer(rebasing: text.dropLast())
                        }
                        (base + i).initialize(to: spellings.contains(text) ? nil : String(decoding: text, as: UTF8.self))
                    }
                }
            }
            count = n
        }
    }

    /// A column of numbers; integral when the first row's text spells an integer and every value
    /// is a whole number below 2⁵³.
    static func numericColumn(_ values: [Double], integralText: Bool) -> Column {
        .numeric(values, integral: integralText && values.allSatisfy { $0 == $0.rounded() && Swift.abs($0) < 0x1p53 })
    }
}

/// The spellings of a missing cell, with a quick test on length and first byte before the set is
/// asked (most text cells are not missing, and hashing each one would cost more than reading it).
struct MissingSpellings {
    let spellings: Set<String>
    /// Whether a spelling has this many bytes (up to 63; longer ones are always looked up).
    var lengths = [Bool](repeating: false, count: 64)
    var firstBytes = [Bool](repeating: false, count: 256)

    init(_ spellings: Set<String>) {
        self.spellings = spellings
        for spelling in spellings {
            lengths[Swift.min(spelling.utf8.count, 63)] = true
            if let first = spelling.utf8.first { firstBytes[Int(first)] = true }
        }
    }

    /// Whether `text` is one of the spellings.
    func contains(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        guard lengths[Swift.min(text.count, 63)] else { return false }
        if let first = text.first, !firstBytes[Int(first)] { return false }
        return spellings.contains(String(decoding: text, as: UTF8.self))
    }
}
