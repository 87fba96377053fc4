/// Cells as bytes, for readers that type each column (``Table``).
extension CSVScanner {
    /// Reads the record at ``position`` (after any blank lines), handing each cell's text to
    /// `cell` — blanks trimmed, quotes removed and `""` undone — with its zero-based index and
    /// whether it was quoted; returns the number of cells, or `nil` at the end of the data.
    mutating func readCells(_ cell: (Int, UnsafeBufferPointer<UInt8>, Bool) -> Void) throws(CSVScanStop) -> Int? {
        try skipBlankLines()
        guard position < end else { return nil }
        return try forEachCell(from: position, keepText: true, cell)
    }
}
