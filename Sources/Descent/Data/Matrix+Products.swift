extension Matrix {
    /// Rows per BLAS call, so that every count BLAS sees fits its 32-bit integers.
    @inlinable
    var _rowsPerCall: Int { Swift.max(1, Swift.min(1 << 20, Int(Int32.max) / Swift.max(1, columns))) }

    /// `result ← X·v`: the matrix times a vector, one streaming pass over the matrix (`gemv`).
    ///
    /// `result` is resized to ``rows`` entries if it has another count; reusing the same array
    /// across calls allocates nothing.
    ///
    /// - Parameters:
    ///   - vector: ``columns`` values.
    ///   - result: Receives ``rows`` values.
    /// - Throws: ``DescentError/weightCountMismatch(weights:features:)`` when `vector` does not
    ///   have one entry per column.
    /// - Complexity: O(rows × columns).
    @inlinable
    public func multiply(_ vector: [Scalar], into result: inout [Scalar]) throws(DescentError) {
        guard vector.count == columns else { throw .weightCountMismatch(weights: vector.count, features: columns) }
        if result.count != rows { result = [Scalar](repeating: 0, count: rows) }
        guard rows > 0 else { return }
        guard columns > 0 else { result.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }; return }
        let chunk = _rowsPerCall
        withUnsafeBufferPointer { x in
            vector.withUnsafeBufferPointer { v in
                result.withUnsafeMutableBufferPointer { out in
                    var start = 0
                    while start < rows {
                        let m = Swift.min(chunk, rows - start)
                        BLAS.gemv(x.baseAddress! + start * columns, rows: m, columns: columns, v.baseAddress!,
                                  beta: 0, out.baseAddress! + start)
                        start += m
                    }
                }
            }
        }
    }
}
