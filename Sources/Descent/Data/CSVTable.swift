/// A CSV file's numbers: its column names and its cells, row by row.
package struct CSVTable: Sendable, Equatable {
    /// One name per column: the header's names (kept as written, duplicates and empty names
    /// included), or `column 1`, `column 2`, … for a file without a header.
    package var columnNames: [String]
    /// The number of rows read (blank lines and dropped rows not counted).
    package var rows: Int
    /// The number of columns.
    package var columns: Int
    /// The cells, row-major: the cell of row `i` (zero-based), column `j` is `values[i * columns + j]`.
    package var values: [Double]
    /// Rows skipped because a cell was empty, not a number or not finite, or the row had the wrong
    /// number of cells (only with ``CSVOptions/dropInvalidRows``).
    package var droppedRows: Int

    /// A table; `values` holds `rows × columns` numbers, row-major.
    package init(columnNames: [String], rows: Int, columns: Int, values: [Double], droppedRows: Int) {
        self.columnNames = columnNames
        self.rows = rows
        self.columns = columns
        self.values = values
        self.droppedRows = droppedRows
    }
}
