import Foundation
@testable import Descent

/// Rows of a data set in memory as a ``RowSource`` cut into uneven chunks (on purpose), that can
/// fail: the `failingVisit`-th call of `forEachChunk` (from 1) throws when it reaches chunk
/// `failingChunk`, as a file that became unreadable mid-epoch would.
///
/// Chunks are given either by their first rows (`starts`, empty chunks allowed) or by sizes
/// repeated until the rows run out (`chunkSizes`). A chunk's ``RowChunk/rows`` are its place in the
/// source plus ``firstRow``: the `starts` initialisers number the rows within the source (what a
/// part's own errors report), `init(_:_:rows:chunkSizes:)` by their place in the whole data set.
struct SplitRows<S: BLASScalar>: RowSource {
    let features: [S]
    /// `rowCount × targetColumns`, row-major.
    let targets: [S]
    let columns: Int
    let targetColumns: Int
    /// What a chunk's row numbers are offset by.
    let firstRow: Int
    /// Every chunk's rows within the source.
    let bounds: [Range<Int>]
    let failingVisit: Int?
    let failingChunk: Int
    /// Calls of `forEachChunk` so far.
    let visits = Counter()

    /// All rows of `x` and `y`, cut at `starts` (the first row of every chunk, ascending), numbered from 0.
    init(_ x: Matrix<S>, _ y: [S], starts: [Int], failingVisit: Int? = nil, failingChunk: Int = 0) {
        let ends = starts.dropFirst() + [y.count]
        self.init(x, y, rows: 0..<y.count, bounds: zip(starts, ends).map { $0..<$1 }, firstRow: 0,
                  failingVisit: failingVisit, failingChunk: failingChunk)
    }

    /// Rows `range` of `x` and `y` as a source cut at `starts` (offsets within the range), numbered
    /// from 0 within the range.
    init(_ x: Matrix<S>, _ y: [S], rows range: Range<Int>, starts: [Int]) {
        let ends = starts.dropFirst() + [range.count]
        self.init(x, y, rows: range, bounds: zip(starts, ends).map { $0..<$1 }, firstRow: 0)
    }

    /// Rows `rows` (all by default) of `x` and `y` in chunks of `chunkSizes` rows (repeated until
    /// the rows run out; sizes below 1 count as 1), numbered by their place in the whole data set.
    init(_ x: Matrix<S>, _ y: [S], rows: Range<Int>? = nil, chunkSizes: [Int]) {
        let range = rows ?? 0..<y.count
        var bounds = [Range<Int>](), start = 0, index = 0
        while start < range.count {
            let size = Swift.min(Swift.max(1, chunkSizes[index % chunkSizes.count]), range.count - start)
            bounds.append(start..<(start + size))
            start += size
            index += 1
        }
        self.init(x, y, rows: range, bounds: bounds, firstRow: range.lowerBound)
    }

    /// Rows `range` of `x` and of the `n × k` targets `y`, cut at `starts` (offsets within the range).
    init(_ x: Matrix<S>, targets y: Matrix<S>, rows range: Range<Int>, starts: [Int]) {
        let ends = starts.dropFirst() + [range.count]
        self.init(x, y.elements, targetColumns: y.columns, rows: range, bounds: zip(starts, ends).map { $0..<$1 },
                  firstRow: 0)
    }

    private init(_ x: Matrix<S>, _ y: [S], targetColumns k: Int = 1, rows range: Range<Int>, bounds: [Range<Int>],
                 firstRow: Int, failingVisit: Int? = nil, failingChunk: Int = 0) {
        let d = x.columns
        features = Array(x.elements[(range.lowerBound * d)..<(range.upperBound * d)])
        targets = Array(y[(range.lowerBound * k)..<(range.upperBound * k)])
        columns = d
        targetColumns = k
        self.firstRow = firstRow
        self.bounds = bounds
        self.failingVisit = failingVisit
        self.failingChunk = failingChunk
    }

    var rowCount: Int { targets.count / targetColumns }
    var chunkCount: Int { bounds.count }
    func chunkRows(_ index: Int) -> Range<Int> { bounds[index] }

    func forEachChunk(_ order: [Int], _ body: (RowChunk<S>) throws(DescentError) -> Void) throws(DescentError) {
        let visit = visits.increment()
        for index in order {
            if visit == failingVisit && index == failingChunk {
                throw .fileNotReadable(path: "split-rows", reason: "chunk \(index) failed on visit \(visit)")
            }
            let local = bounds[index], k = targetColumns
            try features.withUnsafeBufferPointer { (x) throws(DescentError) in
                try targets.withUnsafeBufferPointer { (y) throws(DescentError) in
                    try body(RowChunk(index: index, rows: (firstRow + local.lowerBound)..<(firstRow + local.upperBound),
                                      columns: columns,
                                      features: UnsafeBufferPointer(rebasing: x[(local.lowerBound * columns)..<(local.upperBound * columns)]),
                                      targets: UnsafeBufferPointer(rebasing: y[(local.lowerBound * k)..<(local.upperBound * k)]),
                                      targetColumns: k))
                }
            }
        }
    }

    final class Counter: @unchecked Sendable {   // guarded by `lock`
        private let lock = NSLock()
        private var value = 0
        func increment() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value }
    }
}
