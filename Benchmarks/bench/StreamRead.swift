import Dispatch

/// The machine's own limit, measured inside the bench's process: one plain streaming read of X's
/// bytes by all threads, with no BLAS call and no arithmetic worth the name.
///
/// The bytes are split into contiguous parts, a few per thread so a thread the scheduler delays
/// does not hold the others back; each part is summed as 64-bit integers in four independent SIMD
/// accumulators (the adds cost one cycle and never wait for one another), so the loop runs at the
/// speed memory delivers the bytes. The sum is kept so the optimiser cannot drop the reads.
struct StreamRead: @unchecked Sendable {
    /// X's bytes; valid for the life of the workload that made this value.
    let bytes: UnsafeRawBufferPointer
    /// Threads reading at the same time.
    let threads: Int
    /// Parts per thread.
    static let partsPerThread = 4

    /// One streaming read of every byte of X; its wall time in seconds.
    func time() -> Double {
        let start = ContinuousClock.now
        let sum = read()
        let seconds = (ContinuousClock.now - start).seconds
        StreamRead.sink = StreamRead.sink &+ sum
        return seconds
    }

    /// Where each read's sum goes, so the reads have an observable result.
    nonisolated(unsafe) static var sink: UInt64 = 0

    /// Reads every byte of X with `threads` threads; the wrapping sum of its 64-bit words.
    func read() -> UInt64 {
        let words = bytes.count / 8
        guard let base = bytes.baseAddress, words > 0 else { return 0 }
        let parts = threads > 1 ? threads * Self.partsPerThread : 1
        let partial = UnsafeMutablePointer<UInt64>.allocate(capacity: parts * 8)   // a cache line each
        defer { partial.deallocate() }
        let shared = UncheckedBox((base, partial))
        let work: @Sendable (Int) -> Void = { p in
            let (base, partial) = shared.value
            let lower = words * p / parts, upper = words * (p + 1) / parts
            partial[p * 8] = Self.sum(base + lower * 8, words: upper - lower)
        }
        if parts == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: parts, execute: work) }
        var total: UInt64 = 0
        for p in 0..<parts { total = total &+ partial[p * 8] }
        // The bytes after the last whole word.
        for k in (words * 8)..<bytes.count { total = total &+ UInt64(bytes[k]) }
        return total
    }

    /// The wrapping sum of `words` 64-bit words from `start`, 32 words (256 bytes) per step.
    @inline(__always)
    static func sum(_ start: UnsafeRawPointer, words: Int) -> UInt64 {
        var a0 = SIMD8<UInt64>(), a1 = SIMD8<UInt64>(), a2 = SIMD8<UInt64>(), a3 = SIMD8<UInt64>()
        var i = 0
        while i + 32 <= words {
            let p = start + i * 8
            a0 &+= p.loadUnaligned(as: SIMD8<UInt64>.self)
            a1 &+= p.loadUnaligned(fromByteOffset: 64, as: SIMD8<UInt64>.self)
            a2 &+= p.loadUnaligned(fromByteOffset: 128, as: SIMD8<UInt64>.self)
            a3 &+= p.loadUnaligned(fromByteOffset: 192, as: SIMD8<UInt64>.self)
            i += 32
        }
        var total = ((a0 &+ a1) &+ (a2 &+ a3)).wrappedSum()
        while i < words {
            total = total &+ start.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)
            i += 1
        }
        return total
    }
}

/// A value handed to concurrent work that touches only its own part of it.
struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// A workload's repetitions, each timed right after a streaming read of X: stream, workload,
/// stream, workload, … so both see the machine in the same state.
struct PairedTimes {
    /// The streaming read before each repetition, in seconds.
    var stream = [Double]()
    /// Each repetition, in seconds.
    var workload = [Double]()

    /// The median repetition.
    var seconds: Double { median(workload) }
    /// The median streaming read among the pairs.
    var streamSeconds: Double { median(stream) }
    /// The median of the per-pair ratios workload ÷ stream: what survives the host's drift.
    var ratioToStream: Double { median(zip(workload, stream).map { $0 / $1 }) }
}

/// Interleaves the workloads of a run with the streaming read, and keeps every read it timed.
///
/// This is the one way the bench times anything: a benchmark (in this file's module, including
/// rows other files add) passes its repetition as a closure to ``interleave(repetitions:warmUp:_:)``
/// and builds its `Measurement` from the ``PairedTimes`` it gets back.
final class StreamPairing {
    let read: StreamRead
    /// Every streaming read timed so far, in order.
    private(set) var allReads = [Double]()

    init(read: StreamRead) { self.read = read }

    /// Runs `body` once untimed if `warmUp`, then `repetitions` times, each right after a timed
    /// streaming read. `body` returns its repetition's seconds when it times itself (e.g. an epoch
    /// as the training loop recorded it), or nil to be timed by its wall time here.
    func interleave(repetitions: Int, warmUp: Bool = true, _ body: () throws -> Double?) rethrows -> PairedTimes {
        if warmUp { _ = try body() }
        var times = PairedTimes()
        for _ in 0..<Swift.max(1, repetitions) {
            let stream = read.time()
            allReads.append(stream)
            let start = ContinuousClock.now
            let own = try body()
            times.stream.append(stream)
            times.workload.append(own ?? (ContinuousClock.now - start).seconds)
        }
        return times
    }

    /// Times `repetitions` streaming reads alone after one warm-up read: the reference's own row.
    func alone(repetitions: Int) -> [Double] {
        _ = read.time()
        let times = (0..<Swift.max(1, repetitions)).map { _ in read.time() }
        allReads += times
        return times
    }
}
