/// The record of one call to ``GradientDescent/fit(_:features:targets:onEpoch:)-(_,_,[Scalar],_)``.
public struct FitHistory<Scalar: BLASScalar>: Sendable, Codable {
    /// The training loss of each epoch: the mean of `(ŷᵢ − yᵢ)²` over all rows, each row's
    /// prediction made with the weights in force when that row was used.
    ///
    /// In `.batch` mode this is exactly the MSE of the model at the start of the epoch (before
    /// its update). In the other modes it is the running loss of the epoch, as scikit-learn and
    /// PyTorch report it; it costs no extra pass over the data. For the MSE of the final model,
    /// call ``LinearModel/meanSquaredError(features:targets:)``.
    ///
    /// For a ``MultiLinearModel`` it is the mean over targets of each target's loss, so that one
    /// target's history is the single-target one.
    public internal(set) var losses: [Scalar] = []
    /// Seconds since the start of training at the end of each epoch.
    public internal(set) var elapsedSeconds: [Double] = []
    /// Why training stopped.
    public internal(set) var stopReason: StopReason = .epochBudget
    /// The number of updates made in all.
    public internal(set) var updates: Int = 0
    /// The base learning rate `η₀` used (the automatic choice, when that option is on).
    public internal(set) var learningRate: Double = 0
    /// The learning rate at the start of each epoch.
    public internal(set) var learningRates: [Double] = []
    /// The MSE on the held-out rows after each epoch (with ``EarlyStopping``; empty otherwise).
    public internal(set) var validationLosses: [Scalar] = []
    /// With ``EarlyStopping``: the epoch (from 1) whose weights the model holds.
    public internal(set) var bestEpoch: Int? = nil
    /// `‖∇P(θ)‖ / ‖∇P(0)‖` for the model training returned, over all training rows: the objective's
    /// gradient relative to its size at the zero model. Reported for comparison with earlier
    /// versions and with scikit-learn's `tol`; ``converged`` is decided by ``objectiveGap``.
    /// `nil` for ``GradientDescent/partialFit(_:features:targets:)-(_,_,[Scalar])``, which does not
    /// measure convergence (it would cost a pass over the data).
    public internal(set) var relativeGradientNorm: Double? = nil
    /// The certified relative objective gap of the model returned: an upper bound on
    /// `(P(θ) − P*) / P*`, where `P` is the objective trained (the weighted MSE plus the penalty, on
    /// the standardised problem when ``GradientDescent/standardize`` is on) and `P*` its optimum
    /// (see ``ConvergenceCertificate`` for how it is bounded, and for the floor that lets an exact
    /// fit be certified). `nil` when convergence was not measured (`partialFit`) or no certificate
    /// applies (``certificate`` is ``ConvergenceCertificate/unavailable``).
    public internal(set) var objectiveGap: Double? = nil
    /// The objective `P(θ)` at the model returned (weighted MSE plus penalty; summed over targets).
    public internal(set) var objective: Double? = nil
    /// How ``objectiveGap`` was bounded.
    public internal(set) var certificate: ConvergenceCertificate? = nil
    /// The loss trained (``GradientDescent/loss``), which ``objective`` averages.
    public var loss: Loss { trainedLoss ?? .squared }
    /// (Histories saved before losses other than the squared existed have none.)
    var trainedLoss: Loss? = nil
    /// Whether the model converged: its certified ``objectiveGap`` is at most
    /// ``GradientDescent/convergenceTolerance``, so its objective is within that fraction of the
    /// optimum's. With the default tolerance, `1e-6`.
    ///
    /// With an L1 term (and up to 4096 columns) it also means the zeros are the optimum's: the
    /// active-set certificate (``ConvergenceCertificate/activeSet``) confirmed the model's support.
    public var converged: Bool { (objectiveGap.map { $0 <= convergenceTolerance } ?? false) && supportCertified != false }
    /// Whether the active set certified the zeros (`nil`: nothing to certify).
    var supportCertified: Bool? = nil
    /// The tolerance ``converged`` was judged with.
    public internal(set) var convergenceTolerance: Double = 0
    /// When the fit did not converge: what was measured, and what to try (in the library's spelling).
    public internal(set) var advice: String? = nil
    /// The same advice for the command line (its flags), when the fit did not converge.
    var adviceSummary: String? = nil
    var adviceTips: [ConvergenceTip]? = nil

    /// The advice in the command line's spelling (flags instead of property names).
    package var commandLineAdvice: String? {
        guard let adviceSummary, let adviceTips else { return advice }
        return adviceSummary + " Try " + adviceTips.map(\.flag).joined(separator: "; ") + "."
    }

    /// Whether training ran on whitened features (``GradientDescent/preconditioning``); the model
    /// returned is in the original units either way.
    public var whitened: Bool { whitening ?? false }
    /// Stored as an optional so that histories encoded before it existed still decode.
    var whitening: Bool? = nil
    /// The condition estimate ``Preconditioning/automatic`` chose on: the 1-norm condition number
    /// of the Hessian the fit would have trained on without whitening. `nil` when it was not
    /// measured (``Preconditioning/none``, `partialFit`) or is infinite (singular to working precision).
    public internal(set) var conditionEstimate: Double? = nil

    /// The number of epochs completed.
    public var epochs: Int { losses.count }

    /// An empty history with room for `epochs` epochs (and their validation losses when `validating`).
    init(reservingEpochs epochs: Int, validating: Bool) {
        losses.reserveCapacity(epochs)
        elapsedSeconds.reserveCapacity(epochs)
        learningRates.reserveCapacity(epochs)
        if validating { validationLosses.reserveCapacity(epochs) }
    }

    /// Records one epoch: its training loss, the seconds since training started, its rate, and
    /// the updates it made.
    mutating func record(loss: Scalar, seconds: Double, rate: Double, updates: Int) {
        losses.append(loss)
        elapsedSeconds.append(seconds)
        learningRates.append(rate)
        self.updates += updates
    }

    /// Records the certified verdict at the model returned, and the advice when it did not converge.
    mutating func recordVerdict<S>(_ verdict: ConvergenceVerdict, ratio: Double, settings: TrainingSettings<S>,
                                   gramUnavailable: String?) {
        relativeGradientNorm = ratio
        objectiveGap = verdict.relativeGap.isFinite ? verdict.relativeGap : nil
        objective = verdict.objective.isFinite ? verdict.objective : nil
        certificate = verdict.certificate
        trainedLoss = settings.loss
        supportCertified = verdict.supportCertified ? nil : false
        convergenceTolerance = settings.convergenceTolerance
        guard !converged else { return }
        let (summary, tips) = Convergence<S>.advice(verdict: verdict, tolerance: settings.convergenceTolerance,
                                                   settings: settings, gramUnavailable: gramUnavailable)
        advice = summary + " Try " + tips.map(\.api).joined(separator: "; ") + "."
        adviceSummary = summary
        adviceTips = tips
    }

    /// Records whether the fit whitened, and the condition estimate it decided on (finite only).
    mutating func recordPreconditioning(whitened: Bool, condition: Double?) {
        whitening = whitened
        conditionEstimate = condition.flatMap { $0.isFinite ? $0 : nil }
    }

    /// Why ``Preconditioning/automatic`` trained without whitening, without measuring the
    /// condition: whitening's cost against the fit it serves, or its memory (see
    /// ``WhiteningSkip``). `nil` when the fit whitened, decided on a measured condition
    /// (``conditionEstimate``), or was not automatic.
    public internal(set) var whiteningSkipped: WhiteningSkip? = nil
}
