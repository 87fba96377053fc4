/// Stochastic updates on sparse rows in work proportional to the row's nonzeros: each weight
/// a row does not touch is left as it was and caught up in closed form at its next touch (or at
/// the end of the window), to the value the dense update rule would have given it.
///
/// A weight no row touches still moves at every update: the L2 term scales it, the L1 step
/// shrinks it, SVRG's full gradient drifts it, momentum carries it. Over the updates `s < i ≤ t`
/// with rates `ηᵢ`, `aᵢ = 1 − 2ηᵢλ₂` and `Pₜ = Πaᵢ`, the dense rule is
///
/// - plain steps: `xₜ/Pₜ = xₛ/Pₛ − μ·(Eₜ − Eₛ)` with `Eₜ = Σηᵢ/Pᵢ` (`μ` the snapshot's
///   gradient under SVRG, else 0);
/// - with an L1 step: `|xₜ|/Pₜ = max(0, |xₛ|/Pₛ − (Cₜ − Cₛ))` with `Cₜ = Σηᵢλ₁/Pᵢ` (the
///   shrinkage only reaches zero, where it stays: Tsuruoka et al.'s cumulative penalty, exact
///   here because the scale `P` is kept apart);
/// - averaged SGD: the average gains `Σxᵢ = xₛ/Pₛ·(Qₜ − Qₛ)` with `Qₜ = ΣPᵢ` over averaged updates;
/// - momentum and Nesterov (a rate constant within the window): `(x, v)` is multiplied by the
///   step's `2 × 2` matrix to the power `t − s` (by squaring).
///
/// `P`, `C`, `E`, `Q` are kept per update of the window; a weight remembers the update it is
/// current at. The window ends (every weight caught up) when the caller asks, when `P` nears
/// underflow, or after ``windowUpdates`` updates. Momentum with an L1 step, and SVRG with an L1
/// step or averaging, have no such closed form: those configurations take the dense rule
/// (``applies(to:)``), exactly, at O(d) per update.
///
/// L2 alone on plain steps needs no history and no catching up (``scaled``): the weights are held
/// as `v` with `w = P·v` (scikit-learn's `wscale`), a row's prediction is `P·xᵢᵀv`, a step adds
/// `−η·g/Pₜ` to the touched `vⱼ`, and the window's end multiplies every `v` by `P` once.
final class LazySparseSteps<S: BLASScalar>: @unchecked Sendable {  // used by the one thread making the updates
    /// The updates of one window at most (the histories' length).
    static var windowUpdates: Int { 1 << 16 }

    /// Whether the closed forms cover `settings`: stochastic updates, or mini-batches, on sparse
    /// rows (plain stochastic steps have their own O(nnz) kernel; mini-batches with SVRG take the
    /// dense rule).
    static func applies(to settings: TrainingSettings<S>) -> Bool {
        guard settings.batchSize < settings.rows, !settings.proximalMomentum else { return false }
        if settings.batchSize == 1 && settings.plain { return false }
        if settings.batchSize > 1 && settings.varianceReduced { return false }
        switch settings.optimizer {
        case .sgd: return !(settings.varianceReduced && settings.l1 > 0)
        case .averaged: return !settings.varianceReduced && settings.l1 == 0
        case .momentum, .nesterov:
            return settings.l1 == 0 && !settings.varianceReduced && !settings.learningRate.changesWithinEpoch
        case .adam: return false
        }
    }

    let l1: Double, l2: Double
    let drift: Bool
    /// Momentum or Nesterov (the `2 × 2` power), averaged SGD (the average's sum).
    let momentum: (mu: Double, nesterov: Bool)?
    let averaging: Bool
    /// Whether an untouched weight moves at all: plain SGD with no penalty leaves it be.
    let moves: Bool
    /// L2 alone on plain SGD steps: `theta` holds `v`, the weights are `P·v` until ``finish``.
    let scaled: Bool
    /// Whether touched weights are caught up before a row reads them (not when ``scaled``).
    var catchesUp: Bool { moves && !scaled }
    /// `P` of the ``scaled`` form.
    private(set) var weightScale = 1.0
    /// Per weight (`d·k`): the update of the window it is current at.
    private let current: UnsafeMutableBufferPointer<Int>
    /// Per update of the window (index 0: its start): `P`, `C`, `E`, `Q` and the averaged count.
    private let scale: UnsafeMutablePointer<Double>, shrink: UnsafeMutablePointer<Double>
    private let driftSum: UnsafeMutablePointer<Double>, averageSum: UnsafeMutablePointer<Double>
    private let averagedCount: UnsafeMutablePointer<Int>
    /// The window's updates so far.
    private(set) var updates = 0
    /// The momentum step's matrix (a constant rate within the window).
    private var matrix = (1.0, 0.0, 0.0, 1.0)

    /// Mini-batches: the batch's gradient (`d·k`, zero outside a batch), and the weights it touched.
    let accumulator: UnsafeMutableBufferPointer<S>
    private(set) var touched: [Int] = []
    /// The touched weights' values before the batch's step (restored if it is not finite).
    var saved: [S] = []
    /// Per weight, the last batch that touched it.
    private let stamp: UnsafeMutableBufferPointer<Int>
    private var batch = 0

    init(settings: TrainingSettings<S>, weights: Int) {
        l1 = settings.l1
        l2 = settings.l2
        drift = settings.varianceReduced
        switch settings.optimizer {
        case let .momentum(mu): momentum = (mu, false)
        case let .nesterov(mu): momentum = (mu, true)
        default: momentum = nil
        }
        averaging = settings.optimizer.isAveraging
        moves = l1 > 0 || l2 > 0 || drift || momentum != nil || averaging
        scaled = l2 > 0 && l1 == 0 && !drift && momentum == nil && !averaging && settings.batchSize == 1
        current = .allocate(capacity: scaled ? 0 : weights)   // the scaled form catches nothing up
        current.initialize(repeating: 0)
        let length = Self.windowUpdates + 1
        scale = .allocate(capacity: length)
        shrink = .allocate(capacity: length)
        driftSum = .allocate(capacity: length)
        averageSum = .allocate(capacity: length)
        averagedCount = .allocate(capacity: length)
        accumulator = .allocate(capacity: settings.batchSize > 1 ? weights : 0)
        accumulator.initialize(repeating: 0)
        stamp = .allocate(capacity: accumulator.count)
        stamp.initialize(repeating: -1)
        begin(averaged: 0)
    }

    deinit {
        current.deallocate()
        for history in [scale, shrink, driftSum, averageSum] { history.deallocate() }
        averagedCount.deallocate()
        accumulator.deallocate()
        stamp.deallocate()
    }

    /// Starts a window at `averaged` averaged updates so far (every weight current).
    private func begin(averaged: Int) {
        updates = 0
        scale[0] = 1
        shrink[0] = 0
        driftSum[0] = 0
        averageSum[0] = 0
        averagedCount[0] = averaged
        if catchesUp { current.update(repeating: 0) }
    }

    /// Brings weight `j` of `theta` (its velocity in `first`, its average in `average`, its drift
    /// `mu[j]`) to the window's last update.
    @inline(__always)
    func catchUp(_ j: Int, theta: UnsafeMutablePointer<S>, first: UnsafeMutablePointer<S>,
                 average: UnsafeMutablePointer<S>, mu: UnsafePointer<S>) {
        let s = current[j], t = updates
        guard s != t else { return }
        current[j] = t
        let x = Double(theta[j])
        if momentum != nil {
            var (a, b, c, d) = (1.0, 0.0, 0.0, 1.0)
            var (pa, pb, pc, pd) = matrix
            var k = t - s
            while k > 0 {
                if k & 1 == 1 { (a, b, c, d) = (a * pa + b * pc, a * pb + b * pd, c * pa + d * pc, c * pb + d * pd) }
                (pa, pb, pc, pd) = (pa * pa + pb * pc, pa * pb + pb * pd, pc * pa + pd * pc, pc * pb + pd * pd)
                k >>= 1
            }
            let v = Double(first[j])
            theta[j] = S(a * x + b * v)
            first[j] = S(c * x + d * v)
            return
        }
        if l1 > 0 {
            let magnitude = scale[t] * (Swift.abs(x) / scale[s] - (shrink[t] - shrink[s]))
            theta[j] = magnitude > 0 ? S(x < 0 ? -magnitude : magnitude) : 0
        } else if drift {
            theta[j] = S(scale[t] * (x / scale[s] - Double(mu[j]) * (driftSum[t] - driftSum[s])))
        } else {
            theta[j] = S(x * (scale[t] / scale[s]))
        }
        if averaging, averagedCount[t] > averagedCount[s] {
            let gained = x / scale[s] * (averageSum[t] - averageSum[s])
            average[j] = S((Double(averagedCount[s]) * Double(average[j]) + gained) / Double(averagedCount[t]))
        }
    }

    /// Records one update at rate `eta`, counted in the average when `averagedUpdate`; after the
    /// touched weights are caught up and before their own step.
    @inline(__always)
    func advance(eta: S, averagedUpdate: Bool) {
        let rate = Double(eta), last = updates
        if scaled {
            weightScale *= 1 - 2 * rate * l2
            updates = last + 1
            return
        }
        if let (mu, nesterov) = momentum, last == 0 {
            matrix = nesterov ? (1 - 2 * rate * l2 * (1 + mu), -rate * mu * mu, 2 * l2, mu)
                : (1 - 2 * rate * l2, -rate * mu, 2 * l2, mu)
        }
        let next = scale[last] * (1 - 2 * rate * l2)
        scale[last + 1] = next
        shrink[last + 1] = shrink[last] + rate * l1 / next
        driftSum[last + 1] = driftSum[last] + rate / next
        averagedCount[last + 1] = averagedCount[last] + (averagedUpdate ? 1 : 0)
        averageSum[last + 1] = averageSum[last] + (averagedUpdate ? next : 0)
        updates = last + 1
    }

    /// Marks weight `j` current at the window's last update (its own step made).
    @inline(__always)
    func stepped(_ j: Int) { current[j] = updates }

    /// Whether the window should end before the next update (its histories full, or `P` near
    /// underflow).
    var full: Bool {
        scaled ? weightScale < Self.smallestScale : updates >= Self.windowUpdates || scale[updates] < 1e-150
    }

    /// The ``scaled`` form's smallest `P` before the weights are rescaled: `v = w/P` stays within
    /// the scalar's range for any weight below its square root (√ of the least normal: 1.5·10⁻¹⁵⁴
    /// in `Double`, 1.1·10⁻¹⁹ in `Float`).
    static var smallestScale: Double { Double(S.leastNormalMagnitude).squareRoot() }

    /// Catches every weight up and starts a new window.
    func finish(weights: Int, theta: UnsafeMutablePointer<S>, first: UnsafeMutablePointer<S>,
                average: UnsafeMutablePointer<S>, mu: UnsafePointer<S>) {
        if scaled {
            if weightScale != 1 { for j in 0..<weights { theta[j] = S(Double(theta[j]) * weightScale) } }
            weightScale = 1
        } else if updates > 0 && moves {
            for j in 0..<weights { catchUp(j, theta: theta, first: first, average: average, mu: mu) }
        }
        begin(averaged: averagedCount[updates])
    }

    /// Starts the first window of an epoch at `averaged` averaged updates.
    func start(averaged: Int) { begin(averaged: averaged) }

    /// Adds `value` to weight `j`'s entry of the batch's gradient.
    @inline(__always)
    func accumulate(_ j: Int, _ value: S) {
        if stamp[j] != batch {
            stamp[j] = batch
            touched.append(j)
        }
        accumulator[j] += value
    }

    /// Forgets the batch's gradient.
    func clearBatch() {
        for j in touched { accumulator[j] = 0 }
        touched.removeAll(keepingCapacity: true)
        batch += 1
    }
}
