import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A dedicated OS thread running one closure, joined on demand. Used where two workers must run
/// at the same time (they meet at spin barriers), which a task pool does not guarantee.
final class WorkerThread: @unchecked Sendable {
    private var thread = pthread_t()
    private let started: Bool

    /// Starts `body` on a new thread; `nil` if the system refused to create one.
    init?(_ body: @escaping @Sendable () -> Void) {
        let context = Unmanaged.passRetained(Box(body)).toOpaque()
        let result = pthread_create(&thread, nil, { context in
            let box = Unmanaged<Box>.fromOpaque(context!).takeRetainedValue()
            box.body()
            return nil
        }, context)
        started = result == 0
        if !started {
            Unmanaged<Box>.fromOpaque(context).release()
            return nil
        }
    }

    /// Waits for the closure to return.
    func join() {
        if started { pthread_join(thread, nil) }
    }

    private final class Box {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
}

/// The hand-over between the two workers of a fit's gradients, for a whole fit: worker 0 owns
/// the weights and publishes each gradient (a mini-batch, or a chunk's full-batch gradient) as a
/// numbered job; worker 1 computes the second half of its partitions. Job numbers run on across
/// epochs, so the helper thread is started once per fit.
final class BatchHandOver: Sendable {
    /// Jobs published so far: worker 1 may start job `k` once `published > k`.
    let published = Atomic<Int>(0)
    /// The latest job's epoch positions and partitions (written before `published` is raised),
    /// on `published`'s cache line: worker 1 gets the job in one transfer.
    let position = Atomic<Int>(0)
    let end = Atomic<Int>(0)
    let parts = Atomic<Int>(2)
    /// Set by worker 0 to end the helper.
    let stop = Atomic<Bool>(false)
    /// The address of the rows worker 1 takes in the job after this one, written by worker 0
    /// before it publishes a job: a hint worker 1 prefetches on into as its half ends and once it
    /// is done (0: none; a stale hint only prefetches the wrong rows).
    let nextRows = Atomic<Int>(0)
    private let padding0 = CacheLinePadding()
    /// Jobs whose second half worker 1 has finished (its own line: worker 1 writes it).
    let done = Atomic<Int>(0)
    private let padding1 = CacheLinePadding()
    /// Jobs whose second half has been claimed, by worker 1 or (a chunk's full batch whose job
    /// worker 1 has not started yet) by worker 0, which then computes it and raises `done` itself.
    let claimed = Atomic<Int>(0)
    private let padding2 = CacheLinePadding()

    /// Spins until `condition` holds, yielding the processor after a while so an oversubscribed
    /// machine still makes progress.
    static func wait(until condition: () -> Bool) {
        var spins = 0
        while !condition() {
            spins += 1
            // After 10⁵ rounds (milliseconds: the other side is idle or descheduled, as the
            // helper is while mini-batches run on one thread) nap instead of spinning.
            if spins > 100_000 { usleep(50) } else if spins > 2000 { sched_yield() }
        }
    }
}

/// 128 bytes between stored properties written by different threads, so they do not share a
/// cache line (or the adjacent line the hardware prefetcher pairs with it).
struct CacheLinePadding {
    private let bytes: (Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
}
