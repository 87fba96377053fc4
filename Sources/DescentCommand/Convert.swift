import ArgumentParser
import Descent

/// `descent convert data.csv X.npy y.npy --target NAME`: a CSV file into features and targets
/// `.npy` files, in one streaming pass with bounded memory.
struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert a CSV file into features and targets .npy files, streaming (for files larger than memory).",
        discussion: """
            Reads the CSV file once, in blocks, so its size is not limited by memory, and writes \
            FEATURES (rows × features, C order) and TARGETS (1-D), float64 unless --float32. Both \
            files appear under their names only when complete: on any error (a bad cell, a full disk) \
            neither is left behind. The column names go to FEATURES.names (one CSV header line), where \
            `descent fit`, `solve` and `predict` find them, so a model trained on the .npy files \
            predicts the original CSV. \
            `descent fit` and `descent solve` stream a features .npy file with --stream.

            A sparse file (.svm LIBSVM, .vw Vowpal Wabbit, .npz scipy CSR; or --format) converts to \
            scipy's CSR .npz with its targets in a .npy file (`descent convert data.svm X.npz y.npy`), \
            or to LIBSVM text (`descent convert X.npz data.svm --labels y.npy`); text input is streamed.
            """)

    @Argument(help: "The CSV file (or a sparse .svm, .vw or .npz file: see --format).")
    var csv: String

    @Argument(help: "The features .npy file to write (from a sparse file: .npz or .svm).")
    var features: String

    @Argument(help: "The targets .npy file to write.")
    var targets: String?

    @Option(help: "The CSV column to predict (the other numeric columns are the features).")
    var target: String?

    @OptionGroup var sparse: SparseFormatOptions

    @Option(help: "With an .npz input: its targets .npy file.")
    var labels: String?

    @Option(parsing: .upToNextOption, help: "The feature columns, in order (default: every column but the target).")
    var columns: [String] = []

    @OptionGroup var format: CSVFormatOptions

    @Flag(help: "Write float32 files (half the size; values rounded to float32).")
    var float32 = false

    func run() throws {
        try reportingErrors { () throws(DescentError) in
            if let sparseFormat = sparse.format(of: csv) { return try convertSparse(sparseFormat) }
            guard let target, let targets else {
                throw .invalidOption(name: target == nil ? "--target" : "TARGETS", value: "missing",
                                     expected: target == nil ? "the CSV column to predict" : "the targets .npy file to write")
            }
            let options = format.csvOptions
            let chosen = columns.isEmpty ? nil : columns
            let summary = float32
                ? try StreamingDataset<Float>.convertCSV(csv, features: features, targets: targets, target: target,
                                                         featureColumns: chosen, options: options)
                : try StreamingDataset<Double>.convertCSV(csv, features: features, targets: targets, target: target,
                                                          featureColumns: chosen, options: options)
            let dropped = summary.droppedRows > 0 ? " (\(summary.droppedRows) rows dropped)" : ""
            print("wrote \(summary.rows) rows × \(summary.featureNames.count) features to \(features), "
                  + "targets '\(summary.targetName)' to \(targets)\(dropped)")
            try FileIO.writeText(summary.featureNames.map(csvField).joined(separator: ",") + "\n", to: features + ".names")
            print("features: " + summary.featureNames.joined(separator: ",") + " (names in \(features).names)")
        }
    }
}
