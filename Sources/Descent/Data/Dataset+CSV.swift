#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension Dataset {
    /// Reads a numeric CSV file: the column named `target` becomes the targets, and the other
    /// columns (or those named in `features`) the features, with the header's names.
    ///
    /// Cells are read as Swift's `Double(_:)` reads numbers (correctly rounded), then rounded to
    /// `Scalar`. See ``CSVOptions`` for headers, delimiters and rows with missing cells.
    ///
    /// - Parameters:
    ///   - path: The file's path.
    ///   - target: The name of the column to predict.
    ///   - features: The names of the feature columns, in order; `nil` for every other column.
    ///   - options: Header, delimiter, and whether to drop rows with missing or non-numeric cells.
    /// - Throws: ``DescentError/fileNotReadable(path:reason:)``, ``DescentError/invalidCSV(path:line:column:reason:)``
    ///   naming the line and column (1-based) of a bad cell, ``DescentError/unknownColumn(name:available:)``.
    @specialized(where Scalar == Float)
    @specialized(where Scalar == Double)
    public init(csvFile path: String, target: String, features: [String]? = nil,
                options: CSVOptions = CSVOptions()) throws(DescentError) {
        var table = try CSVReader.read(path: path, options: options)
        guard let targetColumn = table.columnNames.firstIndex(of: target) else {
            throw .unknownColumn(name: target, available: table.columnNames)
        }
        if table.rows == 0, table.droppedRows > 0 {
            throw .invalidFile(path: path, format: "numeric CSV", reason: "every one of its \(table.droppedRows) data rows was "
                                   + "dropped (CSVOptions.dropInvalidRows) for an empty, non-numeric or non-finite cell or the "
                                   + "wrong number of cells; if a column holds text, leave it out or model it with a Formula "
                                   + "on a Table")
        }
        let chosen = try Self.columns(features, in: table, excluding: targetColumn)
        let targets: [Scalar] = table.selecting([targetColumn])
        let rows = table.rows, names = chosen.map { table.columnNames[$0] }
        try self.init(features: Matrix(rows: rows, columns: chosen.count, validElements: table.taking(chosen)),
                      targets: targets, featureNames: names, targetName: target)
        droppedRows = table.droppedRows
    }

    /// Reads a numeric CSV file; see ``init(csvFile:target:features:options:)-(String,_,_,_)``.
    ///
    /// - Parameters:
    ///   - url: The file's URL.
    ///   - target: The name of the column to predict.
    ///   - features: The names of the feature columns; `nil` for every other column.
    ///   - options: How to read the file.
    /// - Throws: as ``init(csvFile:target:features:options:)-(String,_,_,_)``.
    public init(csvFile url: URL, target: String, features: [String]? = nil,
                options: CSVOptions = CSVOptions()) throws(DescentError) {
        try self.init(csvFile: url.path, target: target, features: features, options: options)
    }

    /// The indices of the named columns, or of every column but `excluded`.
    static func columns(_ names: [String]?, in table: CSVTable, excluding excluded: Int?) throws(DescentError) -> [Int] {
        guard let names else { return (0..<table.columns).filter { $0 != excluded } }
        return try names.map { (name) throws(DescentError) -> Int in
            guard let index = table.columnNames.firstIndex(of: name) else {
                throw .unknownColumn(name: name, available: table.columnNames)
            }
            return index
        }
    }
}

extension Matrix {
    /// Reads the numeric columns of a CSV file into a matrix: all of them, or those named.
    ///
    /// - Parameters:
    ///   - path: The file's path.
    ///   - columns: The names of the columns to read, in order; `nil` for all.
    ///   - options: Header, delimiter, and whether to drop rows with missing or non-numeric cells.
    /// - Throws: as ``Dataset/init(csvFile:target:features:options:)-(String,_,_,_)``.
    @specialized(where Scalar == Float)
    @specialized(where Scalar == Double)
    public init(csvFile path: String, columns: [String]? = nil, options: CSVOptions = CSVOptions()) throws(DescentError) {
        var table = try CSVReader.read(path: path, options: options)
        let chosen = try Dataset<Scalar>.columns(columns, in: table, excluding: nil)
        self.init(rows: table.rows, columns: chosen.count, validElements: table.taking(chosen))
    }
}

extension CSVTable {
    /// The given columns of every row, row-major, in the caller's precision, leaving ``values``
    /// empty. In `Double` with the columns in increasing order, the cells move within ``values``
    /// itself (no second array: one fewer pass over fresh pages); otherwise as ``selecting(_:as:)``.
    ///
    /// - Complexity: O(rows × columns); O(1) extra memory in `Double` with increasing columns.
    mutating func taking<S: BLASScalar>(_ columns: [Int], as _: S.Type = S.self) -> [S] {
        guard S.self == Double.self, zip(columns, columns.dropFirst()).allSatisfy({ $0 < $1 }) else {
            defer { values = [] }
            return selecting(columns)
        }
        var cells = values
        values = []
        let width = columns.count, stride = self.columns, rows = self.rows
        if columns != Array(0..<stride) {
            // Row i's cell k goes to i·width + k ≤ i·stride + columns[k], where it came from: every
            // cell is read before anything is written over it.
            cells.withUnsafeMutableBufferPointer { cells in
                columns.withUnsafeBufferPointer { columns in
                    let base = cells.baseAddress!
                    for i in 0..<rows {
                        let from = base + i * stride, to = base + i * width
                        for k in 0..<width { to[k] = from[columns[k]] }
                    }
                }
            }
            cells.removeLast(cells.count - rows * width)
        }
        return unsafeBitCast(cells, to: [S].self)
    }

    /// The given columns of every row, row-major, in the caller's precision: one pass over the
    /// cells on pointers, with no intermediate `[Double]` copy.
    func selecting<S: BLASScalar>(_ columns: [Int], as _: S.Type = S.self) -> [S] {
        let width = columns.count, stride = self.columns
        return [S](largeUninitializedCapacity: rows * width) { out, initialized in
            values.withUnsafeBufferPointer { cells in
                columns.withUnsafeBufferPointer { columns in
                    for i in 0..<rows {
                        let row = cells.baseAddress! + i * stride, target = out.baseAddress! + i * width
                        for (k, j) in columns.enumerated() { target[k] = S(row[j]) }
                    }
                }
            }
            initialized = rows * width
        }
    }
}
