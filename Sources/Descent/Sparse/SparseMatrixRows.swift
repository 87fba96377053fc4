/// A ``RowBlockSource`` over CSR rows and their targets in memory, valid while they are pinned:
/// blocks of consecutive rows are views (no copy); shuffled rows are copied into a slot's
/// ``SparseGather``. One target per row, or `k` (``targetColumns``) per row, `n × k` row-major.
struct SparseMatrixRows<Scalar: BLASScalar>: RowBlockSource {
    let rows: SparseRows<Scalar>
    let rowCount: Int
    let columns: Int
    let targets: UnsafePointer<Scalar>
    let targetColumns: Int
    /// Normalised sample weights (mean 1 over the training rows), or `nil`.
    let sampleWeights: UnsafePointer<Scalar>?
    let rowBytes: Int

    init(rows: SparseRows<Scalar>, rowCount: Int, columns: Int, targets: UnsafePointer<Scalar>, targetColumns: Int = 1,
         sampleWeights: UnsafePointer<Scalar>? = nil) {
        self.rows = rows
        self.rowCount = rowCount
        self.columns = columns
        self.targets = targets
        self.targetColumns = targetColumns
        self.sampleWeights = sampleWeights
        let nonzeros = rowCount > 0 ? rows.offsets[rowCount] - rows.offsets[0] : 0
        rowBytes = Swift.max(1, nonzeros / Swift.max(1, rowCount)) * (MemoryLayout<Scalar>.stride + MemoryLayout<Int>.stride)
    }

    /// Rows without any data, to create the driver's buffers before the first visit.
    init(columns: Int, targetColumns: Int, weighted: Bool) {
        let none = UnsafeMutablePointer<Int>.allocate(capacity: 0)
        defer { none.deallocate() }
        self.init(rows: SparseRows(offsets: none, indices: none, values: UnsafePointer(bitPattern: 8)!),
                  rowCount: 0, columns: columns, targets: UnsafePointer(bitPattern: 8)!, targetColumns: targetColumns,
                  sampleWeights: weighted ? UnsafePointer(bitPattern: 8)! : nil)
    }

    /// The same rows with the normalised sample weights `weights` (one per row).
    func weighted(_ weights: UnsafePointer<Scalar>) -> SparseMatrixRows {
        SparseMatrixRows(rows: rows, rowCount: rowCount, columns: columns, targets: targets, targetColumns: targetColumns,
                         sampleWeights: weights)
    }

    var isSparse: Bool { true }
    var isWeighted: Bool { sampleWeights != nil }

    func block(_ range: Range<Int>) -> RowBlock<Scalar> {
        RowBlock(sparse: SparseRows(offsets: rows.offsets + range.lowerBound, indices: rows.indices, values: rows.values),
                 targets: targets + range.lowerBound * targetColumns, sampleWeights: sampleWeights.map { $0 + range.lowerBound },
                 count: range.count, columns: columns)
    }

    func gather(_ indices: UnsafeBufferPointer<Int>, features: UnsafeMutablePointer<Scalar>,
                targets: UnsafeMutablePointer<Scalar>, sampleWeights: UnsafeMutablePointer<Scalar>) {
        preconditionFailure("sparse rows gather with gatherSparse")
    }

    func gatherSparse(_ indices: UnsafeBufferPointer<Int>, into buffer: SparseGather<Scalar>,
                      targets outTargets: UnsafeMutablePointer<Scalar>,
                      sampleWeights outWeights: UnsafeMutablePointer<Scalar>) -> SparseRows<Scalar> {
        let k = targetColumns
        for (position, i) in indices.enumerated() {
            (outTargets + position * k).update(from: targets + i * k, count: k)
            if let sampleWeights { outWeights[position] = sampleWeights[i] }
        }
        return buffer.copy(indices, of: rows)
    }
}

extension SparseMatrix {
    /// Calls `body` with these rows pinned as a row source with `targets` (`targetColumns` per row).
    func withRows<R>(targets: [Scalar], targetColumns: Int, weights: UnsafePointer<Scalar>?,
                     _ body: (SparseMatrixRows<Scalar>) throws(DescentError) -> R) throws(DescentError) -> R {
        try withSparseRows { (rows) throws(DescentError) in
            try targets.withUnsafeBufferPointer { (y) throws(DescentError) in
                let none = UnsafeMutablePointer<Scalar>.allocate(capacity: 1)   // no rows: one unread target
                defer { none.deallocate() }
                return try body(SparseMatrixRows(rows: rows, rowCount: self.rows, columns: columns,
                                                 targets: y.baseAddress ?? UnsafePointer(none),
                                                 targetColumns: targetColumns, sampleWeights: weights))
            }
        }
    }

    /// Calls `body` with these rows' CSR buffers pinned. A matrix without nonzeros has no index or
    /// value buffer: one unread element stands in for each.
    func withSparseRows<R, E: Error>(_ body: (SparseRows<Scalar>) throws(E) -> R) throws(E) -> R {
        try rowOffsets.withUnsafeBufferPointer { (offsets) throws(E) in
            try columnIndices.withUnsafeBufferPointer { (indices) throws(E) in
                try values.withUnsafeBufferPointer { (values) throws(E) in
                    let noIndex = UnsafeMutablePointer<Int>.allocate(capacity: 1)
                    defer { noIndex.deallocate() }
                    let noValue = UnsafeMutablePointer<Scalar>.allocate(capacity: 1)
                    defer { noValue.deallocate() }
                    return try body(SparseRows(offsets: offsets.baseAddress!, indices: indices.baseAddress ?? UnsafePointer(noIndex),
                                               values: values.baseAddress ?? UnsafePointer(noValue)))
                }
            }
        }
    }
}
