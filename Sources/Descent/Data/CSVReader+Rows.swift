#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization

/// The data rows: split into runs of whole lines, taken in turn by the threads; sized from the line
/// ends; read window by window.
extension CSVReader {
    /// What one run of lines gave: rows kept and dropped, or where it stopped.
    struct PartResult {
        var rows = 0
        var dropped = 0
        var stop: CSVScanStop? = nil
    }

    /// Reads the data rows from `header`'s position to the end.
    ///
    /// Splits the bytes into runs of whole lines (up to ``Tuning/runsPerThread`` per thread, at
    /// most one per ``Tuning/bytesPerRun``), which the threads take in turn; counts each run's line
    /// ends and looks for quotes, in parallel; sizes the values from the line counts (a run cannot
    /// hold more rows than line ends, plus one); reads each run into its own stretch of the values,
    /// in parallel, or all on one thread if any quote was seen, since a quoted cell may hold line
    /// ends; then closes the gaps that blank lines and dropped rows left between stretches. The
    /// first problem in file order is thrown.
    ///
    /// With `text`, the columns it flags are read as positions (``TextColumns``), and any row that
    /// is not plain (blanks around a cell, an empty numeric cell, a quote anywhere in the data, the
    /// wrong width) throws ``TextColumns/offPlan``; `lineEnds` is then the number of line ends in the
    /// data (exact when it holds no CR), to tell whether every line was a row.
    static func readRows(after header: CSVScanner, columns: Int, dropInvalid: Bool, tuning: Tuning, path: String,
                         text: [Bool]? = nil) throws(DescentError) -> (values: [Double], rows: Int, dropped: Int, lineEnds: Int) {
        let dataStart = header.position, end = header.end
        let window = Swift.max(1, tuning.window), releasingPages = tuning.releasingPages
        var starts = [dataStart]
        let threads = Swift.max(1, tuning.threads)
        let runCount = Swift.min(threads * Swift.max(1, tuning.runsPerThread),
                                 (end - dataStart) / Swift.max(1, tuning.bytesPerRun))
        for k in 1..<Swift.max(runCount, 1) {
            let nominal = dataStart + (end - dataStart) / runCount * k
            guard let lineFeed = memchr(nominal, Int32(CSVScanner.lineFeed), end - nominal) else { break }
            let next = UnsafePointer(lineFeed.assumingMemoryBound(to: UInt8.self)) + 1
            if next < end, let last = starts.last, next > last { starts.append(next) }
        }
        let runs = starts.indices.map { k in (starts[k], k + 1 < starts.count ? starts[k + 1] : end) }
        var counts = [(lines: Int, quoted: Bool)](repeating: (0, false), count: runs.count)
        counts.withUnsafeMutableBufferPointer { counts in
            nonisolated(unsafe) let counts = counts, runs = runs
            inTurn(runs.count, threads: threads) { k in
                counts[k] = lineEnds(from: runs[k].0, to: runs[k].1, window: window, releasingPages: releasingPages)
            }
        }
        // A row of c cells takes at least 2c bytes (c digits, c − 1 delimiters, a line end).
        // Every run but the last ends just after a line feed, so each of its records ends in a line
        // end it holds: no more rows than line ends, and no gap to close after it (a memmove of the
        // rest of the values) when every line is a row. The last may end in a record without one.
        var capacities = zip(runs.indices, zip(runs, counts)).map { k, part in
            Swift.min(part.1.lines + (k == runs.count - 1 ? 1 : 0), (part.0.1 - part.0.0) / (2 * columns) + 1)
        }
        let quoted = counts.contains(where: \.quoted)
        if quoted, text != nil {
            throw describe(.problem(CSVProblem(line: header.line, column: 1, reason: TextColumns.offPlan)), path: path)
        }
        let parts = quoted ? [(dataStart, end)] : runs
        if quoted { capacities = [capacities.reduce(0, +)] }
        let capacity = capacities
        let offsets = capacity.indices.map { capacity[..<$0].reduce(0, +) }
        var results = [PartResult](repeating: PartResult(), count: parts.count)
        let isText = text ?? []
        let values = [Double](unsafeUninitializedCapacity: capacity.reduce(0, +) * columns) { buffer, initialized in
            guard let output = buffer.baseAddress else { return }
            adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
            results.withUnsafeMutableBufferPointer { results in isText.withUnsafeBufferPointer { isText in
                var planned = header
                if text != nil { planned.textColumns = TextColumns(isText: isText.baseAddress!, origin: dataStart) }
                nonisolated(unsafe) let results = results, parts = parts, header = planned, output = output
                inTurn(parts.count, threads: threads) { k in
                    // Every run starts at the start of a line; the first continues the header's count.
                    results[k] = readPart(from: parts[k].0, to: parts[k].1, line: k == 0 ? header.line : 1,
                                          like: header, columns: columns, into: output + offsets[k] * columns,
                                          capacity: capacity[k], dropInvalid: dropInvalid, window: window,
                                          releasingPages: releasingPages)
                }
            } }
            var rows = 0
            for k in results.indices {
                if rows != offsets[k] {
                    memmove(output + rows * columns, output + offsets[k] * columns,
                            results[k].rows * columns * MemoryLayout<Double>.stride)
                }
                rows += results[k].rows
            }
            initialized = rows * columns
        }
        if let k = results.firstIndex(where: { $0.stop != nil }), let stop = results[k].stop {
            // A later run counts lines from 1: add the lines before it.
            let offset = k == 0 ? 0 : header.line - 1 + exactLineEnds(from: dataStart, to: parts[k].0)
            throw describe(stop, path: path, lineOffset: offset)
        }
        return (values, results.reduce(0) { $0 + $1.rows }, results.reduce(0) { $0 + $1.dropped },
                counts.reduce(0) { $0 + $1.lines })
    }

    /// Calls `body` with each of `0..<count` once, on up to `threads` threads that each take the
    /// next index as they finish one (in increasing order overall), and returns when all are done.
    static func inTurn(_ count: Int, threads: Int, _ body: @Sendable (Int) -> Void) {
        let next = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: Swift.max(1, Swift.min(threads, count))) { _ in
            while case let k = next.add(1, ordering: .relaxed).oldValue, k < count { body(k) }
        }
    }

    /// Reads the rows of `start..<end` (whose first line is `line`) into `output`, `window` bytes
    /// at a time: a window that ends inside a record is read again from that record, grown if the
    /// record alone is longer than a window.
    static func readPart(from start: UnsafePointer<UInt8>, to end: UnsafePointer<UInt8>, line: Int,
                         like header: CSVScanner, columns: Int, into output: UnsafeMutablePointer<Double>,
                         capacity: Int, dropInvalid: Bool, window: Int, releasingPages: Bool) -> PartResult {
        var result = PartResult()
        var position = start, line = line
        var length = window
        var released = start
        while true {
            let windowEnd = end - position > length ? position + length : end
            var scanner = CSVScanner(start: position, end: windowEnd, isFinal: windowEnd == end,
                                     delimiter: header.delimiter, line: line, widthSource: header.widthSource)
            scanner.textColumns = header.textColumns
            do throws(CSVScanStop) {
                try scanner.readRows(columns: columns, into: output, capacity: capacity, rows: &result.rows,
                                     dropped: &result.dropped, dropInvalid: dropInvalid)
            } catch .needMore {
                // Read again from the incomplete record, below.
            } catch {
                result.stop = error
                return result
            }
            length = scanner.position > position ? window : length * 2
            position = scanner.position
            line = scanner.line
            if releasingPages { releasePages(&released, upTo: position) }
            if position == end { return result }
        }
    }

    /// Asks for transparent huge pages over the whole 2 MiB pages of a fresh buffer
    /// (`MADV_HUGEPAGE`, honoured where the kernel's setting is `madvise` or `always`): its first
    /// writes then fault 2 MiB at a time instead of 4 KiB, a few hundred faults for the values of a
    /// million rows instead of a hundred thousand. Nothing changes where the kernel says no.
    static func adviseHugePages(_ buffer: UnsafeMutableRawBufferPointer) {
        let huge = UInt(2 << 20)
        guard let base = buffer.baseAddress, buffer.count >= 2 * Int(huge) else { return }
        let from = (UInt(bitPattern: base) + huge - 1) & ~(huge - 1)
        let to = (UInt(bitPattern: base) + UInt(buffer.count)) & ~(huge - 1)
        guard to > from, let address = UnsafeMutableRawPointer(bitPattern: from) else { return }
        _ = madvise(address, Int(to - from), MADV_HUGEPAGE)
    }

    /// Hands the whole pages of a private, read-only file mapping from `released` up to `limit`
    /// back to the kernel (`MADV_DONTNEED`: they leave this process's resident memory; the file's
    /// bytes stay in the page cache and read the same if touched again).
    static func releasePages(_ released: inout UnsafePointer<UInt8>, upTo limit: UnsafePointer<UInt8>) {
        let page = UInt(sysconf(Int32(_SC_PAGESIZE)))
        let from = (UInt(bitPattern: released) + page - 1) & ~(page - 1)
        let to = UInt(bitPattern: limit) & ~(page - 1)
        guard to > from, let address = UnsafeMutableRawPointer(bitPattern: from) else { return }
        _ = madvise(address, Int(to - from), MADV_DONTNEED)
        released = limit
    }

    /// An upper bound on the line ends in `start..<end` (every LF and every CR), and whether a
    /// double quote occurs there: sixteen bytes at a time, `window` bytes between page releases.
    static func lineEnds(from start: UnsafePointer<UInt8>, to end: UnsafePointer<UInt8>, window: Int,
                         releasingPages: Bool) -> (lines: Int, quoted: Bool) {
        typealias Bytes = SIMD16<UInt8>
        let lineFeed = Bytes(repeating: CSVScanner.lineFeed), carriageReturn = Bytes(repeating: CSVScanner.carriageReturn)
        let quote = Bytes(repeating: CSVScanner.quote)
        var count = 0
        var quotes = Bytes()
        var p = UnsafeRawPointer(start)
        let last = UnsafeRawPointer(end)
        var released = start
        var nextRelease = p + Swift.min(window, last - p)
        while last - p >= 16 {
            // Each lane counts up to 255 matches before they are added up.
            var lanes = Bytes()
            var blocks = Swift.min(255, (last - p) / 16)
            while blocks > 0 {
                let bytes = p.loadUnaligned(as: Bytes.self)
                lanes &-= unsafeBitCast(bytes .== lineFeed, to: Bytes.self)
                lanes &-= unsafeBitCast(bytes .== carriageReturn, to: Bytes.self)
                quotes |= unsafeBitCast(bytes .== quote, to: Bytes.self)
                p += 16
                blocks -= 1
            }
            for lane in 0..<16 { count += Int(lanes[lane]) }
            if p >= nextRelease {
                if releasingPages { releasePages(&released, upTo: p.assumingMemoryBound(to: UInt8.self)) }
                nextRelease = p + Swift.min(window, last - p)
            }
        }
        var quoted = quotes != Bytes()
        for byte in UnsafeBufferPointer(start: p.assumingMemoryBound(to: UInt8.self), count: last - p) {
            if byte == CSVScanner.lineFeed || byte == CSVScanner.carriageReturn { count += 1 }
            if byte == CSVScanner.quote { quoted = true }
        }
        return (count, quoted)
    }

    /// The line ends in `start..<end`, exactly: LF, CRLF and lone CR each count once.
    static func exactLineEnds(from start: UnsafePointer<UInt8>, to end: UnsafePointer<UInt8>) -> Int {
        var count = 0
        var p = start
        while p < end {
            if p.pointee == CSVScanner.lineFeed || (p.pointee == CSVScanner.carriageReturn
                                                    && (p + 1 == end || (p + 1).pointee != CSVScanner.lineFeed)) {
                count += 1
            }
            p += 1
        }
        return count
    }
}
