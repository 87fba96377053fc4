import ArgumentParser
import Descent

/// Where the data comes from: a CSV file, or features and targets `.npy` files.
struct DataOptions: ParsableArguments {
    @Argument(help: "A .csv file, or a features .npy file (with --targets).")
    var data: String

    @Option(help: "The CSV column to predict (the other numeric columns are the features); several targets as a,b,c.")
    var target: String?

    @Option(help: "With a features .npy or sparse .npz file: the targets .npy file (n values, or n × k for k targets).")
    var targets: String?

    @Option(help: "Sample weights: the name of a CSV column, or with .npy data a .npy file of n weights (not with --stream).")
    var weights: String?

    @Option(help: "With a features .npy file: the feature names, comma-separated (default: the FEATURES.names file `descent convert` writes, else x0, x1, …).")
    var names: String?

    @OptionGroup var format: CSVFormatOptions

    @Flag(help: "Stream a features .npy file (and its --targets file; predict needs none) in chunks instead of loading them (bounded memory; `descent convert` makes such files from a CSV file).")
    var stream = false

    @Option(help: ArgumentHelp("With --stream: the size of one chunk buffer in MiB (two are used; default 4).", valueName: "MiB"))
    var chunkMb: Int?

    var isNPY: Bool { data.lowercased().hasSuffix(".npy") }

    var csvOptions: CSVOptions { format.csvOptions }

    func validate() throws {
        if isNPY {
            if target != nil { throw ValidationError("--target names a CSV column; with a .npy file pass --targets y.npy") }
        } else if targets != nil, !data.lowercased().hasSuffix(".npz") {
            throw ValidationError("--targets takes a .npy file and goes with a features .npy or .npz file, not a CSV file")
        }
        if names != nil, !isNPY { throw ValidationError("--names goes with a features .npy file; a CSV file's header names its columns") }
        if stream, !isNPY {
            switch SparseFormat(extensionOf: data) {
            case .libsvm?, .vw?:
                throw ValidationError("LIBSVM and Vowpal Wabbit files are streamed already; drop --stream")
            case .npz?:
                throw ValidationError("a .npz file is a zip of compressed members and is read in memory; drop --stream, "
                                      + "or stream it as LIBSVM: descent convert \(data) data.svm --labels \(targets ?? "y.npy")")
            case nil:
                throw ValidationError("--stream reads .npy files; convert a CSV file first: descent convert data.csv X.npy y.npy --target NAME")
            }
        }
        if let chunkMb, chunkMb < 1 { throw ValidationError("--chunk-mb must be at least 1, not \(chunkMb)") }
        if chunkMb != nil, !stream { throw ValidationError("--chunk-mb goes with --stream") }
        if stream, weights != nil { throw ValidationError("--weights reads the data in memory; drop --stream") }
        if stream, target?.contains(",") == true {
            throw ValidationError("several CSV target columns read the data in memory; drop --stream, or stream an n × k targets .npy")
        }
    }

    /// The data set with its targets, which the command needs.
    func dataset(command: String) throws(DescentError) -> Dataset<Double> {
        if isNPY {
            guard let targets else {
                throw .invalidOption(name: "--targets", value: "missing", expected: "the targets .npy file for `descent \(command)`")
            }
            return try Dataset(npyFeatures: data, targets: targets)
        }
        guard let target else {
            throw .invalidOption(name: "--target", value: "missing", expected: "the name of the CSV column to predict")
        }
        return try Dataset(csvFile: data, target: target, options: csvOptions)
    }

    /// The `.npy` features and targets files as a stream (with `--stream`).
    func streamingDataset(command: String) throws(DescentError) -> StreamingDataset<Double> {
        guard let targets else {
            throw .invalidOption(name: "--targets", value: "missing", expected: "the targets .npy file for `descent \(command)`")
        }
        var stream = try StreamingDataset<Double>(npyFeatures: data, targets: targets,
                                                  chunkBytes: (chunkMb ?? StreamingDataset<Double>.defaultChunkBytes >> 20) << 20)
        if let names = try npyFeatureNames(columns: stream.columns) { stream.featureNames = names }
        return stream
    }

    /// The features only: the columns named `names` (when known) of a CSV file, or a features `.npy` file.
    func features(named names: [String]?) throws(DescentError) -> Matrix<Double> {
        if isNPY { return try Matrix(npyFile: data) }
        return try Matrix(csvFile: data, columns: names, options: csvOptions)
    }
}
