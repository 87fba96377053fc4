import ArgumentParser
import Descent

/// `--cov-type`: the covariance of `descent solve --summary` (and of the intervals a saved model
/// carries): `nonrobust`, `hc0`–`hc3`, `hac:L` (Newey–West, `L` lags), `hac:auto` (R's automatic
/// bandwidth), `cluster:COLUMN` (a label column of the CSV file, taken out of the features).
enum CovarianceArgument: ExpressibleByArgument {
    case fixed(LeastSquares.Covariance)
    case cluster(column: String)

    init?(argument: String) {
        let lower = argument.lowercased()
        switch lower {
        case "nonrobust": self = .fixed(.nonrobust)
        case "hc0": self = .fixed(.hc0)
        case "hc1": self = .fixed(.hc1)
        case "hc2": self = .fixed(.hc2)
        case "hc3": self = .fixed(.hc3)
        case "hac:auto": self = .fixed(.hac(lags: nil))
        default:
            if lower.hasPrefix("hac:"), let lags = Int(lower.dropFirst(4)), lags >= 0 {
                self = .fixed(.hac(lags: lags))
            } else if lower.hasPrefix("cluster:"), argument.count > 8 {
                self = .cluster(column: String(argument.dropFirst(8)))
            } else {
                return nil
            }
        }
    }

    static var defaultCompletionKind: CompletionKind { .list(["nonrobust", "hc0", "hc1", "hc2", "hc3", "hac:4", "hac:auto"]) }
}

extension CommandData {
    /// The covariance `argument` asks for; a cluster column is taken out of the features and its
    /// values become the labels (each distinct value one cluster).
    mutating func covariance(_ argument: CovarianceArgument?) throws(DescentError) -> LeastSquares.Covariance {
        switch argument {
        case nil: return .nonrobust
        case let .fixed(covariance)?: return covariance
        case let .cluster(column)?:
            guard let j = featureNames.firstIndex(of: column) else {
                throw .unknownColumn(name: column, available: featureNames)
            }
            var labels = [Double: Int]()
            let groups = features.column(j).map { value in
                if let label = labels[value] { return label }
                labels[value] = labels.count
                return labels.count - 1
            }
            let kept = featureNames.indices.filter { $0 != j }
            features = features.selecting(columns: kept)
            featureNames = kept.map { featureNames[$0] }
            return .cluster(groups: groups)
        }
    }
}

extension Solve {
    /// The single-target in-memory solve with its summary (under `--cov-type`) and the model file,
    /// which carries the inference that `descent predict --intervals` needs.
    func solveWithInference(_ loaded: CommandData) throws(DescentError) {
        var data = loaded
        let covariance = try data.covariance(covType)
        let x = data.features, y = data.targets.column(0)
        let solution = if let weights = data.weights {
            try LeastSquares.solve(x, y, weights: weights, intercept: !noIntercept, method: method.method, ridge: ridge)
        } else {
            try LeastSquares.solve(from: try data.dataset(), intercept: !noIntercept, method: method.method, ridge: ridge)
        }
        // A model file carries the least-squares inference when it exists (full rank, n > p); a
        // ridge model's would not be its own.
        func report() throws(DescentError) -> RegressionSummary {
            try solution.summary(features: x, targets: y, weights: data.weights, featureNames: data.featureNames,
                                 covariance: covariance)
        }
        let report: RegressionSummary? = summary ? try report() : output != nil && ridge == 0 ? try? report() : nil
        print(summary ? "\(report!)" : Self.table(solution, names: data.featureNames))
        if let output {
            var model = solution.model
            model.featureNames = data.featureNames
            model.inference = ridge == 0 ? report?.inference : nil
            try model.save(to: output)
        }
    }
}

extension LeastSquaresSolution<Double> {
    /// The summary, weighted when `weights` are given.
    func summary(features: Matrix<Double>, targets: [Double], weights: [Double]?, featureNames: [String],
                 covariance: LeastSquares.Covariance) throws(DescentError) -> RegressionSummary {
        if let weights {
            return try summary(features: features, targets: targets, weights: weights, featureNames: featureNames,
                               covariance: covariance)
        }
        return try summary(features: features, targets: targets, featureNames: featureNames, covariance: covariance)
    }
}
