#if canImport(Glibc)
import Glibc
#endif

/// What ``StreamingDataset/convertCSV(_:features:targets:target:featureColumns:options:)`` wrote.
public struct CSVConversionSummary: Sendable, Equatable {
    /// The rows written.
    public let rows: Int
    /// The names of the feature columns, in the order written (the `.npy` files do not keep them).
    public let featureNames: [String]
    /// The target column's name.
    public let targetName: String
    /// Rows skipped because a cell was missing or not a number (only with
    /// ``CSVOptions/dropInvalidRows``).
    public let droppedRows: Int
}

extension StreamingDataset {
    /// Converts a numeric CSV file into a features `.npy` file and a targets `.npy` file in one
    /// streaming pass, so a CSV file larger than memory can be streamed with
    /// ``init(npyFeatures:targets:chunkBytes:allowPrecisionLoss:mapped:)-(String,_,_,_,_)``.
    ///
    /// The CSV file is read in blocks (1 MiB, grown only for a record longer than a block) with the
    /// same parser as ``Dataset/init(csvFile:target:features:options:)-(String,_,_,_)``, so cells,
    /// quotes, blank lines, errors and ``CSVOptions`` behave as there; memory stays a few MiB
    /// whatever the file's size. The files hold `Scalar`s (`<f8` for `Double`, `<f4` for `Float`):
    /// features `rows × features` in C order, targets 1-D. Each is written under a temporary name
    /// in its folder and renamed when both are complete, so on any error (a bad cell, a full disk)
    /// neither final name holds a partial file.
    ///
    /// ```swift
    /// let summary = try StreamingDataset<Double>.convertCSV("data.csv", features: "X.npy", targets: "y.npy", target: "price")
    /// var stream = try StreamingDataset<Double>(npyFeatures: "X.npy", targets: "y.npy")
    /// stream.featureNames = summary.featureNames
    /// ```
    ///
    /// - Parameters:
    ///   - csvPath: The CSV file.
    ///   - features: The features file to write; an existing file is replaced.
    ///   - targets: The targets file to write; an existing file is replaced.
    ///   - target: The name of the column to predict.
    ///   - featureColumns: The feature columns' names, in order; `nil` for every other column.
    ///   - options: Header, delimiter, and whether to drop rows with missing or non-numeric cells.
    /// - Returns: The rows written, the feature and target names, and the rows dropped.
    /// - Throws: ``DescentError/fileNotReadable(path:reason:)``, ``DescentError/invalidFile(path:format:reason:)``
    ///   (an empty file) and ``DescentError/invalidCSV(path:line:column:reason:)`` as the CSV
    ///   reader does; ``DescentError/unknownColumn(name:available:)``;
    ///   ``DescentError/fileNotWritable(path:reason:)`` when an output cannot be written (no
    ///   folder, no permission, a full disk), with nothing left under either output name.
    /// - Complexity: O(file size) time, one pass; O(block + columns) memory.
    @discardableResult
    public static func convertCSV(_ csvPath: String, features: String, targets: String, target: String,
                                  featureColumns: [String]? = nil,
                                  options: CSVOptions = CSVOptions()) throws(DescentError) -> CSVConversionSummary {
        try CSVConversion<Scalar>.run(csvPath, features: features, targets: targets, target: target,
                                      featureColumns: featureColumns, options: options, blockBytes: 1 << 20)
    }
}

/// The streaming pass beneath ``StreamingDataset/convertCSV(_:features:targets:target:featureColumns:options:)``:
/// a block of the file in a buffer, scanned record by record; the incomplete record at a block's
/// end is moved to the buffer's start and completed by the next read.
enum CSVConversion<Scalar: BLASScalar> {
    /// The bytes of the CSV file not yet scanned, read `capacity` at a time.
    struct Block: ~Copyable {
        let fd: Int32
        let path: String
        var capacity: Int
        var buffer: UnsafeMutablePointer<UInt8>
        /// Bytes in `buffer`; `start` is the first not yet scanned.
        var filled = 0
        var start = 0
        var fileOffset = 0
        var atEnd = false

        init(fd: Int32, path: String, capacity: Int) {
            self.fd = fd
            self.path = path
            self.capacity = capacity
            buffer = .allocate(capacity: capacity)
        }

        deinit { buffer.deallocate() }

        /// Moves the unscanned bytes to the front, grows the buffer if they fill it, and reads more.
        mutating func refill() throws(DescentError) {
            if start > 0 {
                memmove(buffer, buffer + start, filled - start)
                filled -= start
                start = 0
            }
            if filled == capacity {
                let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
                grown.update(from: buffer, count: filled)
                buffer.deallocate()
                buffer = grown
                capacity *= 2
            }
            let wanted = capacity - filled
            let got = try FileIO.read(fd, into: buffer + filled, count: wanted, offset: fileOffset, path: path)
            filled += got
            fileOffset += got
            atEnd = got < wanted
        }
    }

    static func run(_ csvPath: String, features: String, targets: String, target: String, featureColumns: [String]?,
                    options: CSVOptions, blockBytes: Int) throws(DescentError) -> CSVConversionSummary {
        let delimiter = try options.delimiterByte()
        let (fd, size) = try FileIO.openForReading(csvPath)
        defer { close(fd) }
        guard size > 0 else { throw .invalidFile(path: csvPath, format: "CSV", reason: "the file is empty") }
        var block = Block(fd: fd, path: csvPath, capacity: Swift.max(blockBytes, 16))
        let widthSource = options.hasHeader ? "the header" : "the first row"

        // The header (or the first record's width), reading more until it is complete.
        try block.refill()
        if block.filled >= 3, block.buffer[0] == 0xEF, block.buffer[1] == 0xBB, block.buffer[2] == 0xBF { block.start = 3 }
        var names: [String]?
        var line = 1
        while true {
            var scanner = CSVScanner(start: block.buffer + block.start, end: block.buffer + block.filled, isFinal: block.atEnd,
                                     delimiter: delimiter, line: 1, widthSource: widthSource)
            do throws(CSVScanStop) {
                if options.hasHeader {
                    names = try scanner.readNames()
                } else {
                    try scanner.skipBlankLines()
                    if scanner.position < scanner.end { names = try (1...scanner.countCells()).map { "column \($0)" } }
                    // The first record is data: scanning starts again at it.
                }
                block.start = scanner.position - UnsafePointer(block.buffer)
                line = scanner.line
                break
            } catch .needMore {
                try block.refill()
            } catch {
                throw CSVReader.describe(error, path: csvPath)
            }
        }
        guard let names else {
            throw .invalidFile(path: csvPath, format: "CSV", reason: "it holds nothing but blank lines")
        }
        guard let targetColumn = names.firstIndex(of: target) else { throw .unknownColumn(name: target, available: names) }
        let chosen = try featureColumns.map { (wanted) throws(DescentError) -> [Int] in
            try wanted.map { (name) throws(DescentError) -> Int in
                guard let index = names.firstIndex(of: name) else { throw .unknownColumn(name: name, available: names) }
                return index
            }
        } ?? names.indices.filter { $0 != targetColumn }

        let x = try NPYStreamWriter<Scalar>(path: features, columns: chosen.count)
        let y: NPYStreamWriter<Scalar>
        do throws(DescentError) { y = try NPYStreamWriter<Scalar>(path: targets, columns: nil) } catch {
            x.discard()
            throw error
        }
        do throws(DescentError) {
            let columns = names.count
            var dropped = 0
            var values = [Double]()
            while true {
                // A row of c cells takes at least 2c − 1 bytes: this many rows fit in the bytes at hand.
                let capacity = (block.filled - block.start) / (2 * columns) + 1
                if values.count < capacity * columns { values = [Double](repeating: 0, count: capacity * columns) }
                var scanner = CSVScanner(start: block.buffer + block.start, end: block.buffer + block.filled,
                                         isFinal: block.atEnd, delimiter: delimiter, line: line, widthSource: widthSource)
                var rows = 0
                let stop = values.withUnsafeMutableBufferPointer { output -> CSVScanStop? in
                    do throws(CSVScanStop) {
                        try scanner.readRows(columns: columns, into: CSVRowMajor(base: output.baseAddress!, width: columns),
                                             capacity: capacity, rows: &rows,
                                             dropped: &dropped, dropInvalid: options.dropInvalidRows)
                    } catch { return error }
                    return nil
                }
                if let stop, stop != .needMore { throw CSVReader.describe(stop, path: csvPath) }
                for r in 0..<rows {
                    for j in chosen { try x.append(Scalar(values[r * columns + j])) }
                    x.endRow()
                    try y.append(Scalar(values[r * columns + targetColumn]))
                    y.endRow()
                }
                block.start = scanner.position - UnsafePointer(block.buffer)
                line = scanner.line
                if block.atEnd, stop == nil { break }
                try block.refill()
            }
            try x.finish()
            try y.finish()
            try x.commit()
            do throws(DescentError) { try y.commit() } catch {
                unlink(features)  // the pair is incomplete: leave neither
                throw error
            }
            return CSVConversionSummary(rows: x.rows, featureNames: chosen.map { names[$0] }, targetName: target,
                                        droppedRows: dropped)
        } catch {
            x.discard()
            y.discard()
            throw error
        }
    }
}
