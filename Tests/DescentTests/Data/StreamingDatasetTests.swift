import Foundation
import Testing
@testable import Descent
#if canImport(Glibc)
import Glibc
#endif

/// `StreamingDataset` hands out exactly the rows of its `.npy` files, in any chunk size and
/// order: checked against numpy-written files (Resources/npy/generate_streaming.py, read by the
/// in-memory reader and by a formula) and against files Descent writes at test time.
@Suite("Streaming .npy data sets")
struct StreamingDatasetTests {
    static func fixture(_ name: String) throws -> String { try TestData.url("npy/" + name).path }

    /// A fresh folder for files a test writes; removed by the caller.
    static func folder() -> String {
        let path = NSTemporaryDirectory() + "descent-stream-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The `DescentError` that `body` throws, or `nil`.
    static func error(_ body: () throws(DescentError) -> Void) -> DescentError? {
        do throws(DescentError) { try body() } catch { return error }
        return nil
    }

    /// Every visited chunk's rows and contents, concatenated in visiting order.
    static func visit<S: BLASScalar>(_ stream: StreamingDataset<S>, _ order: [Int]) throws
        -> (rows: [Range<Int>], features: [S], targets: [S]) {
        var rows: [Range<Int>] = [], x: [S] = [], y: [S] = []
        try stream.forEachChunk(order) { chunk in
            #expect(chunk.index == order[rows.count])
            #expect(chunk.columns == stream.columns)
            rows.append(chunk.rows)
            x += chunk.features
            y += chunk.targets
        }
        return (rows, x, y)
    }

    /// Streams the numpy fixtures into `S` with chunks of 1, 2, 5, 36, 37 and more rows and
    /// checks every chunk against numpy's values, in order and in a shuffled order with repeats.
    func numpyFixtures<S: BLASScalar>(_: S.Type) throws {
        let isFloat = MemoryLayout<S>.size == 4
        for (xName, yName) in [("stream_x_f8.npy", "stream_y_f8.npy"), ("stream_x_f4.npy", "stream_y_f4_column.npy"),
                               ("stream_x_f4.npy", "stream_y_f8.npy")] {
            let xPath = try Self.fixture(xName), yPath = try Self.fixture(yName)
            let roundsAny = isFloat && (xName.contains("f8") || yName.contains("f8"))
            if roundsAny {
                #expect(throws: DescentError.self) { try StreamingDataset<S>(npyFeatures: xPath, targets: yPath) }
            }
            // The oracle: numpy's values (the formula of generate_streaming.py, rounded as the file
            // and then as S), and the in-memory reader.
            let inMemory = try Matrix<S>(npyFile: xPath, allowPrecisionLoss: roundsAny)
            let yInMemory = try Matrix<S>(npyFile: yPath, allowPrecisionLoss: roundsAny)
            for i in 0..<37 {
                for j in 0..<3 {
                    let exact = sin(3.0 * Double(i) + Double(j) + 1) * pow(10.0, Double(j - 1))
                    let file = xName.contains("f4") ? Double(Float(exact)) : exact
                    #expect(inMemory[i, j] == S(file), "x[\(i), \(j)]")
                }
            }
            // A row takes the wider of the file's element and S in the buffer (conversion is in place).
            let size = MemoryLayout<S>.size
            let rowBytes = 3 * Swift.max(xName.contains("f8") ? 8 : 4, size) + Swift.max(yName.contains("f8") ? 8 : 4, size)
            for wanted in [1, 2, 5, 36, 37, 1000] {
                let stream = try StreamingDataset<S>(npyFeatures: xPath, targets: yPath, chunkBytes: wanted * rowBytes + rowBytes - 1,
                                                     allowPrecisionLoss: roundsAny)
                #expect(stream.rowCount == 37 && stream.columns == 3)
                // Mapped where both files hold S as stored; read with pread where one needs a conversion.
                #expect(stream.isMapped == ((xName.contains("f8") ? 8 : 4) == size && (yName.contains("f8") ? 8 : 4) == size))
                #expect(stream.rowsPerChunk == Swift.min(wanted, 37))
                let n = stream.rowsPerChunk
                #expect(stream.chunkCount == (37 + n - 1) / n)
                let all = try Self.visit(stream, Array(0..<stream.chunkCount))
                #expect(all.rows == (0..<stream.chunkCount).map { $0 * n ..< Swift.min(($0 + 1) * n, 37) })
                #expect(all.features == inMemory.elements, "\(xName) in chunks of \(n) rows")
                #expect(all.targets == yInMemory.elements, "\(yName) in chunks of \(n) rows")
                // A shuffled order with a repeat: each chunk is still its own rows.
                var random = RandomSource(seed: UInt64(n))
                var order = Array(0..<stream.chunkCount)
                random.shuffle(&order)
                order.append(order[0])
                let shuffled = try Self.visit(stream, order)
                var offset = 0
                for rows in shuffled.rows {
                    #expect(Array(shuffled.features[offset * 3 ..< (offset + rows.count) * 3])
                            == Array(inMemory.elements[rows.lowerBound * 3 ..< rows.upperBound * 3]))
                    #expect(Array(shuffled.targets[offset ..< offset + rows.count]) == Array(yInMemory.elements[rows]))
                    offset += rows.count
                }
            }
        }
    }

    @Test("numpy-written float32 and float64 files stream exactly, in every chunk size and order",
          arguments: Precision.allCases)
    func numpyWritten(_ precision: Precision) throws { try numpyFixtures(precision.scalar) }

    /// Files written by Descent, 1000 × 7: chunk sizes that do and do not divide the rows.
    func writtenFiles<S: BLASScalar>(_: S.Type) throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let problem = RandomProblem<S>(rows: 1000, columns: 7, seed: 11)
        try problem.features.writeNPY(to: folder + "/X.npy")
        try problem.targets.writeNPY(to: folder + "/y.npy")
        let rowBytes = 8 * MemoryLayout<S>.size
        for rows in [1, 3, 7, 999, 1000, 1001, 250] {
            for mapped in [true, false] {
                let stream = try StreamingDataset<S>(npyFeatures: folder + "/X.npy", targets: folder + "/y.npy",
                                                     chunkBytes: rows * rowBytes, mapped: mapped)
                #expect(stream.isMapped == mapped)
                #expect(stream.rowsPerChunk == Swift.min(rows, 1000))
                #expect(stream.chunkCount == (1000 + rows - 1) / rows)
                let all = try Self.visit(stream, Array(0..<stream.chunkCount))
                #expect(all.features == problem.features.elements)
                #expect(all.targets == problem.targets)
                #expect(all.rows.last?.upperBound == 1000)
            }
        }
        // The URL initialiser reads the same.
        let viaURL = try StreamingDataset<S>(npyFeatures: URL(fileURLWithPath: folder + "/X.npy"),
                                             targets: URL(fileURLWithPath: folder + "/y.npy"))
        #expect(viaURL.chunkCount == 1 && viaURL.featureNames == (0..<7).map { "x\($0)" })
        #expect(try Self.visit(viaURL, [0]).features == problem.features.elements)
    }

    @Test("files Descent writes stream exactly in chunks that do and do not divide the rows",
          arguments: Precision.allCases)
    func written(_ precision: Precision) throws { try writtenFiles(precision.scalar) }

    /// Mapped files' pages are brought in several chunks at a time
    /// (``StreamingDataset/preparedTogether(_:)``: 32 MiB, so one group for every small file):
    /// groups that do not divide the visit, in a shuffled order with repeats, give every chunk its
    /// own rows; a body that throws in the middle of a group ends the visit with its error.
    @Test("mapped chunks prepared in groups give each chunk its own rows, and a throw mid-group ends the visit")
    func preparedInGroups() throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let problem = RandomProblem<Double>(rows: 100, columns: 3, seed: 5)
        try problem.features.writeNPY(to: folder + "/X.npy")
        try problem.targets.writeNPY(to: folder + "/y.npy")
        let stream = try StreamingDataset<Double>(npyFeatures: folder + "/X.npy", targets: folder + "/y.npy",
                                                  chunkBytes: 7 * 4 * 8)
        #expect(stream.isMapped && stream.chunkCount == 15)
        #expect(StreamingDataset<Double>.preparedTogether(4 << 20) == 8)
        #expect(StreamingDataset<Double>.preparedTogether(64 << 20) == 1)
        var random = RandomSource(seed: 3)
        var order = Array(0..<stream.chunkCount)
        random.shuffle(&order)
        order += [order[4], order[0]]
        for group in [1, 2, 4, 16, 40] {
            var seen = [Int]()
            try stream.forEachChunk(order, preparing: group) { chunk in
                seen.append(chunk.index)
                #expect(chunk.rows == chunk.index * 7 ..< Swift.min(chunk.index * 7 + 7, 100))
                #expect(Array(chunk.features) == Array(problem.features.elements[(chunk.rows.lowerBound * 3)..<(chunk.rows.upperBound * 3)]))
                #expect(Array(chunk.targets) == Array(problem.targets[chunk.rows]))
            }
            #expect(seen == order, "groups of \(group)")
            var visited = 0
            let stopped = Self.error { () throws(DescentError) in
                try stream.forEachChunk(order, preparing: group) { (_: RowChunk<Double>) throws(DescentError) in
                    visited += 1
                    if visited == 6 { throw .invalidOption(name: "body", value: "6", expected: "a test's stop") }
                }
            }
            #expect(stopped == .invalidOption(name: "body", value: "6", expected: "a test's stop"), "groups of \(group)")
            #expect(visited == 6)
        }
    }

    @Test("the default chunk buffers stay within 64 MiB")
    func defaultBound() throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // 300 000 × 30 float32 features (36 MB), streamed as Double: each element needs 8 bytes.
        let rows = 300_000, columns = 30
        let x = try Matrix<Float>(rows: rows, columns: columns, elements: (0..<(rows * columns)).map { Float($0 % 1013) })
        try x.writeNPY(to: folder + "/X.npy")
        try [Float](repeating: 1, count: rows).writeNPY(to: folder + "/y.npy")
        let stream = try StreamingDataset<Double>(npyFeatures: folder + "/X.npy", targets: folder + "/y.npy")
        #expect(2 * stream.bufferBytes <= 64 << 20)
        #expect(stream.chunkCount > 1)
        var checked = 0
        try stream.forEachChunk { chunk in
            for k in [0, chunk.features.count - 1] {
                let index = chunk.rows.lowerBound * columns + k
                #expect(chunk.features[k] == Double(index % 1013))
            }
            checked += chunk.rows.count
        }
        #expect(checked == rows)
    }

    @Test("files that cannot be streamed give typed errors")
    func refusals() throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let x = try Self.fixture("stream_x_f8.npy"), y = try Self.fixture("stream_y_f8.npy")
        expectDescentError(.invalidOption(name: "chunkBytes", value: "0", expected: "at least 1 (the default is 4 MiB)")) {
            _ = try StreamingDataset<Double>(npyFeatures: x, targets: y, chunkBytes: 0)
        }
        expectDescentError(.invalidFile(path: try Self.fixture("broken_empty.npy"), format: ".npy", reason: "the file is empty")) {
            _ = try StreamingDataset<Double>(npyFeatures: try Self.fixture("broken_empty.npy"), targets: y)
        }
        expectDescentError(.invalidFile(path: try Self.fixture("broken_empty.npy"), format: ".npy", reason: "the file is empty")) {
            _ = try StreamingDataset<Double>(npyFeatures: x, targets: try Self.fixture("broken_empty.npy"))
        }
        expectDescentError(.fileNotReadable(path: folder + "/none.npy", reason: "No such file or directory")) {
            _ = try StreamingDataset<Double>(npyFeatures: folder + "/none.npy", targets: y)
        }
        // Targets of several columns are several targets (a MultiLinearModel's); row counts that
        // differ; Fortran order; truncated data.
        #expect(try StreamingDataset<Double>(npyFeatures: x, targets: x).targetColumns == 3)
        try [Double](repeating: 0, count: 36).writeNPY(to: folder + "/y36.npy")
        expectDescentError(.targetCountMismatch(rows: 37, targets: 36)) {
            _ = try StreamingDataset<Double>(npyFeatures: x, targets: folder + "/y36.npy")
        }
        let fortran = try Self.fixture("f8_f.npy"), vector = try Self.fixture("f8_vector.npy")
        let fortranError = Self.error { () throws(DescentError) in _ = try StreamingDataset<Double>(npyFeatures: fortran, targets: vector) }
        #expect(fortranError?.description.contains("Fortran") == true)
        #expect(throws: DescentError.self) {
            try StreamingDataset<Double>(npyFeatures: try Self.fixture("broken_truncated_data.npy"), targets: y)
        }
        // Float64 into Float only when asked; float32 into Double always.
        let rounding = Self.error { () throws(DescentError) in _ = try StreamingDataset<Float>(npyFeatures: x, targets: y) }
        #expect(rounding?.description.contains("allowPrecisionLoss") == true)
        #expect(rounding?.description.hasPrefix(x) == true)
    }

    @Test("a file of no rows streams no chunks")
    func noRows() throws {
        let folder = Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try [Double]().writeNPY(to: folder + "/y.npy")
        let stream = try StreamingDataset<Double>(npyFeatures: try Self.fixture("f8_empty.npy"), targets: folder + "/y.npy")
        #expect(stream.rowCount == 0 && stream.columns == 3 && stream.chunkCount == 0)
        var calls = 0
        try stream.forEachChunk { _ in calls += 1 }
        #expect(calls == 0)
    }
}
