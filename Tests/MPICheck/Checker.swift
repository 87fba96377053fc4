import Descent
import DescentMPI
#if canImport(Glibc)
import Glibc
#endif

/// Counts this rank's checks, prints failures (with the rank), and folds every result's bits into
/// a hash that must be the same on every rank and in every run.
final class Checker {
    let world: MPICommunicator
    private(set) var passed = 0
    private(set) var failed = 0
    /// FNV-1a over the bits of every result recorded with ``record(_:)``.
    private(set) var hash: UInt64 = 0xcbf2_9ce4_8422_2325

    init(world: MPICommunicator) { self.world = world }

    /// Counts `condition` as a pass or a failure; prints `detail` on failure.
    func check(_ name: String, _ condition: Bool, _ detail: @autoclosure () -> String = "") {
        if condition {
            passed += 1
        } else {
            failed += 1
            print("[rank \(world.rank)] FAIL \(name)\(detail().isEmpty ? "" : ": \(detail())")")
        }
    }

    /// Folds `values`' bits into the run's hash.
    func record(_ values: [Double]) {
        for value in values {
            var bits = value.bitPattern
            for _ in 0..<8 {
                hash = (hash ^ (bits & 0xff)) &* 0x0000_0100_0000_01b3
                bits >>= 8
            }
        }
    }

    /// Checks that `values` are the same bits on every rank, and records them.
    func sameOnEveryRank(_ name: String, _ values: [Double]) {
        record(values)
        var local: UInt64 = 0xcbf2_9ce4_8422_2325
        for value in values { local = (local ^ value.bitPattern) &* 0x0000_0100_0000_01b3 }
        do {
            let all = try world.allGather([Int(Int64(bitPattern: local)), values.count])
            check("\(name): the same bits on every rank", all.allSatisfy { $0 == all[0] }, "per-rank hashes \(all)")
        } catch {
            check("\(name): gathering the hashes", false, "\(error)")
        }
    }

    /// Runs `body`, which must throw `expected` on every rank, within `seconds`.
    func expectError(_ name: String, _ expected: (DescentError) -> Bool, within seconds: Double = 5,
                     _ body: () throws(DescentError) -> Void) {
        let start = Checker.now()
        do {
            try body()
            check(name, false, "no error was thrown")
        } catch {
            check(name, expected(error), "unexpected error \(error)")
            let elapsed = Checker.now() - start
            check("\(name): within \(seconds) s", elapsed < seconds, "took \(elapsed) s")
            // The same error on every rank: compare the text everywhere.
            sameOnEveryRank("\(name): the error", Array(error.description.utf8).map(Double.init))
        }
    }

    /// Monotonic seconds.
    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}

/// `|a − b| ≤ tolerance · max(1, |b|)` element-wise, as the largest relative gap.
func relativeGap(_ a: [Double], _ b: [Double]) -> Double {
    guard a.count == b.count else { return .infinity }
    let scale = Swift.max(1, b.map(Swift.abs).max() ?? 0)
    return zip(a, b).map { Swift.abs($0 - $1) }.max().map { $0 / scale } ?? 0
}
