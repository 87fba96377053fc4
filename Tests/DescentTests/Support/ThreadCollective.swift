import Foundation
@testable import Descent

/// `size` parts of one data set run as `size` threads of this process, exchanging values through
/// shared slots behind a barrier: a ``Collective`` for testing the distributed paths without MPI.
/// Sums are added in rank order; triangles are stacked in rank order and factored again.
final class ThreadGroup: @unchecked Sendable {   // every field is guarded by `condition`
    let size: Int
    private let condition = NSCondition()
    private var slots: [Any?]
    private var arrived = 0, departed = 0
    private var draining = false

    init(size: Int) {
        self.size = size
        slots = [Any?](repeating: nil, count: size)
    }

    /// Every part's `value`, in rank order, once every part has called with its own.
    func exchange<T>(rank: Int, _ value: T) -> [T] {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date(timeIntervalSinceNow: 120)
        func wait() {
            precondition(condition.wait(until: deadline), "a part did not reach the barrier within 120 s")
        }
        while draining { wait() }
        slots[rank] = value
        arrived += 1
        if arrived == size {
            draining = true
            condition.broadcast()
        } else {
            while !draining { wait() }
        }
        let all = slots.map { $0 as! T }
        departed += 1
        if departed == size {
            arrived = 0
            departed = 0
            draining = false
            slots = [Any?](repeating: nil, count: size)
            condition.broadcast()
        }
        return all
    }

    /// Runs `body` once per part, each on its own thread, and returns their results in rank order.
    func run<T: Sendable>(_ body: @escaping @Sendable (ThreadCollective) -> T) -> [T] {
        let results = ResultSlots<T>(count: size)
        let done = DispatchSemaphore(value: 0)
        for rank in 0..<size {
            let collective = ThreadCollective(rank: rank, group: self)
            let thread = Thread {
                results.set(rank, body(collective))
                done.signal()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        for _ in 0..<size { done.wait() }
        return results.values
    }
}

/// Results written by several threads, each to its own slot.
final class ResultSlots<T>: @unchecked Sendable {   // guarded by `lock`
    private let lock = NSLock()
    private var slots: [T?]
    init(count: Int) { slots = [T?](repeating: nil, count: count) }
    func set(_ index: Int, _ value: T) { lock.lock(); slots[index] = value; lock.unlock() }
    var values: [T] { lock.lock(); defer { lock.unlock() }; return slots.map { $0! } }
}

/// One part of a ``ThreadGroup``.
struct ThreadCollective: Collective {
    let rank: Int
    let group: ThreadGroup
    var size: Int { group.size }

    func sum(_ values: inout [Double]) throws(DescentError) {
        let all = group.exchange(rank: rank, values)
        var total = all[0]
        for part in all.dropFirst() {
            precondition(part.count == total.count, "parts summed vectors of different lengths")
            for i in total.indices { total[i] += part[i] }
        }
        values = total
    }

    func agree(_ localError: DescentError?) throws(DescentError) {
        let all = group.exchange(rank: rank, localError)
        if let first = all.compactMap({ $0 }).first { throw first }
    }

    func combineTriangles(_ r: inout [Double], _ z: inout [Double], columns d: Int, targets k: Int) throws(DescentError) {
        let all = group.exchange(rank: rank, (r, z))
        // Stack the triangles (column-major, m = parts·d rows) and factor the stack again.
        let m = all.count * d
        var stack = [Double](repeating: 0, count: m * d)
        var rhs = [Double](repeating: 0, count: m * k)
        for (part, (pr, pz)) in all.enumerated() {
            for j in 0..<d { for i in 0..<d { stack[part * d + i + j * m] = pr[i + j * d] } }
            for c in 0..<k { for i in 0..<d { rhs[part * d + i + c * m] = pz[i + c * d] } }
        }
        var tau = [Double](repeating: 0, count: d)
        var work = [Double](), applyWork = [Double]()
        stack.withUnsafeMutableBufferPointer { a in
            tau.withUnsafeMutableBufferPointer { t in
                LAPACK.householderQR(a.baseAddress!, m: m, n: d, lda: m, tau: t.baseAddress!, work: &work)
                rhs.withUnsafeMutableBufferPointer { b in
                    LAPACK.applyQ(UnsafeBufferPointer(a), m: m, k: d, lda: m, tau: t.baseAddress!, b.baseAddress!,
                                  transposed: true, columns: k, ldc: m, work: &applyWork)
                }
            }
        }
        for j in 0..<d { for i in 0..<d { r[i + j * d] = i <= j ? stack[i + j * m] : 0 } }
        for c in 0..<k { for i in 0..<d { z[i + c * d] = rhs[i + c * m] } }
    }
}

/// Rows `rows` of a data set as a ``RowSource`` of uneven chunks (`chunkSizes`, repeated until
/// the rows run out), numbered by their place in the whole data set.
struct ChunkedSource<Scalar: BLASScalar>: RowSource {
    let features: [Scalar]
    let targets: [Scalar]
    let columns: Int
    let firstRow: Int
    let bounds: [Range<Int>]

    init(_ x: Matrix<Scalar>, _ y: [Scalar], rows: Range<Int>? = nil, chunkSizes: [Int]) {
        let range = rows ?? 0..<y.count
        columns = x.columns
        features = Array(x.elements[(range.lowerBound * x.columns)..<(range.upperBound * x.columns)])
        targets = Array(y[range])
        firstRow = range.lowerBound
        var bounds = [Range<Int>](), start = 0, index = 0
        while start < range.count {
            let size = Swift.min(Swift.max(1, chunkSizes[index % chunkSizes.count]), range.count - start)
            bounds.append(start..<(start + size))
            start += size
            index += 1
        }
        self.bounds = bounds
    }

    var rowCount: Int { targets.count }
    var chunkCount: Int { bounds.count }
    func chunkRows(_ index: Int) -> Range<Int> { bounds[index] }

    func forEachChunk(_ order: [Int], _ body: (RowChunk<Scalar>) throws(DescentError) -> Void) throws(DescentError) {
        for index in order {
            let local = bounds[index]
            try features.withUnsafeBufferPointer { (x) throws(DescentError) in
                try targets.withUnsafeBufferPointer { (y) throws(DescentError) in
                    let xs = UnsafeBufferPointer(rebasing: x[(local.lowerBound * columns)..<(local.upperBound * columns)])
                    let ys = UnsafeBufferPointer(rebasing: y[local])
                    try body(RowChunk(index: index, rows: (firstRow + local.lowerBound)..<(firstRow + local.upperBound),
                                      columns: columns, features: xs, targets: ys))
                }
            }
        }
    }
}
