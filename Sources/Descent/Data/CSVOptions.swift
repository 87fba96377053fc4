/// How to read a CSV file: the delimiter, whether the first record names the columns, and what to
/// do with rows that are not all numbers.
///
/// ```swift
/// var options = CSVOptions(delimiter: ";")
/// options.dropInvalidRows = true
/// ```
public struct CSVOptions: Sendable, Hashable {
    /// The character between cells: one ASCII character other than a double quote, CR or LF
    /// (`","`, `";"`, `"\t"`, `"|"`…). Checked when a file is read.
    public var delimiter: Character
    /// Whether the first record (after any blank lines) holds the column names.
    public var hasHeader: Bool
    /// What to do with a row that has an empty, non-numeric or non-finite cell, or the wrong number
    /// of cells: `false` (the default) makes it an error naming its line and column; `true` skips
    /// the row and counts it.
    public var dropInvalidRows: Bool

    /// Options for a CSV file; the defaults read a comma-separated file with a header row and
    /// refuse rows that are not all numbers.
    ///
    /// - Parameters:
    ///   - delimiter: The character between cells (default `","`).
    ///   - hasHeader: Whether the first record names the columns (default `true`).
    ///   - dropInvalidRows: Skip rows with missing or non-numeric cells instead of throwing
    ///     (default `false`).
    public init(delimiter: Character = ",", hasHeader: Bool = true, dropInvalidRows: Bool = false) {
        self.delimiter = delimiter
        self.hasHeader = hasHeader
        self.dropInvalidRows = dropInvalidRows
    }

    /// The delimiter as the byte the reader looks for.
    ///
    /// - Throws: ``DescentError/invalidOption(name:value:expected:)`` when the delimiter is not a
    ///   single ASCII character, or is a double quote, CR or LF.
    func delimiterByte() throws(DescentError) -> UInt8 {
        let scalars = delimiter.unicodeScalars
        guard scalars.count == 1, let scalar = scalars.first, scalar.isASCII,
              scalar != "\"", scalar != "\r", scalar != "\n" else {
            throw .invalidOption(name: "CSVOptions.delimiter", value: String(delimiter).debugDescription,
                                 expected: "a single ASCII character other than a double quote, CR or LF, such as \",\" or \";\"")
        }
        return UInt8(scalar.value)
    }
}
