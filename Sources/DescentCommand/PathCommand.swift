import ArgumentParser
import Descent
import Foundation

/// `descent path`: the elastic-net path by coordinate descent, a table per λ, an SVG of the
/// coefficients against log λ, and the model at a chosen λ.
struct PathCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "path",
        abstract: "Compute the lasso or elastic-net path (glmnet's objective) and print one row per λ.")

    @OptionGroup var input: DataOptions

    @OptionGroup var path: PathOptions

    @Option(help: "The duality gap every λ must reach, relative to the null deviance (default 1e-10; looser is faster on wide data).")
    var tolerance: Double = ElasticNet.defaultTolerance

    @Option(help: "Write an SVG of the coefficients against log λ.")
    var plot: String?

    @Option(help: "Also save the model at --lambda (JSON).")
    var output: String?

    @Option(help: "With --output: the λ whose model to save (the nearest on the path; default the smallest).")
    var lambda: Double?

    func run() throws {
        try reportingErrors { () throws(DescentError) in
            let (alpha, lambdas, minimumRatio, standardize) = (path.alpha, path.lambdas, path.minimumRatio, !path.noStandardize)
            let path: ElasticNetPath<Double>
            if input.stream {
                path = try ElasticNet.path(from: try input.streamingDataset(command: "path"), alpha: alpha, count: lambdas,
                                           minimumRatio: minimumRatio, standardize: standardize, tolerance: tolerance)
            } else {
                let data = try input.commandData(command: "path")
                guard data.isSingleTarget else {
                    throw .invalidOption(name: "--target", value: data.targetNames.joined(separator: ","), expected: "one target column")
                }
                path = try ElasticNet.path(data.features, data.targets.column(0), alpha: alpha, count: lambdas,
                                           minimumRatio: minimumRatio, weights: data.weights, standardize: standardize,
                                           tolerance: tolerance)
                    .named(data.featureNames)
            }
            print(Self.table(path))
            if let plot { try Self.write(Self.svg(path), to: plot) }
            if let output {
                let index = Self.nearest(lambda, in: path.lambdas)
                try path.models[index].save(to: output)
                print("saved the model at λ = \(String(format: "%.6g", path.lambdas[index])) to \(output)")
            }
        }
    }

    /// The position of the λ nearest `lambda` in log scale (the last for `nil`).
    static func nearest(_ lambda: Double?, in lambdas: [Double]) -> Int {
        guard let lambda, lambda > 0 else { return lambdas.count - 1 }
        return lambdas.indices.min { Swift.abs(log(lambdas[$0] / lambda)) < Swift.abs(log(lambdas[$1] / lambda)) }!
    }

    static func table(_ path: ElasticNetPath<Double>) -> String {
        var lines = ["\(path.lambdas.count) λ, α = \(path.alpha), \(path.mode) mode, "
                     + (path.converged ? "every λ certified (duality gap ≤ \(path.tolerance) of the null deviance)"
                                       : "\(path.certified.filter { !$0 }.count) λ NOT certified (gap > \(path.tolerance))")]
        lines.append("       λ   nonzero  dev.explained  duality gap         AIC         BIC")
        for k in path.lambdas.indices {
            lines.append(String(format: "%12.6g %6d %14.6f %12.3e %11.4f %11.4f", path.lambdas[k], path.nonzeros[k],
                                path.devianceExplained[k], path.dualityGaps[k], path.aic[k], path.bic[k]))
        }
        return lines.joined(separator: "\n")
    }

    static func svg(_ path: ElasticNetPath<Double>) -> String {
        let d = path.models.first?.weights.count ?? 0
        let names = path.featureNames ?? (0..<d).map { "x\($0)" }
        let series = (0..<d).map { j in
            LinePlot.Series(name: names[j], color: LinePlot.palette[j % LinePlot.palette.count], x: path.lambdas,
                            y: path.models.map { $0.weights[j] })
        }
        return LinePlot(title: "Coefficients along the path (α = \(path.alpha))", xLabel: "λ (log scale)",
                        yLabel: "coefficient", logarithmicX: true, logarithmicY: .never, series: series).svg()
    }

    static func write(_ text: String, to file: String) throws(DescentError) {
        do { try text.write(toFile: file, atomically: true, encoding: .utf8) } catch {
            throw .fileNotWritable(path: file, reason: error.localizedDescription)
        }
    }
}

/// The path's options, shared by `path` and `cv`.
struct PathOptions: ParsableArguments {
    @Option(help: "The mixing α in [0, 1]: 1 is the lasso (default), 0 ridge (glmnet's alpha).")
    var alpha: Double = 1

    @Option(help: "The number of λ: glmnet's sequence's length (default 100); with cv --ridge, the ridge grid's.")
    var lambdas: Int = 100

    @Option(help: "The last λ over the first (glmnet's lambda.min.ratio; default 1e-4 when n > d, else 1e-2).")
    var minimumRatio: Double?

    @Flag(help: "Penalise the raw coefficients instead of those of standardised columns.")
    var noStandardize = false
}

extension ElasticNetPath {
    /// The path with these feature names on its models.
    func named(_ names: [String]) -> ElasticNetPath {
        var copy = self
        copy.featureNames = names
        return copy
    }
}
