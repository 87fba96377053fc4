import Foundation
import Testing
@testable import Descent

/// The `descent` command on wide data under an address-space limit, as the issue checked it: a few
/// rows of 50,000 columns under `ulimit -v` 12 GB, where a `d × d` matrix alone needs 20 GB. Every
/// run ends in an answer or a typed error that names the size and the flags to use; none in a
/// signal (a failed allocation traps).
@Suite("The descent command on wide data under ulimit -v",
       .disabled(if: ConvergenceTests.sanitized, "AddressSanitizer reserves terabytes of address space, which ulimit -v forbids"))
struct WideDataCommandTests {
    static let columns = 50_000
    /// 12 GB, in the kilobytes `ulimit -v` takes.
    static let limit = 12 * 1024 * 1024

    /// Runs `descent` with `arguments` under `ulimit -v`: how it ended, its status, stdout and stderr.
    func run(_ arguments: [String]) throws -> (signalled: Bool, status: Int32, output: String, errors: String) {
        try DescentCommandTests.launch(URL(fileURLWithPath: "/bin/sh"),
                                       ["-c", "ulimit -v \(Self.limit) && exec \"$0\" \"$@\"",
                                        DescentCommandTests.executable.path] + arguments)
    }

    @Test("fit and solve with their defaults answer; whitening, ridge and its Gram matrix are typed errors naming flags")
    func wide() throws {
        try #require(FileManager.default.isExecutableFile(atPath: DescentCommandTests.executable.path), "descent is not built")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("descent-wide-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // 5 rows × 50,000 columns (2 MB) and two targets.
        let n = 5, d = Self.columns
        var random = RandomSource(seed: 9)
        let x = try Matrix<Double>(rows: n, columns: d, elements: (0..<(n * d)).map { _ in random.nextNormal() })
        let y = (0..<n).map { _ in random.nextNormal() }
        let features = dir.appendingPathComponent("X.npy").path, targets = dir.appendingPathComponent("y.npy").path
        let pair = dir.appendingPathComponent("Y.npy").path
        try x.writeNPY(to: features)
        try Matrix(rows: n, columns: 1, elements: y).writeNPY(to: targets)
        try Matrix(rows: n, columns: 2, elements: y.flatMap { [$0, -2 * $0] }).writeNPY(to: pair)
        let model = dir.appendingPathComponent("model.json").path

        // fit, defaults: whitening's 20 GB is ruled out by its cost, training answers.
        let fit = try run(["fit", features, "--targets", targets, "--epochs", "2", "--output", model])
        #expect(!fit.signalled && fit.status == 0, "\(fit.errors)")
        #expect(fit.errors.contains("whitening was skipped for its cost"), "\(fit.errors)")
        #expect(try LinearModel<Double>(contentsOf: model).weights.count == d)

        // fit, whitening asked for: a typed error with the size and the flag that avoids it.
        let whitened = try run(["fit", features, "--targets", targets, "--epochs", "2", "--preconditioning", "whitened",
                                "--output", dir.appendingPathComponent("w.json").path])
        #expect(!whitened.signalled && whitened.status == 1)
        for part in ["not enough memory", "50000 × 50000", "120 GB", "--preconditioning none", "fewer feature columns"] {
            #expect(whitened.errors.contains(part), "\(part): \(whitened.errors)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("w.json").path))

        // solve, defaults: the SVD of the 5 × 50,000 design, the minimum-norm solution; several targets too.
        let solve = try run(["solve", features, "--targets", targets])
        #expect(!solve.signalled && solve.status == 0 && solve.output.contains("method: SVD, rank 4"), "\(solve.errors)")
        let several = try run(["solve", features, "--targets", pair])
        #expect(!several.signalled && several.status == 0 && several.output.contains("method: SVD"), "\(several.errors)")

        // solve with a ridge: only the normal equations solve it, and their 60 GB does not fit.
        let ridge = try run(["solve", features, "--targets", targets, "--ridge", "0.1"])
        #expect(!ridge.signalled && ridge.status == 1)
        for part in ["not enough memory", "normal equations", "60", "GB", "fewer feature columns", "descent fit"] {
            #expect(ridge.errors.contains(part), "\(part): \(ridge.errors)")
        }
    }
}
