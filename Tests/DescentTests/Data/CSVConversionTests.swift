import Foundation
import Testing
@testable import Descent
#if canImport(Glibc)
import Glibc
#endif

/// `StreamingDataset.convertCSV` and `descent convert`: the `.npy` files hold exactly what the
/// in-memory CSV reader reads, whatever block size splits the file; errors leave no file behind,
/// including a real write failure (a file-size limit).
@Suite("CSV to .npy conversion")
struct CSVConversionTests {
    /// A CSV file with what the parser must carry across block boundaries: a byte-order mark,
    /// CRLF and LF line ends, blank lines, quoted cells and a quoted header name with a comma and
    /// a line end, long and short numbers.
    static func awkwardCSV(rows: Int) -> String {
        var random = RandomSource(seed: 3)
        var text = "\u{FEFF}a,\"b, \"\"quoted\"\"\nname\",target,c\r\n"
        for i in 0..<rows {
            let a = random.nextNormal(), b = (random.nextNormal() * 1e6).rounded() / 1e3, c = Double(i)
            let y = 2 * a - b + 0.5 * c
            let cells = i % 7 == 3 ? ["\"\(a)\"", "\(b)", " \(y) ", "\(c)"] : ["\(a)", "\(b)", "\(y)", "\(c)"]
            text += cells.joined(separator: ",") + (i % 5 == 0 ? "\r\n" : "\n")
            if i % 11 == 4 { text += "\n  \n" }
        }
        return text
    }

    func check<S: BLASScalar>(_: S.Type) throws {
        let folder = StreamingDatasetTests.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let csv = folder + "/data.csv"
        try Self.awkwardCSV(rows: 300).write(toFile: csv, atomically: true, encoding: .utf8)
        let oracle = try Dataset<S>(csvFile: csv, target: "target")
        #expect(oracle.rowCount == 300 && oracle.featureNames == ["a", "b, \"quoted\"\nname", "c"])
        for block in [16, 17, 61, 256, 4096, 1 << 20] {
            let x = folder + "/X\(block).npy", y = folder + "/y\(block).npy"
            let summary = try CSVConversion<S>.run(csv, features: x, targets: y, target: "target", featureColumns: nil,
                                                   options: CSVOptions(), blockBytes: block)
            #expect(summary == CSVConversionSummary(rows: 300, featureNames: oracle.featureNames, targetName: "target",
                                                    droppedRows: 0))
            let features = try Matrix<S>(npyFile: x)
            #expect(features.rows == 300 && features.columns == 3)
            #expect(features.elements == oracle.features.elements, "block \(block)")
            #expect(try Matrix<S>(npyFile: y).elements == oracle.targets, "block \(block)")
            // The header was rewritten in place: the data starts at 128 and the file is exactly that long.
            let size = try FileManager.default.attributesOfItem(atPath: x)[.size] as? Int
            #expect(size == 128 + 300 * 3 * MemoryLayout<S>.size)
        }
        // Chosen columns, in the order asked; the public entry point.
        let summary = try StreamingDataset<S>.convertCSV(csv, features: folder + "/Xc.npy", targets: folder + "/yc.npy",
                                                         target: "target", featureColumns: ["c", "a"])
        #expect(summary.featureNames == ["c", "a"])
        let chosen = oracle.selecting(columns: [2, 0]).features.elements
        #expect(try Matrix<S>(npyFile: folder + "/Xc.npy").elements == chosen)
        // Streamed straight back.
        let stream = try StreamingDataset<S>(npyFeatures: folder + "/Xc.npy", targets: folder + "/yc.npy", chunkBytes: 100)
        var streamed: [S] = []
        try stream.forEachChunk { streamed += $0.features }
        #expect(streamed == chosen)
    }

    @Test("the files hold what the in-memory CSV reader reads, for any block size", arguments: Precision.allCases)
    func matchesInMemoryReader(_ precision: Precision) throws { try check(precision.scalar) }

    @Test("dropped rows, a header-less file and a delimiter behave as in the in-memory reader")
    func options() throws {
        let folder = StreamingDatasetTests.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let csv = folder + "/d.csv"
        try "1;2;3\n4;;6\n7;8;9\n10;x;12\n13;14;15".write(toFile: csv, atomically: true, encoding: .utf8)
        let options = CSVOptions(delimiter: ";", hasHeader: false, dropInvalidRows: true)
        let table = try CSVReader.read(path: csv, options: options)
        for block in [8, 1 << 20] {
            let summary = try CSVConversion<Double>.run(csv, features: folder + "/X.npy", targets: folder + "/y.npy",
                                                        target: "column 2", featureColumns: nil, options: options,
                                                        blockBytes: block)
            #expect(summary.droppedRows == table.droppedRows && summary.rows == table.rows && summary.rows == 3)
            #expect(try Matrix<Double>(npyFile: folder + "/X.npy").elements == table.selecting([0, 2]))
            #expect(try Matrix<Double>(npyFile: folder + "/y.npy").elements == [2, 8, 14])
        }
    }

    /// The files in `folder` other than `keep`.
    static func leftovers(_ folder: String, keep: Set<String>) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { !keep.contains($0) }.sorted()
    }

    @Test("a bad cell, an unknown column, an empty file or an unwritable folder: the reader's error and no file left")
    func errorsLeaveNothing() throws {
        let folder = StreamingDatasetTests.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let csv = folder + "/data.csv"
        var text = Self.awkwardCSV(rows: 200)
        text += "1,2,oops,4\n"
        try text.write(toFile: csv, atomically: true, encoding: .utf8)
        var expected: DescentError?
        do throws(DescentError) { _ = try Dataset<Double>(csvFile: csv, target: "target") } catch { expected = error }
        let oracle = try #require(expected)
        for block in [64, 1 << 20] {
            expectDescentError(oracle) {
                _ = try CSVConversion<Double>.run(csv, features: folder + "/X.npy", targets: folder + "/y.npy", target: "target",
                                              featureColumns: nil, options: CSVOptions(), blockBytes: block)
            }
            #expect(Self.leftovers(folder, keep: ["data.csv"]) == [])
        }
        #expect(throws: DescentError.self) {
            try StreamingDataset<Double>.convertCSV(csv, features: folder + "/X.npy", targets: folder + "/y.npy", target: "nope")
        }
        #expect(throws: DescentError.self) {
            try StreamingDataset<Double>.convertCSV(csv, features: folder + "/X.npy", targets: folder + "/y.npy",
                                                    target: "target", featureColumns: ["a", "zzz"])
        }
        try "".write(toFile: folder + "/empty.csv", atomically: true, encoding: .utf8)
        expectDescentError(.invalidFile(path: folder + "/empty.csv", format: "CSV", reason: "the file is empty")) {
            try StreamingDataset<Double>.convertCSV(folder + "/empty.csv", features: folder + "/X.npy",
                                                    targets: folder + "/y.npy", target: "target")
        }
        // The targets' folder does not exist: the features file is not left behind either.
        try Self.awkwardCSV(rows: 5).write(toFile: csv, atomically: true, encoding: .utf8)
        #expect(throws: DescentError.self) {
            try StreamingDataset<Double>.convertCSV(csv, features: folder + "/X.npy", targets: folder + "/no/such/y.npy",
                                                    target: "target")
        }
        #expect(Self.leftovers(folder, keep: ["data.csv", "empty.csv"]) == [])
    }

    @Test("descent convert: a file-size limit hit while writing exits non-zero and leaves no .npy file")
    func writeFailure() throws {
        try #require(FileManager.default.isExecutableFile(atPath: DescentCommandTests.executable.path), "descent is not built")
        let folder = StreamingDatasetTests.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let csv = folder + "/data.csv"
        try Self.awkwardCSV(rows: 3000).write(toFile: csv, atomically: true, encoding: .utf8)
        // RLIMIT_FSIZE of 20 KiB (the features take 72 KB) with SIGXFSZ ignored, so write() fails with EFBIG.
        let script = "trap '' XFSZ; ulimit -f 20; exec \"$0\" convert \"$1\" \"$2\" \"$3\" --target target"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script, DescentCommandTests.executable.path, csv, folder + "/X.npy", folder + "/y.npy"]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = Pipe()
        try process.run()
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1, "\(errors)")
        #expect(errors.contains("Cannot write \(folder)/X.npy: File too large"), "\(errors)")
        #expect(Self.leftovers(folder, keep: ["data.csv"]) == [])
        // Without the limit the same command succeeds and numpy's layout is written.
        let process2 = Process()
        process2.executableURL = DescentCommandTests.executable
        process2.arguments = ["convert", csv, folder + "/X.npy", folder + "/y.npy", "--target", "target"]
        process2.standardOutput = Pipe()
        try process2.run()
        process2.waitUntilExit()
        #expect(process2.terminationStatus == 0)
        #expect(try Matrix<Double>(npyFile: folder + "/X.npy").elements
                == (try Dataset<Double>(csvFile: csv, target: "target")).features.elements)
    }
}
