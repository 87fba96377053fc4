import Testing
@testable import Descent

/// The exact solver's memory: every method checks its working memory before its first pass and
/// throws a typed error when it does not fit (a simulated budget, not gigabytes); `.automatic`
/// picks only methods that fit; and a wide problem's SVD factors the `n × d` design, not a
/// `d × d` triangle.
@Suite("Solver memory")
struct SolverMemoryTests {
    /// A budget no method fits in: less than the block buffers every pass holds.
    static let tiny = 1 << 20

    @Test("each method, ridge, several targets and weights refuse a budget they do not fit, with remedies",
          arguments: Precision.allCases)
    func refuses(_ precision: Precision) throws { try refuses(precision.scalar) }

    func refuses<S: BLASScalar>(_: S.Type) throws {
        let problem = RandomProblem<S>(rows: 200, columns: 20)
        let (x, y) = (problem.features, problem.targets)
        let targets = try Matrix<S>(rows: 200, columns: 2, elements: y.flatMap { [$0, -$0] })
        try MemoryBudget.$simulatedAvailable.withValue(Self.tiny) {
            for method in [LeastSquares.Method.normalEquations, .qr, .svd, .automatic] {
                try expectShortage(containing: method == .automatic ? "SVD" : method.description) {
                    _ = try LeastSquares.solve(x, y, method: method)
                }
                try expectShortage(containing: method == .automatic ? "SVD" : method.description) {
                    _ = try LeastSquares.solve(x, targets, method: method)
                }
            }
            try expectShortage(containing: "normal equations") { _ = try LeastSquares.solve(x, y, ridge: 0.1) }
        }
        // The weighted copy (200 × 21 values) is checked before any method.
        try MemoryBudget.$simulatedAvailable.withValue(10_000) {
            try expectShortage(containing: "weighted copy") {
                _ = try LeastSquares.solve(x, y, weights: [S](repeating: 1, count: 200))
            }
            try expectShortage(containing: "weighted copy") {
                _ = try LeastSquares.solve(x, targets, weights: [S](repeating: 1, count: 200))
            }
        }
        // With the machine's own budget the same problems solve.
        #expect(try LeastSquares.solve(x, y).rank == 20)
    }

    /// Runs `body`, which must throw ``DescentError/insufficientMemory(needed:available:what:remedies:)``
    /// for something described with `containing`, naming fewer columns and gradient descent.
    func expectShortage(containing text: String, sourceLocation: SourceLocation = #_sourceLocation,
                        _ body: () throws -> Void) throws {
        do {
            try body()
            Issue.record("no error; expected insufficient memory for \(text)", sourceLocation: sourceLocation)
        } catch let DescentError.insufficientMemory(needed, available, what, remedies) {
            #expect(needed > available && what.contains(text), "\(text): \(what)", sourceLocation: sourceLocation)
            if !text.contains("weighted") {
                #expect(remedies.contains(.gradientDescent), sourceLocation: sourceLocation)
                #expect(remedies.contains { if case .fewerColumns = $0 { true } else { false } }, sourceLocation: sourceLocation)
            }
        }
    }

    /// Rows enough for `.automatic` to try the normal equations first (more than 2²⁰ elements);
    /// `collinearity` makes column 1 column 0 plus that much noise.
    static func tall(collinearity: Double?) throws -> (Matrix<Double>, [Double]) {
        let n = 27_000, d = 40
        var random = RandomSource(seed: 11)
        var x = [Double](), y = [Double]()
        x.reserveCapacity(n * d)
        for _ in 0..<n {
            var row = (0..<d).map { _ in random.nextNormal() }
            if let collinearity { row[1] = row[0] + collinearity * row[1] }
            y.append(row.enumerated().reduce(0.5) { $0 + Double($1.offset % 5 - 2) * $1.element } + 0.01 * random.nextNormal())
            x += row
        }
        return (try Matrix(rows: n, columns: d, elements: x), y)
    }

    @Test("the Gram pass's budget holds its centred block and the Gram product's parts, wide or narrow",
          arguments: [(1_000_000, 100), (100_000, 1000), (20_000, 3000)])
    func gramPassBudget(n: Int, d: Int) {
        // What gramOfRows allocates besides its d × d sums: the centred block (Float or centred
        // rows) and the scratch of GramProduct's parts for that block.
        let rows = LeastSquares.gramBlockRows(localRows: n, columns: d, inPlace: false)
        let held = rows * d + GramProduct.scratchCount(rows: rows, columns: d, k: 1)
        #expect(LeastSquares.gramPassValues(rows: n, columns: d, targets: 1) >= held)
        let bytes = MemoryLayout<Double>.size * (3 * d * d + held)
        #expect(LeastSquares.workspace(.normalEquations, rows: n, columns: d, targets: 1, inMemory: true) >= bytes)
    }

    @Test(".automatic takes only methods that fit: the normal equations when they serve, the SVD when QR does not fit")
    func automaticFits() throws {
        let budget = LeastSquares.workspace(.svd, rows: 27_000, columns: 40, targets: 1, inMemory: true)
        #expect(budget >= LeastSquares.workspace(.normalEquations, rows: 27_000, columns: 40, targets: 1, inMemory: true))
        #expect(budget < LeastSquares.workspace(.qr, rows: 27_000, columns: 40, targets: 1, inMemory: true))
        let (x, y) = try Self.tall(collinearity: nil)
        let free = try LeastSquares.solve(x, y)
        let tight = try MemoryBudget.$simulatedAvailable.withValue(budget) { try LeastSquares.solve(x, y) }
        #expect(free.method == .normalEquations && tight.method == .normalEquations)
        #expect(tight.model.weights == free.model.weights)

        // κ ≈ 10⁵: the normal equations decline; QR does not fit, so the SVD answers.
        let (xc, yc) = try Self.tall(collinearity: 1e-5)
        let accurate = try LeastSquares.solve(xc, yc)
        let fitting = try MemoryBudget.$simulatedAvailable.withValue(budget) { try LeastSquares.solve(xc, yc) }
        #expect(accurate.method == .qr && fitting.method == .svd)
        let scale = accurate.model.weights.map(Swift.abs).max()!
        let gap = zip(accurate.model.weights, fitting.model.weights).map { Swift.abs($0 - $1) }.max()!
        // Both exact, to about κ·ε with κ ≈ 10⁵.
        #expect(gap <= Double.ulps(1e8) * scale, "\(gap)")
        // Below the normal equations' need nothing fits: the error names the SVD, the last resort.
        try MemoryBudget.$simulatedAvailable.withValue(budget / 2) {
            try expectShortage(containing: "SVD") { _ = try LeastSquares.solve(xc, yc) }
        }
    }

    @Test("fewer rows than columns: the SVD factors the n × d design and returns the minimum-norm solution",
          arguments: Precision.allCases)
    func wide(_ precision: Precision) throws { try wide(precision.scalar) }

    func wide<S: BLASScalar>(_: S.Type) throws {
        let n = 8, d = 300
        let problem = RandomProblem<S>(rows: n, columns: d, seed: 5)
        let (x, y) = (problem.features, problem.targets)
        // No intercept: X has full row rank, and the minimum-norm solution is Xᵀ(XXᵀ)⁻¹y.
        let through = try LeastSquares.solve(x, y, intercept: false)
        #expect(through.method == .svd && through.rank == n && through.singularValues?.count == d)
        let xs = (0..<(n * d)).map { Double(x[$0 / d, $0 % d]) }
        var gram = (0..<(n * n)).map { k in (0..<d).reduce(0.0) { $0 + xs[(k / n) * d + $1] * xs[(k % n) * d + $1] } }
        var z = y.map { Double($0) }
        Self.solveInPlace(&gram, &z, n)
        let oracle = (0..<d).map { j in (0..<n).reduce(0.0) { $0 + xs[$1 * d + j] * z[$1] } }
        let scale = oracle.map(Swift.abs).max()!
        let gap = (0..<d).map { Swift.abs(Double(through.model.weights[$0]) - oracle[$0]) }.max()!
        #expect(gap <= Double.ulps(1e5) * scale + S.ulps(4) * scale, "\(gap) of \(scale)")

        // With an intercept: the same as the centred problem through the origin, rank n − 1.
        let fitted = try LeastSquares.solve(x, y)
        #expect(fitted.method == .svd && fitted.rank == n - 1 && fitted.conditionEstimate == .infinity)
        let residual = (0..<n).map { i in
            Swift.abs(Double(y[i]) - (0..<d).reduce(Double(fitted.model.bias)) { $0 + Double(fitted.model.weights[$1]) * xs[i * d + $1] })
        }.max()!
        #expect(residual <= S.ulps(64) * y.map { Swift.abs(Double($0)) }.max()!, "\(residual)")
        // Several targets: each column as its single-target solve.
        let targets = try Matrix<S>(rows: n, columns: 2, elements: y.flatMap { [$0, 2 * $0] })
        let multi = try LeastSquares.solve(x, targets)
        #expect(multi.method == .svd)
        let spread = fitted.model.weights.map { Swift.abs(Double($0)) }.max()!
        for j in 0..<d {
            #expect(Swift.abs(Double(multi.model.weights[j, 0]) - Double(fitted.model.weights[j])) <= S.ulps(64) * spread)
            #expect(Swift.abs(Double(multi.model.weights[j, 1]) - 2 * Double(fitted.model.weights[j])) <= S.ulps(128) * spread)
        }
    }

    /// Gaussian elimination with partial pivoting: `b ← A⁻¹b` for the row-major `n × n` `a`.
    static func solveInPlace(_ a: inout [Double], _ b: inout [Double], _ n: Int) {
        for k in 0..<n {
            let p = (k..<n).max { Swift.abs(a[$0 * n + k]) < Swift.abs(a[$1 * n + k]) }!
            for j in 0..<n { a.swapAt(k * n + j, p * n + j) }
            b.swapAt(k, p)
            for i in (k + 1)..<n {
                let f = a[i * n + k] / a[k * n + k]
                for j in k..<n { a[i * n + j] -= f * a[k * n + j] }
                b[i] -= f * b[k]
            }
        }
        for k in stride(from: n - 1, through: 0, by: -1) {
            b[k] = ((k + 1)..<n).reduce(b[k]) { $0 - a[k * n + $1] * b[$1] } / a[k * n + k]
        }
    }
}
