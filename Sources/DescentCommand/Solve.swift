import ArgumentParser
import Descent
import Foundation

/// `descent solve`: the exact least-squares solution, printed with the column names.
struct Solve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Solve least squares exactly and print the coefficients with the column names.")

    @OptionGroup var input: DataOptions

    @OptionGroup var sparse: SparseFormatOptions

    @OptionGroup var tableOptions: TableOptions

    @Option(help: "automatic, normal-equations, qr or svd.")
    var method: MethodArgument = .automatic

    @Option(help: "Ridge λ ≥ 0: minimise MSE + λ‖w‖² (the bias is not penalised).")
    var ridge: Double = 0

    @Flag(help: "Fit no intercept (the model passes through the origin).")
    var noIntercept = false

    @Flag(help: "Print the inference summary (standard errors, t, p-values, intervals, R², F, AIC, BIC).")
    var summary = false

    @Option(help: "Also save the model (JSON), with what `descent predict --intervals` needs.")
    var output: String?

    @Option(name: .customLong("cov-type"), help: "With --summary: nonrobust (default), hc0, hc1, hc2, hc3, hac:LAGS, hac:auto or cluster:COLUMN (a label column, not a feature).")
    var covType: CovarianceArgument?

    @OptionGroup var robustOptions: RobustOptions

    @Option(help: "Fit the τ-quantile exactly (quantile regression, 0 < τ < 1; 0.5: least absolute deviations).")
    var quantile: Double?

    @Option(help: "With --quantile --summary: kernel (statsmodels' default, the default) or nid (R's summary.rq).")
    var standardErrors: StandardErrorsArgument?

    func run() throws {
        try reportingErrors { () throws(DescentError) in
            if let format = sparse.format(of: input.data) { return try solveSparse(format) }
            if let formula = tableOptions.formula { return try solveFormula(formula) }
            if let quantile { return try solveQuantile(quantile) }
            try checkLeastSquaresOptions()
            if robustOptions.isRequested { return try solveRobust() }
            if input.stream {
                let stream = try input.streamingDataset(command: "solve")
                guard stream.targetColumns == 1 else {
                    guard !summary else {
                        throw .invalidOption(name: "--summary", value: "with --stream and several targets",
                                             expected: "one target column, or used without --stream")
                    }
                    // An n × k targets file: one streamed solve for all k targets.
                    let solution = try LeastSquares.solveMultiTarget(from: stream, intercept: !noIntercept,
                                                                     method: method.method, ridge: ridge)
                    return try report(solution, featureNames: stream.featureNames,
                                      targetNames: (0..<stream.targetColumns).map { "y\($0)" })
                }
                let solution = try LeastSquares.solve(from: stream, intercept: !noIntercept, method: method.method,
                                                      ridge: ridge)
                print(Self.table(solution, names: stream.featureNames))
                if summary {
                    // One more pass (two for a robust covariance): the summary of the stream.
                    let covariance: LeastSquares.Covariance
                    switch covType {
                    case nil: covariance = .nonrobust
                    case let .fixed(fixed)?: covariance = fixed
                    case .cluster?:
                        throw .invalidOption(name: "--cov-type", value: "cluster with --stream",
                                             expected: "nonrobust, hc0–hc3 or hac with --stream (cluster labels are read in memory)")
                    }
                    print(try solution.summary(from: stream, featureNames: stream.featureNames, covariance: covariance))
                }
                if let output { try solution.model.save(to: output) }
                return
            }
            let data = try tableOptions.usesTable ? tableOptions.commandData(input) : input.commandData(command: "solve")
            guard data.isSingleTarget else { return try solveSeveral(data) }
            try solveWithInference(data)
        }
    }

    /// Several targets: one factorisation for all, a column of coefficients (or a summary) per
    /// target, and a multi-target model file.
    func solveSeveral(_ loaded: CommandData) throws(DescentError) {
        var data = loaded
        let covariance = try data.covariance(covType)
        let x = data.features, y = data.targets
        let solution = if let weights = data.weights {
            try LeastSquares.solve(x, y, weights: weights, intercept: !noIntercept, method: method.method, ridge: ridge)
        } else {
            try LeastSquares.solve(x, y, intercept: !noIntercept, method: method.method, ridge: ridge)
        }
        if summary {
            let summaries = if let w = data.weights {
                try solution.summaries(features: x, targets: y, weights: w, featureNames: data.featureNames,
                                       covariance: covariance)
            } else {
                try solution.summaries(features: x, targets: y, featureNames: data.featureNames, covariance: covariance)
            }
            for (name, table) in zip(data.targetNames, summaries) { print("target \(name)\n\(table)\n") }
            try save(solution, featureNames: data.featureNames, targetNames: data.targetNames)
        } else {
            try report(solution, featureNames: data.featureNames, targetNames: data.targetNames)
        }
    }

    /// Prints a column of coefficients per target, then saves the model (with its names) if asked.
    func report(_ solution: MultiLeastSquaresSolution<Double>, featureNames: [String],
                targetNames: [String]) throws(DescentError) {
        let labels = ["(intercept)"] + featureNames
        let width = Swift.max(12, labels.map(\.count).max() ?? 0)
        let columnWidth = Swift.max(24, targetNames.map(\.count).max() ?? 0)
        var lines = [Self.pad("term", width) + targetNames.map { "  " + Self.pad($0, columnWidth) }.joined()]
        for (row, label) in labels.enumerated() {
            let values = (0..<solution.model.targetCount).map { t in
                row == 0 ? solution.model.biases[t] : solution.model.weights[row - 1, t]
            }
            lines.append(Self.pad(label, width) + values.map { "  " + Self.pad(String(format: "% .17g", $0), columnWidth) }.joined())
        }
        lines.append("method: \(solution.method), rank \(solution.rank), condition estimate "
                     + String(format: "%.3g", solution.conditionEstimate))
        print(lines.joined(separator: "\n"))
        try save(solution, featureNames: featureNames, targetNames: targetNames)
    }

    /// Saves the multi-target model with its feature and target names, when `--output` is given.
    func save(_ solution: MultiLeastSquaresSolution<Double>, featureNames: [String],
              targetNames: [String]) throws(DescentError) {
        guard let output else { return }
        var model = solution.model
        model.featureNames = featureNames
        model.targetNames = targetNames
        try model.save(to: output)
    }

    /// `name  coefficient` rows, the intercept first, then the method, rank and condition.
    static func table(_ solution: LeastSquaresSolution<Double>, names: [String]) -> String {
        var lines = coefficientLines(solution.model, names: names)
        lines.append("method: \(solution.method), rank \(solution.rank), condition estimate "
                     + String(format: "%.3g", solution.conditionEstimate))
        return lines.joined(separator: "\n")
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: Swift.max(0, width - text.count))
    }
}

/// Whether the model file at `path` holds a multi-target model (its `format` field), so that a
/// command loads it as one; any other file is left to the single-target loader and its errors.
func isMultiTargetModel(_ path: String) -> Bool {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return false }
    return text.prefix(4096).contains("\"\(MultiLinearModel<Double>.fileFormat)\"")
}
