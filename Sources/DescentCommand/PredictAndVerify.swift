import ArgumentParser
import Descent
import Foundation

/// `descent predict`: predictions of a saved model for every row of a data file.
struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Predict with a saved model; CSV columns are matched by the model's feature names.")

    @Argument(help: "The saved model (JSON).")
    var model: String

    @OptionGroup var input: DataOptions

    @OptionGroup var predictOptions: PredictTableOptions

    @OptionGroup var sparse: SparseFormatOptions

    @Option(help: "Write the predictions as CSV here (one column, 'prediction', or one per target of a multi-target model); stdout otherwise.")
    var output: String?

    @Option(help: "Confidence level (e.g. 0.95): add the columns mean_lo, mean_hi, obs_lo, obs_hi (a model saved by descent solve --output).")
    var intervals: Double?

    func run() throws {
        try reportingErrors { () throws(DescentError) in
            if let format = sparse.format(of: input.data) { return try predictSparse(format) }
            if input.stream { return try predictStreamed() }
            let text: String
            if isMultiTargetModel(model) {
                guard intervals == nil else {
                    throw .invalidOption(name: "--intervals", value: "with a multi-target model",
                                         expected: "a single-target model saved by `descent solve --output`")
                }
                let saved = try MultiLinearModel<Double>(contentsOf: model)
                let predictions = if saved.design != nil, !input.isNPY {
                    try saved.predict(table: input.table(missing: predictOptions.missing.policy),
                                      unseenLevels: predictOptions.unseenLevels.value)
                } else {
                    try saved.predict(input.features(named: input.isNPY ? nil : saved.featureNames))
                }
                let names = saved.targetNames ?? (0..<saved.targetCount).map { "prediction\($0)" }
                text = names.joined(separator: ",") + "\n" + Self.lines(predictions)
            } else {
                let saved = try LinearModel<Double>(contentsOf: model)
                if !input.isNPY && !input.format.dropInvalidRows {
                    text = try predictTable(saved, intervals: intervals)
                } else {
                    let features = try input.features(named: input.isNPY ? nil : saved.featureNames)
                    text = try Self.table(saved, features, intervals: intervals)
                }
            }
            if let output { try FileIO.writeText(text, to: output) } else { print(text, terminator: "") }
        }
    }
}

/// `descent verify`: how far a saved model is from the exact least-squares solution on data.
struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare a saved model with the exact least-squares solution on the same data.")

    @Argument(help: "The saved model (JSON).")
    var model: String

    @OptionGroup var input: DataOptions

    @OptionGroup var sparse: SparseFormatOptions

    @Option(help: "The loss the model was trained with (as descent fit --loss): compares it with that loss's exact optimum (default squared: least squares).")
    var loss: LossArgument?

    func validate() throws { try loss?.check() }

    func run() throws {
        try reportingErrors { () throws(DescentError) in
            if let loss, loss.loss != .squared { return try verifyLoss(loss.loss) }
            if isMultiTargetModel(model) { return try verifySeveral() }
            let saved = try LinearModel<Double>(contentsOf: model)
            if let format = sparse.format(of: input.data) { return try verifySparse(saved, format) }
            if input.stream { return try Self.verifyStreamed(saved, try input.streamingDataset(command: "verify")) }
            let loaded = try input.commandData(command: "verify")
            guard loaded.isSingleTarget else {
                throw .invalidOption(name: "--target", value: "\(loaded.targets.columns) targets",
                                     expected: "one target for a single-target model")
            }
            var data = try loaded.dataset()
            if let names = saved.featureNames, !input.isNPY, names != data.featureNames {
                let columns = try names.map { (name) throws(DescentError) -> Int in
                    guard let index = data.featureNames.firstIndex(of: name) else {
                        throw .unknownColumn(name: name, available: data.featureNames)
                    }
                    return index
                }
                data = data.selecting(columns: columns)
            }
            let check = if let weights = loaded.weights {
                try LeastSquares.verify(saved, features: data.features, targets: data.targets, weights: weights)
            } else {
                try LeastSquares.verify(saved, features: data.features, targets: data.targets)
            }
            Self.report(check)
        }
    }

    /// Prints a comparison with the exact solution.
    static func report(_ check: Verification<Double>) {
        print("max |Δw| = \(check.maxWeightDifference)")
        print("|Δb| = \(check.biasDifference)")
        print("training MSE = \(check.trainedMSE), exact MSE = \(check.exactMSE), relative MSE gap = \(check.relativeMSEGap)")
        print("exact solution by \(check.exact.method), condition estimate \(String(format: "%.3g", check.exact.conditionEstimate))")
    }
}

extension Verify {
    /// A model trained with another loss, against the exact optimum of that loss
    /// (``RobustRegression/verify(_:features:targets:weights:loss:)``), in memory.
    func verifyLoss(_ loss: Loss) throws(DescentError) {
        guard !input.stream else {
            throw .invalidOption(name: "--stream", value: "with --loss \(loss)",
                                 expected: "used without --stream (the exact robust and quantile optima are compared in memory)")
        }
        guard !isMultiTargetModel(model) else {
            throw .invalidOption(name: "--loss", value: "\(loss) with a multi-target model",
                                 expected: "a single-target model (verify each target's model on its own)")
        }
        let saved = try LinearModel<Double>(contentsOf: model)
        let loaded = try input.commandData(command: "verify")
        guard loaded.isSingleTarget else {
            throw .invalidOption(name: "--target", value: "\(loaded.targets.columns) targets",
                                 expected: "one target for a single-target model")
        }
        let data = try loaded.dataset()
        let check = try RobustRegression.verify(saved, features: data.features, targets: data.targets,
                                                weights: loaded.weights, loss: loss)
        print("loss \(loss): objective = \(check.objective), exact objective = \(check.exactObjective), objective gap = \(check.objectiveGap)")
        print("max |Δw| = \(check.maxWeightDifference)")
        print("|Δb| = \(check.biasDifference)")
        if check.exactIsUnique == false { print("the exact optimum is not unique (a face): compare the objectives") }
    }

    /// A multi-target model: each target against its exact solution (the CSV columns matched by
    /// the model's feature names, the targets by `--target a,b,…` or the targets file).
    func verifySeveral() throws(DescentError) {
        guard !input.stream else {
            throw .invalidOption(name: "--stream", value: "with a multi-target model",
                                 expected: "used without --stream (several targets are read in memory)")
        }
        let saved = try MultiLinearModel<Double>(contentsOf: model)
        let data = try input.commandData(command: "verify")
        var features = data.features
        if let names = saved.featureNames, !input.isNPY, names != data.featureNames {
            let columns = try names.map { (name) throws(DescentError) -> Int in
                guard let index = data.featureNames.firstIndex(of: name) else {
                    throw .unknownColumn(name: name, available: data.featureNames)
                }
                return index
            }
            features = try Matrix(rows: features.rows, columns: columns.count) { i, j in data.features[i, columns[j]] }
        }
        guard data.targets.columns == saved.targetCount else {
            throw .invalidOption(name: "--target", value: "\(data.targets.columns) targets",
                                 expected: "the model's \(saved.targetCount) targets")
        }
        for t in 0..<saved.targetCount {
            let check = if let weights = data.weights {
                try LeastSquares.verify(saved.column(t), features: features, targets: data.targets.column(t), weights: weights)
            } else {
                try LeastSquares.verify(saved.column(t), features: features, targets: data.targets.column(t))
            }
            print("target \(data.targetNames[t]): max |Δw| = \(check.maxWeightDifference), |Δb| = \(check.biasDifference), "
                  + "training MSE = \(check.trainedMSE), exact MSE = \(check.exactMSE), relative MSE gap = \(check.relativeMSEGap)")
        }
    }

    /// `verify --stream`: the exact solution from the stream, and both models' mean squared errors
    /// in one more pass over it.
    static func verifyStreamed(_ saved: LinearModel<Double>, _ stream: StreamingDataset<Double>) throws(DescentError) {
        guard saved.weights.count == stream.columns else {
            throw .weightCountMismatch(weights: saved.weights.count, features: stream.columns)
        }
        let exact = try LeastSquares.solve(from: stream)
        var trainedSum = 0.0, exactSum = 0.0, targetSquares = 0.0
        try stream.forEachChunk { chunk in
            let d = chunk.columns
            for i in 0..<chunk.rows.count {
                var a = saved.bias, b = exact.model.bias
                let row = chunk.row(i)
                for j in 0..<d {
                    let x = row[j]
                    a += saved.weights[j] * x
                    b += exact.model.weights[j] * x
                }
                trainedSum += (a - chunk.targets[i]) * (a - chunk.targets[i])
                exactSum += (b - chunk.targets[i]) * (b - chunk.targets[i])
                targetSquares += chunk.targets[i] * chunk.targets[i]
            }
        }
        let n = Double(Swift.max(stream.rowCount, 1))
        let trainedMSE = trainedSum / n, exactMSE = exactSum / n
        // The gap relative to the exact MSE, floored as LeastSquares.verify floors it.
        let floor = Swift.max(exactMSE, Double.ulpOfOne * targetSquares / n, Double.leastNormalMagnitude)
        let maxWeight = zip(saved.weights, exact.model.weights).map { Swift.abs($0 - $1) }.max() ?? 0
        print("max |Δw| = \(maxWeight)")
        print("|Δb| = \(Swift.abs(saved.bias - exact.model.bias))")
        print("training MSE = \(trainedMSE), exact MSE = \(exactMSE), "
              + "relative MSE gap = \((trainedMSE - exactMSE) / floor)")
        print("exact solution by \(exact.method), condition estimate \(String(format: "%.3g", exact.conditionEstimate))")
    }
}
