import Foundation
import Testing
@testable import Descent

/// `descent predict --stream`: the lines of the in-memory `predict`, written a chunk at a time.
@Suite("The descent command, predicting a stream")
struct StreamedPredictTests {
    let cli = DescentCommandTests()

    /// The fields of a CSV output: the header, then one row of numbers per line.
    static func fields(_ text: String) -> (header: Substring, rows: [[Double]]) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return (lines.first ?? "", lines.dropFirst().filter { !$0.isEmpty }.map { $0.split(separator: ",").map { Double($0)! } })
    }

    /// Whether two outputs have the same header and rows, each number within `8(d + 2)·ε` of the
    /// other relative to `scale` (a row's |b| + Σ|wⱼxⱼ|, the size of the sum both computed): the
    /// in-memory and streamed calls hand `gemv` different row ranges, whose blocking may add a
    /// row's terms in another order; any order is within (d + 1)·ε·scale of the exact sum.
    static func agree(_ a: String, _ b: String, scale: [Double], columns d: Int) -> Bool {
        let x = fields(a), y = fields(b)
        guard x.header == y.header, x.rows.count == y.rows.count, x.rows.count == scale.count else { return false }
        return zip(zip(x.rows, y.rows), scale).allSatisfy { pair, s in
            pair.0.count == pair.1.count && zip(pair.0, pair.1).allSatisfy { Swift.abs($0 - $1) <= 8 * Double(d + 2) * .ulpOfOne * s }
        }
    }

    @Test("predict --stream over several chunks writes what predict writes, to a file or stdout, with intervals and several targets")
    func streamedEqualsInMemory() throws {
        try #require(FileManager.default.isExecutableFile(atPath: DescentCommandTests.executable.path), "descent is not built")
        let folder = StreamingDatasetTests.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // 20,000 × 8 float64: 1.28 MB, so chunks of 1 MiB make two.
        let n = 20_000, d = 8
        let features = try Matrix<Double>(rows: n, columns: d) { i, j in sin(Double(i) * (0.37 + 0.11 * Double(j)) + Double(j)) * Double(j + 1) }
        let targets = try Matrix<Double>(rows: n, columns: 2) { i, t in
            (0..<d).reduce(Double(t) - 0.5) { $0 + Double($1 + 1 + t) * features[i, $1] } + 0.1 * cos(Double(i) * 1.3)
        }
        let x = folder + "/X.npy", y = folder + "/y.npy", y2 = folder + "/Y2.npy"
        try features.writeNPY(to: x)
        try targets.column(0).writeNPY(to: y)
        try targets.writeNPY(to: y2)
        let model = folder + "/m.json", several = folder + "/m2.json"
        for (file, targetsFile, inference) in [(model, y, ["--cov-type", "nonrobust"]), (several, y2, [])] {
            let solve = try cli.run(["solve", x, "--targets", targetsFile, "--output", file] + inference)
            #expect(solve.status == 0, "\(solve.errors)")
        }
        let saved = try LinearModel<Double>(contentsOf: model), savedSeveral = try MultiLinearModel<Double>(contentsOf: several)
        func scale(_ w: [Double], _ b: Double) -> [Double] {
            (0..<n).map { i in (0..<d).reduce(Swift.abs(b)) { $0 + Swift.abs(w[$1] * features[i, $1]) } }
        }
        // Intervals: mean ± t·se, each within the same bound of the prediction's size (se ≪ |ŷ| + Σ|wⱼxⱼ| here).
        let single = scale(saved.weights, saved.bias)
        let both = zip(scale(savedSeveral.column(0).weights, savedSeveral.column(0).bias),
                       scale(savedSeveral.column(1).weights, savedSeveral.column(1).bias)).map { Swift.max($0, $1) }
        for (file, extra, scales) in [(model, [String](), single), (model, ["--intervals", "0.9"], single), (several, [], both)] {
            let memory = try cli.run(["predict", file, x] + extra)
            let toFile = try cli.run(["predict", file, x, "--stream", "--chunk-mb", "1", "--output", folder + "/p.csv"] + extra)
            let toStdout = try cli.run(["predict", file, x, "--stream", "--chunk-mb", "1"] + extra)
            #expect(memory.status == 0 && toFile.status == 0 && toStdout.status == 0, "\(memory.errors)\(toFile.errors)\(toStdout.errors)")
            let written = try String(contentsOfFile: folder + "/p.csv", encoding: .utf8)
            #expect(Self.agree(memory.output, written, scale: scales, columns: d), "\(extra) \(file)")
            #expect(written == toStdout.output)
            #expect(Self.fields(written).rows.count == n && Self.fields(written).rows.allSatisfy { $0.count == (extra.isEmpty ? (file == model ? 1 : 2) : 5) })
        }

        // Errors come before any line, and leave nothing under the output's name.
        let narrow = folder + "/narrow.npy"
        try Matrix<Double>(rows: 10, columns: d - 1) { i, j in Double(i + j) }.writeNPY(to: narrow)
        let mismatch = try cli.run(["predict", model, narrow, "--stream", "--output", folder + "/q.csv"])
        #expect(mismatch.status == 1 && mismatch.errors.contains("descent: error:"), "\(mismatch.errors)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/q.csv"))
        let noInference = folder + "/plain.json"
        try LinearModel<Double>(weights: saved.weights, bias: saved.bias).save(to: noInference)
        let refused = try cli.run(["predict", noInference, x, "--stream", "--intervals", "0.9", "--output", folder + "/r.csv"])
        #expect(refused.status == 1 && refused.errors.contains("--intervals"), "\(refused.errors)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/r.csv"))
        let noFolder = try cli.run(["predict", model, x, "--stream", "--output", folder + "/missing/p.csv"])
        #expect(noFolder.status == 1 && noFolder.errors.contains("descent: error:"), "\(noFolder.errors)")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.contains("partial") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }
}
