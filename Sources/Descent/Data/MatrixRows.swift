/// A feature matrix and a matrix of `k` targets per row, in memory, as a ``RowSource`` of one
/// chunk: how the fits and solves across MPI ranks read a rank's matrices of several targets.
package struct MatrixRows<Scalar: BLASScalar>: RowSource {
    package let features: Matrix<Scalar>
    /// `n × k`, one column per target.
    package let targets: Matrix<Scalar>

    /// Pairs `features` with `targets` (`n × k`); a part of a distributed data set may have no rows.
    /// The values are checked where the rows are read (a fit's first pass).
    ///
    /// - Throws: ``DescentError/targetCountMismatch(rows:targets:)`` when the row counts differ and
    ///   ``DescentError/invalidOption(name:value:expected:)`` for no target column.
    package init(features: Matrix<Scalar>, targets: Matrix<Scalar>) throws(DescentError) {
        guard features.rows == targets.rows else {
            throw .targetCountMismatch(rows: features.rows, targets: targets.rows)
        }
        guard targets.columns > 0 else {
            throw .invalidOption(name: "targets", value: "a \(targets.rows) × 0 matrix", expected: "at least one target column")
        }
        self.features = features
        self.targets = targets
    }

    package var rowCount: Int { features.rows }
    package var columns: Int { features.columns }
    package var targetColumns: Int { targets.columns }
    package var chunkCount: Int { 1 }
    package func chunkRows(_ index: Int) -> Range<Int> { 0..<rowCount }

    package func forEachChunk(_ order: [Int], _ body: (RowChunk<Scalar>) throws(DescentError) -> Void) throws(DescentError) {
        for index in order {
            precondition(index == 0, "matrix rows are one chunk")
            try features.withUnsafeBufferPointer { (x) throws(DescentError) in
                try targets.withUnsafeBufferPointer { (y) throws(DescentError) in
                    try body(RowChunk(index: 0, rows: 0..<rowCount, columns: columns, features: x, targets: y,
                                      targetColumns: targetColumns))
                }
            }
        }
    }
}
