#if canImport(Glibc)
import Glibc
#endif

/// Where a CSV reader writes its rows' numbers: one buffer, row after row (a matrix's values,
/// ``CSVRowMajor``), or one buffer per column (a table's columns, ``CSVColumnStore``). The scanner
/// writes each row's cells through ``row(_:)``; the reader moves rows down over the gaps that blank
/// lines and dropped rows leave between runs of lines.
protocol CSVRowStore: SendableMetatype {
    associatedtype Row: CSVRowCells
    /// Row `i` (zero-based from this store's first row).
    func row(_ i: Int) -> Row
    /// This store from its row `rows` on.
    func advanced(by rows: Int) -> Self
    /// Moves `count` rows from row `from` down to row `to` (`to ≤ from`; the two may overlap).
    func moveRows(from: Int, to: Int, count: Int)
}

/// One row's cells, written by column.
protocol CSVRowCells: SendableMetatype {
    /// Writes `value` as the row's cell in column `column` (zero-based).
    func store(_ value: Double, at column: Int)
}

/// A row-major buffer: row `i`'s cell `j` at `base[i * width + j]`.
struct CSVRowMajor: CSVRowStore {
    let base: UnsafeMutablePointer<Double>
    let width: Int

    @inline(__always) func row(_ i: Int) -> UnsafeMutablePointer<Double> { base + i * width }

    func advanced(by rows: Int) -> CSVRowMajor { CSVRowMajor(base: base + rows * width, width: width) }

    func moveRows(from: Int, to: Int, count: Int) {
        guard from != to, count > 0 else { return }
        memmove(base + to * width, base + from * width, count * width * MemoryLayout<Double>.stride)
    }
}

extension UnsafeMutablePointer: CSVRowCells where Pointee == Double {
    @inline(__always) func store(_ value: Double, at column: Int) { self[column] = value }
}

/// One buffer per column: row `i`'s cell `j` at `columns[j][first + i]`, so a reader's rows go
/// straight into the arrays a table keeps (no row-major buffer, no copy).
struct CSVColumnStore: CSVRowStore {
    /// The columns' first elements.
    let columns: UnsafePointer<UnsafeMutablePointer<Double>>
    let width: Int
    /// The row of each column this store's row 0 is.
    let first: Int

    /// Row `row` of the columns.
    struct Row: CSVRowCells {
        let columns: UnsafePointer<UnsafeMutablePointer<Double>>
        let row: Int

        @inline(__always) func store(_ value: Double, at column: Int) { columns[column][row] = value }
    }

    @inline(__always) func row(_ i: Int) -> Row { Row(columns: columns, row: first + i) }

    func advanced(by rows: Int) -> CSVColumnStore { CSVColumnStore(columns: columns, width: width, first: first + rows) }

    func moveRows(from: Int, to: Int, count: Int) {
        guard from != to, count > 0 else { return }
        for j in 0..<width {
            memmove(columns[j] + first + to, columns[j] + first + from, count * MemoryLayout<Double>.stride)
        }
    }
}

/// What a read returns: the rows' numbers in a layout with its ``CSVRowStore``, made with room for
/// the rows a read expects and filled in place.
protocol CSVRowBuffers {
    associatedtype Store: CSVRowStore
    /// New buffers with room for `capacity` rows of `width` cells (uninitialized; at least one row),
    /// handed to `fill` as a store, which returns how many rows (from the first) it wrote.
    static func make(capacity: Int, width: Int, _ fill: (Store) -> Int) -> Self
    /// Copies the first `rows` rows into `store`.
    func copy(rows: Int, into store: Store)
}

/// The numbers row after row, as ``CSVTable`` holds them.
struct CSVRowMajorValues: CSVRowBuffers {
    var values: [Double]

    static func make(capacity: Int, width: Int, _ fill: (CSVRowMajor) -> Int) -> CSVRowMajorValues {
        // At least one element: with none, the array would be the shared empty storage, whose
        // count the initialiser still writes (ThreadSanitizer saw two reads race on it).
        CSVRowMajorValues(values: [Double](largeUninitializedCapacity: Swift.max(1, capacity * width)) { buffer, initialized in
            initialized = fill(CSVRowMajor(base: buffer.baseAddress!, width: width)) * width
        })
    }

    func copy(rows: Int, into store: CSVRowMajor) {
        values.withUnsafeBufferPointer { done in
            if let from = done.baseAddress { store.base.update(from: from, count: rows * store.width) }
        }
    }
}

/// The numbers column by column, one array each, as ``Table`` keeps them.
struct CSVColumnValues: CSVRowBuffers {
    var columns: [[Double]]

    /// The most columns read straight into their arrays: each array is made inside the one before
    /// (``CSVReader/withNewColumns(_:capacity:_:)``), so this bounds the stack that nesting takes.
    static let maxColumns = 256

    static func make(capacity: Int, width: Int, _ fill: (CSVColumnStore) -> Int) -> CSVColumnValues {
        CSVColumnValues(columns: CSVReader.withNewColumns(width, capacity: capacity) { targets in
            targets.withUnsafeBufferPointer { targets in
                // (No column, no cell is written: any address serves.)
                let columns = targets.baseAddress ?? UnsafePointer(bitPattern: MemoryLayout<UnsafeMutablePointer<Double>>.alignment)!
                return fill(CSVColumnStore(columns: columns, width: width, first: 0))
            }
        })
    }

    func copy(rows: Int, into store: CSVColumnStore) {
        for j in columns.indices {
            columns[j].withUnsafeBufferPointer { done in
                if let from = done.baseAddress { (store.columns[j] + store.first).update(from: from, count: rows) }
            }
        }
    }
}

extension CSVReader {
    /// `count` new arrays of room for `capacity` numbers each, handed all at once to `fill`
    /// (uninitialized), which returns how many elements (from the first) it set in every one.
    static func withNewColumns(_ count: Int, capacity: Int,
                               _ fill: ([UnsafeMutablePointer<Double>]) -> Int) -> [[Double]] {
        var targets = [UnsafeMutablePointer<Double>](), made = [[Double]]()
        targets.reserveCapacity(count)
        var rows = 0
        // Each array's initializer makes the next inside itself; the innermost calls `fill`.
        func make(_ k: Int) {
            guard k < count else {
                rows = fill(targets)
                return
            }
            // At least one element (see ``CSVRowMajorValues``: never the shared empty storage).
            let column = [Double](largeUninitializedCapacity: Swift.max(1, capacity)) { column, initialized in
                targets.append(column.baseAddress!)
                make(k + 1)
                initialized = rows
            }
            made.append(column)
        }
        make(0)
        return made.reversed()
    }
}
