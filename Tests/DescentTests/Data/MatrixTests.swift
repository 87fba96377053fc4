import Foundation
import Testing
import Descent

@Suite("Matrix")
struct MatrixTests {
    @Test("bad matrix shapes")
    func matrixShapes() {
        expectDescentError(.invalidMatrixShape(rows: 2, columns: 2, elementCount: 3)) { _ = try Matrix<Double>(rows: 2, columns: 2, elements: [1, 2, 3]) }
        expectDescentError(.invalidMatrixShape(rows: -1, columns: 2, elementCount: 0)) { _ = try Matrix<Double>(rows: -1, columns: 2, elements: []) }
        expectDescentError(.invalidMatrixShape(rows: Int.max, columns: 2, elementCount: 0)) { _ = try Matrix<Float>(rows: Int.max, columns: 2, elements: []) }
        expectDescentError(.invalidMatrixShape(rows: 2, columns: 2, elementCount: 3)) { _ = try Matrix<Double>([[1, 2], [3]]) }
    }

    /// A matrix written in place: the elements `body` writes, in row-major order; bad shapes are
    /// typed errors before `body` runs.
    @Test("a matrix written in place holds what was written")
    func initializingWith() throws {
        let x = try Matrix<Float>(rows: 3, columns: 4, initializingWith: { out in
            for i in out.indices { out[i] = Float(i) / 2 }
        })
        #expect(x.rows == 3 && x.columns == 4 && x.elements == (0..<12).map { Float($0) / 2 } && x[2, 1] == 4.5)
        var given = -1
        let empty = try Matrix<Double>(rows: 0, columns: 5, initializingWith: { given = $0.count })
        #expect(empty.elements.isEmpty && given == 0)
        var ran = false
        expectDescentError(.invalidMatrixShape(rows: -2, columns: 3, elementCount: 0)) {
            _ = try Matrix<Double>(rows: -2, columns: 3, initializingWith: { _ in ran = true })
        }
        expectDescentError(.invalidMatrixShape(rows: Int.max, columns: 3, elementCount: 0)) {
            _ = try Matrix<Double>(rows: Int.max, columns: 3, initializingWith: { _ in ran = true })
        }
        #expect(!ran)
    }

    /// Slices are written in place too (``Matrix/selecting(rows:)`` and the rest): the elements of
    /// the rows and columns asked for, and degenerate shapes without a crash.
    @Test("slices, including of empty and zero-width matrices")
    func slices() throws {
        let x = try Matrix<Float>(rows: 2, columns: 3, elements: [1, 2, 3, 4, 5, 6])
        #expect(x.selecting(columns: [2, 0, 2]).elements == [3, 1, 3, 6, 4, 6])
        #expect(x.selecting(rows: [1, 0, 1]).elements == [4, 5, 6, 1, 2, 3, 4, 5, 6])
        #expect(x.rows(1..<2).elements == [4, 5, 6])
        let none = x.selecting(columns: [])
        #expect(none.rows == 2 && none.columns == 0 && x.selecting(rows: []).rows == 0 && x.rows(1..<1).elements.isEmpty)
        let thin = try Matrix<Double>(rows: 3, columns: 0, elements: [])
        #expect(thin.selecting(rows: [2, 0, 2]).rows == 3 && thin.rows(1..<3).rows == 2)
    }

    /// The `VmFlags` line of the mapping that holds `address` in `/proc/self/smaps`.
    static func mappingFlags(at address: UInt) throws -> [Substring] {
        // (/proc files report size 0: read to the end rather than by size.)
        let file = try #require(FileHandle(forReadingAtPath: "/proc/self/smaps"))
        let smaps = String(decoding: file.readDataToEndOfFile(), as: UTF8.self)
        var inside = false
        for line in smaps.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if let range = fields.first, fields.count >= 5, range.contains("-"),
               let dash = range.firstIndex(of: "-"), let start = UInt(range[..<dash], radix: 16),
               let end = UInt(range[range.index(after: dash)...], radix: 16) {
                inside = start <= address && address < end
            } else if inside, line.hasPrefix("VmFlags:") {
                return line.split(separator: " ")
            }
        }
        Issue.record("no mapping holds \(address)")
        return []
    }

    /// A large matrix written in place asked Linux for huge pages before its first write: the
    /// memory around its middle is marked `hg` (`MADV_HUGEPAGE`) in `/proc/self/smaps`, whatever
    /// pages the kernel then found; a `.npy` file converted into a matrix (float32 into Double) did
    /// not (its one-off copy's first write costs more on huge pages: see `HugePages`). Where the
    /// kernel has no transparent huge pages, nothing to check.
    @Test("a large matrix written in place is advised for huge pages; a converted .npy file is not")
    func hugePages() throws {
        guard FileManager.default.fileExists(atPath: "/sys/kernel/mm/transparent_hugepage/enabled") else { return }
        let x = try Matrix<Double>(rows: 4096, columns: 512, initializingWith: { out in   // 16 MiB
            for i in out.indices { out[i] = Double(i) }
        })
        let middle = x.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress! + $0.count / 2) }
        #expect(try Self.mappingFlags(at: middle).contains("hg"))
        #expect(x[4095, 511] == Double(4096 * 512 - 1))
        let path = NSTemporaryDirectory() + "descent-hugepages-\(UUID().uuidString).npy"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Matrix<Float>(rows: 4096, columns: 512, elements: (0..<(4096 * 512)).map { Float($0 % 1000) }).writeNPY(to: path)
        let widened = try Matrix<Double>(npyFile: path)
        let widenedMiddle = widened.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress! + $0.count / 2) }
        #expect(try !Self.mappingFlags(at: widenedMiddle).contains("hg"))
        #expect(widened[4095, 511] == Double((4096 * 512 - 1) % 1000))
    }

    /// `X·v` against a naive loop, for shapes around the SIMD and BLAS blocking sizes, into a
    /// result array of the wrong size (resized) and of the right size (reused).
    func multipliesLikeNaiveLoop<S: BLASScalar>(_: S.Type) throws {
        for (rows, columns) in [(1, 1), (3, 7), (17, 16), (64, 100), (5, 257), (4, 0), (0, 3)] {
            let elements = Naive.values(S.self, rows * columns, seed: UInt64(rows * 1000 + columns))
            let vector = Naive.values(S.self, columns, seed: 99)
            let x = try Matrix<S>(rows: rows, columns: columns, elements: elements)
            var result = [S](repeating: 7, count: 2)
            try x.multiply(vector, into: &result)
            #expect(result.count == rows)
            let expected = Naive.matrixVector(elements, rows: rows, columns: columns, vector, transposed: false)
            for i in 0..<rows {
                let row = Array(elements[(i * columns)..<((i + 1) * columns)])
                // A sum of `columns` products: within `columns` ulps of the sum of their magnitudes.
                let tolerance = S.ulps(Double(Swift.max(columns, 1))) * Naive.magnitude(row, vector)
                #expect(Swift.abs(Double(result[i]) - expected[i]) <= tolerance, "\(rows)×\(columns) row \(i)")
            }
            let first = result
            try x.multiply(vector, into: &result)
            #expect(result == first)
        }
        let x = try Matrix<S>(rows: 2, columns: 3, elements: [1, 2, 3, 4, 5, 6])
        var result = [S]()
        expectDescentError(.weightCountMismatch(weights: 2, features: 3)) { try x.multiply([1, 2], into: &result) }
        expectDescentError(.weightCountMismatch(weights: 4, features: 3)) { try x.multiply([1, 2, 3, 4], into: &result) }
    }

    @Test("multiply matches a naive loop, and a vector of the wrong width is a typed error",
          arguments: Precision.allCases)
    func multiply(_ precision: Precision) throws {
        try multipliesLikeNaiveLoop(precision.scalar)
    }
}
