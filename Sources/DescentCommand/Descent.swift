import ArgumentParser
import Descent
import Foundation

/// `descent`: fit, solve, predict and verify linear models on CSV and `.npy` files from the shell.
@main
struct DescentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "descent",
        abstract: "Linear regression on CSV and .npy files: gradient descent, exact least squares, predictions.",
        discussion: """
            DATA is a .csv file (a header row names the columns; --target names the one to predict, \
            the other numeric columns are the features), or a features .npy file with --targets y.npy. \
            Models are saved as JSON with their training state, so `descent fit --initial model.json` \
            continues training exactly where it stopped. Errors print a message and exit non-zero.
            """,
        subcommands: [Fit.self, Solve.self, Predict.self, Verify.self, Convert.self])
}

/// Runs `body`, printing a Descent error's message (no stack trace) and exiting non-zero.
func reportingErrors(_ body: () throws(DescentError) -> Void) throws {
    do {
        try body()
    } catch {
        FileHandle.standardError.write(Data("descent: error: \(error.description)\n".utf8))
        throw ExitCode(1)
    }
}

/// Writes a line to stderr.
func note(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
