/// When training stops before its epoch budget: the loss threshold, early stopping on held-out
/// rows, the training-loss tolerance, and the adaptive schedule running out of rate. Each epoch's
/// losses are observed once, in that order of precedence.
struct StopRules: Sendable {
    /// The adaptive schedule's rule (``LearningRateSchedule/adaptive(tolerance:patience:minimum:)``):
    /// divide `η` by 5 after `patience` epochs without an improvement of `tolerance`; stop once
    /// `η₀·scale` falls below `minimum`.
    struct Adaptive: Sendable {
        let tolerance: Double
        let patience: Int
        let minimum: Double
        let baseRate: Double
    }

    let lossThreshold: Double?
    /// Applies only when validation rows are held out.
    let earlyStopping: EarlyStopping?
    let tolerance: Double?
    let patience: Int
    let adaptive: Adaptive?

    private var bestValidation = Double.infinity
    private var validationStale = 0
    private var bestTraining = Double.infinity
    private var trainingStale = 0
    /// Whether the last observed validation loss was the best so far (early stopping then keeps
    /// that epoch's parameters).
    private(set) var validationImproved = false

    init(lossThreshold: Double?, earlyStopping: EarlyStopping?, tolerance: Double?, patience: Int,
         adaptive: Adaptive?) {
        self.lossThreshold = lossThreshold
        self.earlyStopping = earlyStopping
        self.tolerance = tolerance
        self.patience = patience
        self.adaptive = adaptive
    }

    /// Observes one epoch's training `loss` and, when rows are held out, its `validation` loss;
    /// returns why training must stop now, if it must. The adaptive schedule's progress lives in
    /// the model's `state`, so that it carries over to continued training.
    mutating func observe<S>(loss: Double, validation: Double?, state: inout TrainingState<S>) -> StopReason? {
        validationImproved = false
        if let lossThreshold, loss <= lossThreshold { return .lossThreshold }
        let monitored = validation ?? loss
        if let rule = earlyStopping, let validation {
            if validation < bestValidation - rule.tolerance {
                bestValidation = validation
                validationStale = 0
                validationImproved = true
            } else {
                validationStale += 1
                if validationStale >= rule.patience { return .earlyStopping }
            }
        }
        if let tolerance {
            if loss < bestTraining - tolerance {
                bestTraining = loss
                trainingStale = 0
            } else {
                trainingStale += 1
                if trainingStale >= patience { return .tolerance }
            }
        }
        if let adaptive {
            if monitored < state.bestMonitored - adaptive.tolerance {
                state.bestMonitored = monitored
                state.epochsWithoutImprovement = 0
            } else {
                state.epochsWithoutImprovement += 1
                if state.epochsWithoutImprovement >= adaptive.patience {
                    state.rateScale /= 5
                    state.epochsWithoutImprovement = 0
                    if adaptive.baseRate * state.rateScale < adaptive.minimum { return .learningRateExhausted }
                }
            }
        }
        return nil
    }
}
