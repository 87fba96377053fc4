extension Matrix {
    /// The values of column `column` (zero-based), top to bottom.
    ///
    /// An index out of range traps, as an array subscript does.
    ///
    /// - Complexity: O(rows).
    public func column(_ column: Int) -> [Scalar] {
        precondition(column >= 0 && column < columns, "column \(column) out of range 0..<\(columns)")
        return withUnsafeBufferPointer { x in (0..<rows).map { x[$0 * columns + column] } }
    }

    /// The values of row `row` (zero-based), left to right.
    ///
    /// An index out of range traps, as an array subscript does.
    ///
    /// - Complexity: O(columns).
    public func row(_ row: Int) -> [Scalar] {
        precondition(row >= 0 && row < rows, "row \(row) out of range 0..<\(rows)")
        return withUnsafeBufferPointer { Array($0[(row * columns)..<((row + 1) * columns)]) }
    }

    /// A new matrix of the given columns (zero-based), in the order given; a column may repeat.
    ///
    /// An index out of range traps, as an array subscript does.
    ///
    /// - Complexity: O(rows × selected columns).
    public func selecting(columns selected: [Int]) -> Matrix {
        for j in selected { precondition(j >= 0 && j < columns, "column \(j) out of range 0..<\(columns)") }
        let (d, width) = (columns, selected.count)
        return withUnsafeBufferPointer { x in
            Matrix(rows: rows, columns: width, validInitializingWith: { out in
                for i in 0..<rows { for (k, j) in selected.enumerated() { out[i * width + k] = x[i * d + j] } }
            })
        }
    }

    /// A new matrix of the given rows (zero-based), in the order given; a row may repeat.
    ///
    /// An index out of range traps, as an array subscript does.
    ///
    /// - Complexity: O(selected rows × columns).
    public func selecting(rows selected: [Int]) -> Matrix {
        for i in selected { precondition(i >= 0 && i < rows, "row \(i) out of range 0..<\(rows)") }
        let d = columns
        return withUnsafeBufferPointer { x in
            Matrix(rows: selected.count, columns: d, validInitializingWith: { out in
                guard d > 0 else { return }
                for (k, i) in selected.enumerated() {
                    (out.baseAddress! + k * d).update(from: x.baseAddress! + i * d, count: d)
                }
            })
        }
    }

    /// A new matrix of the consecutive rows `range` (zero-based).
    ///
    /// A range outside `0..<rows` traps, as an array slice does.
    ///
    /// - Complexity: O(range.count × columns).
    public func rows(_ range: Range<Int>) -> Matrix {
        precondition(range.lowerBound >= 0 && range.upperBound <= rows, "rows \(range) out of range 0..<\(rows)")
        let d = columns
        return withUnsafeBufferPointer { x in
            Matrix(rows: range.count, columns: d, validInitializingWith: { out in
                guard !range.isEmpty, d > 0 else { return }
                out.baseAddress!.update(from: x.baseAddress! + range.lowerBound * d, count: range.count * d)
            })
        }
    }

    /// A matrix from elements whose count is known to be `rows × columns`.
    init(rows: Int, columns: Int, validElements: [Scalar]) {
        precondition(validElements.count == rows * columns)
        self.rows = rows
        self.columns = columns
        _storage = validElements
        _mapped = nil
    }
}
