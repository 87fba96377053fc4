/// The order in which an epoch visits the training rows, and the blocks of rows handed to the
/// kernels: in place where consecutive epoch positions are contiguous rows (no shuffling, or
/// ``Shuffling/blocks``), gathered into a small per-partition buffer otherwise
/// (``Shuffling/uniform``, and training on a subset when early stopping holds rows out).
final class EpochOrder<Source: RowBlockSource>: @unchecked Sendable {  // partitions gather into disjoint slots
    typealias S = Source.Scalar
    let source: Source
    /// The rows trained on (all when `nil`).
    let members: [Int]?
    let rows: Int
    let columns: Int
    let shuffling: Shuffling
    /// Rows per kernel call.
    let blockRows: Int
    /// Contiguous rows that stay together when ``Shuffling/blocks`` permutes the data.
    let shuffleBlockRows: Int
    /// Whether epochs visit rows through `order` (shuffled, or a subset).
    let ordered: Bool
    /// The seed that, with the epoch number, determines every epoch's order.
    let seed: UInt64
    /// The source row of every epoch position (ordered epochs only).
    let order: UnsafeMutableBufferPointer<Int>
    /// The epoch's order of shuffle blocks (``Shuffling/blocks`` only).
    private var blockOrder: [Int]
    /// Gathered rows, targets (`targetColumns` per row) and sample weights: `slots × blockRows` rows.
    private let gatheredFeatures: UnsafeMutableBufferPointer<S>
    private let gatheredTargets: UnsafeMutableBufferPointer<S>
    private let gatheredWeights: UnsafeMutableBufferPointer<S>

    init(source: Source, members: [Int]?, shuffling: Shuffling, blockRows: Int, slots: Int, seed: UInt64) {
        self.source = source
        self.members = members
        rows = members?.count ?? source.rowCount
        columns = source.columns
        self.shuffling = shuffling
        self.blockRows = blockRows
        shuffleBlockRows = Shuffling.blockRows(rows: rows, rowBytes: columns * MemoryLayout<S>.stride)
        ordered = shuffling != .none || members != nil
        self.seed = seed
        order = .allocate(capacity: ordered ? rows : 0)
        blockOrder = [Int](repeating: 0, count: ordered ? (rows + shuffleBlockRows - 1) / shuffleBlockRows : 0)
        gatheredFeatures = .allocate(capacity: slots * blockRows * columns)
        gatheredTargets = .allocate(capacity: slots * blockRows * source.targetColumns)
        gatheredWeights = .allocate(capacity: source.isWeighted ? slots * blockRows : 0)
    }

    deinit {
        order.deallocate()
        gatheredFeatures.deallocate()
        gatheredTargets.deallocate()
        gatheredWeights.deallocate()
    }

    /// Draws the row order of epoch `epoch` (counted over the model's whole training, from 0).
    ///
    /// The order depends only on the seed and the epoch number, so training that stops, is saved
    /// and continues visits the rows exactly as training that never stopped.
    func shuffle(epoch: Int) {
        guard ordered else { return }
        var random = RandomSource(seed: seed &+ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15)
        let order = order
        func member(_ position: Int) -> Int { members?[position] ?? position }
        switch shuffling {
        case .none:
            for p in 0..<rows { order[p] = member(p) }
        case .uniform:
            for p in 0..<rows { order[p] = member(p) }
            var positions = order
            random.shuffle(&positions)
        case .blocks:
            // Fisher–Yates over blocks of contiguous positions, writing each block's rows as it is
            // drawn. The last (possibly short) block is drawn like any other.
            let blocks = (rows + shuffleBlockRows - 1) / shuffleBlockRows
            blockOrder.withUnsafeMutableBufferPointer { blockOrder in
                for b in 0..<blocks { blockOrder[b] = b }
                var position = 0
                for drawn in 0..<blocks {
                    let pick = drawn + Int(random.next(upperBound: UInt64(blocks - drawn)))
                    blockOrder.swapAt(drawn, pick)
                    let block = blockOrder[drawn]
                    for p in (block * shuffleBlockRows)..<Swift.min(rows, (block + 1) * shuffleBlockRows) {
                        order[position] = member(p)
                        position += 1
                    }
                }
            }
        }
    }

    /// Rows from epoch position `position` on, at most `limit` of them: in place when
    /// consecutive positions are contiguous rows (the whole run, up to `limit`), otherwise
    /// gathered into `slot`'s buffer. The block may hold fewer than `limit` rows.
    func fetch(_ position: Int, limit: Int, slot: Int) -> RowBlock<S> {
        guard ordered else { return source.block(position..<(position + limit)) }
        let first = order[position]
        var run = 1
        while run < limit && order[position + run] == first + run { run += 1 }
        if run == limit || run >= 4 { return source.block(first..<(first + run)) }
        return gather(UnsafeBufferPointer(rebasing: order[position..<(position + limit)]), slot: slot)
    }

    /// The rows `indices` (at most `blockRows`), copied into `slot`'s buffer.
    func gather(_ indices: UnsafeBufferPointer<Int>, slot: Int) -> RowBlock<S> {
        let features = gatheredFeatures.baseAddress! + slot * blockRows * columns
        let targets = gatheredTargets.baseAddress! + slot * blockRows * source.targetColumns
        let weights = source.isWeighted ? gatheredWeights.baseAddress! + slot * blockRows : nil
        source.gather(indices, features: features, targets: targets, sampleWeights: weights ?? targets)
        return RowBlock(features: features, targets: targets, sampleWeights: weights.map { UnsafePointer($0) },
                        count: indices.count, columns: columns)
    }
}
