/// The order in which an epoch visits the training rows, and the blocks of rows handed to the
/// kernels: in place where consecutive epoch positions are contiguous rows (no shuffling, or
/// ``Shuffling/blocks``), gathered into a small per-partition buffer otherwise
/// (``Shuffling/uniform``, and training on a subset when early stopping holds rows out).
final class EpochOrder<Source: RowBlockSource>: @unchecked Sendable {  // partitions gather into disjoint slots
    typealias S = Source.Scalar
    /// The rows being visited: all of them, or the chunk of a ``RowSource`` bound by ``bind(_:members:)``.
    private(set) var source: Source
    /// The rows trained on (all when `nil`).
    private(set) var members: [Int]?
    private(set) var rows: Int
    let columns: Int
    let shuffling: Shuffling
    /// Rows per kernel call.
    let blockRows: Int
    /// Contiguous rows that stay together when ``Shuffling/blocks`` permutes the data.
    private(set) var shuffleBlockRows: Int
    /// The rows of a whole epoch over every chunk: whether the data set is small enough to be
    /// permuted row by row is its size, not a chunk's (a streamed 4 MiB chunk of a large data set
    /// keeps 1 MiB blocks together, as in memory).
    private let epochRowCount: Int
    /// Whether epochs visit rows through `order` (shuffled, or a subset).
    private(set) var ordered: Bool
    /// The seed that, with the epoch number, determines every epoch's order.
    let seed: UInt64
    /// The source row of every epoch position (ordered epochs only): room for `capacity` rows.
    let order: UnsafeMutableBufferPointer<Int>
    private let capacity: Int
    /// The epoch and chunk whose order `order` holds (a chunk bound again gets its order back).
    private(set) var shuffledEpoch = 0
    private var shuffledChunk = -1
    /// The epoch's order of shuffle blocks (``Shuffling/blocks`` only).
    private var blockOrder: [Int]
    /// ``Shuffling/blocks`` over all the bound rows in blocks of several rows: `order` is not
    /// written; a position's row comes from `blockOrder` and `blockStarts`. Writing and scanning
    /// an order of every row cost a stochastic epoch over 1,000,000 × 100 doubles about a tenth
    /// of its time (`bench --only stochastic-epoch`, sampled with `perf`).
    private(set) var byBlocks = false
    /// With ``byBlocks``: the epoch position where each drawn block starts, and the rows (`blocks + 1` entries).
    private var blockStarts: [Int] = []
    /// With ``byBlocks``: where the last block (the only one that may be short) was drawn.
    private var lastDrawn = 0
    /// Mini-batches dealt from the two halves of the block order (``deal(batchSize:from:)``).
    var dealing: BatchDealing?
    /// Gathered rows, targets (`targetColumns` per row) and sample weights: `slots × blockRows` rows.
    private let gatheredFeatures: UnsafeMutableBufferPointer<S>
    private let gatheredTargets: UnsafeMutableBufferPointer<S>
    private let gatheredWeights: UnsafeMutableBufferPointer<S>
    /// Per slot, room for a block of standardised rows on their way to being whitened.
    private let mapScratch: UnsafeMutableBufferPointer<S>
    /// Sparse sources: per slot, gathered rows and rows rescaled by ``scaling``.
    private let sparseSlots: [(gathered: SparseGather<S>, scaled: SparseGather<S>)]

    /// Standardisation without a copy of the data: every block handed out holds `(x − μ)/σ`,
    /// computed into the slot's small buffer as the block is fetched (the same values, bit for
    /// bit, as ``Standardizer/transform(_:)`` writes into a whole copy).
    let scaling: FeatureMap<S>?

    /// An order over the `members` rows of `source` (all when `nil`); `capacity` (at least those
    /// rows) is the most rows a later ``bind(_:members:chunk:epoch:)`` may bring, `epochRows` the
    /// rows of an epoch over every chunk. With `scaling`, blocks are standardised as they are fetched.
    init(source: Source, members: [Int]?, shuffling: Shuffling, blockRows: Int, slots: Int, seed: UInt64,
         capacity: Int? = nil, epochRows: Int = 0, scaling: FeatureMap<S>? = nil) {
        self.scaling = scaling
        self.source = source
        self.members = members
        rows = members?.count ?? source.rowCount
        columns = source.columns
        self.shuffling = shuffling
        self.blockRows = blockRows
        epochRowCount = epochRows
        shuffleBlockRows = Shuffling.blockRows(rows: Swift.max(rows, epochRows), rowBytes: source.rowBytes)
        ordered = shuffling != .none || members != nil
        self.seed = seed
        self.capacity = Swift.max(capacity ?? rows, rows)
        order = .allocate(capacity: ordered || capacity != nil ? self.capacity : 0)
        blockOrder = [Int](repeating: 0, count: capacity != nil ? self.capacity
                                                : ordered ? (rows + shuffleBlockRows - 1) / shuffleBlockRows : 0)
        gatheredFeatures = .allocate(capacity: source.isSparse ? 0 : slots * blockRows * columns)
        sparseSlots = source.isSparse ? (0..<slots).map { _ in (SparseGather(rows: blockRows), SparseGather(rows: blockRows)) } : []
        gatheredTargets = .allocate(capacity: slots * blockRows * source.targetColumns)
        gatheredWeights = .allocate(capacity: source.isWeighted ? slots * blockRows : 0)
        let mapsRows = scaling.map { $0.whitened && !$0.preconditionsGradients } ?? false
        mapScratch = .allocate(capacity: mapsRows ? slots * blockRows * columns : 0)
    }

    deinit {
        order.deallocate()
        gatheredFeatures.deallocate()
        gatheredTargets.deallocate()
        gatheredWeights.deallocate()
        mapScratch.deallocate()
    }

    /// Visits the `members` rows of `source` (all when `nil`) from now on: the next chunk of a
    /// ``RowSource``. Its rows must fit the capacity given at creation.
    /// Its order is epoch `epoch`'s (drawn again unless it is the chunk and epoch drawn last).
    func bind(_ source: Source, members: [Int]?, chunk: Int, epoch: Int) {
        let count = members?.count ?? source.rowCount
        precondition(count <= capacity, "a chunk larger than the order's capacity")
        self.source = source
        self.members = members
        rows = count
        shuffleBlockRows = Shuffling.blockRows(rows: Swift.max(count, epochRowCount), rowBytes: source.rowBytes)
        ordered = shuffling != .none || members != nil
        dealing = nil
        if chunk != shuffledChunk || epoch != shuffledEpoch { shuffle(epoch: epoch, chunk: chunk) }
    }

    /// Draws the row order of epoch `epoch` (counted over the model's whole training, from 0) in
    /// the bound rows; `chunk` is the bound chunk's index in its ``RowSource`` (0 in memory).
    ///
    /// The order depends only on the seed, the epoch number and the chunk, so training that stops,
    /// is saved and continues visits the rows exactly as training that never stopped.
    func shuffle(epoch: Int, chunk: Int = 0) {
        shuffledEpoch = epoch
        shuffledChunk = chunk
        guard ordered else { return }
        let chunkSeed = chunk == 0 ? seed : seed ^ (UInt64(chunk) &* 0xD1B5_4A32_D192_ED03)
        var random = RandomSource(seed: chunkSeed &+ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15)
        let order = UnsafeMutableBufferPointer(rebasing: self.order[0..<rows])
        let members = members, rows = rows, shuffleBlockRows = shuffleBlockRows
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
            // drawn (or, by blocks, where it starts). The last (possibly short) block is drawn like
            // any other.
            let blocks = (rows + shuffleBlockRows - 1) / shuffleBlockRows
            byBlocks = members == nil && shuffleBlockRows > 1
            if byBlocks && blockStarts.count < blocks + 1 { blockStarts = [Int](repeating: 0, count: blocks + 1) }
            let byBlocks = byBlocks
            blockOrder.withUnsafeMutableBufferPointer { blockOrder in
                blockStarts.withUnsafeMutableBufferPointer { starts in
                    for b in 0..<blocks { blockOrder[b] = b }
                    var position = 0
                    for drawn in 0..<blocks {
                        let pick = drawn + Int(random.next(upperBound: UInt64(blocks - drawn)))
                        blockOrder.swapAt(drawn, pick)
                        let block = blockOrder[drawn]
                        let blockRows = (block * shuffleBlockRows)..<Swift.min(rows, (block + 1) * shuffleBlockRows)
                        if byBlocks {
                            if block == blocks - 1 { lastDrawn = drawn }
                            starts[drawn] = position
                            position += blockRows.count
                            continue
                        }
                        for p in blockRows {
                            order[position] = member(p)
                            position += 1
                        }
                    }
                    if byBlocks { starts[blocks] = position }
                }
            }
        }
    }

    /// With ``byBlocks``: the drawn block holding epoch position `position`, and the row there, in
    /// O(1): every block but the last is full (a binary search ran several times per mini-batch).
    private func blockRow(at position: Int) -> (drawn: Int, row: Int) {
        let size = shuffleBlockRows, shortStart = blockStarts[lastDrawn], shortEnd = blockStarts[lastDrawn + 1]
        let drawn = position < shortStart ? position / size
            : position < shortEnd ? lastDrawn : lastDrawn + 1 + (position - shortEnd) / size
        return (drawn, blockOrder[drawn] * size + position - blockStarts[drawn])
    }

    /// The row at each of the `count` epoch positions from `position` on.
    private func rowsAt(_ position: Int, count: Int) -> UnsafeBufferPointer<Int> {
        let positions = UnsafeMutableBufferPointer(rebasing: order[position..<(position + count)])
        guard byBlocks else { return UnsafeBufferPointer(positions) }
        // Written into the positions' own stretch of `order`: partitions fetch disjoint positions.
        var k = 0
        while k < count {
            let (first, run) = contiguousRun(from: position + k, limit: count - k)
            for i in 0..<run { positions[k + i] = first + i }
            k += run
        }
        return UnsafeBufferPointer(positions)
    }

    /// With ``byBlocks``: the row at epoch position `position`, and how many positions from it
    /// on (at most `limit`) hold the rows after it: to the end of its drawn block, and of its
    /// half-batch where batches are dealt.
    private func contiguousRun(from position: Int, limit: Int) -> (row: Int, count: Int) {
        let place = dealing?.source(of: position) ?? position
        let (drawn, row) = blockRow(at: place)
        return (row, Swift.min(limit, blockStarts[drawn + 1] - place, dealing?.run(from: position) ?? Int.max))
    }

    /// The row at every epoch position of the bound rows, in epoch order (for tests and checks).
    var rowsInEpochOrder: [Int] {
        guard ordered else { return Array(0..<rows) }
        return Array(rowsAt(0, count: rows))
    }

    /// Rows from epoch position `position` on, at most `limit` of them: in place when
    /// consecutive positions are contiguous rows (the whole run, up to `limit`), otherwise
    /// gathered into `slot`'s buffer. The block may hold fewer than `limit` rows. Blocks that are
    /// copied (gathered, or standardised with ``scaling``) hold at most ``blockRows`` rows; rows
    /// handed out in place may be more, up to `limit`.
    func fetch(_ position: Int, limit: Int, slot: Int) -> RowBlock<S> {
        let limit = scaling == nil ? limit : Swift.min(limit, blockRows)
        guard ordered else { return scaled(source.block(position..<(position + limit)), slot: slot) }
        let first: Int, run: Int
        if byBlocks {
            (first, run) = contiguousRun(from: position, limit: limit)
        } else {
            first = order[position]
            var length = 1
            while length < limit && order[position + length] == first + length { length += 1 }
            run = length
        }
        if run == limit || run >= 4 { return scaled(source.block(first..<(first + run)), slot: slot) }
        return gather(rowsAt(position, count: Swift.min(limit, blockRows)), slot: slot)
    }

    /// ``fetch(_:limit:slot:)``, with ``RowBlock/followedBy`` where the next position (before `end`) is read in place.
    func fetch(_ position: Int, limit: Int, slot: Int, readingOnTo end: Int) -> RowBlock<S> {
        var block = fetch(position, limit: limit, slot: slot)
        if position + block.count < end { block.followedBy = rowAddress(position + block.count) }
        return block
    }

    /// The address of the row at epoch position `position` where ``fetch(_:limit:slot:)`` reads
    /// it in place (dense, unscaled rows, unshuffled or shuffled by blocks), else `nil`.
    func rowAddress(_ position: Int) -> UnsafeRawPointer? {
        guard position >= 0, position < rows, scaling == nil, !source.isSparse, !ordered || byBlocks else { return nil }
        let row = ordered ? contiguousRun(from: position, limit: 1).row : position
        return UnsafeRawPointer(source.block(row..<(row + 1)).features)
    }

    /// The rows `indices` (at most `blockRows`), copied into `slot`'s buffer (standardised with
    /// ``scaling``).
    func gather(_ indices: UnsafeBufferPointer<Int>, slot: Int) -> RowBlock<S> {
        if source.isSparse {
            let targets = gatheredTargets.baseAddress! + slot * blockRows * source.targetColumns
            let weights = source.isWeighted ? gatheredWeights.baseAddress! + slot * blockRows : nil
            let rows = source.gatherSparse(indices, into: sparseSlots[slot].gathered, targets: targets,
                                           sampleWeights: weights ?? targets)
            return scaled(RowBlock(sparse: rows, targets: targets, sampleWeights: weights.map { UnsafePointer($0) },
                                   count: indices.count, columns: columns), slot: slot)
        }
        let features = gatheredFeatures.baseAddress! + slot * blockRows * columns
        let targets = gatheredTargets.baseAddress! + slot * blockRows * source.targetColumns
        let weights = source.isWeighted ? gatheredWeights.baseAddress! + slot * blockRows : nil
        source.gather(indices, features: features, targets: targets, sampleWeights: weights ?? targets)
        if let scaling { scaling.apply(features, from: features, rows: indices.count, scratch: scratch(slot)) }
        return RowBlock(features: features, targets: targets, sampleWeights: weights.map { UnsafePointer($0) },
                        count: indices.count, columns: columns)
    }

    /// `block` itself, or with ``scaling`` its features standardised into `slot`'s buffer.
    func scaled(_ block: RowBlock<S>, slot: Int) -> RowBlock<S> {
        guard let scaling else { return block }
        if let rows = block.sparse {
            // Sparse rows are scaled, never centred (``FeatureMap/sparse(deviations:)``).
            let deviations = scaling.scaling.deviations
            let scaled = sparseSlots[slot].scaled.mapped(rows, count: block.count) { j, v in
                S(Double(v) / deviations[j])
            }
            return RowBlock(sparse: scaled, targets: block.targets, sampleWeights: block.sampleWeights,
                            count: block.count, columns: columns)
        }
        let features = gatheredFeatures.baseAddress! + slot * blockRows * columns
        scaling.apply(features, from: block.features, rows: block.count, scratch: scratch(slot))
        return RowBlock(features: features, targets: block.targets, sampleWeights: block.sampleWeights,
                        count: block.count, columns: columns)
    }

    /// `slot`'s scratch for whitening (`nil` when the map does not whiten).
    func scratch(_ slot: Int) -> UnsafeMutablePointer<S>? {
        mapScratch.isEmpty ? nil : mapScratch.baseAddress! + slot * blockRows * columns
    }
}
