import ArgumentParser
import Descent
import Foundation

/// `descent solve --quantile τ`: exact quantile regression instead of least squares.
extension Solve {
    /// Fits the `--quantile` τ of the data (in memory or `--stream`ed, with `--weights`), prints
    /// the coefficients and the certificate, or with `--summary` the table of
    /// ``QuantileRegressionSummary`` (`--standard-errors nid|kernel`), and saves the model if asked.
    func solveQuantile(_ tau: Double) throws(DescentError) {
        guard tau > 0, tau < 1 else {
            throw .invalidOption(name: "--quantile", value: "\(tau)", expected: "a quantile strictly between 0 and 1")
        }
        guard !robustOptions.isRequested else {
            throw .invalidOption(name: "--robust", value: "with --quantile", expected: "one of --robust and --quantile")
        }
        guard method == .automatic, ridge == 0 else {
            throw .invalidOption(name: method == .automatic ? "--ridge" : "--method",
                                 value: method == .automatic ? "\(ridge)" : method.rawValue,
                                 expected: "left out with --quantile (quantile regression is one exact linear program, unpenalised)")
        }
        let fit: QuantileRegression<Double>
        if input.stream {
            let stream = try input.streamingDataset(command: "solve")
            guard stream.targetColumns == 1 else { throw Self.oneTarget(stream.targetColumns) }
            fit = try QuantileRegression.fit(from: stream, quantile: tau, intercept: !noIntercept)
        } else {
            let data = try input.commandData(command: "solve")
            guard data.isSingleTarget else { throw Self.oneTarget(data.targets.columns) }
            fit = try QuantileRegression.fit(from: try data.dataset(), quantile: tau, weights: data.weights,
                                             intercept: !noIntercept)
        }
        if summary {
            print(try fit.summary(standardErrors: standardErrors?.method ?? .kernel))
        } else {
            print(Self.table(fit))
        }
        if let output { try fit.model.save(to: output) }
    }

    /// Throws for quantile options given without `--quantile`.
    func checkLeastSquaresOptions() throws(DescentError) {
        if let standardErrors {
            throw .invalidOption(name: "--standard-errors", value: standardErrors.rawValue, expected: "used with --quantile")
        }
    }

    /// `name  coefficient` rows, the intercept first (`solve`'s table for one target).
    static func coefficientLines(_ model: LinearModel<Double>, names: [String]) -> [String] {
        let labels = ["(intercept)"] + names
        let width = Swift.max(12, labels.map(\.count).max() ?? 0)
        return [pad("term", width) + "  coefficient"]
            + zip(labels, [model.bias] + model.weights).map { pad($0, width) + "  " + String(format: "% .17g", $1) }
    }

    static func oneTarget(_ count: Int) -> DescentError {
        .invalidOption(name: "--target", value: "\(count) targets", expected: "one target with --quantile")
    }

    /// `name  coefficient` rows, intercept first, then the objective and its certificate.
    static func table(_ fit: QuantileRegression<Double>) -> String {
        var lines = coefficientLines(fit.model, names: fit.model.featureNames ?? (0..<fit.model.weights.count).map { "x\($0)" })
        lines.append("quantile \(fit.quantile): objective Σwρ = " + String(format: "%.17g", fit.objective)
                     + ", duality gap " + String(format: "%.2g", fit.dualityGap)
                     + (fit.converged ? " (converged" : " (NOT converged") + ", \(fit.iterations) iterations, "
                     + (fit.isVertex ? "vertex" : "interior point") + (fit.isUnique ? ", unique optimum)" : ", not proven unique)"))
        return lines.joined(separator: "\n")
    }
}

/// `--standard-errors`: how a quantile regression's summary estimates them.
enum StandardErrorsArgument: String, ExpressibleByArgument, CaseIterable {
    case nid, kernel
    var method: QuantileStandardErrors { self == .nid ? .nid : .kernel }
}
