/// Why training diverged, and what to try: a cheap look at the data's scale when the loss stops
/// being finite.
enum DivergenceDiagnosis {
    /// The divergence error for update `update` of epoch `epoch` at base rate `learningRate`, with
    /// a hint: the largest stable full-batch step is `2/λ_max` of the loss Hessian, and
    /// `λ_max ≤ 2·(1 + Σⱼ mean(xⱼ²))`; a feature whose scale dwarfs the others is named.
    static func error<Source: RowBlockSource>(source: Source, blockRows: Int, epoch: Int, update: Int,
                                              learningRate: Double) -> DescentError {
        var meanSquares = [Double](repeating: 0, count: source.columns)
        addMeanSquares(source, blockRows: blockRows, rows: source.rowCount, into: &meanSquares)
        return error(meanSquares: meanSquares, epoch: epoch, update: update, learningRate: learningRate)
    }

    /// Adds `xᵢⱼ²/rows` over the rows of `source` to `meanSquares[j]`: one chunk's part of the
    /// mean squares of `rows` rows.
    static func addMeanSquares<Source: RowBlockSource>(_ source: Source, blockRows: Int, rows all: Int,
                                                       into meanSquares: inout [Double],
                                                       transform: (RowBlock<Source.Scalar>) -> RowBlock<Source.Scalar> = { $0 }) {
        let columns = source.columns, count = source.rowCount
        var position = 0
        while position < count {
            let end = Swift.min(position + blockRows, count)
            let block = transform(source.block(position..<end))
            for i in 0..<block.count {
                for j in 0..<columns {
                    let v = Double(block.features[i * columns + j])
                    meanSquares[j] += v * v / Double(all)
                }
            }
            position = end
        }
    }

    /// The divergence error with the hint drawn from the columns' mean squares.
    static func error(meanSquares: [Double], epoch: Int, update: Int, learningRate: Double) -> DescentError {
        let columns = meanSquares.count
        let bound = 1 / (1 + meanSquares.reduce(0, +))
        var hint = "From the data's scale, the largest stable full-batch learning rate is at most "
            + "\(formatScientific(bound)): try a learning rate of about \(formatScientific(bound / 2)), "
            + "or standardise the features."
        let sorted = meanSquares.sorted()
        if let largest = meanSquares.indices.max(by: { meanSquares[$0] < meanSquares[$1] }),
           columns > 1, meanSquares[largest] > 100 * Swift.max(sorted[columns / 2], .leastNormalMagnitude) {
            hint += " Feature column \(largest) (zero-based) has a scale far above the others (root mean square "
                + "\(formatScientific(meanSquares[largest].squareRoot()))); standardising it will help most."
        }
        return .diverged(epoch: epoch, update: update, learningRate: learningRate, hint: hint)
    }
}
