import Foundation
import Testing
@testable import Descent

/// `.npy` files written by numpy (Resources/npy, made by its generate.py) read back exactly, in
/// every dtype, byte order, memory order and format version Descent supports; broken files give
/// typed errors; what Descent writes, numpy reads bit for bit.
@Suite("NumPy .npy files")
struct NPYTests {
    static func path(_ name: String) throws -> String { try TestData.url("npy/" + name).path }

    /// The value the generator wrote at (i, j) of a 2 × 3 grid, for each kind of dtype.
    static func expected(_ name: String, _ i: Int, _ j: Int) -> Double {
        if name.hasPrefix("b1") { return Double((i + j) % 2) }
        if name.hasPrefix("i") || name.hasPrefix("be_i") { return -Double(3 * i + j) }
        if name.hasPrefix("u") || name.hasPrefix("be_u") { return Double(3 * i + j) }
        let exact = Double(3 * i + j) * 0.5 + 0.1
        return name.contains("f4") ? Double(Float(exact)) : exact
    }

    static let grids = ["f8_c", "f8_f", "f4_c", "f4_f", "be_f8_c", "be_f8_f", "be_f4_c", "be_f4_f", "f8_v2", "f8_v3",
                        "i1_c", "i2_c", "i4_c", "i8_c", "u1_c", "u2_c", "u4_c", "u8_c", "be_i4_c", "be_u8_c", "b1_c", "i4_f"]

    @Test("every layout numpy writes reads back exactly into Matrix<Double>", arguments: grids)
    func readsDouble(name: String) throws {
        let x = try Matrix<Double>(npyFile: Self.path(name + ".npy"))
        #expect(x.rows == 2 && x.columns == 3)
        for i in 0..<2 { for j in 0..<3 { #expect(x[i, j] == Self.expected(name, i, j), "\(name)[\(i), \(j)]") } }
        #expect(x.isMemoryMapped == (name == "f8_c" || name == "f8_v2" || name == "f8_v3"), "\(name)")
    }

    @Test("every layout reads into Matrix<Float>; float64 only when asked to round", arguments: grids)
    func readsFloat(name: String) throws {
        let isFloat64 = name.contains("f8")
        if isFloat64 {
            #expect(throws: DescentError.self) { try Matrix<Float>(npyFile: Self.path(name + ".npy")) }
        }
        let x = try Matrix<Float>(npyFile: Self.path(name + ".npy"), allowPrecisionLoss: isFloat64)
        for i in 0..<2 { for j in 0..<3 { #expect(x[i, j] == Float(Self.expected(name, i, j)), "\(name)[\(i), \(j)]") } }
        #expect(x.isMemoryMapped == (name == "f4_c"), "\(name)")
    }

    @Test("1-D files are n × 1; empty and special values survive")
    func vectorsAndSpecials() throws {
        let v = try Matrix<Double>(npyFile: Self.path("f8_vector.npy"))
        #expect(v.rows == 5 && v.columns == 1 && v.elements == (0..<5).map { Double($0) * 0.5 + 0.1 })
        let ints = try Matrix<Double>(npyFile: Self.path("i8_vector.npy"))
        #expect(ints.elements == [-2, -1, 0, 1, 2])
        let empty = try Matrix<Double>(npyFile: Self.path("f8_empty.npy"))
        #expect(empty.rows == 0 && empty.columns == 3)
        let special = try Matrix<Double>(npyFile: Self.path("f8_special.npy"))
        #expect(special.elements.map(\.bitPattern) == [Double.leastNonzeroMagnitude, -0.0, 1e308,
                                                      Double.ulpOfOne, -1.5, Double.leastNormalMagnitude].map(\.bitPattern))
    }

    static let broken = ["broken_empty", "broken_magic", "broken_version", "broken_truncated_data", "broken_extra_data",
                         "broken_truncated_header", "broken_short", "broken_huge_header", "broken_dict", "broken_keys",
                         "broken_shape_text", "broken_complex", "broken_3d", "broken_structured", "broken_object",
                         "broken_float16"]

    @Test("broken files are typed errors that name the file and the problem", arguments: broken)
    func brokenFiles(name: String) throws {
        let path = try Self.path(name + ".npy")
        do {
            _ = try Matrix<Double>(npyFile: path)
            Issue.record("\(name) was accepted")
        } catch {
            guard case let .invalidFile(errorPath, format, reason) = error else { Issue.record("\(error)"); return }
            #expect(errorPath == path && format == ".npy" && reason.count > 10, "\(error)")
            #expect(error.localizedDescription.contains(path))
        }
    }

    @Test("a missing path and a directory are typed errors")
    func unreadable() throws {
        #expect(throws: DescentError.fileNotReadable(path: "/nonexistent/x.npy", reason: "No such file or directory")) {
            try Matrix<Double>(npyFile: "/nonexistent/x.npy")
        }
        let folder = FileManager.default.temporaryDirectory.path
        #expect(throws: DescentError.fileNotReadable(path: folder, reason: "it is a directory")) {
            try Matrix<Double>(npyFile: folder)
        }
    }

    @Test("write then read gives the same bits, mapped, for both precisions")
    func roundTrip() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("descent-npy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let problem = RandomProblem<Double>(rows: 37, columns: 5)
        let url = directory.appendingPathComponent("x.npy")
        try problem.features.writeNPY(to: url)
        let back = try Matrix<Double>(npyFile: url)
        #expect(back.isMemoryMapped && back == problem.features)
        #expect(back.elements.map(\.bitPattern) == problem.features.elements.map(\.bitPattern))
        let float = try Matrix<Float>(rows: 3, columns: 2, elements: [1.5, -2, .pi, 0, Float.leastNormalMagnitude / 64, 3e38])
        try float.writeNPY(to: url.path)
        #expect(try Matrix<Float>(npyFile: url) == float)
        try problem.targets.writeNPY(to: directory.appendingPathComponent("y.npy").path)
        #expect(try Matrix<Double>(npyFile: directory.appendingPathComponent("y.npy")).elements == problem.targets)
        // Nothing but the two files: no temporary left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["x.npy", "y.npy"])
        // A matrix element assigned after mapping copies; the file is unchanged.
        var copy = back
        copy[0, 0] = 42
        #expect(!copy.isMemoryMapped && copy[0, 0] == 42)
    }

    @Test("numpy reads what Descent writes, bit for bit (skipped without python3 and numpy)")
    func numpyReadsBack() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("descent-npy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let x = RandomProblem<Double>(rows: 11, columns: 4).features
        let f = try Matrix<Float>(rows: 2, columns: 2, elements: [1, -0.5, .leastNonzeroMagnitude, 7])
        try x.writeNPY(to: directory.appendingPathComponent("x.npy").path)
        try f.writeNPY(to: directory.appendingPathComponent("f.npy").path)
        try [1.0, 2.5, -3].writeNPY(to: directory.appendingPathComponent("v.npy").path)
        let script = """
            import sys, numpy as np
            d = sys.argv[1]
            for name in ["x", "f", "v"]:
                a = np.load(d + "/" + name + ".npy")
                print(name, a.dtype.str, a.shape, a.tobytes().hex())
            """
        guard let output = Python.run(script, arguments: [directory.path]) else {
            print("numpy round trip skipped: python3 with numpy is not available")
            return
        }
        let lines = output.split(separator: "\n").map(String.init)
        func hex<S>(_ values: [S]) -> String {
            values.withUnsafeBytes { $0.map { String(format: "%02x", $0) }.joined() }
        }
        #expect(lines == ["x <f8 (11, 4) \(hex(x.elements))", "f <f4 (2, 2) \(hex(f.elements))",
                          "v <f8 (3,) \(hex([1.0, 2.5, -3]))"])
    }
}

/// Runs Python snippets for cross-checks against numpy; `nil` when python3 or numpy is missing.
enum Python {
    static func run(_ script: String, arguments: [String] = []) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import numpy"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let run = Process()
        run.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        run.arguments = ["python3", "-c", script] + arguments
        let pipe = Pipe()
        run.standardOutput = pipe
        guard (try? run.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        run.waitUntilExit()
        return run.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
    }
}
