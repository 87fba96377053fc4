/// Room for sparse rows copied out of their source (a shuffled block, the automatic rate's
/// sample, a block rescaled by standardisation): CSR buffers that grow to the largest block seen,
/// so that the epoch loop allocates only while blocks keep getting larger.
@usableFromInline
final class SparseGather<S: BLASScalar>: @unchecked Sendable {  // one per slot; one thread uses it at a time
    private(set) var offsets: UnsafeMutableBufferPointer<Int>
    private(set) var indices: UnsafeMutableBufferPointer<Int>
    private(set) var values: UnsafeMutableBufferPointer<S>

    init(rows: Int = 0, nonzeros: Int = 0) {
        offsets = .allocate(capacity: rows + 1)
        indices = .allocate(capacity: nonzeros)
        values = .allocate(capacity: nonzeros)
    }

    deinit {
        offsets.deallocate()
        indices.deallocate()
        values.deallocate()
    }

    /// Makes room for `rows` rows and `nonzeros` entries (the contents are not kept).
    func reserve(rows: Int, nonzeros: Int) {
        if offsets.count < rows + 1 {
            offsets.deallocate()
            offsets = .allocate(capacity: rows + 1)
        }
        if indices.count < nonzeros {
            indices.deallocate()
            values.deallocate()
            let capacity = Swift.max(nonzeros, indices.count * 2)
            indices = .allocate(capacity: capacity)
            values = .allocate(capacity: capacity)
        }
    }

    /// Copies the rows `rows` of `source` (in that order) and returns them.
    func copy(_ rows: UnsafeBufferPointer<Int>, of source: SparseRows<S>) -> SparseRows<S> {
        var total = 0
        for i in rows { total += source.offsets[i + 1] - source.offsets[i] }
        reserve(rows: rows.count, nonzeros: total)
        var position = 0
        offsets[0] = 0
        for (n, i) in rows.enumerated() {
            let start = source.offsets[i], count = source.offsets[i + 1] - start
            (indices.baseAddress! + position).update(from: source.indices + start, count: count)
            (values.baseAddress! + position).update(from: source.values + start, count: count)
            position += count
            offsets[n + 1] = position
        }
        return held()
    }

    /// The rows held (as many as the last copy wrote).
    func held() -> SparseRows<S> {
        SparseRows(offsets: offsets.baseAddress!, indices: indices.baseAddress!, values: values.baseAddress!)
    }

    /// `rows` (`count` of them) with each value mapped by `map(column, value)`: the values here,
    /// the column indices still the source's.
    func mapped(_ rows: SparseRows<S>, count: Int, _ map: (Int, S) -> S) -> SparseRows<S> {
        let base = rows.offsets[0], total = rows.offsets[count] - base
        reserve(rows: count, nonzeros: total)
        for i in 0...count { offsets[i] = rows.offsets[i] - base }
        for p in 0..<total { values[p] = map(rows.indices[base + p], rows.values[base + p]) }
        return SparseRows(offsets: offsets.baseAddress!, indices: rows.indices + base, values: values.baseAddress!)
    }
}
