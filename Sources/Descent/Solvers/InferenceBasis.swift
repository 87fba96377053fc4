/// Orthonormal coordinates of a fit's design, from the `R` of its centred, scaled QR: the raw
/// (for WLS, `√w`-scaled) design with its constant column is `X̃ = Q̃·K`, where `Q̃` has orthonormal
/// columns — the constant's `√wᵢ/√W` first, then `qᵢ = Tᵀzᵢ` for the centred rows
/// `zᵢ = √wᵢ(xᵢ − μ)` and `T = S·R⁻¹` — and `L = K⁻¹ = [[1/√W, −μᵀT], [0, T]]`.
///
/// Every covariance is then `V = L·M·Lᵀ` for a meat `M` in these coordinates (`σ̂²·I` classical,
/// `Σ ωᵢq̃ᵢq̃ᵢᵀ` for HC, lag and cluster sums of `eᵢq̃ᵢ`), the leverage is `hᵢ = ‖q̃ᵢ‖²` and a
/// new row's mean variance is `aᵀMa` with `a = Lᵀx̃ = [1/√W; Tᵀ(x − μ)]`: centred throughout, no
/// `(XᵀX)⁻¹` formed, nothing `n × n`.
struct InferenceBasis: Sendable {
    /// `d`.
    let columns: Int
    let intercept: Bool
    /// `μ`, the (weighted) column means, zero without an intercept.
    let means: [Double]
    /// `W = Σwᵢ` (`n` unweighted).
    let totalWeight: Double
    /// `T = S·R⁻¹`, row-major `d × d` (upper triangular).
    let transform: [Double]

    /// `p`, the number of parameters.
    var parameters: Int { columns + (intercept ? 1 : 0) }

    init(_ factor: SummaryFactor, totalWeight: Double) {
        let d = factor.columns
        columns = d
        intercept = factor.intercept
        means = factor.intercept ? factor.means : [Double](repeating: 0, count: d)
        self.totalWeight = totalWeight
        // Column k of R⁻¹ solves R·c = e_k; T = S·R⁻¹, row-major.
        var t = [Double](repeating: 0, count: d * d)
        let inverse = factor.inverse
        for k in 0..<d { for i in 0...k { t[i * d + k] = factor.scales[i] * inverse[i + k * d] } }
        transform = t
    }

    init(columns: Int, intercept: Bool, means: [Double], totalWeight: Double, transform: [Double]) {
        self.columns = columns
        self.intercept = intercept
        self.means = means
        self.totalWeight = totalWeight
        self.transform = transform
    }

    /// `L`, row-major `p × p`.
    var inverseFactor: [Double] {
        let d = columns, p = parameters, o = intercept ? 1 : 0
        var l = [Double](repeating: 0, count: p * p)
        if intercept {
            l[0] = 1 / totalWeight.squareRoot()
            for k in 0..<d { l[k + 1] = -(0..<d).reduce(0.0) { $0 + means[$1] * transform[$1 * d + k] } }
        }
        for i in 0..<d { for k in 0..<d { l[(i + o) * p + k + o] = transform[i * d + k] } }
        return l
    }

    /// `V = L·M·Lᵀ` (row-major `p × p`) for the meat `M` (row-major `p × p`, symmetric).
    func covariance(meat: [Double]) -> [Double] {
        let p = parameters, l = inverseFactor
        var lm = [Double](repeating: 0, count: p * p), v = [Double](repeating: 0, count: p * p)
        l.withUnsafeBufferPointer { a in
            meat.withUnsafeBufferPointer { m in BLAS.gemm(a.baseAddress!, m.baseAddress!, m: p, n: p, k: p, beta: 0, &lm) }
            lm.withUnsafeBufferPointer { b in
                BLAS.gemm(b.baseAddress!, a.baseAddress!, transposeB: true, m: p, n: p, k: p, beta: 0, &v)
            }
        }
        return v
    }

    /// The coordinates `q̃ᵢ` of a block's centred, `√w`-scaled rows `z` (row-major `m × d`) with
    /// their `√wᵢ`, into `out` (row-major `m × p`).
    func coordinates(_ z: [Double], roots: [Double], rows m: Int, into out: inout [Double]) {
        let d = columns, p = parameters
        if !intercept {
            z.withUnsafeBufferPointer { a in
                transform.withUnsafeBufferPointer { t in BLAS.gemm(a.baseAddress!, t.baseAddress!, m: m, n: d, k: d, beta: 0, &out) }
            }
            return
        }
        var slopes = [Double](repeating: 0, count: m * d)
        z.withUnsafeBufferPointer { a in
            transform.withUnsafeBufferPointer { t in BLAS.gemm(a.baseAddress!, t.baseAddress!, m: m, n: d, k: d, beta: 0, &slopes) }
        }
        let root = 1 / totalWeight.squareRoot()
        for i in 0..<m {
            out[i * p] = roots[i] * root
            for k in 0..<d { out[i * p + 1 + k] = slopes[i * d + k] }
        }
    }

    /// statsmodels' condition number of the raw (`√w`-scaled) design with its constant,
    /// `σmax/σmin` of `X̃ = Q̃K`: that of `K`, hence of `L`.
    func conditionNumber() throws(DescentError) -> Double {
        let p = parameters, l = inverseFactor
        var a = [Double](repeating: 0, count: p * p)
        for i in 0..<p { for j in 0..<p { a[i + j * p] = l[i * p + j] } }
        var b = [Double](repeating: 0, count: p)
        let result = try a.withUnsafeMutableBufferPointer { (a) throws(DescentError) in
            try b.withUnsafeMutableBufferPointer { (b) throws(DescentError) in try LAPACK.minimumNormSolve(a, m: p, n: p, b, rcond: -1) }
        }
        guard let values = result?.singularValues, let largest = values.first, let smallest = values.last, smallest > 0 else {
            return .infinity
        }
        return largest / smallest
    }
}
