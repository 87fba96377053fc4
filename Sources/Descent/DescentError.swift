#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Every way Descent can refuse a user's data or configuration.
///
/// Each case's ``description`` (also its `errorDescription`, so `error.localizedDescription`
/// shows it) says what was wrong and what to do about it. Row, column and index numbers are
/// zero-based, as Swift indexes arrays. Descent throws these instead of trapping; a trap inside
/// Descent is a bug in Descent.
///
/// Every case is `Codable`, so that a process can send its error to the others that share a
/// distributed data set (`DescentMPI` does, for every rank to throw the same error).
public enum DescentError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError, Codable {
    /// Where a non-finite value was found.
    public enum Location: Equatable, Sendable, CustomStringConvertible, Codable {
        /// In the feature matrix, at this row and column (both zero-based).
        case features(row: Int, column: Int)
        /// In the targets, at this index (zero-based).
        case targets(index: Int)
        /// In a matrix of targets (several targets per row), at this row and target column (both zero-based).
        case targetMatrix(row: Int, column: Int)
        /// In the model's weights (index) or bias (`nil`) before training.
        case model(weight: Int?)
        /// In a ``MultiLinearModel``: the weight of a feature (row) for a target (column), or the
        /// target's bias (`feature` `nil`), all zero-based.
        case multiModel(feature: Int?, target: Int)

        /// A readable location with zero-based indices, e.g. `features[row 3, column 1] (zero-based)`.
        public var description: String {
            switch self {
            case let .features(row, column): "features[row \(row), column \(column)] (zero-based)"
            case let .targets(index): "targets[\(index)] (zero-based)"
            case let .targetMatrix(row, column): "targets[row \(row), column \(column)] (zero-based)"
            case let .model(weight?): "the model's weight \(weight) (zero-based)"
            case .model(nil): "the model's bias"
            case let .multiModel(feature?, target): "the model's weight for feature \(feature), target \(target) (zero-based)"
            case let .multiModel(nil, target): "the model's bias for target \(target) (zero-based)"
            }
        }
    }

    /// A matrix was built from an element array of the wrong length, or with negative dimensions.
    case invalidMatrixShape(rows: Int, columns: Int, elementCount: Int)
    /// The number of targets differs from the number of feature rows.
    case targetCountMismatch(rows: Int, targets: Int)
    /// The model has a different number of weights than the data has feature columns.
    case weightCountMismatch(weights: Int, features: Int)
    /// The data has no rows.
    case noRows
    /// The data has no feature columns.
    case noFeatures
    /// A value is NaN or ±∞.
    case nonFiniteValue(at: Location)
    /// A cell that a formula uses is missing (empty, `NA`, `NaN`, …) and the table's
    /// ``Table/MissingPolicy`` is ``Table/MissingPolicy/error``: the table (its path), the row
    /// (zero-based), the file's line (1-based) when known, and the column's name.
    case missingValue(source: String, row: Int, line: Int?, column: String)
    /// A categorical factor holds a level that the design was not built with (a level unseen in
    /// training): the factor as the formula writes it, the level, the known levels, and the row
    /// (zero-based).
    case unseenLevel(factor: String, level: String, known: [String], row: Int)
    /// The learning rate is not a finite number greater than zero.
    case invalidLearningRate(Double)
    /// The epoch budget is less than one.
    case invalidEpochs(Int)
    /// A mini-batch size is less than one.
    case invalidBatchSize(Int)
    /// An option other than the ones above has a value it cannot take.
    case invalidOption(name: String, value: String, expected: String)
    /// The chosen exact method cannot solve this system (singular, rank deficient or too
    /// ill-conditioned for the method).
    case unsolvable(method: String, reason: String, conditionEstimate: Double?)
    /// A file could not be opened or read: missing, a directory, not permitted, or a read error.
    case fileNotReadable(path: String, reason: String)
    /// A file could not be written: no permission, a missing folder, or a full disk. Nothing is
    /// left under the file's name (files are written to a temporary name, then renamed).
    case fileNotWritable(path: String, reason: String)
    /// A file changed while Descent was streaming it (truncated, rewritten or replaced by another
    /// file under its name), so rows read before and after the change would not belong together.
    case fileChanged(path: String, reason: String)
    /// A file's contents are not what its format (`.npy`, CSV, a saved model) requires, or hold
    /// something Descent cannot use (another format version or precision, the wrong width).
    case invalidFile(path: String, format: String, reason: String)
    /// A CSV cell or row is wrong at this line and column (both 1-based, as editors show them).
    case invalidCSV(path: String, line: Int, column: Int, reason: String)
    /// A column named by the caller is not in the data.
    case unknownColumn(name: String, available: [String])
    /// Training diverged: the loss stopped being finite, or grew more than a millionfold over its first
    /// epoch's (``GradientDescent/fit(_:features:targets:onEpoch:)-(_,_,[Scalar],_)``). `epoch` counts from 1, `update` from 1
    /// within that epoch; `learningRate` is the base rate `η₀` trained with.
    case diverged(epoch: Int, update: Int, learningRate: Double, hint: String)
    /// The processes that share a distributed data set disagree on something that must be the
    /// same on all of them (`quantity`, e.g. the number of feature columns): `values[i]` is
    /// rank `i`'s.
    case ranksDisagree(quantity: String, values: [Int])
    /// The communication between processes failed: the message library could not start, or a
    /// call to it returned an error.
    case communicationFailed(reason: String)
    /// A buffer that grows with the data's width or size (a `d × d` matrix, a workspace, a copy
    /// of the features), `what`, needs `needed` bytes, but the process may allocate only
    /// `available` more (the memory available, or what the address-space limit `ulimit -v`
    /// leaves, less a margin). Nothing was allocated; `remedies` says what fits instead.
    case insufficientMemory(needed: Int, available: Int, what: String, remedies: [MemoryRemedy])

    /// What went wrong and what to do about it.
    public var description: String {
        switch self {
        case let .invalidMatrixShape(rows, columns, count):
            return "A \(rows) × \(columns) matrix needs rows ≥ 0, columns ≥ 0 and exactly rows × columns elements, "
                + "but \(count) were given. Pass the elements row by row (row-major)."
        case let .targetCountMismatch(rows, targets):
            return "The features have \(rows) rows but there are \(targets) targets. Pass one target per feature row."
        case let .weightCountMismatch(0, features):
            return "The model has no weights, but the features have \(features) columns. Train it first "
                + "(GradientDescent.fit or LeastSquares.solve), or give it one weight per feature column."
        case let .weightCountMismatch(weights, features):
            return "The model has \(weights) weights but the features have \(features) columns. "
                + "Pass features with one column per weight, the columns the model was trained on; "
                + "to train on other columns, start from LinearModel(), which takes the data's width."
        case .noRows:
            return "The data has no rows. Pass at least one row of features and its target."
        case .noFeatures:
            return "The data has no feature columns. Pass at least one feature column."
        case let .nonFiniteValue(location):
            return "\(location) is NaN or infinite. Remove or impute non-finite values before fitting."
        case let .missingValue(source, row, line, column):
            let place = line.map { "row \(row) (line \($0))" } ?? "row \(row)"
            return "\(source), \(place), column '\(column)': the cell is missing. Fill it, or drop the rows with a "
                + "missing cell in a column the formula uses (Table(csvFile:missing: .dropRow))."
        case let .unseenLevel(factor, level, known, row):
            let shown = known.prefix(20).map { "'\($0)'" }.joined(separator: ", ")
            return "Row \(row): \(factor) holds the level '\(level)', which the model was not fitted on (it knows "
                + "\(shown)\(known.count > 20 ? ", …" : "")). Fit on data with that level, or map unseen levels to the "
                + "reference level (unseenLevels: .reference)."
        case let .invalidLearningRate(value):
            return "The learning rate is \(shortest(value)); it must be a finite number greater than 0 (try 0.01)."
        case let .invalidEpochs(value):
            return "The epoch budget is \(value); it must be at least 1."
        case let .invalidBatchSize(value):
            return "The mini-batch size is \(value); it must be at least 1 (try 32 to 512)."
        case let .invalidOption(name, value, expected):
            return "The option \(name) is \(value); it must be \(expected)."
        case let .unsolvable(method, reason, condition) where Self.robustMethods.contains(method):
            let estimate = condition.map { " (condition estimate \(formatScientific($0)))" } ?? ""
            return "The \(method) method cannot fit this robust regression: \(reason)\(estimate). Check for constant "
                + "or collinear columns; with Tukey's biweight, whose weights vanish beyond c·s, try the Huber norm or a larger c."
        case let .unsolvable(method, reason, condition):
            let estimate = condition.map { " (condition estimate \(formatScientific($0)))" } ?? ""
            return "The \(method) method cannot solve this least-squares problem: \(reason)\(estimate). "
                + (method == Self.polynomialFitMethod
                    ? "Lower the degree: a degree-k fit needs at least k + 1 distinct, well-separated values of x."
                    : method == LeastSquares.sparseMethod
                    ? "Add a ridge (ridge: λ > 0), drop the columns named, or raise LeastSquares.lsmr's maximumIterations."
                    : "Use method .svd for the minimum-norm solution, or .automatic, which falls back to it.")
        case let .fileNotReadable(path, reason):
            return "Cannot read \(path): \(reason). Check that the path names a readable file."
        case let .fileNotWritable(path, reason):
            return "Cannot write \(path): \(reason). Check the folder exists, is writable and has space; "
                + "nothing was left under that name."
        case let .fileChanged(path, reason):
            return "\(path) changed while it was being streamed: \(reason). Leave the file unchanged while a "
                + "fit or solve reads it (write new data under another name, then rename it), and open it again."
        case let .invalidFile(path, format, reason):
            return "\(path) is not a usable \(format) file: \(reason)."
        case let .invalidCSV(path, line, column, reason):
            return "\(path), line \(line), column \(column): \(reason). Fix the cell, or ask to drop rows with "
                + "missing or non-numeric cells (CSVOptions.dropInvalidRows)."
        case let .unknownColumn(name, available):
            let shown = available.prefix(20).map { "'\($0)'" }.joined(separator: ", ")
            return "There is no column named '\(name)'. The columns are \(shown)\(available.count > 20 ? ", …" : "")."
        case let .diverged(epoch, update, rate, hint):
            return "Training diverged in epoch \(epoch) (update \(update) of that epoch) at learning rate "
                + "\(shortest(rate)): the loss stopped being finite or grew without bound. The model was left at its "
                + "last sound state. \(hint)"
        case let .ranksDisagree(quantity, values):
            let shown = values.prefix(16).enumerated().map { "rank \($0.offset): \($0.element)" }.joined(separator: ", ")
            return "The ranks disagree on the \(quantity) (\(shown)\(values.count > 16 ? ", …" : "")). Every rank must "
                + "pass the same \(quantity): give each rank rows of the same columns (a rank may have no rows)."
        case let .communicationFailed(reason):
            return "Communication between processes failed: \(reason). Check that the program runs under mpirun "
                + "(or as a single process) and that Open MPI is installed (Scripts/bootstrap)."
        case let .insufficientMemory(needed, available, what, remedies):
            let options = remedies.isEmpty ? "Free memory, or raise the address-space limit (ulimit -v)."
                : "Instead: " + remedies.map(\.description).joined(separator: "; or ") + "."
            return "Not enough memory for \(what): it needs \(formatBytes(needed)), but the process may allocate "
                + "\(formatBytes(available)) more (the memory available or the address-space limit, less a margin). "
                + "Nothing was allocated. \(options)"
        }
    }

    /// The `method` that ``LeastSquares/polynomialFit(x:y:degree:)`` reports in
    /// ``unsolvable(method:reason:conditionEstimate:)``, whose advice differs (lower the degree;
    /// there is no other method to fall back to).
    static let polynomialFitMethod = "polynomial fit"
    /// The method names of the robust solvers' errors (IRLS, the piecewise-quadratic Newton
    /// iteration, the robust summary), whose remedy is not another least-squares method.
    static let robustMethods: Set<String> = ["IRLS", "Newton", "robust summary"]

    /// The same text as ``description``, for `LocalizedError` (and so `localizedDescription`).
    public var errorDescription: String? { description }
}

/// `value` as written by the user: a `Double` that holds a `Float` (a `Float` rate widened)
/// prints as that `Float` (`0.05`, not `0.05000000074505806`).
func shortest(_ value: Double) -> String {
    value.isFinite && Double(Float(value)) == value ? "\(Float(value))" : "\(value)"
}

/// `1.23e+08`-style formatting of a condition estimate or other wide-ranging number.
func formatScientific(_ value: Double) -> String {
    guard value.isFinite, value != 0 else { return "\(value)" }
    let exponent = Int(log10(Swift.abs(value)).rounded(.down))
    let mantissa = (value / pow(10, Double(exponent)) * 100).rounded() / 100
    return "\(mantissa)e\(exponent >= 0 ? "+" : "")\(exponent)"
}
