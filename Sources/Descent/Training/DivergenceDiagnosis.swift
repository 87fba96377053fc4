/// Why training diverged, and what to try: a cheap look at the data's scale when the loss stops
/// being finite.
enum DivergenceDiagnosis {
    /// How many times its first epoch's loss an epoch's loss may reach before the fit counts as
    /// diverged, though every number is still finite: `10⁶`. A converging fit's loss falls (momentum
    /// may overshoot by a small factor); a step too large for the data grows it geometrically.
    static let growthLimit = 1e6

    /// Why the epoch whose loss is `loss` diverged though finite, given the fit's earlier epoch
    /// losses (`nil`: it did not).
    static func growth<S: BLASScalar>(loss: S, earlier: [S]) -> String? {
        guard let first = earlier.first.map(Double.init), first > 0, Double(loss) > growthLimit * first else { return nil }
        return "The loss grew from \(formatScientific(first)) in the first epoch to \(formatScientific(Double(loss))), "
            + "more than \(formatScientific(growthLimit)) times, so the fit was stopped before the numbers overflowed. "
    }

    /// The divergence error for update `update` of epoch `epoch` at base rate `learningRate`, with
    /// a hint: the largest stable full-batch step is `2/λ_max` of the loss Hessian, and
    /// `λ_max ≤ 2·(1 + Σⱼ mean(xⱼ²))`; a feature whose scale dwarfs the others is named.
    static func error<Source: RowBlockSource>(source: Source, blockRows: Int, epoch: Int, update: Int,
                                              learningRate: Double, cause: String = "") -> DescentError {
        var meanSquares = [Double](repeating: 0, count: source.columns)
        addMeanSquares(source, blockRows: blockRows, rows: source.rowCount, into: &meanSquares)
        return error(meanSquares: meanSquares, epoch: epoch, update: update, learningRate: learningRate, cause: cause)
    }

    /// Adds `xᵢⱼ²/rows` over the rows of `source` to `meanSquares[j]`: one chunk's part of the
    /// mean squares of `rows` rows.
    static func addMeanSquares<Source: RowBlockSource>(_ source: Source, blockRows: Int, rows all: Int,
                                                       into meanSquares: inout [Double],
                                                       transform: (RowBlock<Source.Scalar>) -> RowBlock<Source.Scalar> = { $0 }) {
        let count = source.rowCount
        var position = 0
        while position < count {
            let end = Swift.min(position + blockRows, count)
            let block = transform(source.block(position..<end))
            for i in 0..<block.count {
                block.forEachEntry(i) { j, value in
                    let v = Double(value)
                    meanSquares[j] += v * v / Double(all)
                }
            }
            position = end
        }
    }

    /// The divergence error with the hint drawn from the columns' mean squares.
    static func error(meanSquares: [Double], epoch: Int, update: Int, learningRate: Double,
                      cause: String = "") -> DescentError {
        let columns = meanSquares.count
        let bound = 1 / (1 + meanSquares.reduce(0, +))
        var hint = cause + "From the data's scale, the largest stable full-batch learning rate is at most "
            + "\(formatScientific(bound)): try a learning rate of about \(formatScientific(bound / 2)), "
            + "or standardise the features."
        let sorted = meanSquares.sorted()
        if let largest = meanSquares.indices.max(by: { meanSquares[$0] < meanSquares[$1] }),
           columns > 1, meanSquares[largest] > 100 * Swift.max(sorted[columns / 2], .leastNormalMagnitude) {
            let column = RankDeficiency.columnNames == nil ? "Feature column \(largest) (zero-based)"
                : "Feature column \(RankDeficiency.name(largest))"
            hint += " \(column) has a scale far above the others (root mean square "
                + "\(formatScientific(meanSquares[largest].squareRoot()))); standardising it will help most."
        }
        return .diverged(epoch: epoch, update: update, learningRate: learningRate, hint: hint)
    }
}
