import Foundation
@testable import Descent

/// `size` parts of one data set run as `size` threads of this process, exchanging values through
/// shared slots behind a barrier: a ``Collective`` for testing the distributed paths without MPI.
/// Sums are added in rank order, so every part gets the same bits; triangles are stacked in rank
/// order and factored again. A barrier that waits longer than `timeout` seconds fails the operation
/// (``ThreadsCollective/hung``) on every part instead of hanging.
final class ThreadsWorld: @unchecked Sendable {   // every mutable field is guarded by `condition`
    let size: Int
    let timeout: Double
    private let condition = NSCondition()
    private var slots: [Any?]
    private var arrived = 0, departed = 0
    private var draining = false
    private var broken = false

    init(size: Int, timeout: Double = 120) {
        self.size = size
        self.timeout = timeout
        slots = [Any?](repeating: nil, count: size)
    }

    /// Every part's `value`, in rank order, once every part has called with its own; `nil` when a
    /// part has not arrived within `timeout` (and for every later exchange).
    func exchange<T>(rank: Int, _ value: T) -> [T]? {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date(timeIntervalSinceNow: timeout)
        /// Waits for a broadcast; `false` once the world is broken or the deadline has passed.
        func wait() -> Bool {
            if !broken && !condition.wait(until: deadline) {
                broken = true
                condition.broadcast()
            }
            return !broken
        }
        while draining { guard wait() else { return nil } }
        guard !broken else { return nil }
        slots[rank] = value
        arrived += 1
        if arrived == size {
            draining = true
            condition.broadcast()
        } else {
            while !draining { guard wait() else { return nil } }
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
    func run<T: Sendable>(_ body: @escaping @Sendable (ThreadsCollective) -> T) -> [T] {
        let results = ResultSlots<T>(count: size)
        let done = DispatchSemaphore(value: 0)
        for rank in 0..<size {
            let collective = ThreadsCollective(world: self, rank: rank)
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

    /// Results written by several threads, each to its own slot.
    final class ResultSlots<T>: @unchecked Sendable {   // guarded by `lock`
        private let lock = NSLock()
        private var slots: [T?]
        init(count: Int) { slots = [T?](repeating: nil, count: count) }
        func set(_ index: Int, _ value: T) { lock.lock(); slots[index] = value; lock.unlock() }
        var values: [T] { lock.lock(); defer { lock.unlock() }; return slots.map { $0! } }
    }
}

/// One part of a ``ThreadsWorld``.
struct ThreadsCollective: Collective {
    let world: ThreadsWorld
    let rank: Int
    var size: Int { world.size }

    /// What every operation throws once a part has failed to arrive in time.
    static let hung = DescentError.invalidOption(name: "collective", value: "a part did not arrive",
                                                 expected: "every part to call the same collective operations")

    func exchange<T>(_ value: T) throws(DescentError) -> [T] {
        guard let all = world.exchange(rank: rank, value) else { throw Self.hung }
        return all
    }

    func sum(_ values: inout [Double]) throws(DescentError) {
        let all = try exchange(values)
        var total = all[0]
        for part in all.dropFirst() {
            precondition(part.count == total.count, "parts summed vectors of different lengths")
            for i in total.indices { total[i] += part[i] }
        }
        values = total
    }

    func agree(_ localError: DescentError?) throws(DescentError) {
        let all = try exchange(localError)
        if let first = all.compactMap({ $0 }).first { throw first }
    }

    func combineTriangles(_ r: inout [Double], _ z: inout [Double], columns d: Int, targets k: Int) throws(DescentError) {
        let all = try exchange((r, z))
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
