import Testing
@testable import Descent

@Suite("Epoch order")
struct ShufflingTests {
    func order(rows: Int, columns: Int, shuffling: Shuffling, seed: UInt64 = 1) -> (orders: [[Int]], blockRows: Int) {
        let x = [Double](repeating: 0, count: rows * columns), y = [Double](repeating: 0, count: rows)
        return x.withUnsafeBufferPointer { x in
            y.withUnsafeBufferPointer { y in
                let order = EpochOrder(source: InMemoryRows(features: x, targets: y, columns: columns), members: nil,
                                       shuffling: shuffling, blockRows: 1, slots: 1, seed: seed)
                let orders = (0..<3).map { epoch in
                    order.shuffle(epoch: epoch)
                    return order.rowsInEpochOrder
                }
                return (orders, order.shuffleBlockRows)
            }
        }
    }

    /// Calls `body` with the order of 40,000 rows of 20 columns (row `i`'s first feature `20i`) in
    /// 64-row blocks, shuffled for `epoch`.
    func withOrder(_ shuffling: Shuffling, seed: UInt64, epoch: Int, _ body: (EpochOrder<InMemoryRows<Double>>) -> Void) {
        let rows = 40_000, columns = 20
        let x = (0..<(rows * columns)).map(Double.init), y = [Double](repeating: 0, count: rows)
        x.withUnsafeBufferPointer { x in
            y.withUnsafeBufferPointer { y in
                let order = EpochOrder(source: InMemoryRows(features: x, targets: y, columns: columns), members: nil,
                                       shuffling: shuffling, blockRows: 64, slots: 1, seed: seed)
                order.shuffle(epoch: epoch)
                body(order)
            }
        }
    }

    @Test("every epoch visits every row once, in a new order", arguments: [Shuffling.blocks, .uniform])
    func permutation(shuffling: Shuffling) {
        // 40 000 rows × 20 doubles = 6.4 MB: above the size that is always permuted row by row.
        let (orders, blockRows) = order(rows: 40_000, columns: 20, shuffling: shuffling)
        for epoch in orders { #expect(epoch.sorted() == Array(0..<40_000)) }
        #expect(orders[0] != orders[1] && orders[1] != orders[2])
        #expect(orders[0] != Array(0..<40_000))
        if shuffling == .blocks {
            // Blocks of ⌈1 MiB / 160 B⌉ = 6554 consecutive rows stay together, at block boundaries.
            #expect(blockRows == 6554)
            var position = 0
            while position < 40_000 {
                let first = orders[0][position]
                #expect(first % blockRows == 0)
                let length = Swift.min(blockRows, 40_000 - first)
                #expect(Array(orders[0][position..<(position + length)]) == Array(first..<(first + length)))
                position += length
            }
        }
    }

    /// The prefetch hint of paired mini-batches (``EpochOrder/rowAddress(_:)``) names the row
    /// ``EpochOrder/fetch(_:limit:slot:)`` reads in place, and nothing where rows are gathered.
    @Test("a position's row address is where the fetch reads it in place", arguments: [Shuffling.none, .blocks, .uniform])
    func rowAddress(shuffling: Shuffling) {
        let rows = 40_000, columns = 20
        withOrder(shuffling, seed: 3, epoch: 1) { order in
            // Every position, over epochs that draw the short last block at different places.
            for epoch in 1...4 {
                order.shuffle(epoch: epoch)
                let rowAt = order.rowsInEpochOrder
                var wrong = 0
                for position in shuffling == .uniform ? [0, 1, 6553, 6554, 20_000, rows - 1] : Array(0..<rows) {
                    let address = order.rowAddress(position)
                    if shuffling == .uniform {
                        #expect(address == nil)
                    } else {
                        let row = order.fetch(position, limit: 1, slot: 0).features
                        if address != UnsafeRawPointer(row) || row.pointee != Double(rowAt[position] * columns) { wrong += 1 }
                    }
                }
                #expect(wrong == 0, "epoch \(epoch)")
            }
            #expect(order.rowAddress(rows) == nil && order.rowAddress(-1) == nil)
        }
    }

    /// A block fetched for a thread that reads on (``EpochOrder/fetch(_:limit:slot:readingOnTo:)``)
    /// names where the next position's row is read in place, for the kernels' prefetch: right
    /// after the block when the rows run on, another block's first row across a shuffled block's
    /// edge, and nothing where rows are gathered or at the end.
    @Test("a block is followed by the next position's row where it is read in place",
          arguments: [Shuffling.none, .blocks, .uniform])
    func followedBy(shuffling: Shuffling) {
        let columns = 20, end = 30_000
        withOrder(shuffling, seed: 5, epoch: 2) { order in
            var position = 0, jumps = 0
            while position < end {
                let block = order.fetch(position, limit: Swift.min(64, end - position), slot: 0, readingOnTo: end)
                let next = position + block.count
                if next == end || shuffling == .uniform {
                    #expect(block.followedBy == nil, "position \(position)")
                } else {
                    #expect(block.followedBy == order.rowAddress(next), "position \(position)")
                    let runsOn = block.followedBy == UnsafeRawPointer(block.features + block.count * columns)
                    if !runsOn { jumps += 1 }
                    #expect(runsOn || shuffling == .blocks, "position \(position)")
                }
                position = next
            }
            // Block shuffling: about one jump per 1 MiB block (6553 rows of 160 bytes).
            #expect(shuffling != .blocks || (1...6).contains(jumps), "\(jumps) jumps")
        }
    }

    @Test("small data is permuted row by row, uniformly, even in block mode")
    func smallDataUniform() {
        let (orders, blockRows) = order(rows: 1000, columns: 10, shuffling: .blocks)
        #expect(blockRows == 1)
        #expect(orders[0].sorted() == Array(0..<1000))
        // Not made of runs: a uniform permutation of 1000 has few consecutive pairs.
        let runs = zip(orders[0], orders[0].dropFirst()).filter { $1 == $0 + 1 }.count
        #expect(runs < 20)
    }

    @Test("shuffle: true is block shuffling; shuffle: false is none")
    func flag() {
        var gd = GradientDescent<Float>(shuffle: true)
        #expect(gd.shuffling == .blocks && gd.shuffle)
        gd.shuffle = false
        #expect(gd.shuffling == .none)
        gd.shuffling = .uniform
        #expect(gd.shuffle)
    }

    @Test("mini-batches computed by two workers equal one worker's, bit for bit", arguments: [Shuffling.none, .blocks, .uniform])
    func pairedBatches(shuffling: Shuffling) throws {
        // 256 × 40 elements per batch: the size at which each batch is split in two halves.
        let problem = RandomProblem<Double>(rows: 30_000, columns: 40)
        func train(threads: Int, pattern: PairChoice.Pattern? = nil) throws -> LinearModel<Double> {
            var model = LinearModel<Double>()
            var gd = GradientDescent<Double>(mode: .miniBatch(size: 256), learningRate: 0.05, epochs: 2)
            gd.shuffling = shuffling
            gd.threadsOverride = threads
            gd.pairingPattern = pattern
            try gd.fit(&model, features: problem.features, targets: problem.targets)
            return model
        }
        let paired = try train(threads: 2)
        #expect(try train(threads: 1) == paired)
        // Segments of 7 batches on two threads and on one, in turn (the choice by timing does this).
        #expect(try train(threads: 2, pattern: .init(segment: 7, alone: [false, true, true])) == paired)
        #expect(try train(threads: 2, pattern: .init(segment: 5, alone: [true])) == paired)
        let check = try LeastSquares.verify(paired, features: problem.features, targets: problem.targets)
        // Two epochs from zero: a loose convergence check (the bit-for-bit equality above is the point).
        let twoEpochGap = 1e-2
        #expect(check.maxWeightDifference < twoEpochGap)
    }

    /// The timing choice between two threads and one (``PairChoice``): a first segment on two
    /// threads whose time does not count (the helper has just started), a trial of each way (one
    /// thread's a quarter segment), then the faster way until the next trials; one slow segment
    /// of the faster way does not switch, a lasting slowdown does.
    @Test("the choice between two threads and one skips the helper's start and runs the faster way")
    func pairChoice() {
        let choice = PairChoice()
        var seen = [(Bool, Int)]()
        func step(_ seconds: (Bool) -> Double) {
            let (alone, batches) = choice.next()
            seen.append((alone, batches))
            choice.record(alone: alone, seconds: seconds(alone) * Double(batches), batches: batches)
        }
        step { _ in 1 }                            // warm-up, very slow: ignored
        step { _ in 2e-6 }                         // two threads' trial
        step { _ in 3e-6 }                         // one thread's trial
        let run = PairChoice.runBetweenTrials
        step { $0 ? 3e-6 : 5e-6 }                  // one slow segment: 2 → 2.75 µs, still the faster
        for _ in 0..<(run - 3) { step { $0 ? 3e-6 : 2e-6 } }
        step { $0 ? 3e-6 : 9e-6 }                  // slower for good (a busy host): past one thread
        step { $0 ? 3e-6 : 9e-6 }
        step { _ in 9e-6 }                         // two threads' trial: still slower
        step { _ in 3e-6 }
        step { $0 ? 3e-6 : 9e-6 }
        let segment = choice.segment, quarter = segment / PairChoice.aloneTrialFraction
        #expect(seen.map(\.0) == [false, false, true] + [Bool](repeating: false, count: run - 1) + [true]
                    + [false, true, true])
        #expect(seen.map(\.1) == [segment, segment, quarter] + [Int](repeating: segment, count: run)
                    + [segment, quarter, segment])
    }

    /// Paired mini-batches (``ParallelGradient/pairedBatches(_:_:)``) give one thread's bits
    /// whatever the optimiser, and a step refused while the helper is running stops the fit at
    /// the same update as on one thread.
    @Test("paired mini-batches: every optimiser gives one thread's bits; a refused step stops at the same update")
    func pairedSteps() throws {
        let problem = RandomProblem<Double>(rows: 20_000, columns: 40)
        func train(_ configure: (inout GradientDescent<Double>) -> Void, threads: Int) throws -> LinearModel<Double> {
            var model = LinearModel<Double>()
            var gd = GradientDescent<Double>(mode: .miniBatch(size: 256), learningRate: 0.05, epochs: 2)
            configure(&gd)
            gd.threadsOverride = threads
            if threads == 2 { gd.pairingPattern = .init(segment: 9, alone: [false, false, true]) }
            try gd.fit(&model, features: problem.features, targets: problem.targets)
            return model
        }
        for optimizer in [Optimizer.sgd, .momentum(0.9), .averaged()] {
            let one = try train({ $0.optimizer = optimizer }, threads: 1)
            #expect(try train({ $0.optimizer = optimizer }, threads: 2) == one, "\(optimizer)")
        }
        // A rate far past 2/λmax: the weights overflow within the first segment.
        func divergence(threads: Int) -> (epoch: Int, update: Int)? {
            do {
                _ = try train({ $0.learningRate = 1e3 }, threads: threads)
            } catch let DescentError.diverged(epoch, update, _, _) {
                return (epoch, update)
            } catch {}
            return nil
        }
        let one = try #require(divergence(threads: 1))
        let two = try #require(divergence(threads: 2))
        #expect(one == two)
    }
}
