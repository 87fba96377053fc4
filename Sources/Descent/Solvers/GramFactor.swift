/// The Cholesky factor of the centred Gram matrix scaled to unit diagonal, `S·G·S = UᵀU` with
/// `sⱼ = 1/√Gⱼⱼ`, and its reciprocal condition estimate: what the normal equations solve with, for
/// one target or several.
struct GramFactor {
    /// `U`, column-major `d × d` (upper triangle; the lower holds the scaled Gram matrix).
    let factor: [Double]
    let scales: [Double]
    /// `1/κ₁` of the scaled Gram matrix (`pocon`).
    let reciprocalCondition: Double

    enum Outcome {
        case factored(GramFactor)
        case failed(reason: String, condition: Double?)
    }

    static let overflow = "XᵀX overflows: the features are too large for the normal equations"

    /// Adds the ridge `nλ` to the diagonal of `gram` (row-major `d × d`, symmetric), scales it to
    /// unit diagonal and factors it, refusing a Gram matrix that overflowed, is singular, has too
    /// few rows behind it, or is too close to singular for the factor to be trusted.
    static func factor(_ gram: inout [Double], rows n: Int, columns d: Int, intercept: Bool, ridge: Double) -> Outcome {
        // Ridge: (XcᵀXc + nλI)·w = Xcᵀyc.
        for j in 0..<d { gram[j * d + j] += Double(n) * ridge }
        guard gram.allSatisfy(\.isFinite) else { return .failed(reason: overflow, condition: nil) }
        // Columns that are zero once centred: constant (or all zero without an intercept).
        let constant = (0..<d).filter { gram[$0 * d + $0] <= 0 }
        // Unit diagonal: scale sⱼ = 1/√Gⱼⱼ (1 for a constant column, which then fails Cholesky).
        let scales = (0..<d).map { gram[$0 * d + $0] > 0 ? 1 / gram[$0 * d + $0].squareRoot() : 1 }
        for i in 0..<d { for j in 0..<d { gram[i * d + j] *= scales[i] * scales[j] } }
        var oneNorm = 0.0
        for j in 0..<d { oneNorm = Swift.max(oneNorm, (0..<d).reduce(0.0) { $0 + Swift.abs(gram[$1 + j * d]) }) }
        var factor = gram
        if let failed = factor.withUnsafeMutableBufferPointer({ LAPACK.choleskyFactor($0, n: d) }) {
            return .failed(reason: "the Gram matrix XᵀX is singular: "
                               + RankDeficiency.describe(constant: constant, dependent: [failed]),
                           condition: .infinity)
        }
        guard ridge > 0 || n > d || (n == d && !intercept) else {
            return .failed(reason: "there are \(n) rows, too few for \(d + (intercept ? 1 : 0)) unknowns",
                           condition: .infinity)
        }
        let rcond = factor.withUnsafeBufferPointer { LAPACK.choleskyReciprocalCondition($0, n: d, oneNorm: oneNorm) }
        guard rcond >= 10 * Double(d) * LeastSquares.epsilon else {
            return .failed(reason: "the Gram matrix XᵀX is too close to singular for the Cholesky factor",
                           condition: (1 / rcond).squareRoot())
        }
        return .factored(GramFactor(factor: factor, scales: scales, reciprocalCondition: rcond))
    }
}
