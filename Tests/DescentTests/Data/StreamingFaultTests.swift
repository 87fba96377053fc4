import Foundation
import Testing
@testable import Descent
#if canImport(Glibc)
import Glibc
#endif

/// A streamed file that changes between or during visits, a failing read and a body that throws:
/// each gives a typed error, ends the visit and leaves no read-ahead thread behind.
@Suite("Streaming faults")
struct StreamingFaultTests {
    /// 1000 × 4 features and targets written to a fresh folder, streamed 10 rows a chunk.
    struct Files {
        let folder: String
        let x: String
        let y: String
        let problem: RandomProblem<Double>

        init() throws {
            folder = StreamingDatasetTests.folder()
            x = folder + "/X.npy"
            y = folder + "/y.npy"
            problem = RandomProblem<Double>(rows: 1000, columns: 4, seed: 5)
            try problem.features.writeNPY(to: x)
            try problem.targets.writeNPY(to: y)
        }

        /// Mapped (the default for these `float64` files) or read with `pread`.
        func stream(mapped: Bool = true) throws -> StreamingDataset<Double> {
            let stream = try StreamingDataset<Double>(npyFeatures: x, targets: y, chunkBytes: 10 * 5 * 8, mapped: mapped)
            #expect(stream.isMapped == mapped)
            return stream
        }

        func remove() { try? FileManager.default.removeItem(atPath: folder) }
    }

    /// The `DescentError` a visit throws (and the rows it saw), or `nil`.
    static func visitError(_ stream: StreamingDataset<Double>, _ order: [Int]? = nil,
                           during: ((Int) -> Void)? = nil) -> (DescentError?, rows: Int) {
        var rows = 0, step = 0
        do throws(DescentError) {
            try stream.forEachChunk(order ?? Array(0..<stream.chunkCount)) { chunk in
                during?(step)
                step += 1
                rows += chunk.rows.count
            }
        } catch { return (error, rows) }
        return (nil, rows)
    }

    static func reason(_ error: DescentError?) -> String? {
        if case let .fileChanged(_, reason)? = error { return reason }
        return nil
    }

    @Test("a file truncated between visits gives fileChanged on the next visit", arguments: [true, false])
    func truncatedBetweenVisits(mapped: Bool) throws {
        let files = try Files()
        defer { files.remove() }
        let stream = try files.stream(mapped: mapped)
        #expect(Self.visitError(stream).0 == nil)
        #expect(truncate(files.x, 128 + 500 * 32) == 0)
        let (error, rows) = Self.visitError(stream)
        #expect(rows == 0)
        #expect(Self.reason(error)?.contains("size changed from 32128 to 16128 bytes") == true, "\(String(describing: error))")
        if case let .fileChanged(path, _)? = error { #expect(path == files.x) }
        #expect((error?.description.count ?? 0) > 40)
    }

    @Test("a file replaced or rewritten in place between visits gives fileChanged", arguments: [true, false])
    func replacedBetweenVisits(mapped: Bool) throws {
        let files = try Files()
        defer { files.remove() }
        let stream = try files.stream(mapped: mapped)
        // The same bytes under a new inode.
        try FileManager.default.copyItem(atPath: files.y, toPath: files.folder + "/copy.npy")
        #expect(rename(files.folder + "/copy.npy", files.y) == 0)
        let replaced = Self.visitError(stream).0
        #expect(Self.reason(replaced)?.contains("replaced") == true, "\(String(describing: replaced))")
        // Rewritten in place: same inode and size, a new modification time.
        let stream2 = try files.stream(mapped: mapped)
        let fd = open(files.x, O_WRONLY)
        #expect(fd >= 0)
        var value = 42.0
        #expect(pwrite(fd, &value, 8, 128) == 8)
        var times = [timespec(tv_sec: 1_000_000_000, tv_nsec: 0), timespec(tv_sec: 1_000_000_000, tv_nsec: 0)]
        #expect(futimens(fd, &times) == 0)
        close(fd)
        let modified = Self.visitError(stream2).0
        #expect(Self.reason(modified)?.contains("modified") == true, "\(String(describing: modified))")
        // Removed: it cannot be opened any more.
        unlink(files.x)
        guard case .fileNotReadable(let path, _)? = Self.visitError(stream2).0 else {
            Issue.record("a removed file did not give fileNotReadable")
            return
        }
        #expect(path == files.x)
    }

    @Test("a file truncated in the middle of a visit gives fileChanged, not a trap or a hang",
          arguments: [false, true], [true, false])
    func truncatedDuringVisit(targets: Bool, mapped: Bool) throws {
        let files = try Files()
        defer { files.remove() }
        let stream = try files.stream(mapped: mapped)
        #expect(stream.chunkCount == 100)
        let path = targets ? files.y : files.x
        let (error, rows) = Self.visitError(stream) { step in
            // While chunk 3 is worked on (chunk 4 may already be read ahead): cut the file at row 500.
            if step == 3 { _ = truncate(path, targets ? 128 + 500 * 8 : 128 + 500 * 32) }
        }
        #expect(rows >= 40 && rows <= 500, "visited \(rows) rows")
        guard case let .fileChanged(changed, reason)? = error else {
            Issue.record("expected fileChanged, got \(String(describing: error))")
            return
        }
        #expect(changed == path)
        #expect(reason.contains("truncated"), "\(reason)")
    }

    @Test("a body that throws ends the visit; the next visit reads everything")
    func bodyThrows() throws {
        let files = try Files()
        defer { files.remove() }
        let stream = try files.stream()
        var seen = 0
        #expect(throws: DescentError.noRows) {
            try stream.forEachChunk { (_) throws(DescentError) in
                seen += 1
                if seen == 7 { throw .noRows }
            }
        }
        #expect(seen == 7)
        var x: [Double] = []
        try stream.forEachChunk { x += $0.features }
        #expect(x == files.problem.features.elements)
    }

    /// Counts `ReadAhead` objects alive (a `ReadAhead` lives until its thread has returned).
    final class Probe: @unchecked Sendable {
        weak var readAhead: ReadAhead?
    }

    @Test("the read-ahead thread hands a failed read to the caller and ends; finish always joins it",
          arguments: [0, 1, 2, 5])
    func readAheadFailure(failAt: Int) throws {
        let probe = Probe()
        do {
            let readAhead = try ReadAhead(steps: 6, bufferBytes: 8) { (step, buffer) throws(DescentError) in
                if step == failAt { throw .fileNotReadable(path: "p", reason: "Input/output error") }
                buffer.storeBytes(of: step, as: Int.self)
            }
            probe.readAhead = readAhead
            var taken: [Int] = []
            var failure: DescentError?
            do throws(DescentError) {
                for step in 0..<6 {
                    let buffer = try readAhead.take(step)
                    taken.append(buffer.load(as: Int.self))
                    readAhead.release(step)
                }
            } catch { failure = error }
            readAhead.finish()
            #expect(taken == Array(0..<failAt))
            #expect(failure == .fileNotReadable(path: "p", reason: "Input/output error"))
        }
        #expect(probe.readAhead == nil, "the thread still holds its ReadAhead")
    }

    @Test("a caller that stops early (throws) still ends the thread", arguments: [0, 3])
    func readAheadStopsEarly(stopAfter: Int) throws {
        let probe = Probe()
        do {
            let readAhead = try ReadAhead(steps: 50, bufferBytes: 64) { (step, buffer) throws(DescentError) in
                buffer.storeBytes(of: step, as: Int.self)
            }
            probe.readAhead = readAhead
            for step in 0..<stopAfter {
                #expect(try readAhead.take(step).load(as: Int.self) == step)
                readAhead.release(step)
            }
            readAhead.finish()
        }
        #expect(probe.readAhead == nil, "the thread still holds its ReadAhead")
    }
}
