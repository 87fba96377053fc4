/// Reading a file cell by cell on one thread, for the files the threaded readers leave (a quote, a
/// blank line, a CR line end, a missing or text cell in a numeric column, types demanded): a cell
/// that is a number is parsed straight from the bytes, any other becomes text or missing.
extension Table {
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
}
