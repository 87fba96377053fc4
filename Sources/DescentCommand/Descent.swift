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
        subcommands: [Fit.self, Solve.self, Predict.self, Verify.self, Convert.self, Influence.self, PathCommand.self,
                      CrossValidate.self])
}

/// Runs `body`, printing a Descent error's message (no stack trace) and exiting non-zero.
func reportingErrors(_ body: () throws(DescentError) -> Void) throws {
    do {
        try body()
    } catch {
        FileHandle.standardError.write(Data("descent: error: \(commandLineMessage(error))\n".utf8))
        throw ExitCode(1)
    }
}

/// The error's message as the command prints it: the library's, except that a request that does
/// not fit in memory names the command's flags for its remedies.
func commandLineMessage(_ error: DescentError) -> String {
    guard case let .insufficientMemory(needed, available, what, remedies) = error else { return flagMessage(error) }
    let options = remedies.map { remedy in
        switch remedy {
        case .withoutWhitening: "--preconditioning none (train without whitening)"
        case let .method(name, bytes): "--method \(name.lowercased().replacingOccurrences(of: " ", with: "-")) "
            + "(needs \(byteCount(bytes)))"
        case .streamedSource: "--stream (read the file chunk by chunk instead of a copy in memory)"
        case let .fewerColumns(atMost): "fewer feature columns (at most \(atMost) fit)"
        case .gradientDescent: "descent fit (gradient descent: its memory grows with the columns, not their square)"
        }
    }
    return "not enough memory for \(what): it needs \(byteCount(needed)), but the process may allocate "
        + "\(byteCount(available)) more (the memory available or what ulimit -v leaves, less a margin). "
        + "Nothing was allocated. "
        + (options.isEmpty ? "Free memory or raise ulimit -v." : "Try " + options.joined(separator: "; or ") + ".")
}

/// A byte count in decimal units to three digits (`20 GB`).
func byteCount(_ bytes: Int) -> String {
    guard bytes < Int.max else { return "more than 9.2 EB" }
    let units = ["bytes", "kB", "MB", "GB", "TB", "PB", "EB"]
    var value = Double(bytes), unit = 0
    while value >= 1000 && unit < units.count - 1 { value /= 1000; unit += 1 }
    guard unit > 0 else { return "\(bytes) bytes" }
    return String(format: value >= 100 ? "%.0f" : value >= 10 ? "%.1f" : "%.2f", value) + " " + units[unit]
}

/// Writes a line to stderr.
func note(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
