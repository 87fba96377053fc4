import Foundation
import Testing
@testable import Descent

/// `Table(csvFile:)`'s path for files of numbers only (``Table/parseNumbers``), which reads each run
/// of lines straight into the columns at the run's rows: the columns the cell-by-cell reader makes,
/// and the numbers the row-major reader (``Matrix/init(csvFile:columns:options:)``'s) reads, bit for
/// bit, however the bytes are split between threads, runs and windows; files it cannot read are
/// declined, and `Table(csvFile:)` reads them as before.
@Suite("Typed CSV: numbers read straight into the columns")
struct TableNumbersReaderTests {
    /// `text` read by the numbers path with `tuning`; nil where it declines.
    static func numbers(_ text: String, _ options: CSVOptions = CSVOptions(), tuning: CSVReader.Tuning) throws -> Table? {
        try TableColumnsReaderTests.withBytes(text) { view in
            let first = try Table.firstRecord(view, path: "t.csv", options: options)
            return try Table.parseNumbers(view, path: "t.csv", missing: .error, types: [:], options: options, firstRow: first,
                                          tuning: tuning)
        }
    }

    /// `text` read by `Table`'s public reading (every path in turn).
    static func table(_ text: String, _ options: CSVOptions = CSVOptions()) throws -> Table {
        try TableColumnsReaderTests.withBytes(text) { view in
            try Table.parse(view, path: "t.csv", missing: .error, types: [:], missingValues: Table.defaultMissingValues,
                            options: options)
        }
    }

    /// What `text` must read as: the general reader's table and the row-major reader's numbers.
    static func expected(_ text: String, _ options: CSVOptions = CSVOptions()) throws -> (general: Table, rows: CSVTable) {
        (try TableColumnsReaderTests.general(text, options), try CSVTests.read(text, options))
    }

    /// Whether `table` (which keeps no line per row) holds the general reader's columns, bit for
    /// bit, and the row-major reader's numbers.
    static func agrees(_ table: Table, with expected: (general: Table, rows: CSVTable)) -> Bool {
        var lined = table
        lined.rowLines = expected.general.rowLines
        let byRow = (0..<expected.rows.rows).flatMap { i in
            table.columns.map { column -> UInt64 in
                if case let .numeric(values, _) = column { values[i].bitPattern } else { 0 }
            }
        }
        return table.rowLines == nil && TableColumnsReaderTests.same(lined, expected.general)
            && expected.rows.columnNames == table.columnNames && byRow == expected.rows.values.map(\.bitPattern)
    }

    /// `rows` rows of a fraction, an integer and a number with an exponent (seeded), after a header.
    static func file(rows: Int, seed: UInt64) -> [String] {
        var random = RandomSource(seed: seed)
        return (0..<rows).map { i in
            "\(random.nextNormal()),\(Int(random.next() % 2001) - 1000 + i),\(random.nextNormal() * 1e-7)"
        }
    }

    @Test("row order across runs, windows and threads: the general reader's columns, the row reader's bits")
    func rowOrder() throws {
        let rows = Self.file(rows: 500, seed: 5)
        let header = "x,n,y\n"
        var withBlanks = rows
        for k in stride(from: 37, to: withBlanks.count, by: 61) { withBlanks.insert(k % 2 == 0 ? "" : "  \t", at: k) }
        let files = [
            header + rows.joined(separator: "\n") + "\n",
            header + rows.joined(separator: "\n"),                  // no line end at the end
            header + rows.joined(separator: "\r\n") + "\r\n",       // CRLF
            header + withBlanks.joined(separator: "\n") + "\n",     // blank lines: gaps between runs' rows
            header + rows[0] + "\n",                                // one row: smaller than any run
            rows.prefix(40).joined(separator: "\n") + "\n",         // no header
        ]
        for (k, text) in files.enumerated() {
            let options = CSVOptions(hasHeader: k != files.count - 1)
            let expected = try Self.expected(text, options)
            for tuning in CSVTests.tunings {
                let table = try #require(try Self.numbers(text, options, tuning: tuning), "file \(k) declined with \(tuning)")
                #expect(Self.agrees(table, with: expected), "file \(k), \(tuning)")
                let integral = table.columns.map { if case let .numeric(_, integral) = $0 { integral } else { false } }
                #expect(integral == [false, true, false], "file \(k): \(integral)")
            }
        }
        // A header and no rows: empty numeric columns (integral, as the row reader's path has always made them).
        for tuning in CSVTests.tunings {
            let table = try #require(try Self.numbers(header, tuning: tuning))
            #expect(table.rowCount == 0 && table.columnNames == ["x", "n", "y"]
                    && table.columns == [.numeric([], integral: true), .numeric([], integral: true), .numeric([], integral: true)])
        }
    }

    @Test("text, a missing cell or a bad row late in the file: declined, and Table reads it as the general reader does")
    func lateChange() throws {
        let rows = Self.file(rows: 400, seed: 6)
        func with(_ row: String, at k: Int) -> String { "x,n,y\n" + (rows[..<k] + [row] + rows[k...]).joined(separator: "\n") + "\n" }
        let late = [
            with("0.5,7,word", at: 350),        // a column that looked numeric holds text in a later run
            with("0.5,,2", at: 390),            // an empty cell
            with("NA,7,2", at: 300),            // a missing spelling
            with("0.5, 7 ,2", at: 200),         // blanks around a number (still numbers: the general reader's columns)
        ]
        for (k, text) in late.enumerated() {
            let declined = k < 3
            let expected = declined ? nil : try Self.expected(text)
            for tuning in CSVTests.tunings {
                let table = try Self.numbers(text, tuning: tuning)
                #expect((table == nil) == declined, "file \(k), \(tuning)")
                if let table, let expected { #expect(Self.agrees(table, with: expected), "file \(k), \(tuning)") }
            }
            let read = try Self.table(text)
            #expect(TableColumnsReaderTests.same(read, try TableColumnsReaderTests.general(text)) || !declined, "file \(k)")
            if k == 0 { #expect(read.columns[2].kindName == "text") }
        }
        // A row of the wrong width late in the file: the error names its line and field.
        for (row, field, name) in [("1,2", 2, " ('n')"), ("1,2,3,4", 4, "")] {
            do {
                _ = try Self.table(with(row, at: 333))
                Issue.record("a row of the wrong width was read")
            } catch {
                #expect(error as? DescentError == .invalidCSV(
                    path: "t.csv", line: 335, column: field,
                    reason: "field \(field)\(name): this row has \(row.split(separator: ",").count) cells; the header has 3"))
            }
        }
    }

    @Test("a quote after the first runs, rows shorter than the first run's: read on, counted, into new columns")
    func countedRest() throws {
        // A quoted number late: the rest is counted and read on one thread, after the rows so far
        // are copied into new columns.
        let rows = Self.file(rows: 300, seed: 7)
        let quoted = "x,n,y\n" + rows.joined(separator: "\n") + "\n\"1.5\",\"2\",3e1\n" + rows.joined(separator: "\n") + "\n"
        // 20 long rows, then 2000 short ones: with runs of 64 bytes the first run's rows per byte
        // promise far fewer rows than the file holds (CSVTests.outgrownEstimate).
        let long = (0..<20).map { "\(Double($0) + 1234567890.125),\(-9876543210 - $0)" }
        let short = (0..<2000).map { "\($0 % 10).5,\($0 % 7)" }
        let outgrown = "a,b\n" + (long + short).joined(separator: "\n") + "\n"
        let tunings = CSVTests.tunings + [CSVReader.Tuning(threads: 2, bytesPerRun: 64, runsPerThread: 1000, window: 1 << 20)]
        for (k, text) in [quoted, outgrown].enumerated() {
            let expected = try Self.expected(text)
            for tuning in tunings {
                let table = try #require(try Self.numbers(text, tuning: tuning), "file \(k) declined with \(tuning)")
                #expect(Self.agrees(table, with: expected), "file \(k), \(tuning)")
                #expect(table.rowCount == [601, 2020][k])
            }
        }
        // The same rows after a text column, whose cells are kept as positions through the copy.
        let named = "name,a,b\n" + (long + short).enumerated().map { i, row in "w\(i % 3),\(row)" }.joined(separator: "\n") + "\n"
        for tuning in tunings {
            let (fast, general) = try TableColumnsReaderTests.both(named, tuning: tuning)
            let table = try #require(fast, "declined with \(tuning)")
            #expect(TableColumnsReaderTests.same(table, general), "\(tuning)")
        }
    }

    @Test("more columns than are read straight into arrays: rows first, then the same columns")
    func wide() throws {
        let d = CSVColumnValues.maxColumns + 44
        var random = RandomSource(seed: 8)
        let header = (0..<d).map { "c\($0)" }.joined(separator: ",")
        let text = header + "\n" + (0..<30).map { _ in
            (0..<d).map { j in j % 2 == 0 ? "\(Int(random.next() % 100))" : "\(random.nextNormal())" }.joined(separator: ",")
        }.joined(separator: "\n") + "\n"
        let expected = try Self.expected(text)
        for tuning in CSVTests.tunings {
            let table = try #require(try Self.numbers(text, tuning: tuning), "declined with \(tuning)")
            #expect(Self.agrees(table, with: expected), "\(tuning)")
            let integral = table.columns.map { if case let .numeric(_, integral) = $0 { integral } else { false } }
            #expect(integral == (0..<d).map { $0 % 2 == 0 })
        }
    }
}
