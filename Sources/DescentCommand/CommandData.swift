import ArgumentParser
import Descent

/// The data of a command that reads it in memory: features, one or several targets, and
/// optional sample weights, with their names.
struct CommandData {
    var features: Matrix<Double>
    /// `n × k`, one column per target.
    var targets: Matrix<Double>
    var featureNames: [String]
    var targetNames: [String]
    var weights: [Double]?

    /// Whether there is one target (the single-target model and file).
    var isSingleTarget: Bool { targets.columns == 1 }

    /// The single target as a data set (with the names).
    func dataset() throws(DescentError) -> Dataset<Double> {
        try Dataset(features: features, targets: targets.column(0), featureNames: featureNames,
                    targetName: targetNames.first)
    }
}

extension DataOptions {
    /// The features, the targets (`--target a,b,c` for several CSV columns, or an `n × k` targets
    /// `.npy` file) and the weights (`--weights`: a CSV column, or a `.npy` file) of the data.
    /// Columns used as targets or weights are not features.
    func commandData(command: String) throws(DescentError) -> CommandData {
        if isNPY {
            guard let targets else {
                throw .invalidOption(name: "--targets", value: "missing", expected: "the targets .npy file for `descent \(command)`")
            }
            let x = try Matrix<Double>(npyFile: data)
            let y = try Matrix<Double>(npyFile: targets)
            guard y.rows == x.rows else { throw .targetCountMismatch(rows: x.rows, targets: y.rows) }
            var weightValues: [Double]? = nil
            if let weights {
                let w = try Matrix<Double>(npyFile: weights)
                guard w.columns == 1 || w.rows == 0 else {
                    throw .invalidFile(path: weights, format: ".npy", reason: "weights must be one column, but it has \(w.columns)")
                }
                weightValues = w.elements
            }
            var names = try Dataset(features: x, targets: [Double](repeating: 0, count: x.rows)).featureNames
            if let given = try npyFeatureNames(columns: x.columns) { names = given }
            return CommandData(features: x, targets: y, featureNames: names,
                               targetNames: y.columns == 1 ? ["y"] : (0..<y.columns).map { "y\($0)" }, weights: weightValues)
        }
        guard let target else {
            throw .invalidOption(name: "--target", value: "missing", expected: "the name of the CSV column to predict")
        }
        let targetNames = target.split(separator: ",").map { String($0).trimmingSpaces() }
        guard !targetNames.isEmpty, !targetNames.contains(""), Set(targetNames).count == targetNames.count else {
            throw .invalidOption(name: "--target", value: target, expected: "one column name, or distinct names separated by commas")
        }
        let all = try Dataset<Double>(csvFile: data, target: targetNames[0], options: csvOptions)
        if all.droppedRows > 0 {
            note("dropped \(all.droppedRows) of \(all.droppedRows + all.rowCount) rows of \(data): an empty, non-numeric or "
                 + "non-finite cell, or the wrong number of cells (--drop-invalid-rows)")
        }
        func index(_ name: String) throws(DescentError) -> Int {
            guard let j = all.featureNames.firstIndex(of: name) else {
                throw .unknownColumn(name: name, available: [targetNames[0]] + all.featureNames)
            }
            return j
        }
        var others = [Int]()
        for name in targetNames.dropFirst() { others.append(try index(name)) }
        let weightColumn = try weights.map { (name) throws(DescentError) -> Int in
            guard !targetNames.contains(name) else {
                throw .invalidOption(name: "--weights", value: name, expected: "a column that is not a target")
            }
            return try index(name)
        }
        let kept = all.featureNames.indices.filter { !others.contains($0) && $0 != weightColumn }
        let x = all.selecting(columns: kept)
        let n = all.rowCount, k = targetNames.count
        let y = try Matrix<Double>(rows: n, columns: k) { i, t in t == 0 ? all.targets[i] : all.features[i, others[t - 1]] }
        return CommandData(features: x.features, targets: y, featureNames: x.featureNames, targetNames: targetNames,
                           weights: weightColumn.map { j in (0..<n).map { all.features[$0, j] } })
    }
}

extension String {
    /// Without leading and trailing spaces.
    func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
