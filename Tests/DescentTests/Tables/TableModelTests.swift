import Foundation
import Testing
@testable import Descent

/// Typed reading, missing cells, unseen levels, and models that carry their design from a
/// formula fit to the raw rows they predict.
@Suite("Tables and models that carry their design")
struct TableModelTests {
    static let grunfeld = TableCase.directory + "/grunfeld.csv"

    @Test("columns are typed from the data: text, integers, booleans, numbers with missing cells")
    func typing() throws {
        let table = try Table(csvFile: Self.grunfeld)
        #expect(table.columnNames == ["invest", "value", "capital", "firm", "year", "postwar"])
        #expect(table.rowCount == 220)
        guard case let .text(firms) = try table.column(named: "firm"),
              case let .numeric(years, integral) = try table.column(named: "year"),
              case let .boolean(postwar) = try table.column(named: "postwar"),
              case let .numeric(capital, false) = try table.column(named: "capital") else {
            Issue.record("wrong column types")
            return
        }
        #expect(firms[0] == "General Motors" && years[0] == 1935 && integral && postwar[0] == false)
        #expect(capital.filter(\.isNaN).count == 6)
        // A file of numbers only goes through the numeric reader and gives the same numbers.
        let numeric = try Table(csvFile: TableCase.directory + "/cpunish.csv", types: ["SOUTH": .text])
        guard case let .text(south) = try numeric.column(named: "SOUTH") else { Issue.record("SOUTH not text"); return }
        #expect(Set(south.compactMap { $0 }) == ["True", "False"])
    }

    @Test("reading: mixed columns keep their text, types override, widths, missing spellings, no header")
    func reading() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tables-read-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func table(_ text: String, _ types: [String: Table.ColumnType] = [:], missingValues: Set<String> = Table.defaultMissingValues,
                   options: CSVOptions = CSVOptions()) throws -> Table {
            let path = folder.appendingPathComponent("\(UUID().uuidString).csv").path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return try Table(csvFile: path, types: types, missingValues: missingValues, options: options)
        }
        // A column of numbers and text is text, each cell as written (as pandas' object column).
        let mixed = try table("a,b,c\n1.50,\"x, y\",TRUE\nz,2,false\n,3,\n")
        #expect(try mixed.column(named: "a") == .text(["1.50", "z", nil]))
        #expect(try mixed.column(named: "b") == .text(["x, y", "2", "3"]))
        #expect(try mixed.column(named: "c") == .boolean([true, false, nil]))
        let numbers = try table("a,b\n1, 2\n\"3\",NA\n-4,5.5\n")
        #expect(try numbers.column(named: "a") == .numeric([1, 3, -4], integral: true))
        guard case let .numeric(b, false) = try numbers.column(named: "b") else { Issue.record("b"); return }
        #expect(b[0] == 2 && b[1].isNaN && b[2] == 5.5)
        #expect(try table("a,b\n1,2\n3,4\n", ["a": .text]).column(named: "a") == .text(["1", "3"]))
        do {
            _ = try table("a,b\n1,2\n3,x\n", ["b": .numeric])
            Issue.record("a text cell was read as a number")
        } catch let error as DescentError {
            #expect(error.description.contains("line 3") && error.description.contains("field 2 ('b')"), "\(error)")
        }
        do {
            _ = try table("a,b\n1,2\n3\n")
            Issue.record("a short row was read")
        } catch let error as DescentError {
            #expect(error.description.contains("line 3") && error.description.contains("this row has 1 cell"), "\(error)")
        }
        var dropping = CSVOptions()
        dropping.dropInvalidRows = true
        let kept = try table("a,b\nx,2\n3\ny,4\n", options: dropping)
        #expect(kept.rowCount == 2 && kept.droppedRows == ["the wrong number of cells": 1])
        // A missing spelling that is a number is compared as text.
        let sentinel = try table("a,b\n1,-999\n2,3\n", missingValues: ["-999", ""])
        guard case let .numeric(values, _) = try sentinel.column(named: "b") else { Issue.record("b"); return }
        #expect(values[0].isNaN && values[1] == 3)
        let unnamed = try table("x,1\ny,2\n", options: CSVOptions(hasHeader: false))
        #expect(unnamed.columnNames == ["column 1", "column 2"] && unnamed.rowCount == 2)
        #expect(try unnamed.column(named: "column 1") == .text(["x", "y"]))
    }

    @Test("a missing cell the formula uses is an error naming row, line and column; unused cells do not matter")
    func missingCells() throws {
        let table = try Table(csvFile: Self.grunfeld)
        expectDescentError(.missingValue(source: Self.grunfeld, row: 5, line: 7, column: "capital")) {
            _ = try Formula("invest ~ capital + C(firm)").design(table)
        }
        #expect(try Formula("invest ~ value").design(table).rows.count == 220)
        let dropped = try Formula("invest ~ capital").design(Table(csvFile: Self.grunfeld, missing: .dropRow))
        #expect(dropped.rows.count == 214 && !dropped.rows.contains(5))
    }

    /// The grunfeld table without the rows of `firm`.
    static func without(_ firm: String) throws -> (train: Table, all: Table) {
        let all = try Table(csvFile: grunfeld)
        guard case let .text(firms) = try all.column(named: "firm") else { throw DescentError.noRows }
        return (all.selecting(rows: firms.indices.filter { firms[$0] != firm }), all)
    }

    @Test("a level unseen in training is an error naming the factor, level and row; opt-in maps it to the reference")
    func unseenLevels() throws {
        let (train, all) = try Self.without("IBM")
        let fit = try LeastSquares.solve(formula: "invest ~ value + C(firm)", data: train)
        let known = fit.model.design!.factors.first { $0.code == "C(firm)" }!.levels!.map(\.name)
        #expect(!known.contains("IBM"))
        guard case let .text(firms) = try all.column(named: "firm") else { return }
        let firstIBM = firms.firstIndex(of: "IBM")!
        expectDescentError(.unseenLevel(factor: "C(firm)", level: "IBM", known: known, row: firstIBM)) {
            _ = try fit.model.predict(table: all)
        }
        let mapped = try fit.model.predict(table: all, unseenLevels: .reference)
        // The reference level (the first sorted firm) has no dummy: bias + value's weight alone.
        guard case let .numeric(values, _) = try all.column(named: "value") else { return }
        let valueWeight = fit.model.weights[fit.model.featureNames!.firstIndex(of: "value")!]
        for i in firms.indices where firms[i] == "IBM" {
            #expect(mapped[i] == fit.model.bias + valueWeight * values[i])
        }
    }

    @Test("a saved model predicts the raw CSV exactly as its design matrix", arguments: [
        "invest ~ value + C(firm, Treatment(\"IBM\")) + postwar",
        "invest ~ np.log(value) + standardize(value) + C(firm, Sum) + value:postwar",
        "invest ~ center(value) + I(value ** 2) + C(year)",
    ])
    func savedModelPredictsRawRows(_ formula: String) throws {
        let table = try Table(csvFile: Self.grunfeld)
        let fit = try LeastSquares.solve(formula: formula, data: table)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tables-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try fit.model.save(to: path)
        let loaded = try LinearModel<Double>(contentsOf: path)
        #expect(loaded.design == fit.model.design)
        #expect(loaded.featureNames == fit.data.featureNames)
        // New rows without the target, with an extra column: the design ignores both.
        let raw = try Table(csvFile: Self.grunfeld).choosing(["invest"], keep: false)
        let fromRaw = try loaded.predict(table: raw)
        let fromMatrix = try fit.model.predict(fit.data.features)
        #expect(fromRaw.map(\.bitPattern) == fromMatrix.map(\.bitPattern))
        // The saved file says version 2; a version-1 file (no design) still reads.
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("\"version\" : 2"))
        let old = "{\"format\": \"descent.linear-model\", \"version\": 1, \"precision\": \"float64\", \"weights\": [1, 2], \"bias\": 3}"
        let oldPath = path + ".v1.json"
        try old.write(toFile: oldPath, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: oldPath) }
        let v1 = try LinearModel<Double>(contentsOf: oldPath)
        #expect(v1.weights == [1, 2] && v1.design == nil)
    }

    @Test("several targets: the formula's solve and fit carry the design, which predicts raw rows after a reload")
    func severalTargets() throws {
        let table = try Table(csvFile: Self.grunfeld, missing: .dropRow)
        let fit = try LeastSquares.solveTargets(formula: "invest + capital ~ value + C(firm)", data: table)
        #expect(fit.solution.model.targetNames == ["invest", "capital"])
        #expect(try fit.summaries().map { $0.names.first } == ["Intercept", "Intercept"])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tables-multi-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try fit.solution.model.save(to: path)
        let loaded = try MultiLinearModel<Double>(contentsOf: path)
        // The rows the fit kept (capital, a target, is missing in six), without the target columns.
        let fromRaw = try loaded.predict(table: table.selecting(rows: fit.data.rows).choosing(["invest", "capital"], keep: false))
        let fromMatrix = try fit.solution.model.predict(fit.data.features)
        #expect(fromRaw.elements.map(\.bitPattern) == fromMatrix.elements.map(\.bitPattern))
    }

    @Test("robust and quantile fits take a formula: the matrix fits of patsy's design, named as statsmodels names them")
    func robustAndQuantile() throws {
        let item = TableCase.tuning[1]   // grunfeld: invest ~ value + C(firm, Treatment("IBM")) + postwar
        let table = try Table(csvFile: item.path)
        let x = try Matrix(rows: item.rows.count, columns: item.names.count, elements: item.features.map(exact))
        let y = item.y.map(exact)
        let robust = try RobustRegression.fit(formula: item.formula, data: table, norm: .huber(t: 1.345))
        let matrix = try RobustRegression.fit(x, y, norm: .huber(t: 1.345))
        #expect(robust.coefficients == matrix.coefficients)
        #expect(try robust.summary().names == ["Intercept"] + item.names)
        let median = try QuantileRegression<Double>.fit(formula: item.formula, data: table, quantile: 0.5)
        let medianMatrix = try QuantileRegression<Double>.fit(x, y, quantile: 0.5)
        #expect(median.model.weights == medianMatrix.model.weights && median.model.bias == medianMatrix.model.bias)
        #expect(try median.summary().names == ["Intercept"] + item.names)
        #expect(try median.model.predict(table: table) == medianMatrix.model.predict(x))
    }

    @Test("gradient descent on a formula reaches the exact formula solve and predicts raw rows")
    func gradientDescent() throws {
        // A seeded table: a number, a three-level text column, a boolean.
        var random = RandomSource(seed: 7)
        let n = 300
        let x = (0..<n).map { _ in Double.random(in: -1...1, using: &random) }
        let g = (0..<n).map { ["b", "a", "c"][$0 % 3] }
        let s = (0..<n).map { $0 % 4 == 0 }
        let y = (0..<n).map { i in 1 + 2 * x[i] + (g[i] == "b" ? 0.5 : g[i] == "c" ? -1 : 0) + (s[i] ? 0.3 : 0)
            + 0.1 * Double.random(in: -1...1, using: &random) }
        let table = try Table(names: ["y", "x", "g", "s"],
                              columns: [.numeric(y, integral: false), .numeric(x, integral: false), .text(g), .boolean(s)])
        let formula = "y ~ x + g + s"
        let exact = try LeastSquares.solve(formula: formula, data: table)
        var model = LinearModel<Double>()
        let trainer = GradientDescent<Double>(mode: .batch, learningRate: 0.5, epochs: 3000, lossThreshold: nil)
        try trainer.fit(&model, formula: formula, data: table)
        #expect(model.featureNames == ["g[T.b]", "g[T.c]", "s[T.True]", "x"])
        for (a, b) in zip(model.weights, exact.model.weights) { #expect(Swift.abs(a - b) <= 1e-6 * Swift.max(1, Swift.abs(b))) }
        #expect(Swift.abs(model.bias - exact.model.bias) <= 1e-6)
        #expect(try model.predict(table: table).count == n)
        // Without an intercept gradient descent refuses, naming the exact solve.
        var other = LinearModel<Double>()
        #expect(throws: DescentError.self) { try trainer.fit(&other, formula: "y ~ 0 + x + g", data: table) }
    }
}
