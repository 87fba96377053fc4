/// A sparse matrix in compressed sparse row (CSR) form, scipy's `csr_matrix` layout: the non-zeros
/// of row `i` are `values[rowOffsets[i]..<rowOffsets[i + 1]]`, in the columns
/// `columnIndices[rowOffsets[i]..<rowOffsets[i + 1]]`, strictly increasing within a row.
///
/// Bag-of-words, one-hot and hashed designs hold a handful of non-zeros in each row of 10⁴–10⁷
/// columns; stored this way they take `O(nnz)` memory and every product reads only the non-zeros.
///
/// ```swift
/// // [[1, 0, 2],
/// //  [0, 0, 3]]
/// let X = try SparseMatrix<Double>(rows: 2, columns: 3, rowOffsets: [0, 2, 3],
///                                  columnIndices: [0, 2, 2], values: [1, 2, 3])
/// X.nonzeros          // 3
/// try X.multiply([1, 1, 1])   // [3, 3]
/// ```
///
/// Every initialiser validates what it is given as ``Matrix`` does: a malformed structure or a
/// non-finite value is a typed ``DescentError`` naming the row, column or entry.
public struct SparseMatrix<Scalar: BLASScalar>: Sendable, Equatable {
    /// The number of rows.
    public let rows: Int
    /// The number of columns.
    public let columns: Int
    /// `rows + 1` offsets into ``columnIndices`` and ``values``: row `i` is
    /// `rowOffsets[i]..<rowOffsets[i + 1]`; the first is 0, the last is ``nonzeros``.
    public let rowOffsets: [Int]
    /// The column of each stored value, zero-based, strictly increasing within a row.
    public let columnIndices: [Int]
    /// The stored values, row by row.
    public let values: [Scalar]

    /// The number of stored values (explicit zeros included, as scipy's `nnz`).
    public var nonzeros: Int { values.count }

    /// A CSR matrix from its three arrays, checked.
    ///
    /// - Parameters:
    ///   - rows: The number of rows, ≥ 0.
    ///   - columns: The number of columns, ≥ 0.
    ///   - rowOffsets: `rows + 1` non-decreasing offsets, from 0 to the number of values.
    ///   - columnIndices: One zero-based column per value, in `0..<columns`, strictly increasing
    ///     within each row (scipy's canonical format: sorted, no duplicates).
    ///   - values: The values, finite.
    /// - Throws: ``DescentError/invalidOption(name:value:expected:)`` naming `rowOffsets` or
    ///   `columnIndices` (with the row and position) for a malformed structure;
    ///   ``DescentError/nonFiniteValue(at:)`` with the row and column of a NaN or ±∞.
    /// - Complexity: O(rows + nnz).
    public init(rows: Int, columns: Int, rowOffsets: [Int], columnIndices: [Int], values: [Scalar]) throws(DescentError) {
        try Self.check(rows: rows, columns: columns, rowOffsets: rowOffsets, columnIndices: columnIndices, values: values)
        self.init(unchecked: rows, columns: columns, rowOffsets: rowOffsets, columnIndices: columnIndices, values: values)
    }

    /// A CSR matrix whose arrays are known to be valid (made by this module).
    init(unchecked rows: Int, columns: Int, rowOffsets: [Int], columnIndices: [Int], values: [Scalar]) {
        self.rows = rows
        self.columns = columns
        self.rowOffsets = rowOffsets
        self.columnIndices = columnIndices
        self.values = values
    }

    /// A CSR matrix from `(row, column, value)` triplets in any order (scipy's `coo_matrix(…).tocsr()`):
    /// triplets at the same position are summed, as scipy sums them; zeros are kept as stored values.
    ///
    /// - Parameters:
    ///   - rows: The number of rows, ≥ 0.
    ///   - columns: The number of columns, ≥ 0.
    ///   - triplets: Zero-based positions and their values.
    /// - Throws: ``DescentError/invalidOption(name:value:expected:)`` naming `triplets` for a
    ///   position outside the shape; ``DescentError/nonFiniteValue(at:)`` for NaN or ±∞ (also a sum
    ///   that overflows).
    /// - Complexity: O(rows + nnz·log(nnz of a row)).
    public init(rows: Int, columns: Int, triplets: [(row: Int, column: Int, value: Scalar)]) throws(DescentError) {
        try Self.checkShape(rows: rows, columns: columns)
        var counts = [Int](repeating: 0, count: rows + 1)
        for (k, t) in triplets.enumerated() {
            guard (0..<rows).contains(t.row), (0..<columns).contains(t.column) else {
                throw .invalidOption(name: "triplets", value: "entry \(k) at (\(t.row), \(t.column))",
                                     expected: "positions inside the \(rows) × \(columns) shape (zero-based)")
            }
            counts[t.row + 1] += 1
        }
        for i in 0..<rows { counts[i + 1] += counts[i] }
        var order = [Int](repeating: 0, count: triplets.count)
        var next = counts
        for (k, t) in triplets.enumerated() {
            order[next[t.row]] = k
            next[t.row] += 1
        }
        var offsets = [0], indices = [Int](), sums = [Scalar]()
        indices.reserveCapacity(triplets.count)
        sums.reserveCapacity(triplets.count)
        for i in 0..<rows {
            let row = order[counts[i]..<counts[i + 1]].sorted { triplets[$0].column < triplets[$1].column }
            for k in row {
                let t = triplets[k]
                if let last = indices.last, indices.count > offsets[i], last == t.column {
                    sums[sums.count - 1] += t.value
                } else {
                    indices.append(t.column)
                    sums.append(t.value)
                }
            }
            offsets.append(indices.count)
        }
        try self.init(rows: rows, columns: columns, rowOffsets: offsets, columnIndices: indices, values: sums)
    }

    /// The non-zeros of a dense matrix (exact zeros are not stored).
    ///
    /// - Parameter dense: The matrix.
    /// - Throws: ``DescentError/nonFiniteValue(at:)`` for NaN or ±∞.
    /// - Complexity: O(rows × columns).
    public init(_ dense: Matrix<Scalar>) throws(DescentError) {
        try Validation.checkFinite(dense)
        var offsets = [0], indices = [Int](), values = [Scalar]()
        dense.forEachRow { _, row in
            for j in 0..<dense.columns where row[j] != 0 {
                indices.append(j)
                values.append(row[j])
            }
            offsets.append(indices.count)
        }
        self.init(unchecked: dense.rows, columns: dense.columns, rowOffsets: offsets, columnIndices: indices, values: values)
    }

    /// The matrix with every zero written out.
    ///
    /// - Throws: ``DescentError/insufficientMemory(needed:available:what:remedies:)`` when
    ///   `rows × columns` values do not fit in memory.
    /// - Complexity: O(rows × columns) memory and time.
    public func dense() throws(DescentError) -> Matrix<Scalar> {
        let count = rows.multipliedReportingOverflow(by: columns)
        guard !count.overflow else { throw .invalidMatrixShape(rows: rows, columns: columns, elementCount: Int.max) }
        try MemoryBudget.reserve(MemoryBudget.bytes(count.partialValue, of: Scalar.self),
                                 for: "a dense copy of a \(rows) × \(columns) sparse matrix", remedies: [])
        var elements = [Scalar](repeating: 0, count: count.partialValue)
        for i in 0..<rows {
            for k in rowOffsets[i]..<rowOffsets[i + 1] { elements[i * columns + columnIndices[k]] = values[k] }
        }
        return Matrix(rows: rows, columns: columns, validElements: elements)
    }

    /// Rows `range` as a matrix of their own (the same columns).
    ///
    /// - Throws: ``DescentError/invalidOption(name:value:expected:)`` for a range outside `0..<rows`.
    /// - Complexity: O(nnz of the rows).
    public func rows(_ range: Range<Int>) throws(DescentError) -> SparseMatrix {
        guard range.lowerBound >= 0, range.upperBound <= rows else {
            throw .invalidOption(name: "rows", value: "\(range)", expected: "a range inside 0..<\(rows)")
        }
        let first = rowOffsets[range.lowerBound], last = rowOffsets[range.upperBound]
        return SparseMatrix(unchecked: range.count, columns: columns,
                            rowOffsets: rowOffsets[range.lowerBound...range.upperBound].map { $0 - first },
                            columnIndices: Array(columnIndices[first..<last]), values: Array(values[first..<last]))
    }

    /// `X·v`: one value per row.
    ///
    /// - Parameter vector: `columns` values.
    /// - Throws: ``DescentError/weightCountMismatch(weights:features:)`` when `vector` does not
    ///   have `columns` values.
    /// - Complexity: O(nnz).
    @specialized(where Scalar == Float)
    @specialized(where Scalar == Double)
    public func multiply(_ vector: [Scalar]) throws(DescentError) -> [Scalar] {
        guard vector.count == columns else { throw .weightCountMismatch(weights: vector.count, features: columns) }
        return (0..<rows).map { i in
            var sum = Scalar.zero
            for k in rowOffsets[i]..<rowOffsets[i + 1] { sum += values[k] * vector[columnIndices[k]] }
            return sum
        }
    }

    /// `Xᵀ·u`: one value per column.
    ///
    /// - Parameter vector: `rows` values.
    /// - Throws: ``DescentError/targetCountMismatch(rows:targets:)`` when `vector` does not have
    ///   `rows` values.
    /// - Complexity: O(nnz + columns).
    public func transposeMultiply(_ vector: [Scalar]) throws(DescentError) -> [Scalar] {
        guard vector.count == rows else { throw .targetCountMismatch(rows: rows, targets: vector.count) }
        var out = [Scalar](repeating: 0, count: columns)
        for i in 0..<rows where vector[i] != 0 {
            for k in rowOffsets[i]..<rowOffsets[i + 1] { out[columnIndices[k]] += values[k] * vector[i] }
        }
        return out
    }

    /// `X·B` for a dense `columns × k` matrix `B`: a dense `rows × k` matrix.
    ///
    /// - Throws: ``DescentError/invalidOption(name:value:expected:)`` when `B` does not have
    ///   `columns` rows.
    /// - Complexity: O(nnz·k).
    public func multiply(_ dense: Matrix<Scalar>) throws(DescentError) -> Matrix<Scalar> {
        guard dense.rows == columns else {
            throw .invalidOption(name: "multiply", value: "a \(dense.rows) × \(dense.columns) matrix",
                                 expected: "a matrix of \(columns) rows (one per column of the sparse matrix)")
        }
        let k = dense.columns
        var out = [Scalar](repeating: 0, count: rows * k)
        dense.withUnsafeBufferPointer { b in
            for i in 0..<rows {
                for p in rowOffsets[i]..<rowOffsets[i + 1] {
                    let value = values[p], row = columnIndices[p] * k
                    for c in 0..<k { out[i * k + c] += value * b[row + c] }
                }
            }
        }
        return Matrix(rows: rows, columns: k, validElements: out)
    }

    static func checkShape(rows: Int, columns: Int) throws(DescentError) {
        guard rows >= 0, columns >= 0 else { throw .invalidMatrixShape(rows: rows, columns: columns, elementCount: 0) }
    }

    static func check(rows: Int, columns: Int, rowOffsets: [Int], columnIndices: [Int], values: [Scalar]) throws(DescentError) {
        try checkShape(rows: rows, columns: columns)
        guard rowOffsets.count == rows + 1 else {
            throw .invalidOption(name: "rowOffsets", value: "\(rowOffsets.count) offsets",
                                 expected: "rows + 1 = \(rows + 1) offsets")
        }
        guard columnIndices.count == values.count else {
            throw .invalidOption(name: "columnIndices", value: "\(columnIndices.count) indices for \(values.count) values",
                                 expected: "one column index per value")
        }
        guard rowOffsets[0] == 0, rowOffsets[rows] == values.count else {
            throw .invalidOption(name: "rowOffsets", value: "from \(rowOffsets[0]) to \(rowOffsets[rows])",
                                 expected: "offsets from 0 to the number of values, \(values.count)")
        }
        for i in 0..<rows {
            let start = rowOffsets[i], end = rowOffsets[i + 1]
            guard start <= end else {
                throw .invalidOption(name: "rowOffsets", value: "\(start) then \(end) at row \(i)",
                                     expected: "non-decreasing offsets")
            }
            var previous = -1
            for k in start..<end {
                let j = columnIndices[k]
                guard j >= 0, j < columns else {
                    throw .invalidOption(name: "columnIndices", value: "\(j) at row \(i) (entry \(k))",
                                         expected: "column indices in 0..<\(columns) (zero-based)")
                }
                guard j > previous else {
                    throw .invalidOption(name: "columnIndices", value: "\(j) after \(previous) at row \(i) (entry \(k))",
                                         expected: "strictly increasing columns within a row (sorted, no duplicates)")
                }
                guard values[k].isFinite else { throw .nonFiniteValue(at: .features(row: i, column: j)) }
                previous = j
            }
        }
    }
}

extension LinearModel {
    /// Predictions `ŷ = Xw + b` for every row of a sparse matrix, in `O(nnz)`.
    ///
    /// - Throws: ``DescentError/weightCountMismatch(weights:features:)`` if the widths differ,
    ///   ``DescentError/nonFiniteValue(at:)`` for a non-finite weight or bias.
    @specialized(where Scalar == Float)
    @specialized(where Scalar == Double)
    public func predict(_ features: SparseMatrix<Scalar>) throws(DescentError) -> [Scalar] {
        try checkWidth(features.columns)
        try checkFinite()
        return try features.multiply(weights).map { $0 + bias }
    }
}
