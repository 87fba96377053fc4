#if canImport(Glibc)
import Glibc
#endif

/// Double buffering on a thread of its own: while the caller works on one buffer, the thread
/// fills the other with the next step of a visit, so reading overlaps arithmetic.
///
/// Steps `0..<steps` alternate between two buffers (step `k` uses buffer `k % 2`). The thread
/// fills step `k` once the caller has released step `k − 2`; the caller ``take(_:)``s step `k`,
/// works on it, then ``release(_:)``s it. A failed read is handed to the caller in place of that
/// step, and the thread stops. ``finish()`` stops the thread and waits for it, whatever state the
/// visit is in (also when the caller throws in the middle), so no thread outlives its visit.
/// Memory: the two buffers, mapped once per visit and unmapped after it.
final class ReadAhead: @unchecked Sendable {  // state guarded by `mutex`; buffers handed over by it
    /// What a buffer holds.
    private enum Slot {
        case free
        case filled(step: Int)
        case failed(step: Int, DescentError)
    }

    /// The two buffers, each `bufferBytes` long, 64-byte aligned.
    let buffers: (UnsafeMutableRawPointer, UnsafeMutableRawPointer)
    private let steps: Int
    private let bytes: Int
    private let fill: @Sendable (_ step: Int, _ buffer: UnsafeMutableRawPointer) throws(DescentError) -> Void
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var slots: [Slot] = [.free, .free]
    private var stopping = false
    private var thread = pthread_t()
    /// Whether the thread runs; without one (the system refused), ``take(_:)`` reads itself.
    private var threaded = false

    /// Maps the buffers and starts the thread, which begins filling step 0 at once.
    ///
    /// - Parameters:
    ///   - steps: The number of steps in the visit.
    ///   - bufferBytes: Each buffer's size.
    ///   - fill: Reads step `step` into `buffer` (runs on the read-ahead thread).
    /// - Throws: ``DescentError/invalidOption(name:value:expected:)`` when the buffers cannot be mapped.
    init(steps: Int, bufferBytes: Int,
         fill: @escaping @Sendable (_ step: Int, _ buffer: UnsafeMutableRawPointer) throws(DescentError) -> Void)
        throws(DescentError) {
        let bytes = Swift.max(bufferBytes, 64)
        let first = try Self.map(bytes)
        let second: UnsafeMutableRawPointer
        do throws(DescentError) { second = try Self.map(bytes) } catch {
            munmap(first, bytes)
            throw error
        }
        self.bytes = bytes
        buffers = (first, second)
        self.steps = steps
        self.fill = fill
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(changed, nil)
        guard steps > 1 else { return }  // one step: nothing to overlap, read it on the caller's thread
        let context = Unmanaged.passRetained(self).toOpaque()
        threaded = pthread_create(&thread, nil, { context in
            let me = Unmanaged<ReadAhead>.fromOpaque(context!).takeRetainedValue()
            me.run()
            return nil
        }, context) == 0
        if !threaded { Unmanaged<ReadAhead>.fromOpaque(context).release() }
    }

    deinit {
        munmap(buffers.0, bytes)
        munmap(buffers.1, bytes)
        pthread_cond_destroy(changed)
        pthread_mutex_destroy(mutex)
        changed.deallocate()
        mutex.deallocate()
    }

    /// A buffer of anonymous memory mapped for the visit and unmapped after it, so a visit's
    /// memory is returned to the system when it ends (a heap block of this size may stay resident).
    private static func map(_ bytes: Int) throws(DescentError) -> UnsafeMutableRawPointer {
        guard let address = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              address != MAP_FAILED else {
            throw .invalidOption(name: "chunkBytes", value: "\(bytes) bytes per buffer",
                                 expected: "a size this machine can allocate twice (\(FileIO.systemError()))")
        }
        return address
    }

    private func buffer(_ step: Int) -> UnsafeMutableRawPointer { step % 2 == 0 ? buffers.0 : buffers.1 }

    /// The thread: fills each step's buffer as soon as it is free, until done, stopped or failed.
    private func run() {
        for step in 0..<steps {
            pthread_mutex_lock(mutex)
            while !stopping, case .filled = slots[step % 2] { pthread_cond_wait(changed, mutex) }
            let stop = stopping
            pthread_mutex_unlock(mutex)
            if stop { return }
            let result: Slot
            do throws(DescentError) {
                try fill(step, buffer(step))
                result = .filled(step: step)
            } catch {
                result = .failed(step: step, error)
            }
            pthread_mutex_lock(mutex)
            slots[step % 2] = result
            pthread_cond_broadcast(changed)
            pthread_mutex_unlock(mutex)
            if case .failed = result { return }
        }
    }

    /// Waits until step `step` is read and returns its buffer.
    ///
    /// - Throws: the error that reading this step (or an earlier one) gave.
    func take(_ step: Int) throws(DescentError) -> UnsafeMutableRawPointer {
        guard threaded else {
            try fill(step, buffer(step))
            return buffer(step)
        }
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while true {
            switch slots[step % 2] {
            case .filled(let filled) where filled == step: return buffer(step)
            case .failed(_, let error): throw error
            default: break
            }
            // The thread stopped at an error in the other slot: it will never fill this one.
            if case .failed(_, let error) = slots[(step + 1) % 2] { throw error }
            pthread_cond_wait(changed, mutex)
        }
    }

    /// Hands step `step`'s buffer back to the thread for step `step + 2`.
    func release(_ step: Int) {
        guard threaded else { return }
        pthread_mutex_lock(mutex)
        slots[step % 2] = .free
        pthread_cond_broadcast(changed)
        pthread_mutex_unlock(mutex)
    }

    /// Stops the thread (after the read it may be in the middle of) and waits for it to end.
    func finish() {
        guard threaded else { return }
        pthread_mutex_lock(mutex)
        stopping = true
        pthread_cond_broadcast(changed)
        pthread_mutex_unlock(mutex)
        pthread_join(thread, nil)
        threaded = false
    }
}
