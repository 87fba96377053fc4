import ArgumentParser
import Descent
import Foundation

/// The options of commands that read a CSV file as a typed table: a model formula, the
/// missing-cell policy, columns to leave out or keep.
struct TableOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "A model formula, as R and statsmodels write it: \"price ~ carat + C(cut) + color\" (text and True/False columns are categorical; patsy's names).",
        discussion: "Terms: a + b, a:b, a*b, (a + b)**2, C(g), C(g, Treatment(\"b\")), C(g, Sum), I(x ** 2), np.log(x), center(x), standardize(x); - 1 drops the intercept."))
    var formula: String?

    @Option(help: "A missing cell (empty, NA, NaN, null) in a column the formula uses: error or drop (the row).")
    var missing: MissingArgument = .error

    @Option(help: "Columns to leave out, comma-separated (e.g. --exclude id,name).")
    var exclude: String?

    @Option(help: "The only feature columns to use, comma-separated (e.g. --columns carat,depth).")
    var columns: String?

    /// The comma list of `text`, spaces trimmed.
    static func list(_ text: String?) -> [String] {
        (text ?? "").split(separator: ",").map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
    }

    /// Whether the data goes through a typed table rather than the numeric reader.
    var usesTable: Bool { exclude != nil || columns != nil }

    func validate() throws {
        if formula != nil, exclude != nil || columns != nil {
            throw ValidationError("--formula names the columns it uses; drop --exclude and --columns")
        }
        if exclude != nil, columns != nil { throw ValidationError("give --exclude or --columns, not both") }
    }
}

/// How `descent predict` reads raw rows: the missing-cell policy, unseen levels, an id column.
struct PredictTableOptions: ParsableArguments {
    @Option(help: "A missing cell in a column the model uses: error or drop (the row; with --id the output keeps each row's id).")
    var missing: MissingArgument = .error

    @Option(help: "A level the model was not fitted on: error, or reference (code it as the reference level).")
    var unseenLevels: UnseenLevelsArgument = .error

    @Option(help: "A column to pass through to the output beside each prediction (e.g. --id id).")
    var id: String?
}

/// `--missing error|drop`.
enum MissingArgument: String, ExpressibleByArgument, CaseIterable {
    case error, drop

    var policy: Table.MissingPolicy { self == .drop ? .dropRow : .error }
}

/// `--unseen-levels error|reference`.
enum UnseenLevelsArgument: String, ExpressibleByArgument, CaseIterable {
    case error, reference

    var value: UnseenLevels { self == .reference ? .reference : .error }
}

extension DataOptions {
    /// The names of a features `.npy` file's columns: `--names`, else the `FEATURES.names` file
    /// `descent convert` wrote beside it; `nil` when neither is there.
    func npyFeatureNames(columns: Int) throws(DescentError) -> [String]? {
        var given = names.map { TableOptions.list($0) }
        if given == nil, FileManager.default.fileExists(atPath: data + ".names") {
            given = try CSVReader.read(path: data + ".names", options: CSVOptions()).columnNames
        }
        guard let given else { return nil }
        guard given.count == columns else {
            throw .invalidOption(name: "--names", value: "\(given.count) names",
                                 expected: "one per column of \(data) (\(columns))")
        }
        return given
    }

    /// The CSV file as a typed table, with a note on stderr of any rows the reader dropped.
    func table(missing: Table.MissingPolicy) throws(DescentError) -> Table {
        guard !isNPY else {
            throw .invalidOption(name: "--formula", value: "with a .npy file", expected: "used with a CSV file (a formula reads its columns by name)")
        }
        let table = try Table(csvFile: data, missing: missing, options: csvOptions)
        for (reason, count) in table.droppedRows.sorted(by: { $0.key < $1.key }) {
            note("dropped \(count) row\(count == 1 ? "" : "s") of \(data) with \(reason)")
        }
        return table
    }
}

extension TableOptions {
    /// The CSV data through a table: targets and weights by name, the features every other
    /// column (less `--exclude`) or `--columns`; booleans as 0/1. Text columns are refused with
    /// the flags that handle them.
    func commandData(_ input: DataOptions) throws(DescentError) -> CommandData {
        guard let target = input.target else {
            throw .invalidOption(name: "--target", value: "missing", expected: "the name of the CSV column to predict")
        }
        let table = try input.table(missing: missing.policy)
        let targets = Self.list(target)
        let excluded = Set(Self.list(exclude) + targets + (input.weights.map { [$0] } ?? []))
        let chosen = columns.map { _ in Self.list(columns) } ?? table.columnNames.filter { !excluded.contains($0) }
        func numbers(_ name: String) throws(DescentError) -> [Double] { try numericColumn(name, of: table) }
        var x = [[Double]]()
        for name in chosen { x.append(try numbers(name)) }
        var y = [[Double]]()
        for name in targets { y.append(try numbers(name)) }
        let n = table.rowCount
        return CommandData(features: try Matrix(rows: n, columns: chosen.count) { i, j in x[j][i] },
                           targets: try Matrix(rows: n, columns: targets.count) { i, t in y[t][i] },
                           featureNames: chosen, targetNames: targets,
                           weights: try input.weights.map { (name) throws(DescentError) in try numbers(name) })
    }
}

extension Solve {
    /// `descent solve data.csv --formula "y ~ …"`: the exact solve of the formula, its summary
    /// with patsy's names, the model saved with its design.
    func solveFormula(_ formula: String) throws(DescentError) {
        let table = try input.table(missing: tableOptions.missing.policy)
        if try Formula(formula).targetNames.count > 1 {
            let fit = try LeastSquares.solveTargets(formula: formula, data: table, method: method.method, ridge: ridge)
            if summary {
                for (name, table) in zip(fit.data.targetNames, try fit.summaries()) { print("target \(name)\n\(table)\n") }
                if let output { try fit.solution.model.save(to: output) }
            } else {
                try report(fit.solution, featureNames: fit.data.featureNames, targetNames: fit.data.targetNames)
            }
            return
        }
        let fit = try LeastSquares.solve(formula: formula, data: table, weights: input.weights, method: method.method,
                                         ridge: ridge)
        print(summary ? "\(try fit.summary())" : Self.table(fit.solution, names: fit.data.featureNames))
        if let output { try fit.model.save(to: output) }
    }
}

extension Fit {
    /// `descent fit --formula "y1 + y2 ~ …"`: a model of several targets, saved with its design.
    func fitSeveral(_ gd: GradientDescent<Double>, formula: String, _ table: Table) throws(DescentError) {
        var model = MultiLinearModel<Double>()
        if let initial { model = try MultiLinearModel(contentsOf: initial) }
        let progress = ProgressReporter(epochs: gd.epochs, rows: table.rowCount, quiet: quiet)
        let trained = try gd.fit(&model, formula: formula, data: table) { progress.epochDone($0) }
        progress.finish(trained)
        try conclude(trained) { () throws(DescentError) in try model.save(to: output) }
    }
}

extension Predict {
    /// Predictions of a saved model for the raw rows of a CSV file (a formula model's design
    /// rebuilds the columns; a plain model's columns are read by name; others are ignored), with
    /// intervals at level `intervals` when asked and an id column passed through.
    func predictTable(_ saved: LinearModel<Double>, intervals: Double?) throws(DescentError) -> String {
        let table = try input.table(missing: predictOptions.missing.policy)
        let features: Matrix<Double>, rows: [Int]
        if let design = saved.design {
            let matrices = try design.features(table, as: Double.self, unseenLevels: predictOptions.unseenLevels.value)
            (features, rows) = (matrices.features, matrices.rows)
        } else {
            // A model of plain columns: read them by name (columns it does not use, text or not, do not matter).
            let names = saved.featureNames ?? []
            var x = [[Double]]()
            for name in names { x.append(try numericColumn(name, of: table)) }
            features = try Matrix<Double>(rows: table.rowCount, columns: names.count) { i, j in x[j][i] }
            rows = Array(0..<table.rowCount)
        }
        return try Self.withID(try Self.table(saved, features, intervals: intervals), rows: rows, table: table,
                               id: predictOptions.id)
    }

    /// The prediction lines (`prediction…` then one line a row), with the `id` column first when asked.
    static func withID(_ text: String, rows: [Int], table: Table, id: String?) throws(DescentError) -> String {
        guard let id else { return text }
        let ids: [String]
        switch try table.column(named: id) {
        case let .numeric(cells, integral): ids = cells.map { $0.isNaN ? "" : integral ? String(Int64($0)) : "\($0)" }
        case let .text(cells): ids = cells.map { $0.map(csvField) ?? "" }
        case let .boolean(cells): ids = cells.map { $0.map { $0 ? "True" : "False" } ?? "" }
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        return "\(csvField(id)),\(lines.first ?? "")\n" + zip(rows, lines.dropFirst()).map { "\(ids[$0]),\($1)" }
            .joined(separator: "\n") + "\n"
    }
}

/// A numeric or boolean (0/1) column of `table`, every cell present.
func numericColumn(_ name: String, of table: Table) throws(DescentError) -> [Double] {
    let values: [Double?]
    switch try table.column(named: name) {
    case let .numeric(cells, _): values = cells.map { $0.isNaN ? nil : $0 }
    case let .boolean(cells): values = cells.map { $0.map { $0 ? 1 : 0 } }
    case .text:
        throw .invalidOption(name: "column '\(name)'", value: "text",
                             expected: "numbers or True/False: leave it out (--exclude \(name)) or model it "
                                 + "(--formula \"… ~ … + \(name)\")")
    }
    return try values.enumerated().map { (i, value) throws(DescentError) -> Double in
        guard let value else { throw .missingValue(source: table.source, row: i, line: table.line(ofRow: i), column: name) }
        return value
    }
}

/// A CSV field, quoted when it holds a comma, quote or line end.
func csvField(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}
