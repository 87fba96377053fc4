import ArgumentParser
import Descent
import Foundation

/// `descent cv`: K-fold cross-validation of an elastic-net path, or ridge scored by GCV or
/// leave-one-out; the validation curve as a table and an SVG, and the chosen model.
struct CrossValidate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cv",
        abstract: "Choose λ: K-fold cross-validation of the elastic-net path, or ridge by GCV or leave-one-out.")

    @OptionGroup var input: DataOptions

    @OptionGroup var path: PathOptions

    @Option(help: "The number of folds K (default 10).")
    var folds: Int = 10

    @Option(help: "The seed of the fold assignment.")
    var seed: UInt64 = RandomSource.defaultSeed

    @Option(help: "Ridge instead of the elastic net, scored by gcv or loo (leave-one-out) over --lambdas values of λ, log-spaced from 10⁻⁶ to 10 (LeastSquares' ridge λ).")
    var ridge: String?

    @Option(help: "Write an SVG of the validation curve (with standard-error bars for K folds).")
    var plot: String?

    @Option(help: "Also save the chosen model (JSON).")
    var output: String?

    func run() throws {
        try reportingErrors { () throws(DescentError) in
            let data = try input.commandData(command: "cv")
            guard data.isSingleTarget else {
                throw .invalidOption(name: "--target", value: data.targetNames.joined(separator: ","), expected: "one target column")
            }
            let y = data.targets.column(0)
            let (alpha, lambdas) = (path.alpha, path.lambdas)
            let model: LinearModel<Double>
            if let ridge {
                let criterion: RidgeRegression.Criterion
                switch ridge.lowercased() {
                case "gcv": criterion = .gcv
                case "loo", "leave-one-out": criterion = .leaveOneOut
                default: throw .invalidOption(name: "--ridge", value: ridge, expected: "gcv or loo")
                }
                guard lambdas >= 1 else { throw .invalidOption(name: "--lambdas", value: "\(lambdas)", expected: "at least 1") }
                let grid = (0..<lambdas).map { 10 * pow(1e-7, Double($0) / Double(Swift.max(1, lambdas - 1))) }
                let result = try RidgeRegression.crossValidated(data.features, y, lambdas: grid, criterion: criterion)
                print("ridge by \(criterion): λ = \(String(format: "%.6g", result.lambda)), score \(String(format: "%.6g", result.scores[result.index]))")
                print("           λ        score")
                for k in grid.indices { print(String(format: "%12.6g %12.6g%@", grid[k], result.scores[k], k == result.index ? "  ← chosen" : "")) }
                if let plot {
                    try PathCommand.write(LinePlot(title: "Ridge \(criterion) score", xLabel: "λ (log scale)", yLabel: "\(criterion)",
                                                   logarithmicX: true, series: [.init(name: "\(criterion)", color: "#1f77b4", x: grid, y: result.scores)]).svg(),
                                          to: plot)
                }
                model = result.model
            } else {
                let cv = try CrossValidation(folds: folds, seed: seed).evaluate(ElasticNet.path(alpha: alpha, count: lambdas, minimumRatio: path.minimumRatio,
                                                                                                standardize: !path.noStandardize),
                                                                               features: data.features, targets: y)
                print("\(folds)-fold cross-validation, α = \(alpha): λ.min = \(String(format: "%.6g", cv.bestLambda)), "
                      + "λ.1se = \(String(format: "%.6g", cv.oneStandardErrorLambda))")
                print("           λ   mean error   std. error  nonzero")
                for k in cv.lambdas.indices {
                    let mark = k == cv.bestIndex ? "  ← min" : k == cv.oneStandardErrorIndex ? "  ← 1se" : ""
                    print(String(format: "%12.6g %12.6g %12.6g %8d%@", cv.lambdas[k], cv.meanErrors[k], cv.standardErrors[k],
                                 cv.models[k].weights.filter { $0 != 0 }.count, mark))
                }
                if let plot {
                    let curve = LinePlot.Series(name: "mean squared error", color: "#d62728", x: cv.lambdas, y: cv.meanErrors,
                                                errors: cv.standardErrors)
                    try PathCommand.write(LinePlot(title: "\(folds)-fold validation error", xLabel: "λ (log scale)",
                                                   yLabel: "mean squared error", logarithmicX: true, series: [curve]).svg(), to: plot)
                }
                model = cv.model
            }
            if let output {
                var named = model
                named.featureNames = data.featureNames
                try named.save(to: output)
            }
        }
    }
}
