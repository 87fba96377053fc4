import Descent
import Foundation

/// Training progress on stderr: a live bar (epoch, loss, rows per second, time left) when stderr is
/// a terminal, a plain line every few seconds otherwise, nothing when quiet.
final class ProgressReporter {
    let epochs: Int
    let rows: Int
    let quiet: Bool
    let live: Bool
    private var lastPrint = Date.distantPast

    init(epochs: Int, rows: Int, quiet: Bool) {
        self.epochs = epochs
        self.rows = rows
        self.quiet = quiet
        live = isatty(STDERR_FILENO) == 1
    }

    /// Called after every epoch.
    func epochDone(_ report: EpochReport<Double>) {
        guard !quiet else { return }
        let now = Date()
        let interval = live ? 0.1 : 3.0
        guard now.timeIntervalSince(lastPrint) >= interval || report.epoch == epochs else { return }
        lastPrint = now
        let perEpoch = report.elapsedSeconds / Double(report.epoch)
        let left = perEpoch * Double(epochs - report.epoch)
        let speed = Double(rows) / Swift.max(perEpoch, 1e-9)
        let numbers = "epoch \(report.epoch)/\(epochs)  loss \(String(format: "%.6g", Double(report.loss)))  "
            + "\(Self.engineering(speed)) rows/s  \(Self.duration(left)) left"
        if live {
            let width = 24
            let filled = Swift.min(width, width * report.epoch / Swift.max(1, epochs))
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            FileHandle.standardError.write(Data("\r\u{1B}[2K[\(bar)] \(numbers)".utf8))
        } else {
            FileHandle.standardError.write(Data("descent: \(numbers)\n".utf8))
        }
    }

    /// Ends the live line.
    func finish(_ history: FitHistory<Double>) {
        if live && !quiet { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    static func engineering(_ value: Double) -> String {
        switch value {
        case 1e9...: String(format: "%.2fG", value / 1e9)
        case 1e6...: String(format: "%.2fM", value / 1e6)
        case 1e3...: String(format: "%.1fk", value / 1e3)
        default: String(format: "%.0f", value)
        }
    }

    static func duration(_ seconds: Double) -> String {
        seconds < 60 ? String(format: "%.1fs", seconds) : String(format: "%dm%02ds", Int(seconds) / 60, Int(seconds) % 60)
    }
}
