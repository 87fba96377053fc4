import Foundation
import Testing
@testable import Descent

/// `Table(csvFile:)`'s fast path for files with text columns (``Table/parseColumns``): the same
/// table as the cell-by-cell reader gives, however the bytes are split between threads and windows,
/// and no fast path where a file is not plain.
@Suite("Typed CSV columns on the numeric reader's threads")
struct TableColumnsReaderTests {
    /// `text` read by the fast path with `tuning` (nil where it declines), and by the general reader.
    static func both(_ text: String, _ options: CSVOptions = CSVOptions(),
                     tuning: CSVReader.Tuning) throws -> (fast: Table?, general: Table) {
        (try fast(text, options, tuning: tuning), try general(text, options))
    }

    /// `text` read by the fast path with `tuning`; nil where it declines.
    static func fast(_ text: String, _ options: CSVOptions = CSVOptions(), tuning: CSVReader.Tuning) throws -> Table? {
        try withBytes(text) { view in
            guard let first = try Table.firstRecord(view, path: "t.csv", options: options) else { return nil }
            return try Table.parseColumns(view, path: "t.csv", missing: .error, missingValues: Table.defaultMissingValues,
                                          options: options, firstRow: first, tuning: tuning)
        }
    }

    /// `text` read cell by cell (or as text, where a column mixes numbers and text).
    static func general(_ text: String, _ options: CSVOptions = CSVOptions()) throws -> Table {
        try withBytes(text) { view in
            if let table = try Table.parseCells(view, path: "t.csv", missing: .error, types: [:],
                                                missingValues: Table.defaultMissingValues, options: options) {
                return table
            }
            return try Table.parseText(view, path: "t.csv", missing: .error, types: [:],
                                       missingValues: Table.defaultMissingValues, options: options)
        }
    }

    /// `body` on a copy of `text`'s bytes.
    static func withBytes<T>(_ text: String, _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T {
        let bytes = Array(text.utf8)
        let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: Swift.max(bytes.count, 1), alignment: 8)
        defer { raw.deallocate() }
        raw.copyBytes(from: bytes)
        return try body(UnsafeRawBufferPointer(rebasing: raw[..<bytes.count]))
    }

    static func same(_ a: Table, _ b: Table) -> Bool {
        a.columnNames == b.columnNames && a.rowCount == b.rowCount && a.rowLines == b.rowLines
            && zip(a.columns, b.columns).allSatisfy { x, y in
                switch (x, y) {
                case let (.numeric(u, i), .numeric(v, j)):
                    i == j && u.count == v.count && zip(u, v).allSatisfy { $0.bitPattern == $1.bitPattern }
                default: x == y
                }
            }
    }

    static let plain = [
        "name,x,flag,n\nalpha,1.5,True,3\nbeta,-2,false,4\n  gamma ,3e2,TRUE,5\nNA,4.25,False,6\n",
        "name,x\nalpha,1\nbeta,2",                                  // no line end at the end
        "id,x\nA1,1\n22,2\n007,3\n",                                // a text column that later holds numbers
        "a,b\n,1\nz,2\nnull,3\n",                                   // missing text cells
        "flag,v\nTrue,1\n,2\nfalse,3\n",                             // booleans with a missing cell
        "w;v\nx y;1,5\nü;2\n",                                       // another delimiter, UTF-8
        "k,v\rx,2\r",                                                // a lone CR: the general reader's (declined)
    ]

    @Test("plain files: the cell-by-cell reader's table, for every split of the bytes")
    func plainFiles() throws {
        // Repeated words, and words that share a length and a first byte (one slot of the strings
        // each block remembers) but not their bytes, at 3, 4–7 and 8 or more bytes.
        let words = ["alpha", "beta", "", "NA", "True", "x,y".replacingOccurrences(of: ",", with: " "), "alphA", "ab1", "ab2",
                     "bets", "labels-0001", "labels-0002", "labels-1001", "NaN", "Nb"]
        var random = RandomSource(seed: 25)
        let many = "name,value,count\n" + (0..<300).map { i in
            "\(words[Int(random.next() % UInt64(words.count))]),\(random.nextNormal()),\(i - 150)"
        }.joined(separator: "\n") + "\n"
        for (k, text) in (Self.plain + [many]).enumerated() {
            var options = CSVOptions()
            if text.hasPrefix("w;") { options.delimiter = ";" }
            for tuning in CSVTests.tunings {
                let (fast, general) = try Self.both(text, options, tuning: tuning)
                if k == Self.plain.count - 1 {
                    #expect(fast == nil, "a lone CR is left to the general reader")
                    continue
                }
                let table = try #require(fast, "file \(k) declined with \(tuning)")
                #expect(Self.same(table, general), "file \(k), \(tuning)")
            }
        }
    }

    @Test("wide files (more columns than one pass fills): the same columns and integral flags, with text or numbers only")
    func wideFiles() throws {
        // 70 numeric columns (past Table.columnGroup = 64): integers, fractions, and integers with
        // one fraction late in the column; a text column first, or none.
        var random = RandomSource(seed: 64)
        let d = 70
        #expect(d > Table.columnGroup)
        let rows = (0..<40).map { i in
            (0..<d).map { j -> String in
                switch j % 3 {
                case 0: "\(Int(random.next() % 2001) - 1000)"
                case 1: "\(random.nextNormal())"
                default: i == 37 ? "2.5" : "\(i * j)"
                }
            }
        }
        let header = (0..<d).map { "x\($0)" }.joined(separator: ",")
        let numbers = header + "\n" + rows.map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n"
        let words = "name," + header + "\n" + rows.enumerated().map { i, row in
            ["a", "b", "NA"][i % 3] + "," + row.joined(separator: ",")
        }.joined(separator: "\n") + "\n"
        for tuning in CSVTests.tunings {
            let (fast, general) = try Self.both(words, tuning: tuning)
            let table = try #require(fast, "declined with \(tuning)")
            #expect(Self.same(table, general), "\(tuning)")
        }
        let general = try Self.general(numbers)
        let table = try Self.withBytes(numbers) { view in
            try Table.parse(view, path: "t.csv", missing: .error, types: [:], missingValues: Table.defaultMissingValues,
                            options: CSVOptions())
        }
        // (A file of numbers only keeps no line per row: every line is a row unless it says otherwise.)
        var lined = table
        lined.rowLines = general.rowLines
        #expect(table.rowLines == nil && Self.same(lined, general))
        let integral = table.columns.map { if case let .numeric(_, integral) = $0 { integral } else { false } }
        #expect(integral == (0..<d).map { $0 % 3 == 0 })
    }

    @Test("files that are not plain are declined, and Table(csvFile:) still reads them")
    func declined() throws {
        let files = [
            "name,x\nalpha,1\n\nbeta,2\n",           // a blank line: rows are not lines
            "name,x\r\nalpha,1\r\nbeta,2\r\n",       // CRLF
            "name,x\n\"al,pha\",1\nbeta,2\n",        // a quote
            "name,x\nalpha,1\nbeta,NA\n",            // a missing number
            "name,x\nalpha,1\nbeta, 2\n",            // blanks around a number
            "name,x\nalpha,1\nbeta,2,3\n",           // a row too wide
            "name,x\nalpha,1\nbeta,gamma\n",         // text in a numeric column
        ]
        for (k, text) in files.enumerated() {
            for tuning in CSVTests.tunings {
                #expect(try Self.fast(text, tuning: tuning) == nil, "file \(k), \(tuning)")
            }
        }
        // Through the public reader: the general reader's table, or its error at the right line.
        let folder = StreamingDatasetTests.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for (k, text) in files.enumerated() {
            let path = folder + "/\(k).csv"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            if k == 5 {
                #expect(throws: DescentError.self) { try Table(csvFile: path) }
                do { _ = try Table(csvFile: path) } catch {
                    #expect("\(error)".contains("line 3"), "\(error)")
                }
                continue
            }
            #expect(Self.same(try Table(csvFile: path), try Self.general(text)), "file \(k)")
        }
    }
}
