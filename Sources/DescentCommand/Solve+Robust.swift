import ArgumentParser
import Descent
import Foundation

/// `descent solve --robust huber|tukey [--scale mad|fixed:S] [--summary] [--covariance h1|h2|h3]`:
/// the exact M-estimate (statsmodels' `RLM`) instead of least squares.
struct RobustOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Robust regression (M-estimation by IRLS, as statsmodels' RLM): huber[:t] (Huber's T, t = 1.345 by default) or tukey[:c] (Tukey's biweight, c = 4.685).",
                               valueName: "norm"))
    var robust: String?

    @Option(help: ArgumentHelp("With --robust: the residuals' scale, mad (the normalised median absolute residual, re-estimated every iteration; default) or fixed:S.",
                               valueName: "scale"))
    var scale: String?

    @Option(help: ArgumentHelp("With --robust --summary: the sandwich covariance, h1 (default), h2 or h3 (statsmodels' cov=).",
                               valueName: "type"))
    var covariance: String?

    /// Whether any robust option was given (then `solve` fits the M-estimate).
    var isRequested: Bool { robust != nil || scale != nil || covariance != nil }

    /// The norm of `--robust`.
    func norm() throws(DescentError) -> RobustRegression.Norm {
        guard let robust else {
            throw .invalidOption(name: "--robust", value: "missing", expected: "--robust huber or tukey with --scale and --covariance")
        }
        let parts = robust.split(separator: ":", maxSplits: 1).map(String.init)
        let expected = "huber, huber:t, tukey or tukey:c with a finite constant > 0 (e.g. huber:1.345, tukey:4.685)"
        var constant: Double?
        if parts.count == 2 {
            guard let value = Double(parts[1]), value.isFinite, value > 0 else {
                throw .invalidOption(name: "--robust", value: robust, expected: expected)
            }
            constant = value
        }
        switch parts.first?.lowercased() {
        case "huber": return .huber(t: constant ?? 1.345)
        case "tukey", "tukeybiweight", "biweight": return .tukeyBiweight(c: constant ?? 4.685)
        default: throw .invalidOption(name: "--robust", value: robust, expected: expected)
        }
    }

    /// The scale of `--scale`.
    func scaleRule() throws(DescentError) -> RobustRegression.Scale {
        guard let scale, scale.lowercased() != "mad" else { return .mad }
        let parts = scale.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, parts[0].lowercased() == "fixed", let s = Double(parts[1]), s.isFinite, s > 0 else {
            throw .invalidOption(name: "--scale", value: scale, expected: "mad or fixed:S with a finite S > 0")
        }
        return .fixed(s)
    }

    /// The covariance of `--covariance`.
    func covarianceType() throws(DescentError) -> RobustRegression.Covariance {
        switch covariance?.lowercased() {
        case nil, "h1": return .h1
        case "h2": return .h2
        case "h3": return .h3
        default: throw .invalidOption(name: "--covariance", value: covariance!, expected: "h1, h2 or h3")
        }
    }
}

extension Solve {
    /// `solve --robust`: the M-estimate of the data (in memory, or streamed with `--stream`), its
    /// coefficients or, with `--summary`, statsmodels' `RLM` summary; the model saved with
    /// `--output`.
    func solveRobust() throws(DescentError) {
        let norm = try robustOptions.norm(), scale = try robustOptions.scaleRule()
        let covariance = try robustOptions.covarianceType()
        guard ridge == 0 else {
            throw .invalidOption(name: "--ridge", value: "\(ridge) with --robust", expected: "no --ridge with --robust")
        }
        guard method == .automatic else {
            throw .invalidOption(name: "--method", value: "with --robust",
                                 expected: "no --method with --robust (IRLS solves its weighted systems by Cholesky)")
        }
        let fit: RobustRegressionFit<Double>, names: [String]
        if input.stream {
            let stream = try input.streamingDataset(command: "solve")
            fit = try RobustRegression.fit(from: stream, norm: norm, scale: scale, intercept: !noIntercept)
            names = stream.featureNames
        } else {
            let data = try input.commandData(command: "solve")
            guard data.isSingleTarget else {
                throw .invalidOption(name: "--target", value: "\(data.targets.columns) targets",
                                     expected: "one target with --robust")
            }
            fit = try RobustRegression.fit(data.features, data.targets.column(0), norm: norm, scale: scale,
                                           weights: data.weights, intercept: !noIntercept)
            names = data.featureNames
        }
        if summary {
            print(try fit.summary(covariance: covariance, featureNames: names))
        } else {
            let labels = (noIntercept ? [] : ["(intercept)"]) + names
            let width = Swift.max(12, labels.map(\.count).max() ?? 0)
            var lines = [Self.pad("term", width) + "  coefficient"]
            for (label, value) in zip(labels, fit.coefficients) {
                lines.append(Self.pad(label, width) + "  " + String(format: "% .17g", value))
            }
            lines.append("IRLS: \(norm.description)(\(norm.constantDescription)), scale \(scale) = "
                         + String(format: "%.10g", fit.scale) + ", \(fit.iterations) iterations, "
                         + (fit.converged ? "converged" : "NOT converged (last relative change \(fit.lastChange))"))
            print(lines.joined(separator: "\n"))
        }
        if let output {
            var model = fit.model
            model.featureNames = names
            try model.save(to: output)
        }
    }
}

extension RobustRegression.Norm {
    /// `t = 1.345` or `c = 4.685`.
    var constantDescription: String {
        switch self {
        case let .huber(t): "t = \(t)"
        case let .tukeyBiweight(c): "c = \(c)"
        }
    }
}
