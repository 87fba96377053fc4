import ArgumentParser
import Descent
import Foundation

/// `descent fit`: gradient descent on a data file, the model saved as JSON.
struct Fit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a linear model by gradient descent and save it.",
        discussion: "Progress goes to stderr: a live bar on a terminal, a line every few seconds otherwise.")

    @OptionGroup var input: DataOptions

    @OptionGroup var tableOptions: TableOptions

    @OptionGroup var sparse: SparseFormatOptions

    @Option(help: "Rows per update: batch, minibatch or stochastic.")
    var mode: ModeArgument = .batch

    @Option(help: "Rows per mini-batch (with --mode minibatch), ≥ 1.")
    var batchSize: Int = 32

    @Option(parsing: .unconditional,
            help: "The learning rate η₀, > 0. Without it Descent chooses the rate, the optimiser and the epochs (see --epochs).")
    var learningRate: Double?

    @Flag(help: "Choose η₀ from the data (1/λ_max of the loss Hessian) instead of --learning-rate.")
    var automaticLearningRate = false

    @Option(help: "The epoch budget, ≥ 1 (default: up to 1000, stopping once converged, without --learning-rate; 100 with it).")
    var epochs: Int?

    @Flag(help: "Train on standardised columns; the saved model is in the original units.")
    var standardize = false

    @Option(help: "none, automatic or whitened: whiten correlated features before training (default: automatic without --learning-rate, none with it).")
    var preconditioning: PreconditioningArgument?

    @Option(help: ArgumentHelp(
        "A penalty on the weights (never the bias): none, l2:λ, l1:λ or elastic:λ:ρ.",
        discussion: """
        The objective is MSE + penalty, MSE = (1/n)·Σ(ŷ − y)² (not halved):
          l2:λ         MSE + λ‖w‖²                = scikit-learn Ridge(alpha=n·λ)
          l1:λ         MSE + λ‖w‖₁                = scikit-learn Lasso(alpha=λ/2)
          elastic:λ:ρ  MSE + λ(ρ‖w‖₁ + (1−ρ)‖w‖²) = scikit-learn ElasticNet(alpha=λ(2−ρ)/2, l1_ratio=ρ/(2−ρ))
        (glmnet's lambda and alpha: see the Training toolkit article.)
        With --standardize the penalty applies to the standardised columns, as scikit-learn on StandardScaler output.
        """))
    var penalty: PenaltyArgument = PenaltyArgument(argument: "none")!

    @Option(help: ArgumentHelp(
        "The loss: squared, huber:δ, absolute, quantile:τ, epsilon:ε or squared-epsilon:ε (default squared).",
        discussion: """
        The objective is (1/n)·Σ ℓ(ŷ − y) (+ penalty), r = ŷ − y:
          squared            r²
          huber:δ            r² inside δ, 2δ|r| − δ² beyond (δ in target units; scikit-learn SGDRegressor(loss='huber', epsilon=δ) halves it)
          absolute           |r|
          quantile:τ         ρ_τ(y − ŷ), 0 < τ < 1 (R rq(tau=τ), statsmodels QuantReg(q=τ))
          epsilon:ε          max(0, |r| − ε)
          squared-epsilon:ε  max(0, |r| − ε)²
        statsmodels RLM(HuberT(t)) is huber:(t·s) at its scale s; exact robust and quantile fits: descent solve --robust, --quantile.
        """))
    var loss: LossArgument?

    @Option(help: ArgumentHelp(
        "none or svrg: variance-reduced gradients for minibatch and stochastic modes (default: svrg without --learning-rate and --optimizer, none with either).",
        discussion: "SVRG takes a snapshot of the model and its full gradient at the start of every epoch (one more pass) and steps along gᵢ(θ) − gᵢ(θ̃) + μ̃, which reaches the optimum at a constant rate, penalised or not."))
    var varianceReduction: VarianceReductionArgument?

    @Option(help: "Converged means a certified objective gap at most this fraction of the optimum (default 1e-6).")
    var convergenceTolerance: Double?

    @Option(help: "sgd, momentum[:μ], nesterov[:μ], adam or averaged[:start] (default: chosen for the mode without --learning-rate, sgd with it).")
    var optimizer: OptimizerArgument?

    @Option(help: "constant, invscaling:p, step:every:factor, exponential:decay or adaptive.")
    var schedule: ScheduleArgument = ScheduleArgument(argument: "constant")!

    @Option(help: "Hold out this share of rows and stop when their loss stops improving (early stopping).")
    var earlyStopping: Double?

    @Option(help: "The seed for shuffling, initialisation and held-out rows.")
    var seed: UInt64 = GradientDescent<Double>.defaultSeed

    @Option(help: "Continue training this saved model (its optimiser state and counters included).")
    var initial: String?

    @Option(help: "Where to save the trained model (JSON).")
    var output: String

    @Option(help: "Also write the per-epoch history as CSV (epoch, loss, validation loss, rate, seconds).")
    var history: String?

    @Option(help: "Also write an SVG plot of the training and validation loss per epoch.")
    var plot: String?

    @Flag(help: "No progress on stderr.")
    var quiet = false

    func validate() throws {
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1, not \(epochs)") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1, not \(batchSize)") }
        if automaticLearningRate && learningRate != nil {
            throw ValidationError("give --learning-rate or --automatic-learning-rate, not both")
        }
        if let learningRate, !(learningRate.isFinite && learningRate > 0) {
            throw ValidationError("--learning-rate must be a finite number > 0, not \(learningRate)")
        }
        if let convergenceTolerance, !(convergenceTolerance.isFinite && convergenceTolerance >= 0) {
            throw ValidationError("--convergence-tolerance must be a finite number ≥ 0, not \(convergenceTolerance)")
        }
        try loss?.check()
    }

    func run() throws {
        try reportingErrors { () throws(DescentError) in
            let batchMode: BatchMode = switch mode {
            case .batch: .batch
            case .minibatch: .miniBatch(size: batchSize)
            case .stochastic: .stochastic
            }
            var gd = GradientDescent<Double>(
                mode: batchMode, learningRate: learningRate, epochs: epochs, seed: seed, optimizer: optimizer?.optimizer,
                schedule: schedule.schedule, penalty: penalty.penalty,
                earlyStopping: earlyStopping.map { EarlyStopping(validationFraction: $0) })
            if automaticLearningRate { gd.automaticLearningRate = true }
            gd.standardize = standardize
            if let preconditioning { gd.preconditioning = preconditioning.preconditioning }
            if let varianceReduction { gd.varianceReduction = varianceReduction.value }
            if let convergenceTolerance { gd.convergenceTolerance = convergenceTolerance }
            if let loss { gd.loss = loss.loss }
            var model = LinearModel<Double>()
            let trained: FitHistory<Double>
            if let format = sparse.format(of: input.data) {
                return try fitSparse(gd, format)
            } else if input.stream {
                let stream = try input.streamingDataset(command: "fit")
                guard stream.targetColumns == 1 else { return try fitSeveral(gd, from: stream) }
                if let initial { model = try LinearModel(contentsOf: initial, features: stream.columns) }
                let progress = ProgressReporter(epochs: gd.epochs, rows: stream.rowCount, quiet: quiet)
                trained = try gd.fit(&model, from: stream) { progress.epochDone($0) }
                progress.finish(trained)
            } else if let formula = tableOptions.formula {
                let table = try input.table(missing: tableOptions.missing.policy)
                guard try Formula(formula).targetNames.count == 1 else { return try fitSeveral(gd, formula: formula, table) }
                if let initial { model = try LinearModel(contentsOf: initial) }
                let progress = ProgressReporter(epochs: gd.epochs, rows: table.rowCount, quiet: quiet)
                trained = try gd.fit(&model, formula: formula, data: table, weights: input.weights) { progress.epochDone($0) }
                progress.finish(trained)
            } else {
                let data = try tableOptions.usesTable ? tableOptions.commandData(input) : input.commandData(command: "fit")
                guard data.isSingleTarget else { return try fitSeveral(gd, data) }
                if let initial { model = try LinearModel(contentsOf: initial, features: data.features.columns) }
                let progress = ProgressReporter(epochs: gd.epochs, rows: data.features.rows, quiet: quiet)
                if let weights = data.weights {
                    trained = try gd.fit(&model, features: data.features, targets: data.targets.column(0), weights: weights) {
                        progress.epochDone($0)
                    }
                    model.featureNames = data.featureNames
                } else {
                    trained = try gd.fit(&model, from: try data.dataset()) { progress.epochDone($0) }
                }
                progress.finish(trained)
            }
            try conclude(trained) { () throws(DescentError) in try model.save(to: output) }
        }
    }

    /// Several targets: one model for all, trained with one read of each block per epoch.
    func fitSeveral(_ gd: GradientDescent<Double>, _ data: CommandData) throws(DescentError) {
        var model = MultiLinearModel<Double>()
        if let initial {
            model = try MultiLinearModel(contentsOf: initial, features: data.features.columns, targets: data.targets.columns)
        }
        let progress = ProgressReporter(epochs: gd.epochs, rows: data.features.rows, quiet: quiet)
        let trained = if let weights = data.weights {
            try gd.fit(&model, features: data.features, targets: data.targets, weights: weights) { progress.epochDone($0) }
        } else {
            try gd.fit(&model, features: data.features, targets: data.targets) { progress.epochDone($0) }
        }
        progress.finish(trained)
        model.featureNames = data.featureNames
        model.targetNames = data.targetNames
        try conclude(trained) { () throws(DescentError) in try model.save(to: output) }
    }

    /// Several targets streamed from an `n × k` targets file.
    func fitSeveral(_ gd: GradientDescent<Double>, from stream: StreamingDataset<Double>) throws(DescentError) {
        var model = MultiLinearModel<Double>()
        if let initial {
            model = try MultiLinearModel(contentsOf: initial, features: stream.columns, targets: stream.targetColumns)
        }
        let progress = ProgressReporter(epochs: gd.epochs, rows: stream.rowCount, quiet: quiet)
        let trained = try gd.fit(&model, from: stream) { progress.epochDone($0) }
        progress.finish(trained)
        try conclude(trained) { () throws(DescentError) in try model.save(to: output) }
    }

    /// Saves the model (only now: a fit that threw wrote nothing), the history and the plot, and
    /// prints the closing line.
    func conclude(_ trained: FitHistory<Double>, save: () throws(DescentError) -> Void) throws(DescentError) {
        try save()
        if let history { try trained.writeCSV(to: history) }
        if let plot { try FileIO.writeText(LossPlot.svg(trained), to: plot) }
        report(trained)
    }

    /// The closing line: where the model went, how training ended, and advice when not converged.
    func report(_ trained: FitHistory<Double>) {
        guard !quiet else { return }
        note("saved \(output): \(trained.epochs) epochs, final loss \(trained.losses.last.map { "\($0)" } ?? "—"), "
             + "stopped: \(trained.stopReason), converged: \(trained.converged ? "yes" : "no")\(Self.certificate(trained))"
             + (trained.whitened ? ", whitened (condition \(trained.conditionEstimate.map { String(format: "%.3g", $0) } ?? "∞"))" : "")
             + (trained.whiteningSkipped.map { "; \($0)" } ?? ""))
        if let advice = trained.commandLineAdvice { note(advice) }
    }

    /// What the verdict rests on: ` (objective gap 3.1e-08 ≤ 1e-06, duality gap)`.
    static func certificate(_ trained: FitHistory<Double>) -> String {
        guard let certificate = trained.certificate else { return "" }
        let kind = switch certificate {
        case .dualityGap: "duality gap"
        case .quadratic: "exact quadratic gap"
        case .activeSet: trained.loss == .squared ? "exact gap on the active set" : "exact gap at the Newton point of the rows' pieces"
        case .unavailable: "no certificate"
        }
        guard let gap = trained.objectiveGap else { return " (\(kind))" }
        return " (objective gap \(String(format: "%.2g", gap)) \(gap <= trained.convergenceTolerance ? "≤" : ">") "
            + "\(String(format: "%.2g", trained.convergenceTolerance)), \(kind))"
    }
}
