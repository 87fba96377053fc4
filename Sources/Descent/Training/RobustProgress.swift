import Foundation

/// What a fit with a loss other than the squared carries from check to check: the smoothing
/// schedule of a piecewise-linear loss, the best model measured (the model or a check's
/// candidate) and the best lower bound on the optimum any check certified.
struct RobustProgress<S: BLASScalar> {
    /// The width `μ₀` the smoothing starts from (the targets' standard deviation), 0 when the
    /// loss is trained as it is.
    let initialSmoothing: Double
    /// The scale below which an objective counts as zero: `√ε` of the training precision times
    /// the targets' standard deviation (piecewise linear) or variance (piecewise quadratic).
    let floor: Double
    /// Epochs between halvings of `μ`, and the smallest `μ` as a share of `μ₀`.
    static var halvingEpochs: Int { 30 }
    static var smallestShare: Double { 1e-3 }
    /// Epochs between checks.
    static var checkEpochs: Int { 5 }

    private(set) var bestObjective = Double.infinity
    private(set) var best: [S]? = nil
    private(set) var lowerBound = -Double.infinity
    private(set) var certificate = ConvergenceCertificate.unavailable

    init(loss: Loss, baseline: Double, targets k: Int, smoothed: Bool) {
        let deviation = (baseline / Double(Swift.max(1, k))).squareRoot()
        initialSmoothing = smoothed ? (deviation > 0 && deviation.isFinite ? deviation : 1) : 0
        let root = Double(S.ulpOfOne).squareRoot()
        floor = root * (loss.isPiecewiseLinear ? baseline.squareRoot() : baseline)
    }

    /// `μ` after `epochs` epochs of training: `μ₀` halved every ``halvingEpochs``, down to
    /// ``smallestShare`` of `μ₀` or of the best mean loss measured, whichever is smaller (a fit
    /// whose optimum is far below the targets' spread needs its kinks followed more closely).
    func smoothing(afterEpochs epochs: Int) -> Double {
        guard initialSmoothing > 0 else { return 0 }
        let halvings = Double(epochs / Self.halvingEpochs)
        let scale = Swift.min(initialSmoothing, Swift.max(bestObjective, 1e-6 * initialSmoothing))
        return Swift.max(initialSmoothing * Foundation.pow(0.5, halvings), Self.smallestShare * scale)
    }

    /// Takes in a check of `model`.
    mutating func observe(_ check: RobustCheck<S>, model: UnsafeBufferPointer<S>) {
        let objective = check.verdict.objective
        if objective < bestObjective {
            bestObjective = objective
            best = Array(model)
        }
        if check.verdict.gap.isFinite {
            lowerBound = Swift.max(lowerBound, objective - check.verdict.gap)
            certificate = check.verdict.certificate
        }
        if let candidate = check.candidate, check.candidateObjective < bestObjective {
            bestObjective = check.candidateObjective
            best = candidate
        }
    }

    /// The verdict for a model whose objective is `objective`, from the best lower bound.
    func verdict(objective: Double) -> ConvergenceVerdict {
        guard lowerBound.isFinite else {
            return ConvergenceVerdict(gap: .infinity, objective: objective, relativeGap: .infinity,
                                      certificate: .unavailable, supportCertified: true)
        }
        let gap = Swift.max(0, objective - lowerBound)
        return ConvergenceVerdict(gap: gap, objective: objective,
                                  relativeGap: gap / Swift.max(lowerBound, floor, .leastNormalMagnitude),
                                  certificate: certificate, supportCertified: true)
    }
}

extension EpochDriver {
    /// Checks the model (``robustCheck(_:floor:)``) and takes the check in; returns whether the
    /// best model is certified within the tolerance.
    func robustStep(_ progress: inout RobustProgress<S>, averaged: Int) throws(DescentError) -> Bool {
        let model = workspace.current(averaging: averaging, averaged: averaged)
        let check = try robustCheck(model.baseAddress!, floor: progress.floor)
        progress.observe(check, model: UnsafeBufferPointer(model))
        // A piecewise-quadratic loss's Newton point on the rows' pieces, when it improves on the
        // model, becomes the iterate (in fits that stop once converged): gradient descent finds the
        // pieces, the Newton steps finish them, as the lasso's step on its support does.
        if settings.stopsWhenConverged, !settings.loss.isPiecewiseLinear, let candidate = check.candidate,
           check.candidateObjective < check.verdict.objective {
            install(candidate)
        }
        return progress.verdict(objective: progress.bestObjective).certifies(settings.convergenceTolerance)
    }

    /// Makes the best model measured the model (and the optimiser's iterates, momentum restarted),
    /// when it is better than the model; returns the model's objective.
    func installBest(_ progress: RobustProgress<S>, averaged: Int, objective: Double) -> Double {
        guard let best = progress.best, progress.bestObjective < objective else { return objective }
        install(best)
        return progress.bestObjective
    }

    /// Makes `parameters` the model and the optimiser's iterates (momentum restarted).
    func install(_ parameters: [S]) {
        let ws = workspace
        for buffer in [ws.theta, ws.average, ws.epochEnd] { _ = buffer.update(fromContentsOf: parameters) }
        ws.first.update(repeating: 0)
        ws.second.update(repeating: 0)
    }
}
