#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension FitHistory {
    /// The history as CSV text: a header `epoch,loss,validation_loss,learning_rate,seconds`, then
    /// one row per epoch (epochs from 1; `validation_loss` empty without early stopping). Numbers
    /// are written so that they read back to the same values.
    public var csv: String {
        var lines = ["epoch,loss,validation_loss,learning_rate,seconds"]
        lines.reserveCapacity(epochs + 1)
        for e in 0..<epochs {
            let validation = e < validationLosses.count ? "\(validationLosses[e])" : ""
            let rate = e < learningRates.count ? "\(learningRates[e])" : ""
            let seconds = e < elapsedSeconds.count ? "\(elapsedSeconds[e])" : ""
            lines.append("\(e + 1),\(losses[e]),\(validation),\(rate),\(seconds)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes ``csv`` to a file, which appears under its name only when completely written.
    ///
    /// - Parameter path: The file's path; an existing file is replaced.
    /// - Throws: ``DescentError/fileNotWritable(path:reason:)``.
    public func writeCSV(to path: String) throws(DescentError) {
        try FileIO.write(Array(csv.utf8), to: path)
    }

    /// Writes ``csv`` to a file; see ``writeCSV(to:)-(String)``.
    ///
    /// - Parameter url: The file's URL.
    /// - Throws: ``DescentError/fileNotWritable(path:reason:)``.
    public func writeCSV(to url: URL) throws(DescentError) {
        try writeCSV(to: url.path)
    }
}
