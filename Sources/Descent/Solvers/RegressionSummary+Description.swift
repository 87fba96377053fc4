import Foundation

extension RegressionSummary {
    /// A table a person reads at a glance, laid out like statsmodels' summary: the fit's
    /// statistics, then one row per term with its estimate, standard error, t, p-value and 95 %
    /// interval, then the notes.
    public var description: String {
        let title = isWeighted ? "Weighted least squares (WLS)" : "Ordinary least squares (OLS)"
        let r2Label = hasIntercept ? "R²" : "R² (uncentred)"
        let left: [(String, String)] = [
            ("Observations", "\(observations)"), ("Df residuals", "\(degreesOfFreedom)"),
            ("Df model", "\(modelDegreesOfFreedom)"), ("Residual std. error", number(residualStandardError)),
            ("Condition number", number(conditionNumber)), ("Covariance type", covarianceType),
        ]
        let right: [(String, String)] = [
            (r2Label, number(rSquared)), ("Adj. " + r2Label, number(adjustedRSquared)),
            ("F statistic", number(fStatistic)), ("Prob (F statistic)", number(fPValue)),
            ("Log-likelihood", number(logLikelihood)), ("AIC", number(aic)), ("BIC", number(bic)),
        ]
        var bottom = [String]()
        if let tests = residualTests {
            bottom = SummaryFormat.statistics(
                left: [("Omnibus", number(tests.omnibus)), ("Prob(Omnibus)", number(tests.omnibusPValue)),
                       ("Skew", number(tests.skew)), ("Kurtosis", number(tests.kurtosis))],
                right: [("Durbin-Watson", number(tests.durbinWatson)), ("Jarque-Bera (JB)", number(tests.jarqueBera)),
                        ("Prob(JB)", number(tests.jarqueBeraPValue)), ("Cond. No.", number(conditionNumber))])
            bottom.append(String(repeating: "=", count: 78))
        }
        return SummaryFormat.render(title: title, left: left, right: right, names: names, coefficients: coefficients,
                                    standardErrors: standardErrors, statistics: tStatistics, pValues: pValues,
                                    intervals: confidenceIntervals(level: 0.95), notes: notes, bottom: bottom,
                                    statistic: usesNormalDistribution ? "z" : "t")
    }

    private func number(_ value: Double) -> String { SummaryFormat.number(value) }

}

/// The number and column formatting, and the layout, the printed summaries share.
enum SummaryFormat {
    /// Six significant digits, or scientific notation for magnitudes ≥ 10⁶ or < 10⁻⁴.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        let magnitude = Swift.abs(value)
        return magnitude != 0 && (magnitude >= 1e6 || magnitude < 1e-4) ? String(format: "%.4e", value)
            : String(format: "%.6g", value)
    }

    /// `text` padded with spaces to `width` characters, on the left when `right` (right-aligned).
    static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let padding = String(repeating: " ", count: Swift.max(0, width - text.count))
        return right ? padding + text : text + padding
    }

    /// A whole summary: the title over a rule, the fit's statistics, the table of terms, the notes.
    static func render(title: String, left: [(String, String)], right: [(String, String)], names: [String],
                       coefficients: [Double], standardErrors: [Double], statistics: [Double], pValues: [Double],
                       intervals: [(lower: Double, upper: Double)], notes: [String], bottom: [String] = [],
                       statistic: String = "t", width: Int = 78) -> String {
        var lines = [title, String(repeating: "=", count: width)]
        lines += self.statistics(left: left, right: right)
        lines.append(String(repeating: "=", count: width))
        lines += coefficientTable(names: names, coefficients: coefficients, standardErrors: standardErrors,
                                  statistics: statistics, pValues: pValues, intervals: intervals, width: width,
                                  statistic: statistic)
        lines += bottom
        for (k, note) in notes.enumerated() { lines.append("[\(k + 1)] \(note)") }
        return lines.joined(separator: "\n")
    }

    /// The fit's statistics in two columns of `label: value` pairs.
    static func statistics(left: [(String, String)], right: [(String, String)]) -> [String] {
        (0..<Swift.max(left.count, right.count)).map { row in
            let l = row < left.count ? pad(left[row].0 + ":", 22) + pad(left[row].1, 14, right: true)
                : String(repeating: " ", count: 36)
            let r = row < right.count ? pad(right[row].0 + ":", 24) + pad(right[row].1, 16, right: true) : ""
            return l + "   " + r
        }
    }

    /// The table of terms: a header (`coef`, `std err`, the statistic, its p-value, the 95 %
    /// interval), one row per term, and the closing rule.
    static func coefficientTable(names: [String], coefficients: [Double], standardErrors: [Double],
                                 statistics: [Double], pValues: [Double], intervals: [(lower: Double, upper: Double)],
                                 width: Int, statistic: String = "t") -> [String] {
        let nameWidth = Swift.max(12, (names.map(\.count).max() ?? 0) + 1)
        var lines = [pad("", nameWidth) + pad("coef", 13, right: true) + pad("std err", 12, right: true)
                     + pad(statistic, 9, right: true) + pad("P>|\(statistic)|", 9, right: true) + pad("[0.025", 12, right: true)
                     + pad("0.975]", 12, right: true)]
        lines.append(String(repeating: "-", count: width))
        for k in 0..<coefficients.count {
            lines.append(pad(names[k], nameWidth) + pad(number(coefficients[k]), 13, right: true)
                         + pad(number(standardErrors[k]), 12, right: true)
                         + pad(String(format: "%.3f", statistics[k]), 9, right: true)
                         + pad(String(format: "%.3f", pValues[k]), 9, right: true)
                         + pad(number(intervals[k].lower), 12, right: true) + pad(number(intervals[k].upper), 12, right: true))
        }
        lines.append(String(repeating: "=", count: width))
        return lines
    }
}
