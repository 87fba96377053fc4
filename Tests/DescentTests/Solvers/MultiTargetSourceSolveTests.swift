import Foundation
import Testing
@testable import Descent

/// Several targets solved by the one solver from every location one target can be solved from: a
/// streamed `.npy` pair whose targets file is `n × k` (several chunks), parts of a data set across
/// a collective, and matrices in memory, with the same answers; one target is the `k = 1` case of
/// that solver, bit for bit.
@Suite("Several targets solved from a stream and across parts")
struct MultiTargetSourceSolveTests {
    static let methods = MultiTargetSolveTests.methods
    /// Every target against the in-memory solve of all targets, relative to its largest coefficient.
    static let agreement = 1e-12

    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("descent-solve-k-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Each target of `a` against `b`'s, and what the shared factorisation reported.
    static func expectSame(_ a: MultiLeastSquaresSolution<Double>, _ b: MultiLeastSquaresSolution<Double>,
                           tolerance: Double = agreement, _ label: String,
                           sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(a.model.targetCount == b.model.targetCount && a.method == b.method && a.rank == b.rank,
                "\(label): \(a.method) rank \(a.rank) vs \(b.method) rank \(b.rank)", sourceLocation: sourceLocation)
        for t in 0..<Swift.min(a.model.targetCount, b.model.targetCount) {
            let difference = relativeDifference(a.model.column(t), b.model.column(t))
            #expect(difference <= tolerance, "\(label) target \(t): \(difference)", sourceLocation: sourceLocation)
        }
    }

    /// A problem of three targets (the generated ones, one a combination of the others plus a
    /// column) streamed from an `.npy` pair in chunks of `chunkRows` rows.
    static func streamed(_ problem: RandomMultiProblem<Double>, chunkRows: Int) throws
        -> (StreamingDataset<Double>, Matrix<Double>, Matrix<Double>) {
        let dir = try folder()
        let x = dir.appendingPathComponent("X.npy").path, y = dir.appendingPathComponent("Y.npy").path
        try problem.features.writeNPY(to: x)
        try problem.targets.writeNPY(to: y)
        let rowBytes = (problem.features.columns + problem.targets.columns) * 8
        let stream = try StreamingDataset<Double>(npyFeatures: x, targets: y, chunkBytes: chunkRows * rowBytes)
        return (stream, problem.features, problem.targets)
    }

    @Test("a streamed .npy pair (targets n × 3, several chunks) gives the in-memory answers, every method, with and without ridge",
          arguments: methods)
    func streamedPair(method: LeastSquares.Method) throws {
        // 300 × 6 is read into memory once (the pivoted-QR path); 12 000 × 100 = 1.2·10⁶ values is
        // streamed chunk by chunk (Cholesky QR, the streaming QR and SVD, the normal equations).
        for (rows, columns, chunkRows) in [(300, 6, 70), (12_000, 100, 2_999)] {
            let problem = RandomMultiProblem<Double>(rows: rows, columns: columns, targets: 3, noise: 0.3, seed: 61)
            let (stream, x, y) = try Self.streamed(problem, chunkRows: chunkRows)
            #expect(stream.targetColumns == 3 && stream.chunkCount >= 4)
            for (intercept, ridge) in [(true, 0.0), (false, 0.0), (true, 0.01)] {
                let label = "\(rows) × \(columns) \(method) intercept \(intercept) ridge \(ridge)"
                let inMemory = try LeastSquares.solve(x, y, intercept: intercept, method: method, ridge: ridge)
                let fromStream = try LeastSquares.solveMultiTarget(from: stream, intercept: intercept, method: method,
                                                                   ridge: ridge)
                Self.expectSame(fromStream, inMemory, label)
                #expect(fromStream.model.featureNames == stream.featureNames, "\(label)")
                if !intercept { #expect(fromStream.model.biases == [0, 0, 0], "\(label)") }
            }
        }
    }

    /// `x`, `y` split at `cuts` into parts (each part's rows in uneven chunks), solved on one thread per part.
    static func acrossParts(_ x: Matrix<Double>, _ y: Matrix<Double>, cuts: [Int], intercept: Bool,
                            method: LeastSquares.Method, ridge: Double) -> [Result<MultiLeastSquaresSolution<Double>, DescentError>] {
        let bounds = zip([0] + cuts, cuts + [x.rows]).map { $0..<$1 }
        let sources = bounds.map { range in
            SplitRows(x, targets: y, rows: range, starts: stride(from: 0, to: Swift.max(1, range.count), by: 97).map { $0 })
        }
        return ThreadsWorld(size: bounds.count).run { collective in
            Result { () throws(DescentError) in
                try LeastSquares.solveMultiTarget(from: sources[collective.rank], intercept: intercept, method: method,
                                                  ridge: ridge, collective: collective)
            }
        }
    }

    @Test("1, 2 and 3 parts (one empty) give the single-process answer, the same bits on every part",
          arguments: [[Int](), [300], [260, 260]])
    func parts(cuts: [Int]) throws {
        let small = RandomMultiProblem<Double>(rows: 700, columns: 12, targets: 3, noise: 0.3, seed: 62)
        let large = RandomMultiProblem<Double>(rows: 12_000, columns: 100, targets: 2, noise: 0.3, seed: 63)
        for (problem, largeCuts) in [(small, cuts), (large, cuts.map { $0 * 17 })] {
            let x = problem.features, y = problem.targets
            let variants = x.rows == 700 ? [(true, 0.0), (false, 0.0), (true, 0.05)] : [(true, 0.0), (true, 0.05)]
            for method in Self.methods {
                for (intercept, ridge) in variants {
                    let label = "\(x.rows) rows, \(cuts.count + 1) parts, \(method) intercept \(intercept) ridge \(ridge)"
                    let single = try LeastSquares.solve(x, y, intercept: intercept, method: method, ridge: ridge)
                    let parts = try Self.acrossParts(x, y, cuts: largeCuts, intercept: intercept, method: method, ridge: ridge)
                        .map { try $0.get() }
                    for part in parts {
                        Self.expectSame(part, single, label)
                        #expect(part.model.weights == parts[0].model.weights && part.model.biases == parts[0].model.biases,
                                "\(label): every part the same bits")
                    }
                }
            }
        }
    }

    @Test("one target is k = 1: an n × 1 matrix or source gives the single-target solve's bits, every method")
    func oneTarget() throws {
        for (rows, columns) in [(200, 6), (12_000, 100)] {
            let problem = RandomProblem<Double>(rows: rows, columns: columns, noise: 0.3, seed: 64)
            let x = problem.features, y = problem.targets
            let column = try Matrix(rows: rows, columns: 1, elements: y)
            for method in Self.methods {
                for (intercept, ridge) in [(true, 0.0), (false, 0.0), (true, 0.05)] {
                    let label = "\(rows) × \(columns) \(method) intercept \(intercept) ridge \(ridge)"
                    let single = try LeastSquares.solve(x, y, intercept: intercept, method: method, ridge: ridge)
                    let multi = try LeastSquares.solve(x, column, intercept: intercept, method: method, ridge: ridge)
                    #expect(multi.model.column(0).weights == single.model.weights && multi.model.biases == [single.model.bias],
                            "\(label)")
                    #expect(multi.method == single.method && multi.conditionEstimate == single.conditionEstimate
                            && multi.refinementSteps == [single.refinementSteps], "\(label)")
                    let source = SplitRows(x, y, chunkSizes: [rows / 3, 7])
                    let streamed = try LeastSquares.solve(from: source, intercept: intercept, method: method, ridge: ridge)
                    let multiStreamed = try LeastSquares.solveMultiTarget(from: source, intercept: intercept, method: method,
                                                                          ridge: ridge)
                    #expect(multiStreamed.model.column(0).weights == streamed.model.weights
                            && multiStreamed.model.biases == [streamed.model.bias], "\(label) from a source")
                }
            }
        }
    }

    @Test("rank-deficient features from a source: each target's minimum-norm solution, as in memory")
    func rankDeficient() throws {
        let base = RandomMultiProblem<Double>(rows: 400, columns: 5, targets: 3, noise: 0.2, seed: 65)
        let x = try Matrix<Double>(rows: 400, columns: 5) { i, j in j == 3 ? 2 * base.features[i, 1] : base.features[i, j] }
        let single = try LeastSquares.solve(x, base.targets)
        #expect(single.method == .svd && single.rank == 4)
        for part in Self.acrossParts(x, base.targets, cuts: [150, 150], intercept: true, method: .automatic, ridge: 0) {
            Self.expectSame(try part.get(), single, tolerance: MultiTargetSolveTests.minimumNormAgreement, "rank deficient")
        }
        for part in Self.acrossParts(x, base.targets, cuts: [150, 150], intercept: true, method: .qr, ridge: 0) {
            #expect(throws: DescentError.self) { try part.get() }
        }
    }

    @Test("a source of several targets: one-target solves refuse it, NaN is found in its row numbers, on every part")
    func errors() throws {
        let problem = RandomMultiProblem<Double>(rows: 300, columns: 4, targets: 2, seed: 66)
        let source = SplitRows(problem.features, targets: problem.targets, rows: 0..<300, starts: [0, 100, 200])
        expectDescentError(.invalidOption(name: "source", value: "2 targets per row",
                                          expected: "one target per row (several targets: LeastSquares.solveMultiTarget(from:))")) {
            _ = try LeastSquares.solve(from: source)
        }
        var targets = problem.targets
        targets[210, 1] = .nan
        let bad = SplitRows(problem.features, targets: targets, rows: 0..<300, starts: [0, 100, 200])
        for method in Self.methods {
            expectDescentError(.nonFiniteValue(at: .targetMatrix(row: 210, column: 1))) {
                _ = try LeastSquares.solveMultiTarget(from: bad, method: method)
            }
            // Across parts (rows numbered within each part): the same error on every part.
            let errors = Self.acrossParts(problem.features, targets, cuts: [100, 100], intercept: true, method: method, ridge: 0)
                .compactMap { result -> DescentError? in
                    if case let .failure(error) = result { return error }
                    return nil
                }
            #expect(errors.count == 3 && Set(errors.map(\.description)).count == 1, "\(method): \(errors)")
        }
        expectDescentError(.invalidOption(name: "ridge", value: "-1.0", expected: "a finite λ ≥ 0")) {
            _ = try LeastSquares.solveMultiTarget(from: source, ridge: -1)
        }
    }

    @Test("descent solve --stream of an n × k targets file: the in-memory command's coefficients, and a multi-target model")
    func command() throws {
        let cli = DescentCommandTests()
        try #require(FileManager.default.isExecutableFile(atPath: DescentCommandTests.executable.path), "descent is not built")
        let problem = RandomMultiProblem<Double>(rows: 2_000, columns: 4, targets: 3, noise: 0.3, seed: 67)
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let x = dir.appendingPathComponent("X.npy").path, y = dir.appendingPathComponent("Y.npy").path
        let saved = dir.appendingPathComponent("model.json").path
        try problem.features.writeNPY(to: x)
        try problem.targets.writeNPY(to: y)
        /// The table's numbers, row by row (intercept first), one per target.
        func table(_ output: String) -> [[Double]] {
            output.split(separator: "\n").dropFirst().filter { !$0.hasPrefix("method:") }.map { line in
                line.split(separator: " ").dropFirst().compactMap { Double($0) }
            }
        }
        for method in ["normal-equations", "qr", "svd", "automatic"] {
            let inMemory = try cli.run(["solve", x, "--targets", y, "--method", method])
            let streamed = try cli.run(["solve", x, "--targets", y, "--stream", "--chunk-mb", "1", "--method", method,
                                        "--output", saved])
            #expect(inMemory.status == 0 && streamed.status == 0, "\(method): \(streamed.errors)")
            #expect(streamed.output.hasPrefix("term") && streamed.output.contains("y2"), "\(streamed.output)")
            let a = table(inMemory.output), b = table(streamed.output)
            #expect(a.count == 5 && a.allSatisfy { $0.count == 3 } && b.count == a.count, "\(method): \(streamed.output)")
            for (u, v) in zip(a.joined(), b.joined()) {
                #expect(Swift.abs(u - v) <= 1e-12 * Swift.max(1, Swift.abs(u)), "\(method): \(u) vs \(v)")
            }
            let model = try MultiLinearModel<Double>(contentsOf: saved)
            #expect(model.targetCount == 3 && model.targetNames == ["y0", "y1", "y2"] && model.featureNames?.count == 4)
        }
    }
}
