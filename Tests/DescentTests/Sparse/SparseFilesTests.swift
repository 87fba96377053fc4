import Foundation
import Testing
@testable import Descent

/// An independent parser's and scikit-learn's `FeatureHasher`'s view of `Resources/sparse/train.vw`
/// (see generate_vw.py beside it).
private struct VWReference: Decodable {
    struct CSR: Decodable { let indptr: [Int], indices: [Int], values: [Double], shape: [Int] }
    let labels: [Double], weights: [Double]
    let bits18: CSR, bits4_unsigned: CSR

    static let shared: VWReference = {
        let url = try! TestData.url("sparse/vw-reference.json")
        return try! JSONDecoder().decode(VWReference.self, from: Data(contentsOf: url))
    }()
}

/// Vowpal Wabbit files read through feature hashing, and LIBSVM and VW files streamed in chunks.
@Suite("Sparse files: Vowpal Wabbit, streamed sources")
struct SparseFilesTests {
    static func temporaryFile(_ text: String, suffix: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("descent-\(UUID().uuidString).\(suffix)").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// `features` equals the reference CSR: the same structure, and every value within `ulps`
    /// units of `Scalar`'s rounding of its magnitude (at least 1).
    private func expectEqual<Scalar: BLASScalar>(_ features: SparseMatrix<Scalar>, _ reference: VWReference.CSR, ulps: Scalar) {
        #expect([features.rows, features.columns] == reference.shape)
        #expect(features.rowOffsets == reference.indptr)
        #expect(features.columnIndices == reference.indices)
        let mismatches = zip(features.values, reference.values).filter { value, expected in
            Swift.abs(value - Scalar(expected)) > ulps * Scalar.ulpOfOne * Swift.max(1, Swift.abs(Scalar(expected)))
        }.count
        #expect(features.values.count == reference.values.count && mismatches == 0, "\(mismatches) values differ")
    }

    @Test("a VW file hashed as scikit-learn's FeatureHasher hashes 'namespace^feature' (same bits)",
          arguments: [false, true])
    func vowpalWabbit(single: Bool) throws {
        let path = try TestData.url("sparse/train.vw").path
        let reference = VWReference.shared
        func check<Scalar: BLASScalar>(_: Scalar.Type) throws {
            let signed = try SparseDataset<Scalar>(vwFile: path, bits: 18)
            // Features on one column are summed in file order, as scikit-learn sums them here: the same bits.
            expectEqual(signed.features, reference.bits18, ulps: 0)
            #expect(signed.targets == reference.labels.map { Scalar($0) })
            #expect(signed.weights == reference.weights.map { Scalar($0) })
            let unsigned = try SparseDataset<Scalar>(vwFile: path, hasher: FeatureHasher(bits: 4, alternateSign: false))
            // 16 columns: up to 17 features a column, which scipy's unstable sort of the duplicates
            // sums in another order (measured in Double: 5 of 1,943 values differ, by at most 2·ε·|value|).
            expectEqual(unsigned.features, reference.bits4_unsigned, ulps: 4)
        }
        if single { try check(Float.self) } else { try check(Double.self) }
    }

    @Test("a VW file without importance weights has none; the hashed names are the documented strings")
    func vowpalWabbitNames() throws {
        let path = try Self.temporaryFile("2 |ns apple:3 | pear\n-1 |ns apple\n", suffix: "vw")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let data = try SparseDataset<Double>(vwFile: path, bits: 20)
        #expect(data.weights == nil)
        let hasher = try FeatureHasher(bits: 20)
        let expected: SparseMatrix<Double> = try hasher.transform([["ns^apple": 3, "pear": 1], ["ns^apple": 1]])
        #expect(data.features == expected)
        #expect(data.targets == [2, -1])
    }

    static let malformed: [(line: String, says: String)] = [
        ("|a x", "no label"),
        ("1|a x", "touches the '|'"),
        ("1 a b", "no '|'"),
        ("1 |a x:abc", "the value of feature 'x' 'abc' is not a number"),
        ("1 |a x:nan", "is not a number"),
        ("nan |a x", "the label 'nan' is not a number"),
        ("1e999 |a x", "is not finite"),
        ("1 |a x:1e999", "is not finite"),
        ("1 -2 |a x", "importance weight -2.0 is negative"),
        ("1 1 0.5 |a x", "initial prediction"),
        ("1 |a:zz x", "the weight of namespace 'a' 'zz' is not a number"),
        ("1 |a :3", "no name"),
        ("1 |a x:", "is not a number"),
        ("1 x 'tag |a x", "the importance weight 'x' is not a number"),
    ]

    @Test("a malformed VW line is an invalidFile error naming its line", arguments: malformed.indices)
    func malformedVW(case index: Int) throws {
        let (bad, says) = Self.malformed[index]
        let path = try Self.temporaryFile("1 |a x\n\n2 'ok|b y:2\n\(bad)\n3 |a z\n", suffix: "vw")
        defer { try? FileManager.default.removeItem(atPath: path) }
        for streamed in [false, true] {
            let error = #expect(throws: DescentError.self) {
                if streamed { _ = try SparseStreamingDataset<Double>(vwFile: path, bits: 10, chunkRows: 1) }
                else { _ = try SparseDataset<Double>(vwFile: path, bits: 10) }
            }
            guard case let .invalidFile(_, format, reason)? = error else {
                Issue.record("\(bad): \(String(describing: error))"); continue
            }
            #expect(format == "Vowpal Wabbit")
            #expect(reason.hasPrefix("line 4: ") && reason.contains(says), "\(bad): \(reason)")
        }
    }

    @Test("mutated VW and LIBSVM lines: a typed error naming a line of the file, or rows — the same streamed and in memory",
          arguments: ["vw", "svm"])
    func fuzz(format: String) throws {
        let source = try String(contentsOfFile: TestData.url("sparse/train.\(format)").path, encoding: .utf8)
        let lines = String(decoding: Array(source.utf8.split(separator: 10, omittingEmptySubsequences: false).prefix(14)
            .joined(separator: [10])), as: UTF8.self)
        let pieces = ["|", ":", " ", "'", "\n", "e", "-", ".", "x", "\t", "#", "0", "nan", "1e999", "^", "é", "\r", ""]
        var random = RandomSource(seed: format == "vw" ? 7 : 8)
        var failures = 0
        for _ in 0..<150 {
            var bytes = Array(lines.utf8)
            for _ in 0..<(1 + Int(random.next() % 3)) {
                let at = Int(random.next() % UInt64(bytes.count))
                let piece = Array(pieces[Int(random.next() % UInt64(pieces.count))].utf8)
                if random.next() % 2 == 0 { bytes.replaceSubrange(at..<Swift.min(at + 1, bytes.count), with: piece) }
                else { bytes.insert(contentsOf: piece, at: at) }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            let path = try Self.temporaryFile(text, suffix: format)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let lineCount = text.utf8.filter { $0 == 10 }.count + 1   // bytes: "\r\n" is one Character
            func read(streamed: Bool) -> Result<SparseDataset<Double>, DescentError> {
                Result { () throws(DescentError) in
                    switch (format, streamed) {
                    case ("vw", false): try SparseDataset<Double>(vwFile: path, bits: 8)
                    case ("vw", true): try SparseDataset(SparseStreamingDataset<Double>(vwFile: path, bits: 8, chunkRows: 3))
                    case (_, false): try SparseDataset<Double>(libsvmFile: path)
                    default: try SparseDataset(SparseStreamingDataset<Double>(libsvmFile: path, chunkRows: 3))
                    }
                }
            }
            let whole = read(streamed: false), streamed = read(streamed: true)
            switch (whole, streamed) {
            case let (.success(a), .success(b)): #expect(a == b, "\(text)")
            case let (.failure(a), .failure(b)):
                failures += 1
                #expect(a.description == b.description, "\(text)")
                if case let .invalidFile(_, _, reason) = a {
                    let line = reason.hasPrefix("line ") ? Int(reason.dropFirst(5).prefix { $0.isNumber }) : nil
                    #expect(line.map { (1...lineCount).contains($0) } == true, "\(reason)")
                } else {
                    Issue.record("not an invalidFile error: \(a)")
                }
            default: Issue.record("in memory \(whole), streamed \(streamed): \(text)")
            }
        }
        #expect(failures > 20, "the mutations should break many files (\(failures) of 150)")
    }

    /// The rows of a sparse source, concatenated in chunk order, with the chunks' row ranges.
    private func collect<Source: SparseRowSource>(_ source: Source, order: [Int]? = nil) throws
        -> (features: SparseMatrix<Source.Scalar>, targets: [Source.Scalar], weights: [Source.Scalar]?) {
        var offsets = [0], indices = [Int](), values = [Source.Scalar](), targets = [Source.Scalar]()
        var weights: [Source.Scalar]? = nil
        var next = 0
        try source.forEachChunk(order ?? Array(0..<source.chunkCount)) { chunk in
            #expect(chunk.rows == source.chunkRows(chunk.index))
            if order == nil { #expect(chunk.rows.lowerBound == next) }
            next = chunk.rows.upperBound
            #expect(chunk.features.columns == source.columns)
            for i in 0..<chunk.features.rows { offsets.append(indices.count + chunk.features.rowOffsets[i + 1]) }
            indices += chunk.features.columnIndices
            values += chunk.features.values
            targets += chunk.targets
            if let w = chunk.weights { weights = (weights ?? []) + w }
        }
        let matrix = try SparseMatrix(rows: targets.count, columns: source.columns, rowOffsets: offsets, columnIndices: indices,
                                      values: values)
        return (matrix, targets, weights)
    }

    @Test("a LIBSVM file streamed in chunks gives the rows the in-memory reader gives, in any chunk order",
          arguments: [1, 37, 400, 100_000])
    func streamedLIBSVM(chunkRows: Int) throws {
        let path = try TestData.url("sparse/train.svm").path
        let whole = try SparseDataset<Double>(libsvmFile: path)
        let stream = try SparseStreamingDataset<Double>(libsvmFile: path, chunkRows: chunkRows)
        #expect(stream.rowCount == 400 && stream.columns == whole.features.columns && stream.zeroBased == false)
        #expect(stream.chunkCount == (400 + chunkRows - 1) / chunkRows)
        let read = try collect(stream)
        #expect(read.features == whole.features && read.targets == whole.targets && read.weights == nil)
        // Twice over, backwards: each chunk is the rows it says.
        let backwards = Array((0..<stream.chunkCount).reversed())
        var seen = 0
        try stream.forEachChunk(backwards + backwards) { chunk in
            let first = chunk.rows.lowerBound
            #expect(chunk.targets == Array(whole.targets[chunk.rows]))
            #expect(chunk.features.rowOffsets.count == chunk.rows.count + 1)
            let start = whole.features.rowOffsets[first]
            #expect(chunk.features.columnIndices == Array(whole.features.columnIndices[start..<whole.features.rowOffsets[chunk.rows.upperBound]]))
            seen += chunk.rows.count
        }
        #expect(seen == 800)
        // Declared columns and index base, as in memory; Float.
        let declared = try SparseStreamingDataset<Float>(libsvmFile: path, columns: 200, zeroBased: false, chunkRows: chunkRows)
        let declaredWhole = try SparseDataset<Float>(libsvmFile: path, columns: 200, zeroBased: false)
        let readDeclared = try collect(declared)
        #expect(readDeclared.features == declaredWhole.features && readDeclared.targets == declaredWhole.targets)
    }

    @Test("a VW file streamed in chunks gives the in-memory rows and importance weights", arguments: [7, 310])
    func streamedVW(chunkRows: Int) throws {
        let path = try TestData.url("sparse/train.vw").path
        let whole = try SparseDataset<Double>(vwFile: path, bits: 18)
        let stream = try SparseStreamingDataset<Double>(vwFile: path, bits: 18, chunkRows: chunkRows)
        #expect(stream.hasWeights && stream.columns == 1 << 18 && stream.rowCount == 310)
        let read = try collect(stream)
        #expect(read.features == whole.features && read.targets == whole.targets && read.weights == whole.weights)
    }

    @Test("gradient descent from a streamed LIBSVM file trains as from the file read in memory")
    func streamedFit() throws {
        let path = try TestData.url("sparse/train.svm").path
        let stream = try SparseStreamingDataset<Double>(libsvmFile: path, chunkRows: 70)
        let whole = try SparseDataset<Double>(libsvmFile: path)
        let gd = GradientDescent<Double>(mode: .miniBatch(size: 10), learningRate: 0.01, epochs: 4, shuffle: false)
        var a = LinearModel<Double>(), b = LinearModel<Double>()
        try gd.fit(&a, from: stream)
        try gd.fit(&b, features: whole.features, targets: whole.targets)
        // The same rows in the same order, mini-batches within chunks of 70: the same updates, to
        // rounding (in memory the batch's gradient is summed over its nonzeros by the lazy
        // updates, streamed by the chunks' partial sums).
        let scale = (b.weights.map(abs) + [abs(b.bias)]).max()!
        let gap = (zip(a.weights, b.weights).map { abs($0 - $1) } + [abs(a.bias - b.bias)]).max()!
        #expect(gap <= 1e-12 * scale)
    }

    @Test("a streamed file's error names the line however the chunks fall; a last line needs no newline")
    func streamedLineNumbers() throws {
        var lines = (0..<50).map { "\($0) \($0 % 7 + 1):1.5 9:\($0)" }
        lines.insert("# a comment", at: 3)
        lines.insert("", at: 10)
        let good = try Self.temporaryFile(lines.joined(separator: "\n"), suffix: "svm")
        defer { try? FileManager.default.removeItem(atPath: good) }
        let stream = try SparseStreamingDataset<Double>(libsvmFile: good, chunkRows: 8)
        #expect(stream.rowCount == 50 && stream.columns == 9)
        #expect(try collect(stream).features == SparseDataset<Double>(libsvmFile: good).features)
        lines[40] = "40 3:x"
        let bad = try Self.temporaryFile(lines.joined(separator: "\n"), suffix: "svm")
        defer { try? FileManager.default.removeItem(atPath: bad) }
        for chunkRows in [1, 8, 1000] {
            let error = #expect(throws: DescentError.self) { _ = try SparseStreamingDataset<Double>(libsvmFile: bad, chunkRows: chunkRows) }
            guard case let .invalidFile(_, _, reason)? = error else { Issue.record("\(String(describing: error))"); continue }
            #expect(reason.hasPrefix("line 41: "), "\(reason)")
        }
        #expect(throws: DescentError.self) { _ = try SparseStreamingDataset<Double>(libsvmFile: good, chunkRows: 0) }
        #expect(throws: DescentError.self) { _ = try SparseStreamingDataset<Double>(libsvmFile: good, columns: 5) }
    }

    @Test("a streamed file changed, truncated or replaced between visits gives fileChanged")
    func streamedFileChanged() throws {
        let text = (0..<100).map { "\($0) 1:\($0) 4:2" }.joined(separator: "\n") + "\n"
        for change in ["append", "truncate", "replace"] {
            let path = try Self.temporaryFile(text, suffix: "svm")
            defer { try? FileManager.default.removeItem(atPath: path) }
            let stream = try SparseStreamingDataset<Double>(libsvmFile: path, chunkRows: 16)
            _ = try collect(stream)
            switch change {
            case "append":
                let handle = try #require(FileHandle(forWritingAtPath: path))
                handle.seekToEndOfFile()
                handle.write(Data("7 2:1\n".utf8))
                handle.closeFile()
            case "truncate": #expect(truncate(path, 100) == 0)
            default:
                try FileManager.default.removeItem(atPath: path)
                try text.write(toFile: path, atomically: true, encoding: .utf8)
            }
            let error = #expect(throws: DescentError.self) { _ = try collect(stream) }
            guard case let .fileChanged(changed, _)? = error else { Issue.record("\(change): \(String(describing: error))"); continue }
            #expect(changed == path)
        }
    }

    @Test("an empty file streams as no rows")
    func emptyStream() throws {
        let path = try Self.temporaryFile("\n# nothing\n", suffix: "svm")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let stream = try SparseStreamingDataset<Double>(libsvmFile: path)
        #expect(stream.rowCount == 0 && stream.chunkCount == 0 && stream.columns == 0)
        var calls = 0
        try stream.forEachChunk { _ in calls += 1 }
        #expect(calls == 0)
    }
}
