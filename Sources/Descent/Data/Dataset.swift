#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Features, targets and their names together: what a data file holds, ready to train on.
///
/// ```swift
/// let data = try Dataset<Double>(csvFile: "data.csv", target: "y")   // other numeric columns are features
/// let fromNPY = try Dataset<Double>(npyFeatures: "X.npy", targets: "y.npy")
/// var model = LinearModel<Double>()
/// try GradientDescent<Double>().fit(&model, from: data)            // the model keeps the feature names
/// ```
public struct Dataset<Scalar: BLASScalar>: Sendable {
    /// `n × d` features, row-major.
    public var features: Matrix<Scalar>
    /// `n` targets.
    public var targets: [Scalar]
    /// One name per feature column: the CSV header's names, or `x0`, `x1`, … when the data has none.
    public var featureNames: [String]
    /// The target's name, when the data has one.
    public var targetName: String?
    /// Rows of a CSV file skipped for an invalid cell or width (``CSVOptions/dropInvalidRows``), so that
    /// a command can say how many it dropped.
    package var droppedRows = 0

    /// The number of rows.
    public var rowCount: Int { features.rows }
    /// The number of feature columns.
    public var columns: Int { features.columns }

    /// Puts features and targets together.
    ///
    /// - Parameters:
    ///   - features: `n × d` features.
    ///   - targets: `n` targets.
    ///   - featureNames: `d` names; `x0`, `x1`, … when `nil`.
    ///   - targetName: The target's name, if it has one.
    /// - Throws: ``DescentError/targetCountMismatch(rows:targets:)`` when the counts differ, and
    ///   ``DescentError/invalidOption(name:value:expected:)`` when the names do not match the columns.
    public init(features: Matrix<Scalar>, targets: [Scalar], featureNames: [String]? = nil,
                targetName: String? = nil) throws(DescentError) {
        guard features.rows == targets.count else {
            throw .targetCountMismatch(rows: features.rows, targets: targets.count)
        }
        let names = featureNames ?? (0..<features.columns).map { "x\($0)" }
        guard names.count == features.columns else {
            throw .invalidOption(name: "featureNames", value: "\(names.count) names",
                                 expected: "one name per feature column (\(features.columns))")
        }
        self.features = features
        self.targets = targets
        self.featureNames = names
        self.targetName = targetName
    }

    /// Reads features and targets from two NumPy `.npy` files: a 2-D (or 1-D) features file and a
    /// 1-D targets file (an `n × 1` 2-D file works too). Features whose layout matches are
    /// memory-mapped, as ``Matrix/init(npyFile:allowPrecisionLoss:)-(String,_)`` does.
    ///
    /// - Parameters:
    ///   - npyFeatures: The features file's path.
    ///   - targets: The targets file's path.
    ///   - allowPrecisionLoss: Round `float64` files into `Float` instead of refusing.
    /// - Throws: the file errors of ``Matrix/init(npyFile:allowPrecisionLoss:)-(String,_)``;
    ///   ``DescentError/invalidFile(path:format:reason:)`` when the targets file has more than one
    ///   column; ``DescentError/targetCountMismatch(rows:targets:)`` when the row counts differ.
    public init(npyFeatures: String, targets: String, allowPrecisionLoss: Bool = false) throws(DescentError) {
        let x = try Matrix<Scalar>(npyFile: npyFeatures, allowPrecisionLoss: allowPrecisionLoss)
        let y = try Matrix<Scalar>(npyFile: targets, allowPrecisionLoss: allowPrecisionLoss)
        guard y.columns == 1 || y.rows == 0 else {
            throw .invalidFile(path: targets, format: ".npy", reason: "targets must be one column, but it has \(y.columns)")
        }
        try self.init(features: x, targets: y.elements)
    }

    /// Reads features and targets from two NumPy `.npy` files; see
    /// ``init(npyFeatures:targets:allowPrecisionLoss:)-(String,_,_)``.
    ///
    /// - Parameters:
    ///   - npyFeatures: The features file's URL.
    ///   - targets: The targets file's URL.
    ///   - allowPrecisionLoss: Round `float64` files into `Float` instead of refusing.
    /// - Throws: as ``init(npyFeatures:targets:allowPrecisionLoss:)-(String,_,_)``.
    public init(npyFeatures: URL, targets: URL, allowPrecisionLoss: Bool = false) throws(DescentError) {
        try self.init(npyFeatures: npyFeatures.path, targets: targets.path, allowPrecisionLoss: allowPrecisionLoss)
    }

    /// A new data set of the given feature columns (zero-based), with their names.
    ///
    /// - Parameter columns: The columns to keep, in order.
    /// - Returns: The same rows and targets with only those feature columns.
    public func selecting(columns: [Int]) -> Dataset {
        var copy = self
        copy.features = features.selecting(columns: columns)
        copy.featureNames = columns.map { featureNames[$0] }
        return copy
    }

    /// A new data set of the rows `range` (zero-based).
    ///
    /// - Parameter range: The rows to keep.
    /// - Returns: Those rows' features and targets.
    public func rows(_ range: Range<Int>) -> Dataset {
        var copy = self
        copy.features = features.rows(range)
        copy.targets = Array(targets[range])
        return copy
    }
}
