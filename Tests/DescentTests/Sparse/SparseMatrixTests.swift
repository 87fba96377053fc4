import Foundation
import Testing
@testable import Descent

/// scikit-learn's and scipy's view of `Resources/sparse/train.svm` (see generate.py beside it).
private struct SparseReference: Decodable {
    struct Load: Decodable {
        let rows: Int, columns: Int, nnz: Int
        let value_sum: Double, index_sum: Int, target_sum: Double
        let first_row_indices: [Int], first_row_values: [Double], first_target: Double
    }
    struct LSMRCase: Decodable {
        let intercept: Bool, damp: Double, tolerance: Double, maxiter: Int?
        let weights: [Double], bias: Double
        let istop: Int, itn: Int, normr: Double, normar: Double, norma: Double, conda: Double, normx: Double
    }
    struct Hashes: Decodable { let words: [String], seed0: [Int32], seed42: [Int32] }
    struct CSR: Decodable { let indptr: [Int], indices: [Int], values: [Double], shape: [Int] }
    struct Hashing: Decodable {
        let bits20_tokens: CSR, bits3_tokens: CSR, bits20_dicts: CSR, bits4_unsigned_dicts: CSR, bits20_categories: CSR
        let token_rows: [[String]], dict_rows: [[String: Double]], category_rows: [[String: String]]
    }
    let load_svmlight_file: Load
    let lsmr: [LSMRCase]
    let murmurhash3_32: Hashes
    let feature_hasher: Hashing

    static let shared: SparseReference = {
        let url = try! TestData.url("sparse/reference.json")
        return try! JSONDecoder().decode(SparseReference.self, from: Data(contentsOf: url))
    }()
}

@Suite("Sparse matrices, LIBSVM files and LSMR")
struct SparseMatrixTests {
    static func temporaryFile(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("descent-\(UUID().uuidString).svm").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("CSR from arrays, triplets and a dense matrix agree; products and slices")
    func construction() throws {
        // [[1, 0, 2], [0, 0, 0], [0, 3, 0]]
        let x = try SparseMatrix<Double>(rows: 3, columns: 3, rowOffsets: [0, 2, 2, 3], columnIndices: [0, 2, 1], values: [1, 2, 3])
        let triplets = try SparseMatrix<Double>(rows: 3, columns: 3,
                                                triplets: [(2, 1, 1), (0, 2, 2), (0, 0, 1), (2, 1, 2)])   // (2, 1) summed
        let dense = try Matrix<Double>(rows: 3, columns: 3, elements: [1, 0, 2, 0, 0, 0, 0, 3, 0])
        let fromDense = try SparseMatrix(dense), back = try x.dense()
        #expect(x == triplets && x == fromDense && back == dense)
        #expect(try x.multiply([1, 10, 100]) == [201, 0, 30])
        #expect(try x.transposeMultiply([1, 10, 100]) == [1, 300, 2])
        let b = try Matrix<Double>(rows: 3, columns: 2, elements: [1, 2, 3, 4, 5, 6])
        let product = try x.multiply(b)
        #expect(product.rows == 3 && product.columns == 2 && product.elements == [11, 14, 0, 0, 9, 12])
        let tail = try x.rows(1..<3)
        #expect(tail.rowOffsets == [0, 0, 1] && tail.columnIndices == [1] && tail.values == [3])
        let model = LinearModel<Double>(weights: [1, 10, 100], bias: 0.5)
        let sparsePredictions = try model.predict(x), densePredictions = try model.predict(dense)
        #expect(sparsePredictions == densePredictions)
    }

    @Test("malformed structures are typed errors naming the array, row and entry")
    func validation() throws {
        func fails(_ offsets: [Int], _ indices: [Int], _ values: [Double], _ text: String) {
            #expect(performing: {
                _ = try SparseMatrix<Double>(rows: 2, columns: 3, rowOffsets: offsets, columnIndices: indices, values: values)
            }, throws: { "\($0)".contains(text) })
        }
        fails([0, 1], [0], [1], "rowOffsets")                              // too few offsets
        fails([0, 2, 1], [0, 1], [1, 2], "rowOffsets")                     // decreasing
        fails([0, 1, 2], [0, 3], [1, 2], "3 at row 1")                     // out of range
        fails([0, 2, 2], [2, 1], [1, 2], "strictly increasing")            // unsorted
        fails([0, 2, 2], [1, 1], [1, 2], "strictly increasing")            // duplicate
        #expect(throws: DescentError.nonFiniteValue(at: .features(row: 1, column: 2))) {
            _ = try SparseMatrix<Double>(rows: 2, columns: 3, rowOffsets: [0, 1, 2], columnIndices: [0, 2], values: [1, .nan])
        }
        #expect(performing: {
            _ = try SparseMatrix<Double>(rows: 2, columns: 2, triplets: [(0, 5, 1)])
        }, throws: { "\($0)".contains("triplets") })
    }

    @Test("LIBSVM: the file scikit-learn wrote reads as load_svmlight_file reads it; written files read back")
    func libsvm() throws {
        let reference = SparseReference.shared.load_svmlight_file
        let data = try SparseDataset<Double>(libsvmFile: try TestData.url("sparse/train.svm").path)
        let x = data.features
        #expect(x.rows == reference.rows && x.columns == reference.columns && x.nonzeros == reference.nnz)
        #expect(Swift.abs(x.values.reduce(0, +) - reference.value_sum) <= 1e-9)
        #expect(x.columnIndices.reduce(0, +) == reference.index_sum)
        #expect(Swift.abs(data.targets.reduce(0, +) - reference.target_sum) <= 1e-9)
        #expect(Array(x.columnIndices[0..<x.rowOffsets[1]]) == reference.first_row_indices)
        #expect(Array(x.values[0..<x.rowOffsets[1]]) == reference.first_row_values && data.targets[0] == reference.first_target)
        // Declared one-based is the same; zero-based keeps the indices (one more column).
        #expect(try SparseDataset<Double>(libsvmFile: try TestData.url("sparse/train.svm").path, zeroBased: false) == data)
        let zero = try SparseDataset<Double>(libsvmFile: try TestData.url("sparse/train.svm").path, zeroBased: true)
        #expect(zero.features.columns == reference.columns + 1 && zero.features.columnIndices[0] == reference.first_row_indices[0] + 1)
        for zeroBased in [true, false] {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("descent-\(UUID().uuidString).svm").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            try data.writeLIBSVM(to: path, zeroBased: zeroBased)
            let back = try SparseDataset<Double>(libsvmFile: path, columns: x.columns, zeroBased: zeroBased)
            #expect(back == data)
        }
        let float = try SparseDataset<Float>(libsvmFile: try TestData.url("sparse/train.svm").path)
        #expect(float.features.values == x.values.map { Float($0) })
    }

    @Test("LIBSVM: comments, qid and blank lines; malformed lines are errors naming the line")
    func libsvmLines() throws {
        let path = try Self.temporaryFile("# a comment\n1.5 qid:3 1:2 3:-1e-3 # trailing\n\n-2 2:4\n0\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let data = try SparseDataset<Double>(libsvmFile: path)
        #expect(data.targets == [1.5, -2, 0] && data.features.rowOffsets == [0, 2, 3, 3])
        #expect(data.features.columnIndices == [0, 2, 1] && data.features.values == [2, -1e-3, 4] && data.features.columns == 3)
        let cases: [(String, String)] = [
            ("1 1:2\nx 2:3\n", "line 2: the label 'x'"),
            ("1 1:2\n2 3:1 2:5\n", "line 2: index 2 follows index 3"),
            ("1 1:2\n2 3 4:1\n", "line 2: '3' is not an index:value pair"),
            ("1 1:abc\n", "line 1: the value in '1:abc'"),
            ("1 1:nan\n", "line 1: the value in '1:nan'"),
            ("1,2 1:1\n", "line 1: '1,2' holds several labels"),
            ("1 -1:1\n", "line 1: '-1:1' is not an index:value pair"),
        ]
        for (text, message) in cases {
            let bad = try Self.temporaryFile(text)
            defer { try? FileManager.default.removeItem(atPath: bad) }
            #expect("\(text)", performing: { _ = try SparseDataset<Double>(libsvmFile: bad) },
                    throws: { "\($0)".contains(message) })
        }
        let zero = try Self.temporaryFile("1 0:1\n2 5:1\n")
        defer { try? FileManager.default.removeItem(atPath: zero) }
        #expect(performing: { _ = try SparseDataset<Double>(libsvmFile: zero, zeroBased: false) },
                throws: { "\($0)".contains("line 1: index 0") })
        #expect(performing: { _ = try SparseDataset<Double>(libsvmFile: zero, columns: 3) },
                throws: { "\($0)".contains("line 2: index 5") })
        #expect(throws: DescentError.self) { _ = try SparseDataset<Double>(libsvmFile: "/nonexistent/file.svm") }
    }

    @Test("LSMR matches scipy's lsmr: solution, stop reason, iterations and norms", arguments: 0..<4)
    func lsmr(index: Int) throws {
        let reference = SparseReference.shared.lsmr[index]
        let data = try SparseDataset<Double>(libsvmFile: try TestData.url("sparse/train.svm").path)
        let fit = try LeastSquares.lsmr(data.features, data.targets, intercept: reference.intercept, damp: reference.damp,
                                        tolerance: reference.tolerance, maximumIterations: reference.maxiter)
        let scale = reference.weights.reduce(0.0) { Swift.max($0, Swift.abs($1)) }
        let gap = zip(fit.model.weights, reference.weights).reduce(0.0) { Swift.max($0, Swift.abs($1.0 - $1.1)) } / scale
        #expect(fit.stopReason.rawValue == reference.istop)
        // The recurrences are scipy's; its vector norms round differently, and the Lanczos vectors
        // amplify that: equal iterates to 1e-8 where both run to a tight tolerance, within 1e-4
        // where they stop early (tolerance 1e-3, 41 iterations: measured 1.6e-5).
        let tight = reference.tolerance <= 1e-8
        #expect(gap <= (tight ? 1e-8 : 1e-4), "weights: \(gap)")
        #expect(Swift.abs(Double(fit.model.bias) - reference.bias) <= (tight ? 1e-8 : 1e-4) * Swift.max(1, Swift.abs(reference.bias)))
        #expect(Swift.abs(fit.iterations - reference.itn) <= (tight ? 3 : 0), "\(fit.iterations) vs \(reference.itn)")
        #expect(Swift.abs(fit.residualNorm / reference.normr - 1) <= (tight ? 1e-6 : 1e-4))
        #expect(Swift.abs(fit.solutionNorm / reference.normx - 1) <= (tight ? 1e-6 : 1e-4))
        // An estimate from the bidiagonal's diagonal, sensitive to the same rounding: within 2×.
        #expect(fit.conditionEstimate / reference.conda < 2 && reference.conda / fit.conditionEstimate < 2)
        // The reported ‖r‖ is the residual of the returned model (damped when damp > 0), and the
        // stopping test that held is true of it.
        let x = data.features, n = x.rows
        let predictions = try fit.model.predict(x)
        let residual = (0..<n).map { data.targets[$0] - predictions[$0] }
        let plain = residual.reduce(0.0) { $0 + $1 * $1 }
        let penalty = reference.damp * reference.damp * fit.model.weights.reduce(0.0) { $0 + $1 * $1 }
        let measured = (plain + penalty).squareRoot()
        #expect(Swift.abs(measured / fit.residualNorm - 1) <= 1e-6, "\(measured) vs \(fit.residualNorm)")
        if fit.stopReason == .compatible || fit.stopReason == .leastSquares {
            let mean = reference.intercept ? data.targets.reduce(0, +) / Double(n) : 0
            let normB = data.targets.reduce(0.0) { $0 + ($1 - mean) * ($1 - mean) }.squareRoot()
            let compatible = fit.residualNorm <= reference.tolerance * (normB + fit.normEstimate * fit.solutionNorm)
            let leastSquares = fit.normalResidualNorm <= reference.tolerance * fit.normEstimate * fit.residualNorm
            #expect(fit.stopReason == .compatible ? compatible : leastSquares)
        }
    }

    @Test("LSMR with damp² = n·λ equals the exact ridge solution; bad options are typed errors")
    func lsmrRidge() throws {
        let data = try SparseDataset<Double>(libsvmFile: try TestData.url("sparse/train.svm").path)
        let n = Double(data.features.rows), lambda = 0.01
        let iterative = try LeastSquares.lsmr(data.features, data.targets, damp: (n * lambda).squareRoot(), tolerance: 1e-12,
                                              maximumIterations: 5_000)
        let exact = try LeastSquares.solve(try data.features.dense(), data.targets, ridge: lambda)
        let scale = exact.model.weights.reduce(0.0) { Swift.max($0, Swift.abs($1)) }
        let gap = zip(iterative.model.weights, exact.model.weights).reduce(0.0) { Swift.max($0, Swift.abs($1.0 - $1.1)) }
        #expect(iterative.converged && gap <= 1e-9 * scale, "\(gap)")
        #expect(Swift.abs(iterative.model.bias - exact.model.bias) <= 1e-9 * Swift.max(1, Swift.abs(exact.model.bias)))
        for (damp, tolerance) in [(-1.0, 1e-6), (.nan, 1e-6), (0, 1.5), (0, -1)] {
            #expect(throws: DescentError.self) {
                _ = try LeastSquares.lsmr(data.features, data.targets, damp: damp, tolerance: tolerance)
            }
        }
        #expect(throws: DescentError.targetCountMismatch(rows: data.features.rows, targets: 3)) {
            _ = try LeastSquares.lsmr(data.features, [1, 2, 3])
        }
    }

    @Test("feature hashing: MurmurHash3 and FeatureHasher equal scikit-learn's, bit for bit")
    func hashing() throws {
        let hashes = SparseReference.shared.murmurhash3_32
        #expect(hashes.words.map { FeatureHasher.murmurHash3($0.utf8) } == hashes.seed0)
        #expect(hashes.words.map { FeatureHasher.murmurHash3($0.utf8, seed: 42) } == hashes.seed42)
        let reference = SparseReference.shared.feature_hasher
        func check(_ x: SparseMatrix<Double>, _ csr: SparseReference.CSR, _ label: String) {
            #expect([x.rows, x.columns] == csr.shape && x.rowOffsets == csr.indptr, "\(label)")
            #expect(x.columnIndices == csr.indices && x.values == csr.values, "\(label)")
        }
        check(try FeatureHasher(bits: 20).transform(reference.token_rows), reference.bits20_tokens, "tokens, 2^20")
        check(try FeatureHasher(bits: 3).transform(reference.token_rows), reference.bits3_tokens, "tokens, 2^3 (collisions)")
        check(try FeatureHasher(bits: 20).transform(reference.dict_rows), reference.bits20_dicts, "numbers, 2^20")
        check(try FeatureHasher(bits: 4, alternateSign: false).transform(reference.dict_rows), reference.bits4_unsigned_dicts,
              "numbers, 2^4, unsigned")
        check(try FeatureHasher(bits: 20).transform(reference.category_rows), reference.bits20_categories, "categories")
        for bits in [0, 31, -1] { #expect(throws: DescentError.self) { _ = try FeatureHasher(bits: bits) } }
        #expect(throws: DescentError.self) {
            let _: SparseMatrix<Double> = try FeatureHasher(bits: 4).transform([["a": Double.nan]])
        }
    }

    @Test("scipy's save_npz files read as the LIBSVM file scikit-learn wrote; written files read back; CSC is refused")
    func npz() throws {
        let libsvm = try SparseDataset<Double>(libsvmFile: try TestData.url("sparse/train.svm").path).features
        for name in ["train.npz", "train-uncompressed.npz", "train-int64.npz"] {
            let x = try SparseMatrix<Double>(npzFile: try TestData.url("sparse/\(name)").path)
            #expect(x == libsvm, "\(name)")
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("descent-\(UUID().uuidString).npz").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try libsvm.writeNPZ(to: path)
        #expect(try SparseMatrix<Double>(npzFile: path) == libsvm)
        let float = try SparseMatrix<Float>(npzFile: path)
        #expect(float.values == libsvm.values.map { Float($0) })
        #expect(performing: { _ = try SparseMatrix<Double>(npzFile: try TestData.url("sparse/train-csc.npz").path) },
                throws: { "\($0)".contains("'csc'") && "\($0)".contains("tocsr()") })
        #expect(performing: { _ = try SparseMatrix<Double>(npzFile: try TestData.url("sparse/train.svm").path) },
                throws: { "\($0)".contains("not a complete zip archive") })
        // A zip cut short: a typed error, never a crash.
        let bytes = try Data(contentsOf: try TestData.url("sparse/train.npz"))
        let truncated = FileManager.default.temporaryDirectory.appendingPathComponent("descent-\(UUID().uuidString).npz").path
        defer { try? FileManager.default.removeItem(atPath: truncated) }
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: truncated))
        #expect(performing: { _ = try SparseMatrix<Double>(npzFile: truncated) },
                throws: { "\($0)".contains("truncated") })
    }
}
