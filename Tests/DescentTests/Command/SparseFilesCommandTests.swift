import Foundation
import Testing
@testable import Descent

/// `descent convert` and `descent predict` on LIBSVM, Vowpal Wabbit and `.npz` files, against the
/// library reading the same files in memory.
@Suite("The descent command on sparse files")
struct SparseFilesCommandTests {
    let cli = DescentCommandTests()

    static func resource(_ name: String) throws -> String { try TestData.url("sparse/" + name).path }

    /// The predictions a `descent predict` output lists.
    static func predictions(_ text: String) -> [Double] {
        text.split(separator: "\n").dropFirst().compactMap { Double($0) }
    }

    /// `matrix` without its explicitly stored zeros.
    static func withoutZeros(_ matrix: SparseMatrix<Double>) throws -> SparseMatrix<Double> {
        var offsets = [0], columns = [Int](), values = [Double]()
        for i in 0..<matrix.rows {
            for k in matrix.rowOffsets[i]..<matrix.rowOffsets[i + 1] where matrix.values[k] != 0 {
                columns.append(matrix.columnIndices[k])
                values.append(matrix.values[k])
            }
            offsets.append(columns.count)
        }
        return try SparseMatrix(rows: matrix.rows, columns: matrix.columns, rowOffsets: offsets, columnIndices: columns, values: values)
    }

    @Test("convert: LIBSVM to scipy's .npz and a targets .npy, .npz back to LIBSVM, VW to .npz — the same rows")
    func convert() throws {
        try #require(FileManager.default.isExecutableFile(atPath: DescentCommandTests.executable.path), "descent is not built")
        let folder = try cli.folder().path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let svm = try Self.resource("train.svm"), vw = try Self.resource("train.vw")
        let original = try SparseDataset<Double>(libsvmFile: svm)

        let toNPZ = try cli.run(["convert", svm, folder + "/X.npz", folder + "/y.npy", "--chunk-rows", "50"])
        #expect(toNPZ.status == 0 && toNPZ.output.contains("400 rows × 120 columns, 1968 non-zeros"), "\(toNPZ.errors)")
        #expect(toNPZ.errors.contains("read as one-based"))   // detected: said, since a file without index 0 is ambiguous
        #expect(try SparseMatrix<Double>(npzFile: folder + "/X.npz") == original.features)
        #expect(try Matrix<Double>(npyFile: folder + "/y.npy").elements == original.targets)

        let back = try cli.run(["convert", folder + "/X.npz", folder + "/back.svm", "--labels", folder + "/y.npy"])
        #expect(back.status == 0, "\(back.errors)")
        #expect(try SparseDataset<Double>(libsvmFile: folder + "/back.svm", columns: 120, zeroBased: true) == original)

        let float32 = try cli.run(["convert", svm, folder + "/X32.npz", "--float32"])
        #expect(float32.status == 0, "\(float32.errors)")
        #expect(try SparseMatrix<Float>(npzFile: folder + "/X32.npz").values == original.features.values.map { Float($0) })

        let hashed = try cli.run(["convert", vw, folder + "/vw.npz", folder + "/vw-y.npy", "--hash-bits", "18"])
        #expect(hashed.status == 0 && hashed.errors.contains("importance weights"), "\(hashed.errors)")
        let inMemory = try SparseDataset<Double>(vwFile: vw, bits: 18)
        #expect(try SparseMatrix<Double>(npzFile: folder + "/vw.npz") == inMemory.features)
        #expect(try Matrix<Double>(npyFile: folder + "/vw-y.npy").elements == inMemory.targets)
        let streamedText = try cli.run(["convert", vw, folder + "/vw.svm", "--hash-bits", "18", "--chunk-rows", "9"])
        #expect(streamedText.status == 0, "\(streamedText.errors)")
        // LIBSVM leaves out the explicit zeros (features whose hashed values cancelled).
        #expect(try SparseDataset<Double>(libsvmFile: folder + "/vw.svm", columns: 1 << 18, zeroBased: true).features
                == (try Self.withoutZeros(inMemory.features)))

        for (arguments, says) in [(["convert", svm, folder + "/out.vw"], ".npz file"),
                                  (["convert", svm, folder + "/out.svm", folder + "/y.npy"], "holds its labels"),
                                  (["convert", folder + "/X.npz", folder + "/out.svm"], "--labels"),
                                  (["convert", svm, folder + "/out.npz", "--hash-bits", "40"], "--hash-bits")] {
            let refused = try cli.run(arguments)
            #expect(refused.status != 0 && refused.errors.contains(says), "\(arguments): \(refused.errors)")
        }
    }

    @Test("predict: a streamed LIBSVM or VW file and an .npz file give the library's predictions, bit for bit")
    func predict() throws {
        try #require(FileManager.default.isExecutableFile(atPath: DescentCommandTests.executable.path), "descent is not built")
        let folder = try cli.folder().path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let svm = try Self.resource("train.svm"), vw = try Self.resource("train.vw"), npz = try Self.resource("train.npz")
        var random = RandomSource(seed: 21)
        let model = LinearModel<Double>(weights: (0..<120).map { _ in random.nextNormal() }, bias: 0.75)
        try model.save(to: folder + "/m.json")
        let expected = try model.predict(SparseDataset<Double>(libsvmFile: svm, columns: 120).features)
        for extra in [[], ["--chunk-rows", "7"], ["--format", "libsvm"]] {
            let run = try cli.run(["predict", folder + "/m.json", svm] + extra)
            #expect(run.status == 0 && Self.predictions(run.output) == expected, "\(extra): \(run.errors)")
        }
        let fromNPZ = try cli.run(["predict", folder + "/m.json", npz, "--output", folder + "/p.csv"])
        #expect(fromNPZ.status == 0, "\(fromNPZ.errors)")
        #expect(Self.predictions(try String(contentsOfFile: folder + "/p.csv", encoding: .utf8)) == expected)

        // VW: 2^10 weights, so --hash-bits 10 is inferred.
        let hashedModel = LinearModel<Double>(weights: (0..<1024).map { _ in random.nextNormal() }, bias: -1)
        try hashedModel.save(to: folder + "/h.json")
        let hashedExpected = try hashedModel.predict(SparseDataset<Double>(vwFile: vw, bits: 10).features)
        let hashed = try cli.run(["predict", folder + "/h.json", vw, "--chunk-rows", "64"])
        #expect(hashed.status == 0 && Self.predictions(hashed.output) == hashedExpected, "\(hashed.errors)")

        // Errors: a width that is not a power of two without --hash-bits; another width; a bad line.
        let unknownBits = try cli.run(["predict", folder + "/m.json", vw])
        #expect(unknownBits.status != 0 && unknownBits.errors.contains("--hash-bits"), "\(unknownBits.errors)")
        let wrongBits = try cli.run(["predict", folder + "/h.json", vw, "--hash-bits", "12"])
        #expect(wrongBits.status != 0 && wrongBits.errors.contains("1024"), "\(wrongBits.errors)")
        let bad = folder + "/bad.vw"
        try "1 |a x\n2 |b y\n3 |a x:oops\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let malformed = try cli.run(["predict", folder + "/h.json", bad])
        #expect(malformed.status != 0 && malformed.errors.contains("line 3"), "\(malformed.errors)")
    }
}

extension SparseFilesCommandTests {
    @Test("fit: a LIBSVM file streamed, an .npz file with --targets, a VW file with its weights — the library's models")
    func fitSparseFiles() throws {
        try #require(FileManager.default.isExecutableFile(atPath: DescentCommandTests.executable.path), "descent is not built")
        let folder = try cli.folder().path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let svm = try Self.resource("train.svm"), vw = try Self.resource("train.vw")
        let settings = ["--mode", "minibatch", "--batch-size", "20", "--learning-rate", "0.01", "--epochs", "3",
                        "--penalty", "l2:0.01", "--quiet"]
        let gd = GradientDescent<Double>(mode: .miniBatch(size: 20), learningRate: 0.01, epochs: 3, penalty: .l2(0.01))

        let fitted = try cli.run(["fit", svm, "--output", folder + "/svm.json", "--chunk-rows", "64"] + settings)
        #expect(fitted.status == 0, "\(fitted.errors)")
        var expected = LinearModel<Double>()
        try gd.fit(&expected, from: try SparseStreamingDataset<Double>(libsvmFile: svm, chunkRows: 64))
        let saved = try LinearModel<Double>(contentsOf: folder + "/svm.json")
        #expect(saved.weights == expected.weights && saved.bias == expected.bias)

        _ = try cli.run(["convert", svm, folder + "/X.npz", folder + "/y.npy"])
        let npz = try cli.run(["fit", folder + "/X.npz", "--targets", folder + "/y.npy", "--output", folder + "/npz.json"] + settings)
        #expect(npz.status == 0, "\(npz.errors)")
        let data = try SparseDataset<Double>(libsvmFile: svm)
        var inMemory = LinearModel<Double>()
        try gd.fit(&inMemory, features: data.features, targets: data.targets)
        let savedNPZ = try LinearModel<Double>(contentsOf: folder + "/npz.json")
        #expect(savedNPZ.weights == inMemory.weights && savedNPZ.bias == inMemory.bias)
        let missing = try cli.run(["fit", folder + "/X.npz", "--output", folder + "/none.json"] + settings)
        #expect(missing.status != 0 && missing.errors.contains("--targets"))

        let weighted = try cli.run(["fit", vw, "--hash-bits", "12", "--output", folder + "/vw.json"] + settings)
        #expect(weighted.status == 0, "\(weighted.errors)")
        let hashed = try SparseDataset<Double>(vwFile: vw, bits: 12)
        var withWeights = LinearModel<Double>()
        try gd.fit(&withWeights, features: hashed.features, targets: hashed.targets, weights: hashed.weights)
        let savedVW = try LinearModel<Double>(contentsOf: folder + "/vw.json")
        let gap = zip(savedVW.weights, withWeights.weights).map { abs($0 - $1) }.max()!
        #expect(savedVW.weights.count == 1 << 12 && gap <= 1e-12 * withWeights.weights.map(abs).max()!)
        #expect(!FileManager.default.fileExists(atPath: folder + "/none.json"))
    }
}
