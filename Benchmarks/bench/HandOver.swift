import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The round trip of a hand-over between two threads: the latency a paired mini-batch pays at
/// least twice per batch (the job out to the helper, its half back), measured in the bench's
/// process right before each mini-batch repetition.
///
/// On this 2-vCPU VM it is not a constant of the machine: within one hour a C ping-pong measured
/// 98–185 ns (the host running both vCPUs close together) and 513–584 ns (far apart) by turns,
/// switching every few minutes, and the Float32 mini-batch epoch went with it (2.7 µs against 3.3 µs per batch of 256
/// × 100 in a C harness of the same hand-over). The row's `handover_round_trip_ns` says which
/// the repetitions saw.
enum HandOverProbe {
    /// The mean nanoseconds of one round trip over `trips` round trips between this thread and a
    /// new one; nil if no thread could be started.
    static func roundTripNanoseconds(trips: Int = 2000) -> Double? {
        let trips = Swift.max(2, trips)   // the first trip only starts the thread
        let state = Shared()
        let context = Unmanaged.passRetained(Box(state: state, trips: trips)).toOpaque()
        var thread = pthread_t()
        guard pthread_create(&thread, nil, { context in
            let box = Unmanaged<Box>.fromOpaque(context!).takeRetainedValue()
            for i in 1...box.trips {
                while box.state.ping.load(ordering: .acquiring) < i {}
                box.state.pong.store(i, ordering: .releasing)
            }
            return nil
        }, context) == 0 else {
            Unmanaged<Box>.fromOpaque(context).release()
            return nil
        }
        // Wait for the thread to run before timing (its start is not a hand-over).
        state.ping.store(1, ordering: .releasing)
        while state.pong.load(ordering: .acquiring) < 1 {}
        let clock = ContinuousClock()
        let start = clock.now
        for i in 2...trips {
            state.ping.store(i, ordering: .releasing)
            while state.pong.load(ordering: .acquiring) < i {}
        }
        let seconds = (clock.now - start) / .seconds(1)
        pthread_join(thread, nil)
        return seconds * 1e9 / Double(trips - 1)
    }

    /// The two counters, each on its own cache lines.
    private final class Shared: Sendable {
        let ping = Atomic<Int>(0)
        private let padding = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let pong = Atomic<Int>(0)
    }

    private final class Box {
        let state: Shared
        let trips: Int
        init(state: Shared, trips: Int) {
            self.state = state
            self.trips = trips
        }
    }
}
