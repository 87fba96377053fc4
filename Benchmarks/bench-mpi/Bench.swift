import Descent
import DescentMPI
#if canImport(Glibc)
import Glibc
#endif

/// One rank's side of the measurements: the settings, and how a figure is measured and printed.
struct Bench {
    var rows = 1_000_000
    var columns = 100
    var epochs = 5
    var json = false
    let world: MPICommunicator

    /// Rank 0's line of the table, with the slowest rank's figures (the job waits for it).
    func report(_ name: String, seconds: Double, communication: Double, calls: Double? = nil, doubles: Int? = nil) {
        let all: [[Int]]
        do {
            all = try world.allGather([Int(seconds * 1e9), Int(communication * 1e9)])
        } catch { fail(error) }
        guard world.isRoot else { return }
        let wall = Double(all.map { $0[0] }.max()!) / 1e9
        let talk = Double(all.map { $0[1] }.max()!) / 1e9
        if json {
            print("{\"ranks\":\(world.size),\"rows\":\(rows),\"columns\":\(columns),\"name\":\"\(name)\","
                  + "\"seconds\":\(wall),\"communication_seconds\":\(talk)\(calls.map { ",\"collective_calls\":\($0)" } ?? "")"
                  + "\(doubles.map { ",\"doubles\":\($0)" } ?? "")}")
        } else {
            let share = wall > 0 ? talk / wall * 100 : 0
            print(pad(name, 46) + pad(fixed(wall, 6) + " s", 14, left: true) + pad(fixed(talk, 6) + " s", 14, left: true)
                  + pad(fixed(share, 1) + " %", 9, left: true) + pad(calls.map { fixed($0, 1) } ?? "", 8, left: true)
                  + (doubles.map { "   \($0) doubles" } ?? ""))
        }
    }

    /// The table's header (rank 0, not in JSON).
    func header() {
        guard world.isRoot, !json else { return }
        print("bench-mpi: \(world.size) rank(s), \(rows) × \(columns) Double in all, OpenBLAS \(BLASConfiguration.threads) "
              + "thread(s) per rank, core \(BLASConfiguration.coreName)")
        print(pad("what", 46) + pad("wall", 14, left: true) + pad("communicating", 14, left: true) + pad("share", 9, left: true)
              + pad("calls", 8, left: true))
    }

    /// Runs `body` `repeats` times on every rank, between barriers: the median wall time and the
    /// median time inside the communicator's calls.
    func measure(repeats: Int, _ body: () throws(DescentError) -> Void)
        -> (seconds: Double, communication: Double, calls: Double) {
        var walls: [Double] = [], talks: [Double] = []
        let calls = world.collectiveCalls
        for _ in 0..<repeats {
            do {
                try world.barrier()
                let before = world.communicationSeconds
                let start = Bench.now()
                try body()
                walls.append(Bench.now() - start)
                talks.append(world.communicationSeconds - before)
            } catch { fail(error) }
        }
        // Each repeat's barrier is a call too.
        return (walls.sorted()[repeats / 2], talks.sorted()[repeats / 2],
                Double(world.collectiveCalls - calls - repeats) / Double(repeats))
    }

    func fail(_ error: DescentError) -> Never {
        print("[rank \(world.rank)] bench-mpi: \(error)")
        exit(1)
    }

    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}

/// `value` with `digits` decimals.
func fixed(_ value: Double, _ digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let scaled = (value * scale).rounded()
    let whole = Int(scaled / scale), fraction = Int(Swift.abs(scaled).truncatingRemainder(dividingBy: scale))
    guard digits > 0 else { return "\(whole)" }
    let text = String(fraction)
    return "\(value < 0 && whole == 0 ? "-" : "")\(whole).\(String(repeating: "0", count: digits - text.count))\(text)"
}

func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
    let fill = String(repeating: " ", count: Swift.max(0, width - text.count))
    return left ? fill + text : text + fill
}
