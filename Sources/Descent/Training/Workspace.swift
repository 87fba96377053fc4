#if canImport(Glibc)
import Glibc
#endif

/// The parameters being trained and every buffer the gradient needs, sized once per fit: nothing
/// in the epoch loop allocates. Also moves a model and its training state into the buffers and
/// back.
///
/// The parameters are one flat vector `θ`: the weights, then the biases. For one target that is
/// `(w, b)`, `d + 1` entries; for `k` targets (a ``MultiLinearModel``) it is each target's `d`
/// weights in turn (`Wᵀ`, row-major `k × d`) and then the `k` biases, `(d + 1)·k` entries.
final class Workspace<S: BLASScalar>: @unchecked Sendable {  // partitions write disjoint parts
    let columns: Int
    /// The number of targets `k` (1 for a ``LinearModel``).
    let targets: Int
    /// The weights in `θ`, `d·k`: the first entries; the `k` biases follow.
    let weightCount: Int
    /// `(d + 1)·k`.
    let parameterCount: Int
    /// Per partition: residuals of a block of rows (`partitions × blockRows × k`), the partial
    /// gradient of the weights (`partitions × d·k`) and `Σr` per target then `Σr²`
    /// (`partitions × (k + 1)`; `Σr`, `Σr²` for one target).
    let residuals: UnsafeMutableBufferPointer<S>
    let partialGradients: UnsafeMutableBufferPointer<S>
    let partialSums: UnsafeMutableBufferPointer<S>
    /// `θ` being trained, biases last, and copies: the last state known finite, and the best
    /// epoch's (early stopping).
    let theta: UnsafeMutableBufferPointer<S>
    let savedTheta: UnsafeMutableBufferPointer<S>
    let bestTheta: UnsafeMutableBufferPointer<S>
    /// The optimiser's moments (momentum's velocity or Adam's first moment; Adam's second) and
    /// averaged SGD's running average, one entry per parameter each.
    let first: UnsafeMutableBufferPointer<S>
    let second: UnsafeMutableBufferPointer<S>
    let average: UnsafeMutableBufferPointer<S>
    /// The convergence check's MSE gradients at the model and at zero, and zeros: one entry per
    /// parameter each.
    let gradientAtModel: UnsafeMutableBufferPointer<S>
    let gradientAtZero: UnsafeMutableBufferPointer<S>
    let zeros: UnsafeMutableBufferPointer<S>
    /// The step direction `P·g` when whitening preconditions the gradient (one entry per parameter).
    let preconditioned: UnsafeMutableBufferPointer<S>
    /// A sparse row written densely, for the general update rule (`d`).
    let rowScratch: UnsafeMutableBufferPointer<S>
    /// Variance reduction (SVRG): the snapshot `θ̃` and the full gradient `μ̃` of the MSE at it (one
    /// entry per parameter each).
    let snapshot: UnsafeMutableBufferPointer<S>
    let fullGradient: UnsafeMutableBufferPointer<S>
    /// The last epoch's end (SVRG's accelerated epochs).
    let epochEnd: UnsafeMutableBufferPointer<S>
    /// Several targets: each target's `Σr` over one block (`k`), and the convergence pass's
    /// per-target sums at the model and at zero, in `Double` (`2k`).
    let blockSums: UnsafeMutableBufferPointer<S>
    let targetTotals: UnsafeMutableBufferPointer<Double>
    /// `θ`, the two moments and the average as the current epoch began (`4 × parameters`): what a
    /// fit from a ``RowSource`` whose read fails mid-epoch goes back to.
    let epochStart: UnsafeMutableBufferPointer<S>
    /// The width `μ` of the Moreau envelope a piecewise-linear loss is trained on (``Loss``): 0
    /// for the loss itself. Set by the driver between epochs; the partitions only read it.
    var smoothing = 0.0

    init(columns d: Int, targets k: Int = 1, blockRows: Int, partitions: Int) {
        columns = d
        targets = k
        weightCount = d * k
        let p = (d + 1) * k
        parameterCount = p
        // At least 2k: the stochastic steps' slopes and residuals, and the paired kernel's two rows.
        residuals = .allocate(capacity: partitions * Swift.max(blockRows, 2) * k)
        partialGradients = .allocate(capacity: partitions * d * k)
        partialSums = .allocate(capacity: partitions * (k + 1))
        theta = Self.zeroed(p)
        savedTheta = Self.zeroed(p)
        bestTheta = Self.zeroed(p)
        first = Self.zeroed(p)
        second = Self.zeroed(p)
        average = Self.zeroed(p)
        gradientAtModel = Self.zeroed(p)
        gradientAtZero = Self.zeroed(p)
        zeros = Self.zeroed(p)
        preconditioned = Self.zeroed(p)
        rowScratch = Self.zeroed(d)
        snapshot = Self.zeroed(p)
        fullGradient = Self.zeroed(p)
        epochEnd = Self.zeroed(p)
        blockSums = .allocate(capacity: k)
        targetTotals = .allocate(capacity: 2 * k)
        epochStart = Self.zeroed(4 * p)
        blockSums.initialize(repeating: 0)
        targetTotals.initialize(repeating: 0)
    }

    /// `count` zeros from `calloc`: pages the fit never touches (another optimiser's buffers, a
    /// wide model's unused ones) cost nothing, where writing zeros would touch every page of a
    /// buffer per fit (a `partialFit` call on 2²⁰ columns wrote 180 MB).
    static func zeroed(_ count: Int) -> UnsafeMutableBufferPointer<S> {
        let raw = calloc(Swift.max(1, count), MemoryLayout<S>.stride)!
        return UnsafeMutableBufferPointer(start: raw.bindMemory(to: S.self, capacity: count), count: count)
    }

    deinit {
        for buffer in [residuals, partialGradients, partialSums, blockSums] { buffer.deallocate() }
        for buffer in [theta, savedTheta, bestTheta, first, second, average, gradientAtModel, gradientAtZero, zeros,
                       preconditioned, rowScratch, snapshot, fullGradient, epochEnd, epochStart] {
            free(buffer.baseAddress)
        }
        targetTotals.deallocate()
    }

    /// The parameters the model holds now: for a separate model (averaged SGD, accelerated proximal
    /// steps: `averaging`) the average or iterate once `averaged` steps are in it, else `θ`.
    func current(averaging: Bool, averaged: Int) -> UnsafeMutableBufferPointer<S> {
        averaging && averaged > 0 ? average : theta
    }

    /// Loads the model and its training state into the buffers.
    func load(_ model: LinearModel<S>, _ state: TrainingState<S>, averaging: Bool) {
        load(parameters: model.weights + [model.bias], state, averaging: averaging)
    }

    /// Loads a multi-target model (``MultiLinearModel``, `targets` columns) and its training state.
    func load(_ model: MultiLinearModel<S>, _ state: TrainingState<S>, averaging: Bool) {
        let d = columns, k = targets
        var parameters = [S](repeating: 0, count: parameterCount)
        model.weights.withUnsafeBufferPointer { w in
            for j in 0..<d { for t in 0..<k { parameters[t * d + j] = w[j * k + t] } }
        }
        for t in 0..<k { parameters[d * k + t] = model.biases[t] }
        load(parameters: parameters, state, averaging: averaging)
    }

    /// Loads the model's parameters `θ` (the average, for averaged SGD that has begun) and the
    /// training state's buffers.
    private func load(parameters: [S], _ state: TrainingState<S>, averaging: Bool) {
        let p = parameterCount
        if averaging && state.iterate.count == p {
            _ = theta.update(fromContentsOf: state.iterate)
            _ = average.update(fromContentsOf: parameters)
        } else {
            _ = theta.update(fromContentsOf: parameters)
            _ = average.update(fromContentsOf: theta)
        }
        if state.firstMoment.count == p { _ = first.update(fromContentsOf: state.firstMoment) }
        if state.secondMoment.count == p { _ = second.update(fromContentsOf: state.secondMoment) }
    }

    /// Writes the buffers back into the model and the optimiser's part of its training state.
    func store(_ model: inout LinearModel<S>, _ state: inout TrainingState<S>, optimizer: Optimizer,
               separateModel: Bool) {
        let d = columns
        let output = current(averaging: separateModel, averaged: state.averaged)
        model.weights = Array(output[0..<d])
        model.bias = output[d]
        storeBuffers(&state, optimizer: optimizer, separateModel: separateModel)
    }

    /// Writes the buffers back into a multi-target model and its training state.
    func store(_ model: inout MultiLinearModel<S>, _ state: inout TrainingState<S>, optimizer: Optimizer,
               separateModel: Bool) {
        let d = columns, k = targets
        let output = current(averaging: separateModel, averaged: state.averaged)
        var weights = [S](repeating: 0, count: d * k)
        for t in 0..<k { for j in 0..<d { weights[j * k + t] = output[t * d + j] } }
        model.weights = Matrix(rows: d, columns: k, validElements: weights)
        model.biases = Array(output[(d * k)...])
        storeBuffers(&state, optimizer: optimizer, separateModel: separateModel)
    }

    /// The optimiser's buffers into the training state (accelerated proximal steps keep their
    /// extrapolated point as the iterate and their step count since the last restart in the
    /// second moment).
    private func storeBuffers(_ state: inout TrainingState<S>, optimizer: Optimizer, separateModel: Bool) {
        state.optimizer = optimizer.description
        switch optimizer {
        case .sgd: break
        case .momentum, .nesterov: state.firstMoment = Array(first)
        case .adam: state.firstMoment = Array(first); state.secondMoment = Array(second)
        case .averaged: break
        }
        if separateModel {
            state.iterate = Array(theta)
            if !optimizer.isAveraging { state.secondMoment = Array(second) }
        }
    }

    /// Remembers `θ`, the moments and the average as an epoch begins.
    func saveEpochStart() {
        let p = parameterCount, start = epochStart.baseAddress!
        for (k, buffer) in [theta, first, second, average].enumerated() {
            (start + k * p).update(from: buffer.baseAddress!, count: p)
        }
    }

    /// Puts back what ``saveEpochStart()`` remembered: the state after the last whole epoch.
    func restoreEpochStart() {
        let p = parameterCount, start = epochStart.baseAddress!
        for (k, buffer) in [theta, first, second, average].enumerated() {
            buffer.baseAddress!.update(from: start + k * p, count: p)
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
