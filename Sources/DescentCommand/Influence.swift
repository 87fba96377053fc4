import ArgumentParser
import Descent

/// `descent influence`: every row's leverage, studentised residuals, Cook's distance and DFFITS
/// under the least-squares fit of the data, as CSV.
struct Influence: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fit least squares and write each row's influence (leverage, studentised residuals, Cook's distance, DFFITS) as CSV.")

    @OptionGroup var input: DataOptions

    @Flag(help: "Fit no intercept.")
    var noIntercept = false

    @Option(help: "Write the table here (CSV); stdout otherwise.")
    var output: String?

    func run() throws {
        try reportingErrors { () throws(DescentError) in
            let data = try input.commandData(command: "influence")
            guard data.isSingleTarget else {
                throw .invalidOption(name: "--target", value: "\(data.targets.columns) targets", expected: "one target")
            }
            let x = data.features, y = data.targets.column(0)
            let fit = if let weights = data.weights {
                try LeastSquares.solve(x, y, weights: weights, intercept: !noIntercept)
            } else {
                try LeastSquares.solve(x, y, intercept: !noIntercept)
            }
            let d = try fit.diagnostics(features: x, targets: y, weights: data.weights)
            var lines = ["row,residual,leverage,studentized,externally_studentized,cooks_distance,dffits"]
            for i in 0..<d.leverage.count {
                lines.append("\(i),\(d.residuals[i]),\(d.leverage[i]),\(d.studentizedResiduals[i]),"
                             + "\(d.externallyStudentizedResiduals[i]),\(d.cooksDistance[i]),\(d.dffits[i])")
            }
            let text = lines.joined(separator: "\n") + "\n"
            if let output { try FileIO.writeText(text, to: output) } else { print(text, terminator: "") }
        }
    }
}
