/// Least squares `min ‖A·x − b‖₂` by Householder QR, every operation in ``DoubleDouble``.
///
/// For small dense problems whose answer needs more than `Double`'s 53 bits (the NIST polynomial
/// designs are at most 82 × 11). Householder QR is backward stable, so the computed `x` is the
/// exact least-squares solution of a problem within about `n·p·2⁻¹⁰⁴` (relative) of the one
/// given: the forward error is that times the condition number (and its square times the
/// residual's relative size).
///
/// - Complexity: O(n·p²) double-double operations (each 10–20 `Double` flops) for an `n × p` `A`;
///   O(n·p) memory (one copy of `[A | b]`, factored in place).
struct DoubleDoubleQR {
    typealias DD = DoubleDouble
    /// `R`, `p × p` upper triangular, row-major (zeros below the diagonal). Its diagonal may be
    /// negative (the Householder convention).
    let r: [DD]
    /// The first `p` entries of `Qᵀb`: `R·x` equals them at the solution.
    let projectedTarget: [DD]

    /// Factors the column-major `n × p` matrix `a` (`n ≥ p`) and applies `Qᵀ` to `b`.
    init(columnMajor a: [DD], rows n: Int, columns p: Int, target b: [DD]) {
        precondition(n >= p && a.count == n * p && b.count == n, "DoubleDoubleQR: shapes")
        // [A | b]: the reflectors that triangularise A are applied to b as to any other column.
        var a = a + b
        for j in 0..<p {
            // H = I − τ·v·vᵀ with v = (1, v₁, …) maps column j's part from row j down to (β, 0, …).
            let alpha = a[j + j * n]
            let tail = Self.norm(count: n - j - 1) { a[j + 1 + $0 + j * n] }
            guard tail.hi != 0 else { continue }   // already zero below the diagonal: H = I
            let length = Self.norm(count: 2) { $0 == 0 ? alpha : tail }
            let beta = alpha.hi >= 0 ? -length : length
            let tau = (beta - alpha) / beta
            let scale = DD.one / (alpha - beta)
            for i in (j + 1)..<n { a[i + j * n] *= scale }
            a[j + j * n] = beta
            for c in (j + 1)...p {
                var w = a[j + c * n]
                for i in (j + 1)..<n { w += a[i + j * n] * a[i + c * n] }
                w *= tau
                a[j + c * n] -= w
                for i in (j + 1)..<n { a[i + c * n] -= a[i + j * n] * w }
            }
        }
        var r = [DD](repeating: .zero, count: p * p)
        for i in 0..<p { for c in i..<p { r[i * p + c] = a[i + c * n] } }
        self.r = r
        projectedTarget = (0..<p).map { a[$0 + p * n] }
    }

    /// The least-squares solution: `R·x = (Qᵀb)₁…ₚ` by back substitution.
    func solve() -> [DD] { Self.solveUpper(r, projectedTarget) }

    /// `‖(v₀, …, v_{count−1})‖₂`, scaled by a power of two first so that squares neither over- nor
    /// underflow.
    static func norm(count: Int, _ v: (Int) -> DD) -> DD {
        var largest = 0.0
        for i in 0..<count { largest = Swift.max(largest, Swift.abs(v(i).hi)) }
        guard largest > 0, largest.isFinite else { return DD(largest) }
        let e = Int(largest.exponent)
        var sum = DD.zero
        for i in 0..<count { sum += v(i).scaled(byPowerOfTwo: -e).squared }
        return sum.squareRoot().scaled(byPowerOfTwo: e)
    }
}

// MARK: Upper-triangular matrices (p × p, row-major)

extension DoubleDoubleQR {
    /// `x` with `U·x = b`, by back substitution.
    static func solveUpper(_ u: [DD], _ b: [DD]) -> [DD] {
        let p = b.count
        var x = b
        for i in stride(from: p - 1, through: 0, by: -1) {
            var s = x[i]
            for c in (i + 1)..<p { s -= u[i * p + c] * x[c] }
            x[i] = s / u[i * p + i]
        }
        return x
    }

    /// `U⁻¹`, upper triangular: column `c` solves `U·x = e_c`.
    static func inverseUpper(_ u: [DD], size p: Int) -> [DD] {
        var inverse = [DD](repeating: .zero, count: p * p)
        for c in 0..<p {
            inverse[c * p + c] = DD.one / u[c * p + c]
            for i in stride(from: c - 1, through: 0, by: -1) {
                var s = DD.zero
                for k in (i + 1)...c { s -= u[i * p + k] * inverse[k * p + c] }
                inverse[i * p + c] = s / u[i * p + i]
            }
        }
        return inverse
    }

    /// `U·V` for upper-triangular `U` and `V` (the product is upper triangular).
    static func multiplyUpper(_ u: [DD], _ v: [DD], size p: Int) -> [DD] {
        var product = [DD](repeating: .zero, count: p * p)
        for i in 0..<p {
            for c in i..<p {
                var s = DD.zero
                for k in i...c { s += u[i * p + k] * v[k * p + c] }
                product[i * p + c] = s
            }
        }
        return product
    }

    /// The 1-norm condition number `‖U·D‖₁·‖D⁻¹·U⁻¹‖₁` of `U` with its columns scaled to unit
    /// 2-norm (`D = diag(1/‖U e_c‖₂)`), computed from `U` and its inverse (exactly, not estimated:
    /// the matrices are tiny). Only rows and columns `first..<p` take part, the trailing block.
    static func scaledConditionNumber(_ u: [DD], inverse: [DD], size p: Int, first: Int = 0) -> Double {
        guard first < p else { return 1 }
        var columnNorms = [Double](repeating: 0, count: p)
        var forward = 0.0, backward = 0.0
        for c in first..<p {
            columnNorms[c] = norm(count: c - first + 1) { u[(first + $0) * p + c] }.double
            var sum = 0.0
            for i in first...c { sum += Swift.abs(u[i * p + c].double) }
            forward = Swift.max(forward, sum / columnNorms[c])
        }
        for c in first..<p {
            var sum = 0.0
            for i in first...c { sum += Swift.abs(inverse[i * p + c].double) * columnNorms[i] }
            backward = Swift.max(backward, sum)
        }
        let condition = forward * backward
        return condition.isNaN ? .infinity : condition
    }
}
