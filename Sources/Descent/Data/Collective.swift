/// How the processes that share one data set combine what each computed from its own rows.
///
/// The exact solvers and the training loop compute column sums, Gram matrices, gradients and
/// triangular factors from the rows they hold, and call these to combine them with everybody
/// else's. In one process every operation is the identity (``LocalCollective``); `DescentMPI`
/// conforms a communicator across MPI ranks. Every operation is collective: every part calls it,
/// in the same order, with the same shapes; the results are the same bits on every part, and the
/// same from run to run (parts are combined in a fixed order, never MPI's unspecified one).
package protocol Collective: Sendable {
    /// This part's index, `0..<size`.
    var rank: Int { get }
    /// The number of parts.
    var size: Int { get }
    /// Replaces `values` on every part by the element-wise sum over all parts, added in rank order.
    func sum(_ values: inout [Double]) throws(DescentError)
    /// Throws on every part if any part passes an error: the error of the lowest rank that has one.
    /// Call it after each part's local checks, so that bad data on one part stops all of them.
    func agree(_ localError: DescentError?) throws(DescentError)
    /// Replaces the upper-triangular `r` (column-major `d × d`) and `z` (column-major `d × k`) on
    /// every part by the `R` and first `d` rows of `Qᵀ[Z]` of the QR factorisation of all parts'
    /// triangles stacked in rank order: the combining step of TSQR.
    func combineTriangles(_ r: inout [Double], _ z: inout [Double], columns d: Int, targets k: Int) throws(DescentError)
}

/// One process holds all the rows: every collective operation leaves its input as it is.
package struct LocalCollective: Collective {
    package init() {}
    package var rank: Int { 0 }
    package var size: Int { 1 }
    package func sum(_ values: inout [Double]) throws(DescentError) {}
    package func agree(_ localError: DescentError?) throws(DescentError) {
        if let localError { throw localError }
    }
    package func combineTriangles(_ r: inout [Double], _ z: inout [Double], columns d: Int,
                                  targets k: Int) throws(DescentError) {}
}

extension Collective {
    /// Sums of extended-precision values over every part: each value travels as a `Double` pair
    /// (head and tail), so one part's value keeps its extended digits.
    func sum(_ values: inout [Double.Accumulator]) throws(DescentError) {
        guard size > 1 else { return }
        var pairs = [Double](repeating: 0, count: 2 * values.count)
        for (i, value) in values.enumerated() {
            let head = Double(value)
            pairs[2 * i] = head
            pairs[2 * i + 1] = Double(value - Double.Accumulator(head))
        }
        try sum(&pairs)
        for i in values.indices { values[i] = Double.Accumulator(pairs[2 * i]) + Double.Accumulator(pairs[2 * i + 1]) }
    }
}
