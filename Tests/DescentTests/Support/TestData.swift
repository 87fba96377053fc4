import Foundation
import Testing
@testable import Descent

/// Test data shipped in `Resources/` (copied from the project's reference data; nothing outside
/// the package is read).
enum TestData {
    static func url(_ name: String) throws -> URL {
        try #require(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Resources"),
                     "missing test resource \(name)")
    }

    /// A CSV with a header row: the header and the rows of numbers.
    static func csv(_ name: String) throws -> (header: [String], rows: [[Double]]) {
        let text = try String(contentsOf: url(name), encoding: .utf8)
        var lines = text.split(whereSeparator: \.isNewline).map(String.init)
        let header = lines.removeFirst().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let rows = try lines.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map { line in
            try line.split(separator: ",").map { field in
                try #require(Double(field.trimmingCharacters(in: .whitespaces)), "not a number: \(field)")
            }
        }
        return (header, rows)
    }

    /// The seed tutorial's six rows: features `(x1, x2)` and target `y`.
    static func seedExample<S: BLASScalar>(_: S.Type) throws -> (Matrix<S>, [S]) {
        let (header, rows) = try csv("seed-example.csv")
        #expect(header == ["x1", "x2", "y"])
        let x = try Matrix<S>(rows: rows.count, columns: 2, elements: rows.flatMap { [S($0[0]), S($0[1])] })
        return (x, rows.map { S($0[2]) })
    }
}

/// A seeded, well-conditioned random problem: `X ~ N(0, 1)`, `y = Xw + b + σ·noise`.
struct RandomProblem<S: BLASScalar> {
    let features: Matrix<S>
    let targets: [S]
    let weights: [Double]
    let bias: Double

    /// `sparse`: every other true weight is zero; `scale`: the true weights' size.
    init(rows: Int, columns: Int, noise: Double = 0.01, seed: UInt64 = 7, sparse: Bool = false, scale: Double = 1) {
        var random = RandomSource(seed: seed)
        let w = (0..<columns).map { j in (sparse && j % 2 == 1) ? 0 : scale * random.nextNormal() }
        let b = random.nextNormal()
        var x = [S]()
        var y = [S]()
        for _ in 0..<rows {
            var target = b
            for j in 0..<columns {
                let v = random.nextNormal()
                x.append(S(v))
                target += w[j] * v
            }
            y.append(S(target + noise * random.nextNormal()))
        }
        features = try! Matrix(rows: rows, columns: columns, elements: x)
        targets = y
        weights = w
        bias = b
    }
}
