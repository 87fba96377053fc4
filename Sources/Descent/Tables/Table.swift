/// A table of typed columns, as a CSV file holds them: numbers, categories (text, or numbers
/// declared categorical by a formula's `C(x)`) and booleans, each cell possibly missing.
///
/// ```swift
/// let table = try Table(csvFile: "birds.csv")                    // columns typed from the data
/// let kept = try Table(csvFile: "birds.csv", missing: .dropRow)   // rows missing a used cell are dropped
/// let design = try Formula("weight ~ height + C(group) + sex").design(table)
/// ```
///
/// A table is read once and then only read from: a ``Formula`` turns it into a design matrix,
/// and a model fitted on a formula predicts a table (``LinearModel/predict(table:unseenLevels:)``).
public struct Table: Sendable {
    /// One column's cells.
    public enum Column: Sendable, Equatable {
        /// Numbers, NaN where a cell is missing (Descent never takes NaN as data, so it marks
        /// missing cells, as pandas does). `integral` is whether the file wrote them as integers
        /// (no decimal point or exponent), as pandas reads an `int64` column: a formula's
        /// `C(x)` then names its levels `2`, not `2.0`.
        case numeric([Double], integral: Bool)
        /// Text (`nil` missing).
        case text([String?])
        /// Booleans (`True`/`False`, `true`/`false`, `TRUE`/`FALSE`; `nil` missing).
        case boolean([Bool?])

        /// The number of cells.
        public var count: Int {
            switch self {
            case let .numeric(values, _): values.count
            case let .text(values): values.count
            case let .boolean(values): values.count
            }
        }

        /// Whether row `i` (zero-based) is missing.
        public func isMissing(_ i: Int) -> Bool {
            switch self {
            case let .numeric(values, _): values[i].isNaN
            case let .text(values): values[i] == nil
            case let .boolean(values): values[i] == nil
            }
        }

        /// The kind's name in messages: "numeric", "text", "boolean".
        var kindName: String {
            switch self {
            case .numeric: "numeric"
            case .text: "text"
            case .boolean: "boolean"
            }
        }

        /// The rows `kept` (zero-based, in order).
        func selecting(_ kept: [Int]) -> Column {
            switch self {
            case let .numeric(values, integral): .numeric(kept.map { values[$0] }, integral: integral)
            case let .text(values): .text(kept.map { values[$0] })
            case let .boolean(values): .boolean(kept.map { values[$0] })
            }
        }
    }

    /// The type a column is read as, to override what the data suggests
    /// (``Table/init(csvFile:missing:types:missingValues:options:)``).
    public enum ColumnType: Sendable, Hashable {
        /// Numbers: every present cell must be one.
        case numeric
        /// Text: every cell is kept as written (numbers too), a category in a formula.
        case text
        /// Booleans: every present cell must be `True` or `False` (any case).
        case boolean
    }

    /// What to do with a missing cell (empty, or one of the missing-value spellings).
    public enum MissingPolicy: Sendable, Hashable, Codable {
        /// A missing cell that a formula uses is an error naming its row and column (the default).
        case error
        /// Rows with a missing cell in a column the formula uses are left out of the design, as
        /// patsy's and statsmodels' `missing="drop"` do; cells of unused columns do not matter.
        case dropRow
    }

    /// The column names, in file order.
    public let columnNames: [String]
    /// The columns, in the order of ``columnNames``.
    public let columns: [Column]
    /// The number of rows.
    public let rowCount: Int
    /// The policy for missing cells, applied when a formula builds a design from the table.
    public var missing: MissingPolicy
    /// Where the table came from, for error messages (a path, or "the table").
    public var source: String
    /// Rows the reader left out and why (e.g. "3 rows with the wrong number of cells").
    public internal(set) var droppedRows: [String: Int] = [:]
    /// Each row's line in the file (1-based), when read from one with text cells.
    var rowLines: [Int]? = nil

    /// A table of the given columns, all of the same length.
    ///
    /// - Parameters:
    ///   - names: One name per column.
    ///   - columns: The columns.
    ///   - missing: The policy for missing cells (default ``MissingPolicy/error``).
    /// - Throws: ``DescentError/invalidOption(name:value:expected:)`` when the counts disagree.
    public init(names: [String], columns: [Column], missing: MissingPolicy = .error) throws(DescentError) {
        guard names.count == columns.count else {
            throw .invalidOption(name: "Table.columns", value: "\(columns.count) columns",
                                 expected: "one per name (\(names.count))")
        }
        let rows = columns.first?.count ?? 0
        if let k = columns.firstIndex(where: { $0.count != rows }) {
            throw .invalidOption(name: "Table.columns", value: "column '\(names[k])' of \(columns[k].count) cells",
                                 expected: "\(rows) cells, as the first column has")
        }
        self.init(checkedNames: names, columns: columns, rows: rows, missing: missing, source: "the table")
    }

    /// A table whose columns are known to agree.
    init(checkedNames names: [String], columns: [Column], rows: Int, missing: MissingPolicy, source: String) {
        columnNames = names
        self.columns = columns
        rowCount = rows
        self.missing = missing
        self.source = source
    }

    /// The line in the file (1-based) of row `row` (zero-based), when the table was read from a
    /// file with text cells; `nil` otherwise.
    public func line(ofRow row: Int) -> Int? {
        guard let rowLines, rowLines.indices.contains(row) else { return nil }
        return rowLines[row]
    }

    /// The column named `name`.
    ///
    /// - Throws: ``DescentError/unknownColumn(name:available:)``.
    public func column(named name: String) throws(DescentError) -> Column {
        guard let index = columnNames.firstIndex(of: name) else {
            throw .unknownColumn(name: name, available: columnNames)
        }
        return columns[index]
    }

    /// The table of the rows `kept` (zero-based, in order).
    func selecting(rows kept: [Int]) -> Table {
        var table = Table(checkedNames: columnNames, columns: columns.map { $0.selecting(kept) }, rows: kept.count,
                          missing: missing, source: source)
        table.droppedRows = droppedRows
        table.rowLines = rowLines.map { lines in kept.map { lines[$0] } }
        return table
    }

    /// The table without the named columns, or with only them.
    ///
    /// - Parameters:
    ///   - names: Column names.
    ///   - keep: `true` keeps only `names` (in the table's order); `false` drops them.
    /// - Throws: ``DescentError/unknownColumn(name:available:)`` for a name the table lacks.
    public func choosing(_ names: [String], keep: Bool) throws(DescentError) -> Table {
        for name in names where !columnNames.contains(name) {
            throw .unknownColumn(name: name, available: columnNames)
        }
        let chosen = columnNames.indices.filter { names.contains(columnNames[$0]) == keep }
        var table = Table(checkedNames: chosen.map { columnNames[$0] }, columns: chosen.map { columns[$0] },
                          rows: rowCount, missing: missing, source: source)
        table.droppedRows = droppedRows
        table.rowLines = rowLines
        return table
    }
}
