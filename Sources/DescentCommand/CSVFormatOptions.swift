import ArgumentParser
import Descent

/// How a CSV file is laid out: the options every command that reads CSV shares.
struct CSVFormatOptions: ParsableArguments {
    @Option(help: "The CSV delimiter: one ASCII character, or 'tab'.")
    var delimiter: String = ","

    @Flag(help: "The CSV file has no header row (columns are named 'column 1', 'column 2', …).")
    var noHeader = false

    @Flag(help: "Skip CSV rows with a missing or non-numeric cell instead of stopping with an error.")
    var dropInvalidRows = false

    /// The reader's options.
    var csvOptions: CSVOptions {
        CSVOptions(delimiter: delimiter == "tab" ? "\t" : Character(delimiter), hasHeader: !noHeader,
                   dropInvalidRows: dropInvalidRows)
    }

    func validate() throws {
        guard delimiter == "tab" || (delimiter.count == 1 && delimiter.first!.isASCII) else {
            throw ValidationError("--delimiter must be one ASCII character or 'tab', not '\(delimiter)'")
        }
    }
}
