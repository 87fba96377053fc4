import ArgumentParser
import Descent
import Foundation

/// `descent solve`: the exact least-squares solution, printed with the column names.
struct Solve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Solve least squares exactly and print the coefficients with the column names.")

    @OptionGroup var input: DataOptions

    @Option(help: "automatic, normal-equations, qr or svd.")
    var method: MethodArgument = .automatic

    @Option(help: "Ridge λ ≥ 0: minimise MSE + λ‖w‖² (the bias is not penalised).")
    var ridge: Double = 0

    @Flag(help: "Fit no intercept (the model passes through the origin).")
    var noIntercept = false

    @Flag(help: "Print the inference summary (standard errors, t, p-values, intervals, R², F, AIC, BIC).")
    var summary = false

    @Option(help: "Also save the model (JSON).")
    var output: String?

    func run() throws {
        try reportingErrors { () throws(DescentError) in
            if input.stream {
                let stream = try input.streamingDataset(command: "solve")
                guard !summary else {
                    throw .invalidOption(name: "--summary", value: "with --stream",
                                         expected: "used without --stream (the summary reads the data in memory)")
                }
                let solution = try LeastSquares.solve(from: stream, intercept: !noIntercept, method: method.method,
                                                      ridge: ridge)
                print(Self.table(solution, names: stream.featureNames))
                if let output { try solution.model.save(to: output) }
                return
            }
            let data = try input.dataset(command: "solve")
            let solution = try LeastSquares.solve(from: data, intercept: !noIntercept, method: method.method, ridge: ridge)
            if summary {
                print(try solution.summary(features: data.features, targets: data.targets, featureNames: data.featureNames))
            } else {
                print(Self.table(solution, names: data.featureNames))
            }
            if let output { try solution.model.save(to: output) }
        }
    }

    /// `name  coefficient` rows, the intercept first, then the method, rank and condition.
    static func table(_ solution: LeastSquaresSolution<Double>, names: [String]) -> String {
        let labels = ["(intercept)"] + names
        let values = [solution.model.bias] + solution.model.weights
        let width = Swift.max(12, labels.map(\.count).max() ?? 0)
        var lines = [pad("term", width) + "  coefficient"]
        for (label, value) in zip(labels, values) {
            lines.append(pad(label, width) + "  " + String(format: "% .17g", value))
        }
        lines.append("method: \(solution.method), rank \(solution.rank), condition estimate "
                     + String(format: "%.3g", solution.conditionEstimate))
        return lines.joined(separator: "\n")
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: Swift.max(0, width - text.count))
    }
}

/// `descent predict`: predictions of a saved model for every row of a data file.
struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Predict with a saved model; CSV columns are matched by the model's feature names.")

    @Argument(help: "The saved model (JSON).")
    var model: String

    @OptionGroup var input: DataOptions

    @Option(help: "Write the predictions as CSV here (one column, 'prediction'); stdout otherwise.")
    var output: String?

    func run() throws {
        try reportingErrors { () throws(DescentError) in
            let saved = try LinearModel<Double>(contentsOf: model)
            let features = try input.features(named: input.isNPY ? nil : saved.featureNames)
            let predictions = try saved.predict(features)
            let text = "prediction\n" + predictions.map { "\($0)" }.joined(separator: "\n") + "\n"
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

    func run() throws {
        try reportingErrors { () throws(DescentError) in
            let saved = try LinearModel<Double>(contentsOf: model)
            if input.stream { return try Self.verifyStreamed(saved, try input.streamingDataset(command: "verify")) }
            var data = try input.dataset(command: "verify")
            if let names = saved.featureNames, !input.isNPY, names != data.featureNames {
                let columns = try names.map { (name) throws(DescentError) -> Int in
                    guard let index = data.featureNames.firstIndex(of: name) else {
                        throw .unknownColumn(name: name, available: data.featureNames)
                    }
                    return index
                }
                data = data.selecting(columns: columns)
            }
            let check = try LeastSquares.verify(saved, features: data.features, targets: data.targets)
            print("max |Δw| = \(check.maxWeightDifference)")
            print("|Δb| = \(check.biasDifference)")
            print("training MSE = \(check.trainedMSE), exact MSE = \(check.exactMSE), relative MSE gap = \(check.relativeMSEGap)")
            print("exact solution by \(check.exact.method), condition estimate \(String(format: "%.3g", check.exact.conditionEstimate))")
        }
    }
}

extension Verify {
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
                for j in 0..<d {
                    let x = chunk.features[i * d + j]
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
