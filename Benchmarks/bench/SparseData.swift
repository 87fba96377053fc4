import Descent
import Dispatch
import Foundation

/// The sparse bench's data (`bench --sparse`): `rows` rows of `columns` columns in CSR, each row
/// `nonzeros` draws of a column from a Zipf law, `P(j) ∝ 1/(j + 1)^s` (so column 0 is the most
/// frequent, as in bag-of-words or hashed designs), repeated draws merged: a row holds about
/// `nonzeros` distinct columns, fewer where the head repeats. Each value is `N(0, 1)` rounded to 4
/// decimals (never 0, so a LIBSVM file written from it holds every stored value and reads back to
/// the same bits); the targets are `y = Xw* + b* + 0.1·ε` with `w*`, `b*` and `ε` standard normal.
///
/// Generated in Double, seeded, in chunks of 4,096 rows with a stream of their own (so the same
/// whatever the number of threads), two passes: the rows' column sets, then their values.
struct SparseSyntheticData: Sendable {
    let rows: Int
    let columns: Int
    let exponent: Double
    let features: SparseMatrix<Double>
    let targets: [Double]
    /// The true model.
    let weights: [Double]
    let bias: Double
    /// The standard deviation of the targets' Gaussian noise.
    static let noiseScale = 0.1

    init(rows: Int, columns: Int, nonzeros: Int, exponent: Double, seed: UInt64) throws {
        self.rows = rows
        self.columns = columns
        self.exponent = exponent
        var random = RandomSource(seed: seed ^ 0x5A5A_5A5A)
        weights = (0..<columns).map { _ in random.nextNormal() }
        bias = random.nextNormal()
        let zipf = ZipfSampler(columns: columns, exponent: exponent)
        let chunk = 4096
        let chunks = (rows + chunk - 1) / chunk
        // Pass 1: each chunk draws its rows' columns (sorted, distinct) into a list of its own.
        var chunkColumns = [[Int32]](repeating: [], count: chunks)
        var chunkOffsets = [[Int]](repeating: [], count: chunks)
        chunkColumns.withUnsafeMutableBufferPointer { allColumns in
            chunkOffsets.withUnsafeMutableBufferPointer { allOffsets in
                nonisolated(unsafe) let allColumns = allColumns, allOffsets = allOffsets
                DispatchQueue.concurrentPerform(iterations: chunks) { c in
                    var random = RandomSource(seed: seed &+ 0x9E37_79B9 &* UInt64(c + 1))
                    let first = c * chunk, last = Swift.min(rows, first + chunk)
                    var list = [Int32](), offsets = [0]
                    list.reserveCapacity((last - first) * nonzeros)
                    offsets.reserveCapacity(last - first + 1)
                    var row = [Int32](repeating: 0, count: nonzeros)
                    for _ in first..<last {
                        for k in 0..<nonzeros { row[k] = Int32(zipf.draw(random.nextUniform(Double.self))) }
                        row.sort()
                        var previous: Int32 = -1
                        for j in row where j != previous {
                            list.append(j)
                            previous = j
                        }
                        offsets.append(list.count)
                    }
                    allColumns[c] = list
                    allOffsets[c] = offsets
                }
            }
        }
        // Pass 2: offsets over the whole matrix, then each chunk's values and targets in place.
        var starts = [Int](repeating: 0, count: chunks + 1)
        for c in 0..<chunks { starts[c + 1] = starts[c] + chunkColumns[c].count }
        let total = starts[chunks]
        var rowOffsets = [Int](repeating: 0, count: rows + 1)
        var indices = [Int](repeating: 0, count: total)
        var values = [Double](repeating: 0, count: total)
        var y = [Double](repeating: 0, count: rows)
        let w = weights, b = bias, chunkStarts = starts, rowColumns = chunkColumns, rowOffsetsInChunk = chunkOffsets
        rowOffsets.withUnsafeMutableBufferPointer { offsets in
            indices.withUnsafeMutableBufferPointer { indices in
                values.withUnsafeMutableBufferPointer { values in
                    y.withUnsafeMutableBufferPointer { y in
                        // Each chunk writes only its own rows and entries.
                        nonisolated(unsafe) let offsets = offsets, indices = indices, values = values, y = y
                        DispatchQueue.concurrentPerform(iterations: chunks) { c in
                            var random = RandomSource(seed: (seed &+ 0x7F4A_7C15) &* UInt64(2 * c + 1))
                            let first = c * chunk, start = chunkStarts[c]
                            let local = rowOffsetsInChunk[c], list = rowColumns[c]
                            for r in 0..<(local.count - 1) {
                                offsets[first + r] = start + local[r]
                                var target = b
                                for k in local[r]..<local[r + 1] {
                                    var v = (random.nextNormal() * 1e4).rounded() / 1e4
                                    if v == 0 { v = 1e-4 }
                                    let j = Int(list[k])
                                    indices[start + k] = j
                                    values[start + k] = v
                                    target += w[j] * v
                                }
                                y[first + r] = target + Self.noiseScale * random.nextNormal()
                            }
                        }
                        offsets[rows] = total
                    }
                }
            }
        }
        features = try SparseMatrix(rows: rows, columns: columns, rowOffsets: rowOffsets, columnIndices: indices,
                                    values: values)
        targets = y
    }
}

/// Draws column `j ∈ 0..<columns` with probability `∝ 1/(j + 1)^s` by inversion: the cumulative
/// distribution in a table, and a guide table of `columns` entries that starts each search at most
/// a step or two from its answer (Chen and Asau's method: O(1) expected per draw).
struct ZipfSampler: Sendable {
    /// `cumulative[j]` = P(column ≤ j); the last is 1.
    let cumulative: [Double]
    /// `guide[k]` = the first column whose cumulative probability reaches `k / guide.count`.
    let guide: [Int32]

    init(columns: Int, exponent: Double) {
        var cumulative = [Double](repeating: 0, count: columns)
        var sum = 0.0
        for j in 0..<columns {
            sum += 1 / Double(j + 1).pow(exponent)
            cumulative[j] = sum
        }
        for j in 0..<columns { cumulative[j] /= sum }
        cumulative[columns - 1] = 1
        var guide = [Int32](repeating: 0, count: columns)
        var j = 0
        for k in 0..<columns {
            let level = Double(k) / Double(columns)
            while cumulative[j] < level { j += 1 }
            guide[k] = Int32(j)
        }
        self.cumulative = cumulative
        self.guide = guide
    }

    /// The column for a uniform `u ∈ [0, 1)`: the first `j` with `cumulative[j] > u`.
    @inline(__always)
    func draw(_ u: Double) -> Int {
        var j = Int(guide[Swift.min(guide.count - 1, Int(u * Double(guide.count)))])
        while cumulative[j] <= u { j += 1 }
        return j
    }
}

extension Double {
    /// `self` to the power `exponent` (Glibc's `pow`).
    func pow(_ exponent: Double) -> Double { exponent == 1 ? self : Foundation.pow(self, exponent) }
}
