import Foundation
import Testing
@testable import Descent

/// Formulas on real tables against patsy's design matrices, statsmodels' formula OLS and R's lm
/// (Resources/tables/generate.py, generate.R).
@Suite("Formulas on real tables")
struct FormulaDesignTests {
    /// The table of a case: rows missing a used cell dropped when patsy dropped some.
    static func table(_ item: TableCase) throws -> Table {
        try Table(csvFile: item.path, missing: item.missingRows > 0 ? .dropRow : .error)
    }

    /// Names, kept rows and every value of the design, to the bit, as patsy's.
    static func checkDesign(_ item: TableCase) throws {
        let design = try Formula(item.formula).design(table(item))
        #expect(design.featureNames == item.names)
        #expect(design.design.hasIntercept == item.intercept)
        #expect(design.targetNames == item.targets)
        #expect(design.rows == item.rows)
        let x = item.features.map(exact)
        #expect(design.features.rows == item.rows.count && design.features.columns == item.names.count)
        var mismatches = 0
        design.features.forEachRow { i, row in
            for j in 0..<item.names.count where row[j].bitPattern != x[i * item.names.count + j].bitPattern {
                if mismatches < 3 { Issue.record("\(item.names[j]) row \(i): \(row[j]) vs patsy's \(x[i * item.names.count + j])") }
                mismatches += 1
            }
        }
        #expect(mismatches == 0)
        let y = item.y.map(exact)
        let targets = design.targetMatrix.withUnsafeBufferPointer { Array($0) }
        #expect(targets.map(\.bitPattern) == y.map(\.bitPattern))
    }

    /// statsmodels' `smf.ols(formula, df).fit()` and R's lm, to at least 9 significant digits;
    /// a rank-deficient design is refused naming a column by patsy's name.
    static func checkSolve(_ item: TableCase) throws -> Double {
        guard item.targets.count == 1 else {
            let fit = try LeastSquares.solveTargets(formula: item.formula, data: table(item))
            #expect(fit.solution.model.targetNames == item.targets)
            return 15
        }
        guard item.isFullRank else {
            do {
                _ = try LeastSquares.solve(formula: item.formula, data: table(item), method: .qr)
                Issue.record("a rank-deficient design was solved by QR")
            } catch let error as DescentError {
                #expect(item.names.contains { error.description.contains("'\($0)'") }, "\(error)")
            }
            return 15
        }
        let fit = try LeastSquares.solve(formula: item.formula, data: table(item))
        let summary = try fit.summary()
        var worst = 15.0
        func check(_ value: Double, _ reference: Double, _ what: String) {
            let d = digits(value, reference)
            worst = Swift.min(worst, d)
            #expect(d >= 9, "\(what): \(value) vs \(reference)")
        }
        if let ols = item.ols {
            #expect(summary.names == ols.names)
            for k in ols.names.indices where k < summary.names.count {
                check(summary.coefficients[k], exact(ols.params[k]), "coefficient \(ols.names[k])")
                check(summary.standardErrors[k], exact(ols.bse[k]), "standard error \(ols.names[k])")
                check(summary.tStatistics[k], exact(ols.tvalues[k]), "t \(ols.names[k])")
                if exact(ols.pvalues[k]) > 1e-300 { check(summary.pValues[k], exact(ols.pvalues[k]), "p \(ols.names[k])") }
            }
            check(summary.rSquared, exact(ols.rsquared), "R²")
            check(summary.adjustedRSquared, exact(ols.rsquared_adj), "adjusted R²")
            check(summary.logLikelihood, exact(ols.llf), "log-likelihood")
            check(summary.aic, exact(ols.aic), "AIC")
            check(summary.bic, exact(ols.bic), "BIC")
            if let f = ols.fvalue { check(summary.fStatistic, exact(f), "F") }
            #expect(summary.observations == ols.nobs)
        }
        if let r = item.r {
            #expect(r.names.count == summary.names.count)
            #expect(r.nobs == summary.observations)
            for k in r.names.indices where k < summary.names.count {
                check(summary.coefficients[k], exact(r.coefficients[k]), "R coefficient \(r.names[k])")
                check(summary.standardErrors[k], exact(r.standardErrors[k]), "R standard error \(r.names[k])")
            }
            check(summary.rSquared, exact(r.rSquared), "R's R²")
        }
        return worst
    }

    @Test("design matrices equal patsy's: names, order, rows and bits", arguments: TableCase.tuning)
    func designs(_ item: TableCase) throws {
        try Self.checkDesign(item)
    }

    @Test("formula OLS matches statsmodels and R to ≥ 9 digits; rank deficiency named", arguments: TableCase.tuning)
    func solves(_ item: TableCase) throws {
        _ = try Self.checkSolve(item)
    }

    @Test("held-out tables (anes96, cpunish): designs and fits", arguments: TableCase.heldOut)
    func heldOut(_ item: TableCase) throws {
        try Self.checkDesign(item)
        _ = try Self.checkSolve(item)
    }

    @Test("the fewest digits reached against statsmodels and R, over every full-rank case")
    func fewestDigits() throws {
        var worst = 15.0
        for item in TableCase.tuning + TableCase.heldOut { worst = Swift.min(worst, try Self.checkSolve(item)) }
        print("formula OLS vs statsmodels and R: at least \(String(format: "%.1f", worst)) significant digits")
        #expect(worst >= 9)
    }

    @Test("Float designs are the Double design rounded")
    func floatDesign() throws {
        let item = TableCase.tuning[0]
        let double = try Formula(item.formula).design(Self.table(item))
        let float = try Formula(item.formula).design(Self.table(item), as: Float.self)
        #expect(float.featureNames == double.featureNames)
        let d = double.features.withUnsafeBufferPointer { Array($0) }, f = float.features.withUnsafeBufferPointer { Array($0) }
        #expect(d.map { Float($0) } == f)
        let fit = try LeastSquares.solve(formula: item.formula, data: Self.table(item), as: Float.self)
        #expect(try fit.summary().names.first == "Intercept")
    }
}
