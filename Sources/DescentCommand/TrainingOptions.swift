import ArgumentParser
import Descent

/// `--mode`.
enum ModeArgument: String, ExpressibleByArgument, CaseIterable {
    case batch, minibatch, stochastic
}

/// `--penalty l2:λ | l1:λ | elastic:λ:ρ`.
struct PenaltyArgument: ExpressibleByArgument {
    let penalty: Penalty
    /// `--help` shows the default as written (`none`).
    var defaultValueDescription: String { text }
    private(set) var text = ""
    init?(argument: String) {
        text = argument
        let parts = argument.split(separator: ":").map(String.init)
        let numbers = parts.dropFirst().compactMap(Double.init)
        guard numbers.count == parts.count - 1 else { return nil }
        switch (parts.first, numbers.count) {
        case ("none", 0): penalty = .none
        case ("l2", 1): penalty = .l2(numbers[0])
        case ("l1", 1): penalty = .l1(numbers[0])
        case ("elastic", 2): penalty = .elasticNet(numbers[0], l1Ratio: numbers[1])
        default: return nil
        }
    }
    static var defaultValueDescription: String { "none" }
}

/// `--loss squared | huber:δ | absolute | quantile:τ | epsilon:ε | squared-epsilon:ε`.
struct LossArgument: ExpressibleByArgument {
    let loss: Loss
    init?(argument: String) {
        guard let loss = Loss(argument) else { return nil }
        self.loss = loss
    }
    /// The parameter's range, as a validation error naming the flag.
    func check() throws {
        do { try loss.validate() } catch {
            guard case let .invalidOption(_, value, expected) = error else { throw error }
            throw ValidationError("--loss \(value): expected \(expected.replacingOccurrences(of: "huber(delta:)", with: "huber:δ"))")
        }
    }
}

/// `--optimizer sgd | momentum[:μ] | nesterov[:μ] | adam | averaged[:start]`.
struct OptimizerArgument: ExpressibleByArgument {
    let optimizer: Optimizer
    init?(argument: String) {
        let parts = argument.split(separator: ":").map(String.init)
        let value = parts.count == 2 ? Double(parts[1]) : nil
        guard parts.count == 1 || value != nil else { return nil }
        switch parts[0] {
        case "sgd" where parts.count == 1: optimizer = .sgd
        case "momentum": optimizer = .momentum(value ?? 0.9)
        case "nesterov": optimizer = .nesterov(value ?? 0.9)
        case "adam" where parts.count == 1: optimizer = .adam()
        case "averaged": optimizer = .averaged(startingAfter: Int(value ?? 0))
        default: return nil
        }
    }
}

/// `--schedule constant | invscaling:p | step:every:factor | exponential:decay | adaptive`.
struct ScheduleArgument: ExpressibleByArgument {
    let schedule: LearningRateSchedule
    /// `--help` shows the default as written (`constant`).
    var defaultValueDescription: String { text }
    private(set) var text = ""
    init?(argument: String) {
        text = argument
        let parts = argument.split(separator: ":").map(String.init)
        let numbers = parts.dropFirst().compactMap(Double.init)
        guard numbers.count == parts.count - 1 else { return nil }
        switch (parts[0], numbers.count) {
        case ("constant", 0): schedule = .constant
        case ("invscaling", 1): schedule = .inverseScaling(power: numbers[0])
        case ("step", 2): schedule = .stepDecay(every: Int(numbers[0]), factor: numbers[1])
        case ("exponential", 1): schedule = .exponential(decay: numbers[0])
        case ("adaptive", 0): schedule = .adaptive()
        default: return nil
        }
    }
}

/// `--variance-reduction none|svrg`.
struct VarianceReductionArgument: ExpressibleByArgument {
    let value: VarianceReduction

    init?(argument: String) {
        guard let value = VarianceReduction(rawValue: argument.lowercased()) else { return nil }
        self.value = value
    }

    static var allValueStrings: [String] { VarianceReduction.allCases.map(\.rawValue) }
}

/// `--preconditioning none|automatic|whitened`.
struct PreconditioningArgument: ExpressibleByArgument {
    let preconditioning: Preconditioning

    init?(argument: String) {
        guard let value = Preconditioning(rawValue: argument.lowercased()) else { return nil }
        preconditioning = value
    }

    static var allValueStrings: [String] { Preconditioning.allCases.map(\.rawValue) }
}

/// `--method`.
enum MethodArgument: String, ExpressibleByArgument, CaseIterable {
    case automatic, normalEquations = "normal-equations", qr, svd
    var method: LeastSquares.Method {
        switch self {
        case .automatic: .automatic
        case .normalEquations: .normalEquations
        case .qr: .qr
        case .svd: .svd
        }
    }
}
