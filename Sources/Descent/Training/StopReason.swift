/// Why training stopped.
public enum StopReason: String, Sendable, Hashable, CustomStringConvertible, Codable {
    /// The epoch budget was spent. Not an error: ``FitHistory/converged`` says whether the model
    /// converged, and ``FitHistory/advice`` what to try if not.
    case epochBudget
    /// The epoch's training loss fell to the threshold the caller set.
    case lossThreshold
    /// The training loss stopped improving by ``GradientDescent/tolerance`` for
    /// ``GradientDescent/patience`` epochs.
    case tolerance
    /// The validation loss stopped improving (``EarlyStopping``); the best epoch's weights were restored.
    case earlyStopping
    /// The adaptive schedule brought the learning rate below its minimum.
    case learningRateExhausted
    /// The model met the convergence criterion (``GradientDescent/stopWhenConverged``).
    case converged

    /// A readable reason.
    public var description: String {
        switch self {
        case .epochBudget: "epoch budget spent"
        case .lossThreshold: "loss threshold reached"
        case .tolerance: "training loss stopped improving"
        case .earlyStopping: "validation loss stopped improving"
        case .learningRateExhausted: "learning rate exhausted"
        case .converged: "converged"
        }
    }
}
