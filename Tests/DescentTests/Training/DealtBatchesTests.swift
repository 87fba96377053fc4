import Testing
@testable import Descent

/// Mini-batches dealt from the two halves of a block-shuffled order (``BatchDealing``).
@Suite("Dealt mini-batches")
struct DealtBatchesTests {
    /// Mini-batches dealt from the two halves of the block order (``BatchDealing``): batch `b`'s
    /// first half is the next run of the order's first half, its second half the next run of its
    /// second half; positions before the first whole batch and after the last keep their rows;
    /// every fetch in place stays inside one half-batch, and the row addresses follow.
    @Test("mini-batches are dealt from the two halves of the block order",
          arguments: [(256, 0), (255, 37), (2, 1), (7_000, 100)])
    func dealtBatches(size: Int, start: Int) {
        let rows = 40_000, columns = 20
        ShufflingTests().withOrder(.blocks, seed: 7, epoch: 3) { order in
            let undealt = order.rowsInEpochOrder
            order.deal(batchSize: size, from: start)
            let dealt = order.rowsInEpochOrder
            let isPermutation = dealt.sorted() == Array(0..<rows)
            #expect(isPermutation)
            let batches = (rows - start) / size, first = size / 2, second = size - first
            var expected = undealt
            for b in 0..<batches {
                let at = start + b * size
                expected[at..<(at + first)] = undealt[(start + b * first)..<(start + (b + 1) * first)]
                let from = start + batches * first + b * second
                expected[(at + first)..<(at + size)] = undealt[from..<(from + second)]
            }
            let differing = zip(dealt, expected).filter { $0 != $1 }.count
            #expect(differing == 0)
            // In place, block by block: the fetched rows are the dealt ones, no block crosses a half-batch.
            var position = 0, wrong = 0, crossing = 0, misplaced = 0
            while position < rows {
                let block = order.fetch(position, limit: rows - position, slot: 0)
                let offset = position - start
                let halfEnd = offset < 0 ? start : offset >= batches * size ? rows
                    : position + (offset % size < first ? first - offset % size : size - offset % size)
                for i in 0..<block.count where block.features[i * columns] != Double(dealt[position + i] * columns) { wrong += 1 }
                // A run of under four rows is gathered instead (its address is only a prefetch hint).
                let inPlace = order.source.block(dealt[position]..<(dealt[position] + 1)).features == block.features
                if inPlace && position + block.count > halfEnd { crossing += 1 }
                if inPlace && order.rowAddress(position) != UnsafeRawPointer(block.features) { misplaced += 1 }
                position += block.count
            }
            #expect(wrong == 0 && crossing == 0 && misplaced == 0)
            // A new binding deals nothing until asked again.
            order.bind(order.source, members: nil, chunk: 0, epoch: 3)
            let restored = order.rowsInEpochOrder == undealt
            #expect(order.dealing == nil && restored)
        }
    }

    @Test("only mini-batches of an order shuffled by blocks in place are dealt")
    func dealtOnlyByBlocks() {
        ShufflingTests().withOrder(.uniform, seed: 7, epoch: 0) { order in
            order.deal(batchSize: 256, from: 0)
            #expect(order.dealing == nil)
        }
        ShufflingTests().withOrder(.none, seed: 7, epoch: 0) { order in
            order.deal(batchSize: 256, from: 0)
            #expect(order.dealing == nil)
        }
        ShufflingTests().withOrder(.blocks, seed: 7, epoch: 0) { order in
            for (size, start) in [(1, 0), (40_000, 0), (20_001, 0), (256, 39_900)] {
                order.deal(batchSize: size, from: start)
                #expect(order.dealing == nil, "\(size) from \(start)")
            }
            order.deal(batchSize: 20_000, from: 0)
            #expect(order.dealing == BatchDealing(start: 0, batches: 2, size: 20_000, first: 10_000))
        }
    }

    /// Over chunks whose starts are not multiples of the batch, every whole batch inside a chunk
    /// is dealt from where it begins (the batches across two chunks are not): one thread and two
    /// give the same bits.
    @Test("dealt mini-batches over uneven chunks: one thread and two give the same bits")
    func dealtOverChunks() throws {
        // 12,000 × 80 doubles (7.7 MB): shuffled by blocks of 1,639 rows, above the 4 MiB of a
        // row-by-row shuffle; 64 × 80 elements per batch, split in two halves.
        let problem = RandomProblem<Double>(rows: 12_000, columns: 80)
        let source = SplitRows(problem.features, problem.targets, starts: [0, 1000, 5003, 5004, 9000])
        var models = [LinearModel<Double>]()
        for threads in [1, 2] {
            var gd = GradientDescent<Double>(mode: .miniBatch(size: 64), learningRate: 0.002, epochs: 3)
            gd.threadsOverride = threads
            var model = LinearModel<Double>()
            let history = try gd.fit(&model, from: source)
            #expect(history.losses.count == 3 && history.losses[2] < history.losses[0])
            models.append(model)
        }
        #expect(models[0].weights == models[1].weights && models[0].bias == models[1].bias)
    }
}
