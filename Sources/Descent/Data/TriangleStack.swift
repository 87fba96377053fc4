/// The QR factorisation of upper triangles stacked in order: the combining step of TSQR, which a
/// ``Collective`` across processes applies to the parts' triangles (two at a time up a fixed tree,
/// or all at once).
package enum TriangleStack {
    /// `R` and the first `d` rows of `QᵀZ`, where `QR` is the Householder QR (`geqrf`) of the
    /// triangles stacked in order, `[R₀; R₁; …]`, and `Z = [Z₀; Z₁; …]` is stacked the same way.
    ///
    /// Only the upper triangle of each `Rᵢ` is read (what lies below its diagonal is ignored).
    /// `min‖[R₀; R₁; …]v − [Z₀; Z₁; …]‖` is `min‖Rv − z‖`: the rows each part reduced to its
    /// triangle are now reduced to one.
    ///
    /// - Parameters:
    ///   - triangles: Each part's `d × d` upper-triangular `R`, column-major.
    ///   - zs: Each part's `d × k` right-hand sides, column-major (as many as `triangles`).
    ///   - d: The columns of each triangle.
    ///   - k: The right-hand sides per part (0 for none).
    /// - Returns: `r`, column-major `d × d` upper triangular (zeros below the diagonal), and `z`,
    ///   column-major `d × k`.
    /// - Complexity: O(p·d³ + p·d²·k) for `p` parts.
    package static func combine(_ triangles: [[Double]], _ zs: [[Double]], columns d: Int, targets k: Int)
        -> (r: [Double], z: [Double]) {
        precondition(triangles.count == zs.count && !triangles.isEmpty, "one z per triangle, at least one part")
        precondition(triangles.allSatisfy { $0.count == d * d } && zs.allSatisfy { $0.count == d * k },
                     "each triangle is d × d and each z is d × k")
        guard d > 0 else { return ([], []) }
        let m = triangles.count * d
        var stack = [Double](repeating: 0, count: m * d)
        var rhs = [Double](repeating: 0, count: m * k)
        for (part, r) in triangles.enumerated() {
            for j in 0..<d { for i in 0...j { stack[part * d + i + j * m] = r[i + j * d] } }
            for c in 0..<k { for i in 0..<d { rhs[part * d + i + c * m] = zs[part][i + c * d] } }
        }
        var tau = [Double](repeating: 0, count: d)
        var factorWork = [Double](), applyWork = [Double]()
        stack.withUnsafeMutableBufferPointer { a in
            tau.withUnsafeMutableBufferPointer { t in
                LAPACK.householderQR(a.baseAddress!, m: m, n: d, lda: m, tau: t.baseAddress!, work: &factorWork)
                if k > 0 {
                    rhs.withUnsafeMutableBufferPointer { c in
                        LAPACK.applyQ(UnsafeBufferPointer(a), m: m, k: d, lda: m, tau: t.baseAddress!, c.baseAddress!,
                                      transposed: true, columns: k, ldc: m, work: &applyWork)
                    }
                }
            }
        }
        var r = [Double](repeating: 0, count: d * d)
        for j in 0..<d { for i in 0...j { r[i + j * d] = stack[i + j * m] } }
        var z = [Double](repeating: 0, count: d * k)
        for c in 0..<k { for i in 0..<d { z[i + c * d] = rhs[i + c * m] } }
        return (r, z)
    }
}
