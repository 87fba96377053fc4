import Foundation
import Testing
@testable import Descent

/// `descent` on real tables with text, boolean and missing cells, as a new user meets it.
@Suite("The descent command on tables and formulas")
struct TableCommandTests {
    let grunfeld = TableCase.directory + "/grunfeld.csv"

    func run(_ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        let result = try DescentCommandTests.launch(DescentCommandTests.executable, arguments)
        return (result.status, result.output, result.errors)
    }

    @Test("solve --formula --summary prints statsmodels' names; the saved model predicts the raw CSV with an id column")
    func solveAndPredict() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tables-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("m.json").path
        let solved = try run(["solve", grunfeld, "--formula", "invest ~ value + C(firm, Treatment(\"IBM\")) + postwar",
                              "--summary", "--output", model])
        #expect(solved.status == 0, "\(solved.errors)")
        for name in ["Intercept", "C(firm, Treatment(\"IBM\"))[T.Chrysler]", "postwar[T.True]", "value"] {
            #expect(solved.output.contains(name))
        }
        // Predicting the raw table (text, boolean and missing cells in columns it does not use).
        let predicted = try run(["predict", model, grunfeld, "--id", "firm"])
        #expect(predicted.status == 0, "\(predicted.errors)")
        let lines = predicted.output.split(separator: "\n")
        #expect(lines.first == "firm,prediction" && lines.count == 221)
        let fit = try LeastSquares.solve(formula: "invest ~ value + C(firm, Treatment(\"IBM\")) + postwar",
                                         data: Table(csvFile: grunfeld))
        let expected = try fit.model.predict(fit.data.features)
        #expect(lines.dropFirst().map { Double($0.split(separator: ",").last!)! } == expected)
        #expect(lines[1].hasPrefix("General Motors,"))
    }

    @Test("fit --formula trains by gradient descent and saves the design")
    func fitFormula() throws {
        let model = FileManager.default.temporaryDirectory.appendingPathComponent("tables-fit-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: model) }
        let fitted = try run(["fit", grunfeld, "--formula", "invest ~ value + C(firm)", "--output", model, "--quiet"])
        #expect(fitted.status == 0, "\(fitted.errors)")
        let saved = try LinearModel<Double>(contentsOf: model)
        #expect(saved.design?.formula == "invest ~ value + C(firm)")
        #expect(saved.featureNames?.last == "value")
        // Several targets on the left: a multi-target model with its design, predicting the raw CSV.
        let multi = try run(["fit", grunfeld, "--formula", "invest + value ~ C(firm) + year", "--output", model, "--quiet"])
        #expect(multi.status == 0, "\(multi.errors)")
        #expect(try MultiLinearModel<Double>(contentsOf: model).design?.targetNames == ["invest", "value"])
        let predicted = try run(["predict", model, grunfeld])
        #expect(predicted.status == 0 && predicted.output.hasPrefix("invest,value\n"), "\(predicted.errors)")
    }

    @Test("a missing cell names its row, line and column and the flag that drops it; --missing drop drops it")
    func missingCell() throws {
        let failed = try run(["solve", grunfeld, "--formula", "invest ~ capital"])
        #expect(failed.status == 1)
        #expect(failed.errors.contains("row 5 (line 7), column 'capital'") && failed.errors.contains("--missing drop"))
        let dropped = try run(["solve", grunfeld, "--formula", "invest ~ capital", "--missing", "drop", "--summary"])
        #expect(dropped.status == 0 && dropped.output.contains("214"))
    }

    @Test("a text cell in a numeric fit names the field by number and header name, and the flags that help")
    func fieldNamed() throws {
        let failed = try run(["solve", grunfeld, "--target", "invest"])
        #expect(failed.status == 1)
        #expect(failed.errors.contains("line 2, field 4 ('firm')"), "\(failed.errors)")
        #expect(failed.errors.contains("--exclude") && failed.errors.contains("--drop-invalid-rows"))
        // --exclude leaves the text column out; True/False cells are read as 0/1.
        let excluded = try run(["solve", grunfeld, "--target", "invest", "--exclude", "firm,capital"])
        #expect(excluded.status == 0 && excluded.output.contains("postwar"), "\(excluded.errors)")
        let chosen = try run(["solve", grunfeld, "--target", "invest", "--columns", "value,year"])
        #expect(chosen.status == 0 && !chosen.output.contains("postwar"))
    }

    @Test("an unseen level is an error naming it and the flag; --unseen-levels reference predicts")
    func unseenLevel() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tables-unseen-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = try String(contentsOfFile: grunfeld, encoding: .utf8)
        let training = folder.appendingPathComponent("train.csv").path
        try text.split(separator: "\n").filter { !$0.contains(",IBM,") }.joined(separator: "\n")
            .write(toFile: training, atomically: true, encoding: .utf8)
        let model = folder.appendingPathComponent("m.json").path
        #expect(try run(["solve", training, "--formula", "invest ~ value + firm", "--output", model]).status == 0)
        let failed = try run(["predict", model, grunfeld])
        #expect(failed.status == 1 && failed.errors.contains("'IBM'") && failed.errors.contains("--unseen-levels reference"))
        #expect(try run(["predict", model, grunfeld, "--unseen-levels", "reference"]).status == 0)
    }

    @Test("--learning-rate -1 is a clear error, not a missing value")
    func negativeRate() throws {
        let failed = try run(["fit", grunfeld, "--target", "invest", "--learning-rate", "-1", "--output", "/tmp/never.json"])
        #expect(failed.status != 0 && failed.errors.contains("--learning-rate must be a finite number > 0, not -1"))
    }

    @Test("dropped rows are counted and explained; --help shows defaults as values; the loss plot has a log axis and labels")
    func firstHour() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tables-hour-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let some = folder.appendingPathComponent("some.csv").path
        try "a,b,y\n1,2,3\n4,x,6\n7,8,9\n1,1,2\n".write(toFile: some, atomically: true, encoding: .utf8)
        let dropped = try run(["solve", some, "--target", "y", "--drop-invalid-rows"])
        #expect(dropped.status == 0 && dropped.errors.contains("dropped 1 of 4 rows"))
        let all = folder.appendingPathComponent("all.csv").path
        try "a,b,y\n1,q,3\n4,x,6\n".write(toFile: all, atomically: true, encoding: .utf8)
        let none = try run(["solve", all, "--target", "y", "--drop-invalid-rows"])
        #expect(none.status == 1 && none.errors.contains("every one of its 2 data rows was dropped")
                && none.errors.contains("--exclude"))
        let help = try run(["fit", "--help"])
        #expect(help.output.contains("(default: none)") && help.output.contains("(default: constant)")
                && !help.output.contains("PenaltyArgument("))
        let plot = folder.appendingPathComponent("loss.svg").path
        let fitted = try run(["fit", grunfeld, "--target", "invest", "--columns", "value,year", "--learning-rate", "1e-9",
                              "--epochs", "5", "--output", folder.appendingPathComponent("m.json").path, "--plot", plot,
                              "--quiet"])
        #expect(fitted.status == 0, "\(fitted.errors)")
        let svg = try String(contentsOfFile: plot, encoding: .utf8)
        #expect(svg.contains(">epoch<") && svg.contains(">loss (log scale)<"))
    }

    @Test("convert keeps the column names: a model trained on its .npy files predicts the original CSV; --names names .npy columns")
    func convertKeepsNames() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tables-npy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // A CSV with the target first and an extra text column the model will not use.
        let csv = folder.appendingPathComponent("data.csv").path
        try "id,y,x1,x2\na,1,4,1\nb,5,8,2\nc,2,1,3\nd,7,9,4\ne,3,2,2\n".write(toFile: csv, atomically: true, encoding: .utf8)
        let numeric = folder.appendingPathComponent("numeric.csv").path
        try "y,x2,x1\n1,1,4\n5,2,8\n2,3,1\n7,4,9\n3,2,2\n".write(toFile: numeric, atomically: true, encoding: .utf8)
        let x = folder.appendingPathComponent("X.npy").path, y = folder.appendingPathComponent("y.npy").path
        let converted = try run(["convert", numeric, x, y, "--target", "y"])
        #expect(converted.status == 0, "\(converted.errors)")
        #expect(try String(contentsOfFile: x + ".names", encoding: .utf8) == "x2,x1\n")
        let model = folder.appendingPathComponent("m.json").path
        #expect(try run(["solve", x, "--targets", y, "--output", model]).status == 0)
        #expect(try LinearModel<Double>(contentsOf: model).featureNames == ["x2", "x1"])
        let predicted = try run(["predict", model, csv, "--id", "id"])
        #expect(predicted.status == 0, "\(predicted.errors)")
        #expect(predicted.output.hasPrefix("id,prediction\na,"))
        let renamed = try run(["solve", x, "--targets", y, "--names", "b,a"])
        #expect(renamed.status == 0 && renamed.output.contains("b ") && renamed.output.contains("a "))
        let wrong = try run(["solve", x, "--targets", y, "--names", "only"])
        #expect(wrong.status == 1 && wrong.errors.contains("--names"))
    }
}
