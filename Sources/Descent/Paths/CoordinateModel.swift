/// What coordinate descent needs of the standardised least-squares part: `qⱼ = cⱼ − (Gb)ⱼ` and its
/// update when `bⱼ` moves.
protocol CoordinateModel {
    var columns: Int { get }
    /// `Gⱼⱼ`.
    var diagonal: [Double] { get }
    /// `qⱼ` at the current point.
    mutating func gradient(_ j: Int, _ b: [Double]) -> Double
    /// Records that `bⱼ` moved by `delta`.
    mutating func move(_ j: Int, by delta: Double)
    /// `q = c − Gb` for every column, recomputed from `b` (no accumulated rounding).
    mutating func gradients(_ b: [Double]) -> [Double]
    /// `Σω(ỹ − x̃ᵀb)²`, given `q` at `b`.
    func residualSquare(_ b: [Double], gradients q: [Double]) -> Double
    /// `G_SS`, row-major `|S| × |S|`.
    func gramBlock(_ support: [Int]) -> [Double]
    /// `c_S`.
    func correlations(_ support: [Int]) -> [Double]
    /// Whether `G` is held (a Gram block then costs `|S|²` reads, not `n·|S|²` operations).
    var hasGram: Bool { get }
}

/// Covariance mode: `q` kept for every column, `d` operations per move (a row of `G`).
struct CovarianceModel: CoordinateModel {
    let gram: [Double]
    let correlations: [Double]
    let columns: Int
    var q: [Double]

    init(_ problem: PathProblem) {
        gram = problem.gram
        correlations = problem.correlations
        columns = problem.columns
        q = problem.correlations
    }

    var diagonal: [Double] { (0..<columns).map { gram[$0 * columns + $0] } }

    var hasGram: Bool { true }

    func gradient(_ j: Int, _ b: [Double]) -> Double { q[j] }

    mutating func move(_ j: Int, by delta: Double) {
        let d = columns
        gram.withUnsafeBufferPointer { g in
            q.withUnsafeMutableBufferPointer { BLAS.axpy(d, -delta, g.baseAddress! + j * d, $0.baseAddress!) }
        }
    }

    mutating func gradients(_ b: [Double]) -> [Double] {
        var fresh = correlations
        if columns > 0 {
            gram.withUnsafeBufferPointer { g in
                BLAS.gemv(g.baseAddress!, rows: columns, columns: columns, alpha: -1, b, beta: 1, &fresh)
            }
        }
        q = fresh
        return fresh
    }

    func gramBlock(_ support: [Int]) -> [Double] {
        support.flatMap { i in support.map { gram[i * columns + $0] } }
    }

    func correlations(_ support: [Int]) -> [Double] { support.map { correlations[$0] } }

    /// `1 − 2cᵀb + bᵀGb = 1 − cᵀb − bᵀq`.
    func residualSquare(_ b: [Double], gradients q: [Double]) -> Double {
        var total = Double.Accumulator(1)
        for j in 0..<columns where b[j] != 0 {
            total -= Double.Accumulator(correlations[j]) * Double.Accumulator(b[j])
            total -= Double.Accumulator(q[j]) * Double.Accumulator(b[j])
        }
        return Swift.max(0, Double(total))
    }
}

/// Naive mode: the residual `r̃ = √ω(ỹ − x̃ᵀb)` kept, `qⱼ = z̃ⱼᵀr̃` on demand: `2n` operations per
/// visit, nothing of size `d × d`.
struct NaiveModel: CoordinateModel {
    let standardized: [Double]
    let rows: Int
    let columns: Int
    let targets: [Double]
    var residual: [Double]

    init(_ problem: PathProblem) {
        standardized = problem.standardized
        rows = problem.rows
        columns = problem.columns
        targets = problem.scaledTargets
        residual = problem.scaledTargets
    }

    var diagonal: [Double] {
        (0..<columns).map { j in
            standardized.withUnsafeBufferPointer { z in BLAS.dot(rows, z.baseAddress! + j * rows, z.baseAddress! + j * rows) }
        }
    }

    var hasGram: Bool { false }

    func gradient(_ j: Int, _ b: [Double]) -> Double {
        standardized.withUnsafeBufferPointer { z in BLAS.dot(rows, z.baseAddress! + j * rows, residual) }
    }

    mutating func move(_ j: Int, by delta: Double) {
        let n = rows
        standardized.withUnsafeBufferPointer { z in
            residual.withUnsafeMutableBufferPointer { BLAS.axpy(n, -delta, z.baseAddress! + j * n, $0.baseAddress!) }
        }
    }

    mutating func gradients(_ b: [Double]) -> [Double] {
        // r̃ = √ω·ỹ − Z̃b afresh, then q = Z̃ᵀr̃ (Z̃ is stored as its transpose, d × n row-major).
        var fresh = targets
        var q = [Double](repeating: 0, count: columns)
        guard columns > 0, rows > 0 else { return q }
        standardized.withUnsafeBufferPointer { z in
            BLAS.gemvTransposed(z.baseAddress!, rows: columns, columns: rows, alpha: -1, b, beta: 1, &fresh)
            BLAS.gemv(z.baseAddress!, rows: columns, columns: rows, fresh, beta: 0, &q)
        }
        residual = fresh
        return q
    }

    func residualSquare(_ b: [Double], gradients q: [Double]) -> Double {
        residual.reduce(0) { $0 + $1 * $1 }
    }

    func gramBlock(_ support: [Int]) -> [Double] {
        standardized.withUnsafeBufferPointer { z in
            support.flatMap { i in support.map { BLAS.dot(rows, z.baseAddress! + i * rows, z.baseAddress! + $0 * rows) } }
        }
    }

    func correlations(_ support: [Int]) -> [Double] {
        standardized.withUnsafeBufferPointer { z in support.map { BLAS.dot(rows, z.baseAddress! + $0 * rows, targets) } }
    }
}
