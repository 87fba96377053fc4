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
    /// Splits the bytes into runs of whole lines (``runs(from:to:tuning:)``), which the threads
    /// take in turn. A thread counts its run's line ends (a run cannot hold more rows than line
    /// ends, plus one for the last), waits until the run before has taken its rows, takes as many
    /// after them, and parses the run straight into them while its bytes are still in cache: one
    /// pass over the file, each page mapped once. The values are sized before any run is read,
    /// from the rows per byte of the first MiB (``estimatedRows(_:columns:)``, with a margin: the
    /// part never written is never touched, so it costs address space, not memory). Where that is
    /// too few, or a run holds a quote (a quoted cell may hold line ends, so lines are no longer
    /// records), the rest is read by ``readCounted(_:after:rows:columns:dropInvalid:tuning:path:firstRun:)``:
    /// counted first, then parsed, on one thread from the first quote. The gaps that blank lines
    /// and dropped rows left between runs are closed at the end, and the first problem in file
    /// order is thrown.
    ///
    /// With `text`, the columns it flags are read as positions (``TextColumns``), and any row that
    /// is not plain (blanks around a cell, an empty numeric cell, a quote anywhere in the data, the
    /// wrong width) throws ``TextColumns/offPlan``; `lineEnds` is then the number of line ends in the
    /// data (exact when it holds no CR), to tell whether every line was a row.
    static func readRows(after header: CSVScanner, columns: Int, dropInvalid: Bool, tuning: Tuning, path: String,
                         text: [Bool]? = nil) throws(DescentError) -> (values: [Double], rows: Int, dropped: Int, lineEnds: Int) {
        let read = try readRows(after: header, columns: columns, dropInvalid: dropInvalid, tuning: tuning, path: path,
                                text: text, as: CSVRowMajorValues.self)
        return (read.values.values, read.rows, read.dropped, read.lineEnds)
    }

    /// Reads the data rows into `Buffers` (row-major values, or one array per column, which a
    /// run's thread writes at the run's rows), as ``readRows(after:columns:dropInvalid:tuning:path:text:)``
    /// describes.
    static func readRows<Buffers: CSVRowBuffers>(after header: CSVScanner, columns: Int, dropInvalid: Bool, tuning: Tuning,
                                                 path: String, text: [Bool]?, as: Buffers.Type)
        throws(DescentError) -> (values: Buffers, rows: Int, dropped: Int, lineEnds: Int) {
        let dataStart = header.position, end = header.end
        let window = Swift.max(1, tuning.window)
        let runs = self.runs(from: dataStart, to: end, tuning: tuning)
        let isText = UnsafeMutableBufferPointer<Bool>.allocate(capacity: Swift.max(1, text?.count ?? 0))
        defer { isText.deallocate() }
        var planned = header
        if let text {
            _ = isText.initialize(from: text)
            planned.textColumns = TextColumns(isText: UnsafePointer(isText.baseAddress!), origin: dataStart)
        }
        let (estimate, first) = estimatedRows(runs, columns: columns)
        let capacity = first.quoted ? 0 : estimate
        var results = [PartResult](repeating: PartResult(), count: runs.count)
        var offsets = [Int](repeating: 0, count: runs.count + 1)
        var lines = [Int](repeating: 0, count: runs.count)
        let stopped = Atomic<Int>(first.quoted ? 0 : runs.count)
        var rows = 0
        var values = Buffers.make(capacity: capacity, width: columns) { output in
            guard capacity > 0 else { return 0 }
            results.withUnsafeMutableBufferPointer { results in offsets.withUnsafeMutableBufferPointer { offsets in
                lines.withUnsafeMutableBufferPointer { lines in
                    nonisolated(unsafe) let results = results, offsets = offsets, lines = lines, header = planned,
                                            runs = runs, output = output
                    let reserved = Atomic<Int>(0)
                    inTurn(runs.count, threads: tuning.threads) { k in
                        let run = runs[k]
                        let counted = k == 0 && runs.count == 1 ? first
                            : lineEnds(from: run.start, to: run.end, window: window, releasingPages: false)
                        // The runs before k take their rows in order; then k's start at offsets[k].
                        while reserved.load(ordering: .acquiring) < k { sched_yield() }
                        let rowsHere = Swift.min(counted.lines + (k == runs.count - 1 ? 1 : 0),
                                                 (run.end - run.start) / (2 * columns) + 1)
                        if stopped.load(ordering: .relaxed) < k || counted.quoted || offsets[k] + rowsHere > capacity {
                            if stopped.load(ordering: .relaxed) > k { stopped.store(k, ordering: .relaxed) }
                            reserved.store(k + 1, ordering: .releasing)
                            return
                        }
                        offsets[k + 1] = offsets[k] + rowsHere
                        lines[k] = counted.lines
                        reserved.store(k + 1, ordering: .releasing)
                        // Every run starts at the start of a line; the first continues the header's count.
                        results[k] = readPart(from: run.start, to: run.end, line: k == 0 ? header.line : 1, like: header,
                                              columns: columns, into: output.advanced(by: offsets[k]), capacity: rowsHere,
                                              dropInvalid: dropInvalid, window: window, releasingPages: tuning.releasingPages)
                    }
                }
            } }
            rows = closeGaps(output, results[..<stopped.load(ordering: .relaxed)], offsets: offsets)
            return rows
        }
        let stop = stopped.load(ordering: .relaxed)
        try throwFirstProblem(results[..<stop], starts: runs.map(\.start), header: header, path: path)
        var dropped = results[..<stop].reduce(0) { $0 + $1.dropped }
        var lineEndCount = lines[..<stop].reduce(0, +)
        if stop < runs.count {
            let rest = try readCounted(Array(runs[stop...]), after: planned, rows: (values, rows), columns: columns,
                                       dropInvalid: dropInvalid, tuning: tuning, path: path, firstRun: stop == 0)
            values = rest.values
            rows = rest.rows
            dropped += rest.dropped
            lineEndCount += rest.lineEnds
        }
        return (values, rows, dropped, lineEndCount)
    }

    /// The rows the values are sized for before `runs` are read: the rows per byte of the first
    /// run's first MiB (its line ends, plus one) over all the bytes, a quarter more and 16 rows,
    /// but never more than the bytes can hold (2 bytes a cell); with one run, its rows. Also the
    /// line ends counted and whether a quote was seen there (with one run: all of it; else the
    /// first MiB, so the other thread waits only that long).
    static func estimatedRows(_ runs: [(start: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>)],
                              columns: Int) -> (rows: Int, sample: (lines: Int, quoted: Bool)) {
        let bytes = runs[runs.count - 1].end - runs[0].start
        let bound = bytes / (2 * columns) + runs.count
        let sampleEnd = runs.count == 1 ? runs[0].end : Swift.min(runs[0].end, runs[0].start + (1 << 20))
        let sample = lineEnds(from: runs[0].start, to: sampleEnd, window: Int.max, releasingPages: false)
        guard runs.count > 1 else { return (Swift.min(bound, sample.lines + 1), sample) }
        let perByte = Double(sample.lines + 1) / Double(sampleEnd - runs[0].start)
        return (Swift.min(bound, Int(perByte * Double(bytes) * 1.25) + 16), sample)
    }

    /// The runs of whole lines of `start..<end`: as many as ``Tuning/bytesPerRun`` and
    /// ``Tuning/runsPerThread`` allow, but enough that none is much over ``Tuning/maxBytesPerRun``;
    /// each but the last ending just after a line feed (at least one).
    static func runs(from start: UnsafePointer<UInt8>, to end: UnsafePointer<UInt8>,
                     tuning: Tuning) -> [(start: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>)] {
        var starts = [start]
        let runCount = Swift.max(Swift.min(Swift.max(1, tuning.threads) * Swift.max(1, tuning.runsPerThread),
                                           (end - start) / Swift.max(1, tuning.bytesPerRun)),
                                 (end - start) / Swift.max(1, tuning.maxBytesPerRun))
        for k in 1..<Swift.max(runCount, 1) {
            let nominal = start + (end - start) / runCount * k
            guard let lineFeed = memchr(nominal, Int32(CSVScanner.lineFeed), end - nominal) else { break }
            let next = UnsafePointer(lineFeed.assumingMemoryBound(to: UInt8.self)) + 1
            if next < end, let last = starts.last, next > last { starts.append(next) }
        }
        return starts.indices.map { k in (starts[k], k + 1 < starts.count ? starts[k + 1] : end) }
    }

    /// Reads `runs` (the rest of the data, from the start of a line) after the `rows` already read,
    /// in two passes: counts each run's line ends and looks for quotes, in parallel; sizes new
    /// values for the rows so far and the runs' line counts, and copies the rows so far; reads each
    /// run into its own stretch, in parallel, or all on one thread if any quote was seen, since a
    /// quoted cell may hold line ends; then closes the gaps. `firstRun` says whether `runs` begin
    /// where `header` does (otherwise their lines are counted from the data's start for errors).
    static func readCounted<Buffers: CSVRowBuffers>(_ runs: [(start: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>)],
                                                    after header: CSVScanner, rows read: (values: Buffers, rows: Int),
                                                    columns: Int, dropInvalid: Bool, tuning: Tuning, path: String,
                                                    firstRun: Bool) throws(DescentError) -> (values: Buffers, rows: Int, dropped: Int, lineEnds: Int) {
        let window = Swift.max(1, tuning.window), releasingPages = tuning.releasingPages
        var counts = [(lines: Int, quoted: Bool)](repeating: (0, false), count: runs.count)
        counts.withUnsafeMutableBufferPointer { counts in
            nonisolated(unsafe) let counts = counts, runs = runs
            inTurn(runs.count, threads: tuning.threads) { k in
                counts[k] = lineEnds(from: runs[k].start, to: runs[k].end, window: window, releasingPages: releasingPages)
            }
        }
        // A row of c cells takes at least 2c bytes (c digits, c − 1 delimiters, a line end).
        var capacities = zip(runs.indices, zip(runs, counts)).map { k, part in
            Swift.min(part.1.lines + (k == runs.count - 1 ? 1 : 0), (part.0.end - part.0.start) / (2 * columns) + 1)
        }
        let quoted = counts.contains(where: \.quoted)
        if quoted, header.textColumns != nil {
            throw describe(.problem(CSVProblem(line: header.line, column: 1, reason: TextColumns.offPlan)), path: path)
        }
        let parts = quoted ? [(start: runs[0].start, end: runs[runs.count - 1].end)] : runs
        if quoted { capacities = [capacities.reduce(0, +)] }
        let capacity = capacities
        let offsets = capacity.indices.reduce(into: [read.rows]) { offsets, k in offsets.append(offsets[k] + capacity[k]) }
        var results = [PartResult](repeating: PartResult(), count: parts.count)
        var rows = 0
        let values = Buffers.make(capacity: offsets[parts.count], width: columns) { output in
            read.values.copy(rows: read.rows, into: output)
            results.withUnsafeMutableBufferPointer { results in
                nonisolated(unsafe) let results = results, output = output, parts = parts, header = header
                inTurn(parts.count, threads: tuning.threads) { k in
                    results[k] = readPart(from: parts[k].start, to: parts[k].end, line: firstRun && k == 0 ? header.line : 1,
                                          like: header, columns: columns, into: output.advanced(by: offsets[k]),
                                          capacity: capacity[k], dropInvalid: dropInvalid, window: window,
                                          releasingPages: releasingPages)
                }
            }
            rows = read.rows + closeGaps(output.advanced(by: read.rows), results[...],
                                         offsets: offsets.map { $0 - read.rows })
            return rows
        }
        try throwFirstProblem(results[...], starts: parts.map(\.start), header: header, path: path, firstRun: firstRun)
        return (values, rows, results.reduce(0) { $0 + $1.dropped }, counts.reduce(0) { $0 + $1.lines })
    }

    /// Moves each part's rows (read at `offsets[k]`) down to follow the rows before it; returns the rows.
    static func closeGaps<Store: CSVRowStore>(_ output: Store, _ results: ArraySlice<PartResult>, offsets: [Int]) -> Int {
        var rows = 0
        for k in results.indices {
            output.moveRows(from: offsets[k], to: rows, count: results[k].rows)
            rows += results[k].rows
        }
        return rows
    }

    /// Throws the first problem of the parts that start at `starts`, in file order; a part after
    /// the data's first counts its lines from 1, so the lines before it are added.
    static func throwFirstProblem(_ results: ArraySlice<PartResult>, starts: [UnsafePointer<UInt8>], header: CSVScanner,
                                  path: String, firstRun: Bool = true) throws(DescentError) {
        guard let k = results.firstIndex(where: { $0.stop != nil }), let stop = results[k].stop else { return }
        let offset = firstRun && k == 0 ? 0 : header.line - 1 + exactLineEnds(from: header.position, to: starts[k])
        throw describe(stop, path: path, lineOffset: offset)
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
    static func readPart<Store: CSVRowStore>(from start: UnsafePointer<UInt8>, to end: UnsafePointer<UInt8>, line: Int,
                                             like header: CSVScanner, columns: Int, into output: Store,
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
}
