/// The parameters being trained and every buffer the gradient needs, sized once per fit: nothing
/// in the epoch loop allocates. Also moves a model and its training state into the buffers and
/// back.
final class Workspace<S: BLASScalar>: @unchecked Sendable {  // partitions write disjoint parts
    let columns: Int
    /// Per partition: residuals of a block of rows (`partitions × blockRows`), the partial
    /// gradient (`partitions × d`) and `Σr`, `Σr²` (`partitions × 2`).
    let residuals: UnsafeMutableBufferPointer<S>
    let partialGradients: UnsafeMutableBufferPointer<S>
    let partialSums: UnsafeMutableBufferPointer<S>
    /// `θ = (w, b)` being trained, bias last (`d + 1`), and copies: the last state known finite,
    /// and the best epoch's (early stopping).
    let theta: UnsafeMutableBufferPointer<S>
    let savedTheta: UnsafeMutableBufferPointer<S>
    let bestTheta: UnsafeMutableBufferPointer<S>
    /// The optimiser's moments (momentum's velocity or Adam's first moment; Adam's second) and
    /// averaged SGD's running average, `d + 1` each.
    let first: UnsafeMutableBufferPointer<S>
    let second: UnsafeMutableBufferPointer<S>
    let average: UnsafeMutableBufferPointer<S>
    /// The convergence check's MSE gradients at the model and at zero, and zeros: `d + 1` each.
    let gradientAtModel: UnsafeMutableBufferPointer<S>
    let gradientAtZero: UnsafeMutableBufferPointer<S>
    let zeros: UnsafeMutableBufferPointer<S>

    init(columns d: Int, blockRows: Int, partitions: Int) {
        columns = d
        residuals = .allocate(capacity: partitions * blockRows)
        partialGradients = .allocate(capacity: partitions * d)
        partialSums = .allocate(capacity: partitions * 2)
        theta = .allocate(capacity: d + 1)
        savedTheta = .allocate(capacity: d + 1)
        bestTheta = .allocate(capacity: d + 1)
        first = .allocate(capacity: d + 1)
        second = .allocate(capacity: d + 1)
        average = .allocate(capacity: d + 1)
        gradientAtModel = .allocate(capacity: d + 1)
        gradientAtZero = .allocate(capacity: d + 1)
        zeros = .allocate(capacity: d + 1)
        for buffer in [theta, savedTheta, bestTheta, first, second, average, gradientAtModel, gradientAtZero, zeros] {
            buffer.initialize(repeating: 0)
        }
    }

    deinit {
        for buffer in [residuals, partialGradients, partialSums, theta, savedTheta, bestTheta, first, second, average,
                       gradientAtModel, gradientAtZero, zeros] {
            buffer.deallocate()
        }
    }

    /// The parameters the model holds now: the average for averaged SGD once `averaged` iterates
    /// are in it, else `θ`.
    func current(averaging: Bool, averaged: Int) -> UnsafeMutableBufferPointer<S> {
        averaging && averaged > 0 ? average : theta
    }

    /// Loads the model and its training state into the buffers.
    func load(_ model: LinearModel<S>, _ state: TrainingState<S>, averaging: Bool) {
        let d = columns
        if averaging && state.iterate.count == d + 1 {
            _ = theta.update(fromContentsOf: state.iterate)
            for j in 0..<d { average[j] = model.weights[j] }
            average[d] = model.bias
        } else {
            for j in 0..<d { theta[j] = model.weights[j] }
            theta[d] = model.bias
            _ = average.update(fromContentsOf: theta)
        }
        if state.firstMoment.count == d + 1 { _ = first.update(fromContentsOf: state.firstMoment) }
        if state.secondMoment.count == d + 1 { _ = second.update(fromContentsOf: state.secondMoment) }
    }

    /// Writes the buffers back into the model and the optimiser's part of its training state.
    func store(_ model: inout LinearModel<S>, _ state: inout TrainingState<S>, optimizer: Optimizer) {
        let d = columns
        let output = current(averaging: optimizer.isAveraging, averaged: state.averaged)
        model.weights = Array(output[0..<d])
        model.bias = output[d]
        state.optimizer = optimizer.description
        switch optimizer {
        case .sgd: break
        case .momentum, .nesterov: state.firstMoment = Array(first)
        case .adam: state.firstMoment = Array(first); state.secondMoment = Array(second)
        case .averaged: state.iterate = Array(theta)
        }
    }

    /// Puts the best epoch's parameters back (into the average too, for averaged SGD).
    func restoreBest() {
        _ = theta.update(fromContentsOf: bestTheta)
        _ = average.update(fromContentsOf: bestTheta)
    }

    /// After a non-finite update: back to the last state known finite; the optimiser's moments
    /// start afresh, and an average that holds nothing finite restarts from `θ`.
    func recoverFromDivergence(averaged: Int) {
        if !isFinite(theta) { _ = theta.update(fromContentsOf: savedTheta) }
        first.update(repeating: 0)
        second.update(repeating: 0)
        if averaged == 0 || !isFinite(average) { _ = average.update(fromContentsOf: theta) }
    }

    func isFinite(_ values: UnsafeMutableBufferPointer<S>) -> Bool {
        Validation.firstNonFinite(UnsafeBufferPointer(values)) == nil
    }
}
