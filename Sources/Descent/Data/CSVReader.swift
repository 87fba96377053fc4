#if canImport(Glibc)
import Glibc
#endif
import Dispatch

/// Reads numeric CSV files into a row-major table of `Double`, with every problem a typed error
/// at its line and column.
///
/// The format: cells separated by ``CSVOptions/delimiter``; records end at LF, CRLF or a lone CR;
/// a cell may be quoted (`"…"`, with `""` for a quote, delimiters and line ends inside); a UTF-8
/// byte-order mark at the start is skipped; spaces and tabs around a cell are trimmed; blank lines
/// (nothing but spaces and tabs) are skipped; the last line end is optional. Numbers are read as
/// `Double(_:)` reads them (``DecimalParser``); NaN and ±∞ are refused, as everywhere in Descent.
///
/// A file is memory-mapped read-only (measured on a 196 MB file in the page cache: mapping and
/// touching every page took 13–22 ms, reading it with `pread` in 4 MiB chunks 42–66 ms, and a
/// chunked reader must read twice or guess the result's size). The cells go straight into the
/// result, sized from the rows per byte of the first MiB (with a quarter more) before any is
/// written; the file is read once, each run of lines counted just before it is parsed; pages
/// already read are handed back (`MADV_DONTNEED`) every ``Tuning/window`` bytes, so resident
/// memory stays the values plus a run (at most ``Tuning/maxBytesPerRun``) per thread. Large files
/// without quotes are read on ``BLASConfiguration/threads`` threads, which take runs of whole lines
/// in turn (see ``readRows(after:columns:dropInvalid:tuning:path:text:)``).
/// The file must not be truncated while it is read, as for any memory map.
package enum CSVReader {
    /// How the bytes are divided between threads and windows; any tuning gives the same table
    /// (tests use tiny ones to exercise every boundary).
    struct Tuning {
        /// The most threads to use.
        var threads = BLASConfiguration.threads
        /// The fewest bytes in a run of lines (shorter data is read in fewer runs, on fewer threads).
        var bytesPerRun = 4 << 20
        /// The most runs per thread: the threads take the next run as each finishes one, so a
        /// thread slowed by other work on its core leaves its share to the others.
        var runsPerThread = 8
        /// The most bytes in a run (larger data is read in more runs): a run's pages stay mapped
        /// from when its line ends are counted until each window of it is read.
        var maxBytesPerRun = 32 << 20
        /// The bytes scanned at a time, ≥ 1; a mapped file's pages are handed back after each.
        var window = 16 << 20
        /// Whether to hand pages back: only for a mapping this reader made itself.
        var releasingPages = false
    }

    /// Reads the CSV file at `path`.
    ///
    /// - Throws: ``DescentError/fileNotReadable(path:reason:)`` for a missing or unreadable file;
    ///   ``DescentError/invalidFile(path:format:reason:)`` for an empty file or one with only blank
    ///   lines; ``DescentError/invalidCSV(path:line:column:reason:)`` for an invalid cell or row
    ///   (an empty, non-numeric or non-finite cell, a row with the wrong number of cells, a quote
    ///   never closed) at its 1-based line and column; ``DescentError/invalidOption(name:value:expected:)``
    ///   for a delimiter that is not one ASCII character other than `"`, CR and LF.
    /// - Complexity: O(file size) time; memory for the values plus a window of the file per thread.
    package static func read(path: String, options: CSVOptions) throws(DescentError) -> CSVTable {
        _ = try options.delimiterByte()
        let (descriptor, size) = try FileIO.openForReading(path)
        close(descriptor)
        guard size > 0 else { throw .invalidFile(path: path, format: "CSV", reason: "the file is empty") }
        let file = try MappedFile(path)
        var tuning = Tuning()
        tuning.releasingPages = true
        return try parse(UnsafeRawBufferPointer(start: file.base, count: file.size), path: path, options: options,
                         tuning: tuning)
    }

    /// Reads CSV data from memory, as ``read(path:options:)`` reads a file; `path` names it in errors.
    package static func parse(_ bytes: UnsafeRawBufferPointer, path: String,
                              options: CSVOptions) throws(DescentError) -> CSVTable {
        try parse(bytes, path: path, options: options, tuning: Tuning())
    }

    /// Reads CSV data from memory, divided between threads and windows as `tuning` says.
    static func parse(_ bytes: UnsafeRawBufferPointer, path: String, options: CSVOptions,
                      tuning: Tuning) throws(DescentError) -> CSVTable {
        var scanner = try scanner(bytes, path: path, options: options)
        let names: [String]?
        do throws(CSVScanStop) {
            names = try columnNames(&scanner, options: options)
        } catch {
            throw describe(error, path: path)
        }
        guard let names else {
            throw .invalidFile(path: path, format: "CSV", reason: "it holds nothing but blank lines")
        }
        let body = try readRows(after: scanner, columns: names.count, dropInvalid: options.dropInvalidRows,
                                tuning: tuning, path: path)
        return CSVTable(columnNames: names, rows: body.rows, columns: names.count, values: body.values,
                        droppedRows: body.dropped)
    }

    /// The column names: the header's (read), or `column 1`, `column 2`, … for as many cells as the
    /// first record has (left for the data); `nil` when there is no record.
    static func columnNames(_ scanner: inout CSVScanner, options: CSVOptions) throws(CSVScanStop) -> [String]? {
        if options.hasHeader { return try scanner.readNames() }
        try scanner.skipBlankLines()
        guard scanner.position < scanner.end else { return nil }
        return try (1...scanner.countCells()).map { "column \($0)" }
    }

    /// A scanner of all of `bytes` (a UTF-8 byte-order mark skipped), from line 1.
    ///
    /// - Throws: ``DescentError/invalidFile(path:format:reason:)`` for no bytes, and an invalid delimiter.
    static func scanner(_ bytes: UnsafeRawBufferPointer, path: String, options: CSVOptions) throws(DescentError) -> CSVScanner {
        let delimiter = try options.delimiterByte()
        guard let base = bytes.baseAddress, !bytes.isEmpty else {
            throw .invalidFile(path: path, format: "CSV", reason: "the file is empty")
        }
        var start = UnsafePointer(base.assumingMemoryBound(to: UInt8.self))
        let end = start + bytes.count
        if bytes.count >= 3, start[0] == 0xEF, start[1] == 0xBB, start[2] == 0xBF { start += 3 }
        return CSVScanner(start: start, end: end, isFinal: true, delimiter: delimiter, line: 1,
                          widthSource: options.hasHeader ? "the header" : "the first row")
    }

    /// The typed error for a scan that stopped, its line moved on by `lineOffset`.
    static func describe(_ stop: CSVScanStop, path: String, lineOffset: Int = 0) -> DescentError {
        switch stop {
        case let .problem(problem):
            .invalidCSV(path: path, line: problem.line + lineOffset, column: problem.column, reason: problem.reason)
        case .needMore:
            .invalidCSV(path: path, line: 1, column: 1, reason: "the data ended inside a record (a bug in Descent)")
        }
    }
}
