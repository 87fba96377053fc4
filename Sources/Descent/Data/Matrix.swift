/// A dense, row-major matrix of `Float` or `Double`, stored contiguously.
///
/// Row `i` occupies elements `i·columns ..< (i+1)·columns`. Building a matrix from an array
/// takes that array without copying it again; nothing in Descent copies a `Matrix` to train.
/// A matrix read from a `.npy` file whose layout matches is a read-only memory map of the file
/// (``isMemoryMapped``): it costs no copy until an element is assigned.
public struct Matrix<Scalar: BLASScalar>: Sendable, Equatable {
    /// The number of rows (samples).
    public let rows: Int
    /// The number of columns (features).
    public let columns: Int
    /// The elements, unless they are mapped.
    @usableFromInline
    internal var _storage: [Scalar]
    /// The elements when they live in a memory-mapped file.
    @usableFromInline
    internal var _mapped: _MappedElements<Scalar>?

    /// Creates a matrix from its elements in row-major order.
    ///
    /// - Parameters:
    ///   - rows: The number of rows, ≥ 0.
    ///   - columns: The number of columns, ≥ 0.
    ///   - elements: `rows × columns` values, row by row.
    /// - Throws: ``DescentError/invalidMatrixShape(rows:columns:elementCount:)`` when a dimension is
    ///   negative or the element count is not `rows × columns`. Values are not checked here; fitting
    ///   and solving reject NaN and ±∞.
    /// - Complexity: O(1); the array is adopted, not copied.
    @inlinable
    public init(rows: Int, columns: Int, elements: [Scalar]) throws(DescentError) {
        guard rows >= 0, columns >= 0,
              case (let product, false) = rows.multipliedReportingOverflow(by: columns),
              product == elements.count
        else { throw .invalidMatrixShape(rows: rows, columns: columns, elementCount: elements.count) }
        self.rows = rows
        self.columns = columns
        self._storage = elements
        self._mapped = nil
    }

    /// Creates a matrix whose `rows × columns` elements `body` writes in place, in row-major order,
    /// into the buffer it is given: nothing is built first and copied.
    ///
    /// A matrix of 4 MiB or more is placed on 2 MiB pages where Linux allows (transparent huge
    /// pages, asked for before the first write), so that passes over it walk 512 times fewer
    /// pages: the way to build a large matrix to train on. An array handed to
    /// ``init(rows:columns:elements:)`` keeps the pages it was written on. Descent's own readers
    /// (`.npy`, CSV, tables) place their matrices the same way.
    ///
    /// - Parameters:
    ///   - rows: The number of rows, ≥ 0.
    ///   - columns: The number of columns, ≥ 0.
    ///   - body: Writes every element of the uninitialised buffer (`rows × columns` long); an
    ///     element it leaves unwritten has no specified value.
    /// - Throws: ``DescentError/invalidMatrixShape(rows:columns:elementCount:)`` when a dimension is
    ///   negative or their product overflows.
    /// - Complexity: O(rows × columns), in `body`.
    public init(rows: Int, columns: Int,
                initializingWith body: (UnsafeMutableBufferPointer<Scalar>) -> Void) throws(DescentError) {
        guard rows >= 0, columns >= 0, case (_, false) = rows.multipliedReportingOverflow(by: columns) else {
            throw .invalidMatrixShape(rows: rows, columns: columns, elementCount: 0)
        }
        self.init(rows: rows, columns: columns, validInitializingWith: body)
    }

    /// ``init(rows:columns:initializingWith:)`` for a shape known to be valid.
    init(rows: Int, columns: Int, validInitializingWith body: (UnsafeMutableBufferPointer<Scalar>) -> Void) {
        let count = rows * columns
        self.init(rows: rows, columns: columns, validElements: [Scalar](largeUninitializedCapacity: count) { buffer, initialized in
            body(buffer)
            initialized = count
        })
    }

    /// A matrix over `rows × columns` elements already in memory that a mapped file keeps alive.
    init(rows: Int, columns: Int, mapped: _MappedElements<Scalar>) {
        self.rows = rows
        self.columns = columns
        _storage = []
        _mapped = mapped
    }

    /// Whether the elements are a memory map of a file (no copy in memory); assigning an element
    /// copies them into memory first.
    public var isMemoryMapped: Bool { _mapped != nil }

    /// Two matrices are equal when their shapes and elements are.
    public static func == (lhs: Matrix, rhs: Matrix) -> Bool {
        lhs.rows == rhs.rows && lhs.columns == rhs.columns
            && lhs.withUnsafeBufferPointer { a in rhs.withUnsafeBufferPointer { b in a.elementsEqual(b) } }
    }

    /// Creates a matrix from an array of rows, each with the same number of columns.
    ///
    /// - Throws: ``DescentError/invalidMatrixShape(rows:columns:elementCount:)`` when rows differ in length.
    /// - Complexity: O(rows × columns).
    public init(_ rowArrays: [[Scalar]]) throws(DescentError) {
        let columns = rowArrays.first?.count ?? 0
        var elements = [Scalar]()
        elements.reserveCapacity(rowArrays.count * columns)
        for row in rowArrays {
            guard row.count == columns else {
                throw .invalidMatrixShape(rows: rowArrays.count, columns: columns,
                                          elementCount: rowArrays.reduce(0) { $0 + $1.count })
            }
            elements.append(contentsOf: row)
        }
        try self.init(rows: rowArrays.count, columns: columns, elements: elements)
    }

    /// Creates a matrix filled by calling `value(row, column)` for every element, row by row.
    ///
    /// - Parameters:
    ///   - rows: The number of rows, ≥ 0.
    ///   - columns: The number of columns, ≥ 0.
    ///   - value: The element at a (zero-based) row and column.
    /// - Throws: ``DescentError/invalidMatrixShape(rows:columns:elementCount:)`` for a negative dimension.
    /// - Complexity: O(rows × columns).
    @inlinable
    public init(rows: Int, columns: Int, _ value: (_ row: Int, _ column: Int) -> Scalar) throws(DescentError) {
        try self.init(rows: rows, columns: columns, initializingWith: { elements in
            for i in 0..<rows { for j in 0..<columns { elements[i * columns + j] = value(i, j) } }
        })
    }

    /// The elements in row-major order (a copy when the matrix is memory-mapped).
    @inlinable
    public var elements: [Scalar] {
        if let mapped = _mapped { return Array(mapped.buffer) }
        return _storage
    }

    /// The element at `row`, `column` (both zero-based; out-of-range indices trap, as for arrays).
    @inlinable
    public subscript(row: Int, column: Int) -> Scalar {
        get {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns, "Matrix index out of range")
            if let mapped = _mapped { return mapped.buffer[row * columns + column] }
            return _storage[row * columns + column]
        }
        set {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns, "Matrix index out of range")
            if let mapped = _mapped {
                _storage = Array(mapped.buffer)
                _mapped = nil
            }
            _storage[row * columns + column] = newValue
        }
    }

    /// Calls `body` with the row-major elements.
    @inlinable
    public func withUnsafeBufferPointer<R, E: Error>(
        _ body: (UnsafeBufferPointer<Scalar>) throws(E) -> R
    ) throws(E) -> R {
        if let mapped = _mapped { return try body(mapped.buffer) }
        let result: Result<R, E> = _storage.withUnsafeBufferPointer { buffer in
            do throws(E) { return .success(try body(buffer)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}

extension Matrix: CustomStringConvertible {
    /// A short summary, e.g. `Matrix<Double>(3 × 2)`.
    public var description: String { "Matrix<\(Scalar.self)>(\(rows) × \(columns))" }
}

/// Elements that live in a memory-mapped file, kept alive with it.
@usableFromInline
struct _MappedElements<Scalar: BLASScalar>: @unchecked Sendable {  // read-only memory
    let file: MappedFile
    @usableFromInline let buffer: UnsafeBufferPointer<Scalar>

    init(file: MappedFile, offset: Int, count: Int) {
        self.file = file
        buffer = UnsafeBufferPointer(start: (file.base + offset).assumingMemoryBound(to: Scalar.self), count: count)
    }
}
