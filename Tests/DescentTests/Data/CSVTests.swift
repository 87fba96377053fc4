import Foundation
import Testing
@testable import Descent

/// The CSV reader: the format's rules, every error at its line and column, dropped rows, files
/// written by pandas and numpy (Resources/csv, made by its generate.py) read back as pandas reads
/// them; every result the same however the bytes are split between windows and threads.
@Suite("CSV files")
struct CSVTests {
    /// Splits that must not change anything: one-byte windows (every record crosses a window's
    /// end), tiny windows, several threads on runs of a few bytes, one or two threads taking many
    /// runs in turn, and runs made short by their largest size.
    static let tunings: [CSVReader.Tuning] = [
        CSVReader.Tuning(),
        CSVReader.Tuning(threads: 1, bytesPerRun: 1 << 30, window: 1),
        CSVReader.Tuning(threads: 1, bytesPerRun: 1 << 30, window: 2),
        CSVReader.Tuning(threads: 1, bytesPerRun: 1 << 30, window: 7),
        CSVReader.Tuning(threads: 3, bytesPerRun: 1, runsPerThread: 1, window: 5),
        CSVReader.Tuning(threads: 4, bytesPerRun: 4, window: 1 << 20),
        CSVReader.Tuning(threads: 1, bytesPerRun: 3, runsPerThread: 64, window: 4),
        CSVReader.Tuning(threads: 2, bytesPerRun: 1, runsPerThread: 1000, window: 3),
        CSVReader.Tuning(threads: 2, bytesPerRun: 1 << 30, runsPerThread: 1, maxBytesPerRun: 6, window: 1 << 20),
    ]

    /// `bytes` parsed with one tuning.
    static func parse(_ bytes: [UInt8], _ options: CSVOptions, _ tuning: CSVReader.Tuning) -> Result<CSVTable, DescentError> {
        bytes.withUnsafeBytes { raw in
            do throws(DescentError) {
                return .success(try CSVReader.parse(raw, path: "test.csv", options: options, tuning: tuning))
            } catch { return .failure(error) }
        }
    }

    /// `bytes` parsed with every tuning, which must agree; the table or the error.
    static func read(_ bytes: [UInt8], _ options: CSVOptions = CSVOptions(),
                     sourceLocation: SourceLocation = #_sourceLocation) -> Result<CSVTable, DescentError> {
        let results = tunings.map { parse(bytes, options, $0) }
        for (tuning, result) in zip(tunings, results).dropFirst() {
            #expect(result == results[0], "tuning \(tuning)", sourceLocation: sourceLocation)
        }
        return results[0]
    }

    static func read(_ text: String, _ options: CSVOptions = CSVOptions(),
                     sourceLocation: SourceLocation = #_sourceLocation) throws -> CSVTable {
        try read(Array(text.utf8), options, sourceLocation: sourceLocation).get()
    }

    /// The error reading `text` gives, which must be an invalid CSV cell at `line`, `column`.
    static func expectProblem(_ text: String, _ options: CSVOptions = CSVOptions(), line: Int, column: Int,
                              _ reason: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let result = read(Array(text.utf8), options, sourceLocation: sourceLocation)
        #expect(result == .failure(.invalidCSV(path: "test.csv", line: line, column: column, reason: reason)),
                "\(text.debugDescription)", sourceLocation: sourceLocation)
    }

    @Test("a header names the columns; without one they are column 1, column 2, …")
    func header() throws {
        let named = try Self.read("x1,x2,y\n1,2,3\n4,5,6\n")
        #expect(named == CSVTable(columnNames: ["x1", "x2", "y"], rows: 2, columns: 3, values: [1, 2, 3, 4, 5, 6],
                                  droppedRows: 0))
        let unnamed = try Self.read("1,2,3\n4,5,6\n", CSVOptions(hasHeader: false))
        #expect(unnamed == CSVTable(columnNames: ["column 1", "column 2", "column 3"], rows: 2, columns: 3,
                                    values: [1, 2, 3, 4, 5, 6], droppedRows: 0))
        // Duplicate and empty names are kept; a header alone is a table of no rows.
        let odd = try Self.read("a,a,,\" b \"\n")
        #expect(odd.columnNames == ["a", "a", "", " b "] && odd.rows == 0 && odd.values.isEmpty)
    }

    @Test("semicolons, tabs, pipes and spaces as delimiters", arguments: [";", "\t", "|", " "])
    func delimiters(delimiter: String) throws {
        let text = ["a", "b", "c"].joined(separator: delimiter) + "\n" + ["1.5", "-2", "3e2"].joined(separator: delimiter)
            + "\n" + ["4", "5", "6"].joined(separator: delimiter)
        let table = try Self.read(text, CSVOptions(delimiter: Character(delimiter)))
        #expect(table.columnNames == ["a", "b", "c"] && table.values == [1.5, -2, 300, 4, 5, 6])
    }

    @Test("a delimiter that numbers contain still separates cells", arguments: [".", "e", "5", "-"])
    func delimiterInsideNumbers(delimiter: String) throws {
        let text = "a\(delimiter)b\n1\(delimiter)2\n"
        let table = try Self.read(text, CSVOptions(delimiter: Character(delimiter)))
        #expect(table.columnNames == ["a", "b"] && table.values == [1, 2])
    }

    @Test("quoted cells hold delimiters, doubled quotes and line ends")
    func quoted() throws {
        let table = try Self.read("\"a,1\",\"say \"\"hi\"\"\",\"two\nlines\"\n\"1\", \"2.5\" ,\"-3\"\n\"4\",5,\" 6 \"\n")
        #expect(table.columnNames == ["a,1", "say \"hi\"", "two\nlines"])
        #expect(table.values == [1, 2.5, -3, 4, 5, 6])
        // An error after a line end inside quotes counts that line.
        Self.expectProblem("\"a\nb\",c\n1,x\n", line: 3, column: 3, "the cell \"x\" is not a number")
        Self.expectProblem("a,b\n\"1\r\n\",2\n", line: 2, column: 1, "the cell \"1\\r\\n\" is not a number")
    }

    @Test("LF, CRLF and lone CR line ends; a BOM; a last line with or without a line end")
    func lineEnds() throws {
        let expected = CSVTable(columnNames: ["a", "b"], rows: 2, columns: 2, values: [1, 2, 3, 4], droppedRows: 0)
        for text in ["a,b\n1,2\n3,4\n", "a,b\n1,2\n3,4", "a,b\r\n1,2\r\n3,4\r\n", "a,b\r\n1,2\r\n3,4",
                     "a,b\r1,2\r3,4\r", "a,b\r1,2\r3,4", "\u{FEFF}a,b\n1,2\n3,4\n", "\u{FEFF}a,b\r\n1,2\r\n3,4"] {
            #expect(try Self.read(text) == expected, "\(text.debugDescription)")
        }
        // Lines count the same whatever the line end.
        for end in ["\n", "\r\n", "\r"] {
            Self.expectProblem(["a,b", "1,2", "", "3,x"].joined(separator: end), line: 4, column: 3,
                               "the cell \"x\" is not a number")
        }
        // The BOM is not part of the first line's columns.
        Self.expectProblem("\u{FEFF}\"a,b\n", line: 1, column: 1, "the quoted cell that opens here is never closed")
    }

    @Test("blank lines are skipped; blanks around a number are trimmed")
    func blanks() throws {
        let table = try Self.read("\n\n  \na,b\n\n1 , \t2\n \t \n  3,4  \n\n\n")
        #expect(table == CSVTable(columnNames: ["a", "b"], rows: 2, columns: 2, values: [1, 2, 3, 4], droppedRows: 0))
        let tabs = try Self.read("a\tb\n 1 \t 2 \n", CSVOptions(delimiter: "\t"))
        #expect(tabs.values == [1, 2])
    }

    @Test("numbers are read as Double(_:) reads them")
    func numbers() throws {
        let cells = ["-1.5", "+2", ".5", "5.", "1e-3", "1E+300", "007", "-0", "0.1", "9007199254740993", "1e23",
                     "2.2250738585072011e-308", "4.9e-324", "1.7976931348623157e308", "0x1p-2",
                     "123456789012345678901234567890", "0.000000000000000000000000000001234"]
        let table = try Self.read(cells.joined(separator: ",") + "\n" + cells.joined(separator: ","),
                                  CSVOptions(hasHeader: false))
        let expected = try cells.map { try #require(Double($0)) }
        #expect(table.values.map(\.bitPattern) == (expected + expected).map(\.bitPattern))
    }

    @Test("each invalid cell or row is an error at its line and column")
    func errors() {
        Self.expectProblem("a,b\n1,\n", line: 2, column: 3, "the cell is empty")
        Self.expectProblem("a,b\n1,\"\"\n", line: 2, column: 3, "the cell is empty")
        Self.expectProblem("a,b\n1,  \n", line: 2, column: 3, "the cell is empty")
        Self.expectProblem("a,b\n,2\n", line: 2, column: 1, "the cell is empty")
        Self.expectProblem("a,b\n1,abc\n", line: 2, column: 3, "the cell \"abc\" is not a number")
        Self.expectProblem("a,b\n1,2\n3,1.5.2\n", line: 3, column: 3, "the cell \"1.5.2\" is not a number")
        Self.expectProblem("a,b\n1, 2 3\n", line: 2, column: 3, "the cell \"2 3\" is not a number")
        Self.expectProblem("a,b\n1,2x\n", line: 2, column: 3, "the cell \"2x\" is not a number")
        Self.expectProblem("a,b\n1,1e\n", line: 2, column: 3, "the cell \"1e\" is not a number")
        Self.expectProblem("a,b\n1,\"2\"x\n", line: 2, column: 3, "the cell \"2x\" is not a number")
        Self.expectProblem("a\n" + String(repeating: "z", count: 100) + "\n", line: 2, column: 1,
                           "the cell \"" + String(repeating: "z", count: 40) + "…\" is not a number")
        Self.expectProblem("a,b\n1,nan\n", line: 2, column: 3, "the cell \"nan\" is not a finite number")
        Self.expectProblem("a,b\n1,-Infinity\n", line: 2, column: 3, "the cell \"-Infinity\" is not a finite number")
        Self.expectProblem("a,b\n1,1e400\n", line: 2, column: 3, "the cell \"1e400\" is not a finite number")
        Self.expectProblem("a,b,c\n1,2\n", line: 2, column: 4, "this row has 2 cells; the header has 3")
        Self.expectProblem("a,b,c\n1\n", line: 2, column: 2, "this row has 1 cell; the header has 3")
        Self.expectProblem("a,b\n1,2,3,\"4\n5\"\n", line: 2, column: 5, "this row has 4 cells; the header has 2")
        Self.expectProblem("1,2\n3\n", CSVOptions(hasHeader: false), line: 2, column: 2,
                           "this row has 1 cell; the first row has 2")
        Self.expectProblem("a,b\n1,\"2\n3,4\n", line: 2, column: 3, "the quoted cell that opens here is never closed")
        Self.expectProblem("a,\"b\n", line: 1, column: 3, "the quoted cell that opens here is never closed")
        // Columns count characters, not bytes.
        Self.expectProblem("\"é\",\"ü\nx\n", line: 1, column: 5, "the quoted cell that opens here is never closed")
        // A NUL is not the end of a number.
        Self.expectProblem("a\n1\u{0}2\n", line: 2, column: 1, "the cell \"1\\02\" is not a number")
    }

    @Test("empty files, blank files and bad delimiters are refused")
    func refusals() {
        #expect(Self.read([]) == .failure(.invalidFile(path: "test.csv", format: "CSV", reason: "the file is empty")))
        #expect(Self.read(Array("\n \r\n\t\n".utf8))
                == .failure(.invalidFile(path: "test.csv", format: "CSV", reason: "it holds nothing but blank lines")))
        for delimiter: Character in ["\"", "\n", "\r", "\r\n", "é", "→"] {
            guard case .failure(.invalidOption(name: "CSVOptions.delimiter", _, _)) = Self.read(
                Array("a\n1\n".utf8), CSVOptions(delimiter: delimiter)) else {
                Issue.record("delimiter \(String(delimiter).debugDescription) was accepted")
                continue
            }
        }
    }

    @Test("dropInvalidRows skips and counts bad rows; an unclosed quote is still an error")
    func dropping() throws {
        let options = CSVOptions(dropInvalidRows: true)
        let text = "a,b\n1,2\n,3\nx,4\n5\n6,7,8\n9,nan\n\"10\",\"11\"\n12,1e999\n13,14"
        let table = try Self.read(text, options)
        #expect(table == CSVTable(columnNames: ["a", "b"], rows: 3, columns: 2, values: [1, 2, 10, 11, 13, 14],
                                  droppedRows: 6))
        #expect(Self.read(Array("a,b\n1,2\nx,\"3\n".utf8), options)
                == .failure(.invalidCSV(path: "test.csv", line: 3, column: 3,
                                        reason: "the quoted cell that opens here is never closed")))
    }

    @Test("files written by pandas and numpy read back as pandas reads them",
          arguments: ["pandas_default", "pandas_quoted", "numpy_savetxt"])
    func pandasFiles(name: String) throws {
        struct Expected: Decodable {
            let columns: [String]
            let rows: Int
            let bits: [String]
        }
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: TestData.url("csv/\(name).json")))
        let table = try CSVReader.read(path: TestData.url("csv/\(name).csv").path, options: CSVOptions())
        #expect(table.columnNames == expected.columns && table.rows == expected.rows && table.columns == 6)
        let bits = expected.bits.compactMap { UInt64($0, radix: 16) }
        #expect(bits.count == expected.bits.count && table.values.map(\.bitPattern) == bits)
    }

    @Test("rows shorter after the first run than in it: the values outgrow their estimate, and are read whole")
    func outgrownEstimate() throws {
        // 20 long rows, then 2000 short ones: runs of 64 bytes make the first run two long rows,
        // whose rows per byte promise far fewer rows than the file holds.
        let long = (0..<20).map { "\(Double($0) + 1234567890.125),\(-9876543210.5 - Double($0))" }
        let short = (0..<2000).map { "\($0 % 10),\($0 % 7)" }
        let text = "a,b\n" + (long + short).joined(separator: "\n") + "\n"
        let tuning = CSVReader.Tuning(threads: 2, bytesPerRun: 64, runsPerThread: 1000, window: 1 << 20)
        let bytes = Array(text.utf8)
        let estimate = bytes.withUnsafeBufferPointer { buffer in
            let start = buffer.baseAddress! + 4, end = buffer.baseAddress! + buffer.count
            return CSVReader.estimatedRows(CSVReader.runs(from: start, to: end, tuning: tuning), columns: 2).rows
        }
        #expect(estimate < 2020, "the estimate \(estimate) must fall short for this test to reach the growth")
        let expected = (long + short).flatMap { $0.split(separator: ",").map { Double(String($0))! } }
        #expect(try Self.parse(bytes, CSVOptions(), tuning).get() == CSVTable(columnNames: ["a", "b"], rows: 2020, columns: 2,
                                                                             values: expected, droppedRows: 0))
        // An error after the growth names its line.
        let bad = "a,b\n" + (long + short.prefix(1000) + ["1,x"] + short.suffix(999)).joined(separator: "\n") + "\n"
        #expect(Self.parse(Array(bad.utf8), CSVOptions(), tuning)
                == .failure(.invalidCSV(path: "test.csv", line: 1022, column: 3, reason: "the cell \"x\" is not a number")))
    }

    @Test("a quote after the first runs: the rest is read on one thread, lines counted across quoted line ends")
    func laterQuote() throws {
        let rows = (0..<300).map { "\($0),\(Double($0) / 8)" }
        let numbers = rows.flatMap { $0.split(separator: ",").map { Double(String($0))! } }
        let table = try Self.read("a,b\n" + rows.joined(separator: "\n") + "\n\"1\",2\n" + rows.joined(separator: "\n") + "\n")
        #expect(table.rows == 601 && table.values == numbers + [1, 2] + numbers)
        // A quoted cell over two lines (dropped: not a number), five rows, then a quote never closed:
        // header 1, rows 2–301, the quoted cell 302–303, five rows 304–308, the open quote on 309.
        var options = CSVOptions()
        options.dropInvalidRows = true
        Self.expectProblem("a,b\n" + rows.joined(separator: "\n") + "\n\"x\ny\",2\n" + rows.prefix(5).joined(separator: "\n")
                           + "\n\"7,8\n", options, line: 309, column: 1, "the quoted cell that opens here is never closed")
        let dropped = try Self.read("a,b\n" + rows.joined(separator: "\n") + "\n\"x\ny\",2\n" + rows.joined(separator: "\n"),
                                    options)
        #expect(dropped.rows == 600 && dropped.droppedRows == 1 && dropped.values == numbers + numbers)
    }

    @Test("files: missing, a directory, empty; a file reads as its bytes parse")
    func files() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("descent-csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("data.csv").path
        #expect(throws: DescentError.self) { try CSVReader.read(path: path, options: CSVOptions()) }
        #expect(throws: DescentError.self) { try CSVReader.read(path: folder.path, options: CSVOptions()) }
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        #expect(throws: DescentError.invalidFile(path: path, format: "CSV", reason: "the file is empty")) {
            try CSVReader.read(path: path, options: CSVOptions())
        }
        let text = "a;b\r\n1;2\r\n\r\n3;4"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(text.utf8)))
        let options = CSVOptions(delimiter: ";")
        #expect(try CSVReader.read(path: path, options: options) == Self.read(text, options))
    }
}
