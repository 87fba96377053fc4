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
        let checked = (0..<names.count).map { !isText[$0] && isIntegerText(firstRow[$0]) }
        guard let body = try? readColumns(after: scanner, columns: names.count, tuning: tuning, path: path, text: isText,
                                          checked: checked)
        else { return nil }
        // Every line a row (no blank line, no CR): row i is on line firstLine + i.
        let last = UnsafeRawPointer(scanner.end).load(fromByteOffset: -1, as: UInt8.self)
        guard body.rows > 0, body.rows == body.lineEnds + (last == CSVScanner.lineFeed ? 0 : 1) else { return nil }
        let lines = Array(firstLine..<(firstLine + body.rows))
        let n = body.rows, d = names.count
        let spellings = MissingSpellings(missingValues)
        let columns = (0..<d).map { j -> Column in
            guard isText[j] else { return .numeric(body.columns[j], integral: body.integral[j]) }
            let texts = strings(body.columns[j], from: dataStart, missing: spellings)
            // With no demanded type, typing cannot fail.
            return (try? typed(texts, as: nil, name: names[j], field: j + 1, lines: lines, path: path)) ?? .text(texts)
        }
        var table = Table(checkedNames: names, columns: columns, rows: n, missing: missing, source: path)
        table.rowLines = lines
        return table
    }

    /// A file of numbers only (the header, if any, then rows of finite numbers), read straight into
    /// its columns on the numeric reader's threads; `nil` where it is not one (a cell that is not a
    /// finite number, a row of the wrong width, nothing but blank lines), which the readers after
    /// this one then read. A column is integral when the first row's cell spells an integer and
    /// every value is whole. `tuning` divides the bytes as for ``CSVReader`` (tests split them finely).
    ///
    /// - Throws: ``DescentError/unknownColumn(name:available:)`` for a name in `types` the file lacks.
    static func parseNumbers(_ bytes: UnsafeRawBufferPointer, path: String, missing: MissingPolicy,
                             types: [String: ColumnType], options: CSVOptions, firstRow: [String]?,
                             tuning: CSVReader.Tuning = CSVReader.Tuning()) throws(DescentError) -> Table? {
        var strict = options
        strict.dropInvalidRows = false
        guard var scanner = try? CSVReader.scanner(bytes, path: path, options: strict) else { return nil }
        let names: [String]
        do throws(CSVScanStop) {
            guard let found = try CSVReader.columnNames(&scanner, options: strict) else { return nil }
            names = found
        } catch {
            return nil
        }
        let d = names.count
        let checked = (0..<d).map { j in firstRow.map { j < $0.count && isIntegerText($0[j]) } ?? true }
        guard let body = try? readColumns(after: scanner, columns: d, tuning: tuning, path: path, text: nil, checked: checked)
        else { return nil }
        for name in types.keys where !names.contains(name) { throw .unknownColumn(name: name, available: names) }
        let columns = (0..<d).map { Column.numeric(body.columns[$0], integral: body.integral[$0]) }
        return Table(checkedNames: names, columns: columns, rows: body.rows, missing: missing, source: path)
    }

    /// The data rows after `header` as columns, without dropping any (a problem throws), and which
    /// are integral: those `checked` whose values are all whole numbers below 2⁵³ in magnitude.
    /// Up to ``CSVColumnValues/maxColumns`` columns, each run's thread writes its rows straight
    /// into the columns (no row-major buffer, no copy); wider files are read row by row, then
    /// copied (``columnsOf(_:rows:width:checked:)``). With `text`, its columns hold positions, as
    /// ``CSVReader/readRows(after:columns:dropInvalid:tuning:path:text:)`` says.
    ///
    /// - Complexity: O(file size).
    static func readColumns(after header: CSVScanner, columns d: Int, tuning: CSVReader.Tuning, path: String,
                            text: [Bool]?, checked: [Bool]) throws(DescentError)
        -> (columns: [[Double]], integral: [Bool], rows: Int, lineEnds: Int) {
        guard d <= CSVColumnValues.maxColumns else {
            let read = try CSVReader.readRows(after: header, columns: d, dropInvalid: false, tuning: tuning, path: path,
                                              text: text)
            let byColumn = read.values.withUnsafeBufferPointer { columnsOf($0, rows: read.rows, width: d, checked: checked) }
            return (byColumn.columns, byColumn.integral, read.rows, read.lineEnds)
        }
        let read = try CSVReader.readRows(after: header, columns: d, dropInvalid: false, tuning: tuning, path: path,
                                          text: text, as: CSVColumnValues.self)
        let columns = read.values.columns
        // Each checked column on a thread, one pass over its values.
        let todo = checked.indices.filter { checked[$0] }
        var integral = checked
        integral.withUnsafeMutableBufferPointer { flags in
            nonisolated(unsafe) let flags = flags
            CSVReader.inTurn(todo.count, threads: tuning.threads) { k in
                flags[todo[k]] = columns[todo[k]].withUnsafeBufferPointer(allWhole)
            }
        }
        return (columns, integral, read.rows, read.lineEnds)
    }

    /// The columns of `n` row-major rows of `d` cells, and which are integral: those `checked`
    /// whose values are all whole numbers below 2⁵³ in magnitude. Blocks of rows on the reader's
    /// threads: each block's rows are read once (while they are in cache) and written straight into
    /// the columns, which are the only new memory (no row-major or column-major copy in between).
    ///
    /// - Complexity: O(n·d) time, one pass over the cells per ``columnGroup`` columns.
    static func columnsOf(_ cells: UnsafeBufferPointer<Double>, rows n: Int, width d: Int,
                          checked: [Bool]) -> (columns: [[Double]], integral: [Bool]) {
        var columns = [[Double]](), integral = [Bool]()
        columns.reserveCapacity(d)
        for first in stride(from: 0, to: d, by: columnGroup) {
            let group = Swift.min(columnGroup, d - first)
            let block = 4096, blocks = (n + block - 1) / block
            let checks = Array(checked[first..<(first + group)])
            // Per block and column: whether the block's cells of the column are all whole.
            var blockWhole = [Bool](repeating: true, count: blocks * group)
            let made = CSVReader.withNewColumns(group, capacity: n) { targets in
                guard let from = cells.baseAddress else { return n }
                blockWhole.withUnsafeMutableBufferPointer { flags in
                    nonisolated(unsafe) let from = from, targets = targets, flags = flags
                    CSVReader.inTurn(blocks, threads: BLASConfiguration.threads) { b in
                        let rows = (b * block)..<Swift.min(n, (b + 1) * block)
                        for i in rows {
                            let row = from + i * d + first
                            for k in 0..<group { targets[k][i] = row[k] }
                        }
                        for k in 0..<group where checks[k] {
                            flags[b * group + k] = allWhole(UnsafeBufferPointer(rebasing: UnsafeBufferPointer(
                                start: targets[k], count: n)[rows]))
                        }
                    }
                }
                return n
            }
            columns += made
            integral += (0..<group).map { k in checks[k] && (0..<blocks).allSatisfy { blockWhole[$0 * group + k] } }
        }
        return (columns, integral)
    }

    /// Whether every value is a whole number below 2⁵³ in magnitude, without a branch per value:
    /// below 2⁵², adding and subtracting 2⁵² rounds to a whole number, so a value is whole if
    /// that leaves it unchanged; from 2⁵² to 2⁵³ every double is whole; NaN fails both tests.
    static func allWhole(_ values: UnsafeBufferPointer<Double>) -> Bool {
        var fails = 0
        for value in values {
            let magnitude = Swift.abs(value)
            let whole = magnitude < 0x1p53 && (magnitude >= 0x1p52 || (magnitude + 0x1p52) - 0x1p52 == magnitude)
            fails &+= whole ? 0 : 1
        }
        return fails == 0
    }

    /// The most columns ``columnsOf(_:rows:width:checked:)`` fills in one pass over the cells (each is one
    /// nested allocation, ``CSVReader/withNewColumns(_:capacity:_:)``).
    static let columnGroup = 64

    /// A text column's cells (``TextColumns`` positions from `origin`) as strings, blanks trimmed,
    /// `nil` for a missing spelling: blocks of rows on the reader's threads. A column's values
    /// usually repeat (levels, labels): each block remembers the last cell of each length and
    /// first byte, and a cell with the same bytes takes its string instead of decoding a new one.
    static func strings(_ cells: [Double], from origin: UnsafePointer<UInt8>, missing spellings: MissingSpellings) -> [String?] {
        let n = cells.count, block = 16384
        return [String?](unsafeUninitializedCapacity: n) { out, count in
            guard let base = out.baseAddress else { return }
            cells.withUnsafeBufferPointer { cells in
                nonisolated(unsafe) let base = base, cells = cells, origin = origin
                DispatchQueue.concurrentPerform(iterations: (n + block - 1) / block) { b in
                    var recent = RecentStrings()
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
                        (base + i).initialize(to: recent.string(text) { spellings.contains(text) ? nil : String(decoding: text, as: UTF8.self) })
                    }
                }
            }
            count = n
        }
    }
}

/// The strings of recent cells, one per slot chosen by a cell's length and first byte, with the
/// bytes they were made from: a cell whose bytes match its slot's takes the slot's string (`nil` for
/// a missing spelling).
struct RecentStrings {
    static let slots = 64
    var bytes = [UnsafeBufferPointer<UInt8>](repeating: UnsafeBufferPointer(start: nil, count: 0), count: slots)
    var strings = [String?](repeating: nil, count: slots)
    var filled = [Bool](repeating: false, count: slots)

    /// The string of `text`: the slot's, if it was made from the same bytes; otherwise `make()`'s, kept in the slot.
    @inline(__always)
    mutating func string(_ text: UnsafeBufferPointer<UInt8>, _ make: () -> String?) -> String? {
        let slot = (text.count &* 31 &+ Int(text.first ?? 0)) & (Self.slots - 1)
        if filled[slot], bytes[slot].count == text.count, Self.same(bytes[slot], text) {
            return strings[slot]
        }
        let made = make()
        bytes[slot] = text
        strings[slot] = made
        filled[slot] = true
        return made
    }

    /// Whether `a` and `b`, of the same length, hold the same bytes: eight at a time (the last
    /// eight overlapping), four, or one, never reading outside either.
    @inline(__always)
    static func same(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = a.count
        guard n > 0, let p = a.baseAddress.map(UnsafeRawPointer.init), let q = b.baseAddress.map(UnsafeRawPointer.init) else {
            return true
        }
        if n >= 8 {
            var i = 0
            while i + 8 < n {
                if p.loadUnaligned(fromByteOffset: i, as: UInt64.self) != q.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
                    return false
                }
                i += 8
            }
            return p.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) == q.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        }
        if n >= 4 {
            return p.loadUnaligned(as: UInt32.self) == q.loadUnaligned(as: UInt32.self)
                && p.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self) == q.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
        }
        for i in 0..<n where a[i] != b[i] { return false }
        return true
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
