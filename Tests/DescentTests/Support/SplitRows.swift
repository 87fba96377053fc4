import Foundation
@testable import Descent

/// A ``RowSource`` over a data set in memory, cut into chunks at `starts` (uneven on purpose), that
/// can fail: the `failingVisit`-th call of `forEachChunk` (from 1) throws when it reaches chunk
/// `failingChunk`, as a file that became unreadable mid-epoch would.
struct SplitRows<S: BLASScalar>: RowSource {
    let features: [S]
    let targets: [S]
    let columns: Int
    /// The first row of every chunk, then the row count.
    let bounds: [Int]
    let failingVisit: Int?
    let failingChunk: Int
    /// Calls of `forEachChunk` so far.
    let visits = Counter()

    init(_ x: Matrix<S>, _ y: [S], starts: [Int], failingVisit: Int? = nil, failingChunk: Int = 0) {
        features = x.elements
        targets = y
        columns = x.columns
        bounds = starts + [y.count]
        self.failingVisit = failingVisit
        self.failingChunk = failingChunk
    }

    /// Rows `range` of `x` and `y` as a source cut at `starts` (offsets within the range).
    init(_ x: Matrix<S>, _ y: [S], rows range: Range<Int>, starts: [Int]) {
        let d = x.columns
        let elements = Array(x.elements[(range.lowerBound * d)..<(range.upperBound * d)])
        self.init(try! Matrix(rows: range.count, columns: d, elements: elements), Array(y[range]), starts: starts)
    }

    var rowCount: Int { targets.count }
    var chunkCount: Int { bounds.count - 1 }
    func chunkRows(_ index: Int) -> Range<Int> { bounds[index]..<bounds[index + 1] }

    func forEachChunk(_ order: [Int], _ body: (RowChunk<S>) throws(DescentError) -> Void) throws(DescentError) {
        let visit = visits.increment()
        for index in order {
            if visit == failingVisit && index == failingChunk {
                throw .fileNotReadable(path: "split-rows", reason: "chunk \(index) failed on visit \(visit)")
            }
            let rows = chunkRows(index)
            try features.withUnsafeBufferPointer { (x) throws(DescentError) in
                try targets.withUnsafeBufferPointer { (y) throws(DescentError) in
                    try body(RowChunk(index: index, rows: rows, columns: columns,
                                      features: UnsafeBufferPointer(rebasing: x[(rows.lowerBound * columns)..<(rows.upperBound * columns)]),
                                      targets: UnsafeBufferPointer(rebasing: y[rows])))
                }
            }
        }
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func increment() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value }
    }
}

/// `k` parts of one data set run as `k` threads of this process: sums gather every part's values
/// in shared buffers behind a barrier and add them in rank order, so every part gets the same
/// bits. A barrier that waits longer than `timeout` seconds fails the operation instead of hanging.
final class ThreadsWorld: @unchecked Sendable {
    let size: Int
    let timeout: Double
    private let condition = NSCondition()
    private var arrived = 0
    private var generation = 0
    private var broken = false
    private var slots: [[Double]]
    private var errors: [DescentError?]

    init(size: Int, timeout: Double = 30) {
        self.size = size
        self.timeout = timeout
        slots = Array(repeating: [], count: size)
        errors = Array(repeating: nil, count: size)
    }

    /// Runs `body(collective)` on `size` threads, one per rank, and returns their results by rank.
    func run<T: Sendable>(_ body: @escaping @Sendable (ThreadsCollective) -> T) -> [T] {
        let results = Results<T>(size)
        let done = DispatchGroup()
        for rank in 0..<size {
            done.enter()
            let thread = Thread {
                results.set(rank, body(ThreadsCollective(world: self, rank: rank)))
                done.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        done.wait()
        return results.values()
    }

    /// Waits until every part has arrived; `false` after `timeout` (and for every later barrier).
    func barrier() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        if broken { return false }
        let mine = generation
        arrived += 1
        if arrived == size {
            arrived = 0
            generation += 1
            condition.broadcast()
            return true
        }
        let deadline = Date(timeIntervalSinceNow: timeout)
        while generation == mine && !broken {
            if !condition.wait(until: deadline) { broken = true; condition.broadcast(); return false }
        }
        return !broken
    }

    func write(_ rank: Int, _ values: [Double]) { condition.lock(); slots[rank] = values; condition.unlock() }
    func read() -> [[Double]] { condition.lock(); defer { condition.unlock() }; return slots }
    func write(_ rank: Int, _ error: DescentError?) { condition.lock(); errors[rank] = error; condition.unlock() }
    func readErrors() -> [DescentError?] { condition.lock(); defer { condition.unlock() }; return errors }

    final class Results<T>: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: [T?]
        init(_ size: Int) { stored = Array(repeating: nil, count: size) }
        func set(_ rank: Int, _ value: T) { lock.lock(); stored[rank] = value; lock.unlock() }
        func values() -> [T] { lock.lock(); defer { lock.unlock() }; return stored.map { $0! } }
    }
}

/// One part of a ``ThreadsWorld``.
struct ThreadsCollective: Collective {
    let world: ThreadsWorld
    let rank: Int
    var size: Int { world.size }

    static let hung = DescentError.invalidOption(name: "collective", value: "a part did not arrive",
                                                 expected: "every part to call the same collective operations")

    func sum(_ values: inout [Double]) throws(DescentError) {
        world.write(rank, values)
        guard world.barrier() else { throw Self.hung }
        let all = world.read()
        for i in values.indices {
            var total = all[0][i]
            for part in 1..<size { total += all[part][i] }
            values[i] = total
        }
        guard world.barrier() else { throw Self.hung }
    }

    func agree(_ localError: DescentError?) throws(DescentError) {
        world.write(rank, localError)
        guard world.barrier() else { throw Self.hung }
        let first = world.readErrors().compactMap { $0 }.first
        guard world.barrier() else { throw Self.hung }
        if let first { throw first }
    }

    func combineTriangles(_ r: inout [Double], _ z: inout [Double], columns d: Int, targets k: Int) throws(DescentError) {
        throw .invalidOption(name: "combineTriangles", value: "called", expected: "training only: no TSQR here")
    }
}
