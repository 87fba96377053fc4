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
