import Foundation
import Testing
@testable import Descent

/// One NIST StRD polynomial data set as a caller has it: `x` and `y` parsed to `Double`, with the
/// certified coefficients, standard errors and residual sum of squares.
struct NISTPolynomial: Sendable, CustomTestStringConvertible {
    let name: String
    let degree: Int
    let x: [Double]
    let y: [Double]
    let certified: [Double]
    let certifiedStandardErrors: [Double]
    let certifiedResidualSumOfSquares: Double

    var testDescription: String { name }

    static let degrees = ["Norris": 1, "Pontius": 2, "Filip": 10,
                          "Wampler1": 5, "Wampler2": 5, "Wampler3": 5, "Wampler4": 5, "Wampler5": 5]
    static let names = ["Norris", "Pontius", "Filip", "Wampler1", "Wampler2", "Wampler3", "Wampler4", "Wampler5"]

    static func load(_ name: String) throws -> NISTPolynomial {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: TestData.url("nist/certified.json")))
        let entry = try #require((json as? [String: Any])?[name] as? [String: Any])
        let parameters = try #require(entry["parameters"] as? [String])
        let columns = try #require(entry["design_columns"] as? [String])
        let degree = try #require(degrees[name])
        #expect(columns == ["1", "x"] + (2...Swift.max(2, degree)).prefix(degree - 1).map { "x^\($0)" })
        func number(_ text: String?) throws -> Double { try #require(text.flatMap { Double($0) }, "\(name): \(text ?? "nil")") }
        func values(_ key: String) throws -> [Double] {
            let table = try #require(entry[key] as? [String: String])
            return try parameters.map { try number(table[$0]) }
        }
        let anova = try #require(entry["anova"] as? [String: Any])
        let residual = try #require(anova["residual"] as? [String: Any])
        let (header, rows) = try TestData.csv("nist/\(name).csv")
        let xIndex = try #require(header.firstIndex(of: "x")), yIndex = try #require(header.firstIndex(of: "y"))
        return NISTPolynomial(name: name, degree: degree, x: rows.map { $0[xIndex] }, y: rows.map { $0[yIndex] },
                              certified: try values("certified"), certifiedStandardErrors: try values("certified_sd"),
                              certifiedResidualSumOfSquares: try number(residual["ss"] as? String))
    }

    /// Correct significant digits of `estimate` against `certified`: the log relative error
    /// `−log₁₀(|x − c|/|c|)`, 15 when equal, capped at 15 (NIST's rule, as in ``NISTDataset``).
    /// A certified exact zero (Wampler1's and Wampler2's residuals and standard errors) has no
    /// relative error: there the log absolute error `−log₁₀|x|` counts, as in McCullough's
    /// assessments of statistical software against StRD.
    static func digits(_ estimate: Double, _ certified: Double) -> Double {
        let error = Swift.abs(estimate - certified)
        if error == 0 { return 15 }
        return Swift.min(15, -Foundation.log10(certified == 0 ? error : error / Swift.abs(certified)))
    }

    /// The fewest correct digits over the coefficients.
    func digits(_ fit: PolynomialFit) -> Double {
        zip(fit.coefficients, certified).map { Self.digits($0, $1) }.min() ?? 0
    }
}

@Suite("Polynomial fit")
struct PolynomialFitTests {
    /// The fewest correct digits over the coefficients, as measured (OpenBLAS plays no part: the
    /// fit is pure Swift), rounded down to a tenth. Each is what exact arithmetic on the
    /// `Double`-rounded data gives (mpmath, 100 digits): the data's rounding, not the solver, sets
    /// it. numpy.polyfit on the same `Double` data, for comparison: Norris 12.2, Pontius 12.7,
    /// Filip 7.8, Wampler1 8.9, Wampler2 13.2, Wampler3 9.2, Wampler4 8.1, Wampler5 6.2.
    static let minimumDigits: [String: Double] = [
        "Norris": 14.0, "Pontius": 13.5, "Filip": 14.0, "Wampler1": 15.0,
        "Wampler2": 13.2, "Wampler3": 15.0, "Wampler4": 15.0, "Wampler5": 15.0,
    ]

    /// The exact least-squares solution for the `Double`-rounded data, correctly rounded to
    /// `Double` (mpmath, 100 digits, QR on the exact powers of the `Double` x values).
    static let exactForDoubleData: [String: [Double]] = [
        "Norris": [-0.26232307377402675, 1.0021168180204545],
        "Pontius": [0.0006735657894736632, 7.320591604010026e-07, -3.1608187134503054e-15],
        "Filip": [-1467.4896142297885, -2772.17959193341, -2316.3710816089188, -1127.97394098371,
                  -354.4782337033469, -75.12420173937532, -10.875318035534194, -1.062214985889462,
                  -0.06701911545934047, -0.002467810782754773, -4.029625250804014e-05],
        "Wampler2": [0.9999999999999998, 0.10000000000000081, 0.009999999999999617, 0.001000000000000063,
                     9.999999999999588e-05, 1.000000000000009e-05],
    ]

    @Test("every NIST polynomial data set to its certified digits", arguments: NISTPolynomial.names)
    func nist(name: String) throws {
        let data = try NISTPolynomial.load(name)
        let fit = try LeastSquares.polynomialFit(x: data.x, y: data.y, degree: data.degree)
        #expect(fit.degree == data.degree && fit.rank == data.degree + 1 && fit.coefficients.count == data.degree + 1)
        let digits = data.digits(fit)
        let floor = try #require(Self.minimumDigits[name])
        #expect(floor >= 13)
        #expect(digits >= floor, "\(name): \(digits) digits, expected ≥ \(floor)")
        // The residual sum of squares and the standard errors (what an inference summary will
        // report) to 13 digits or more as well.
        let rssDigits = NISTPolynomial.digits(fit.residualSumOfSquares, data.certifiedResidualSumOfSquares)
        #expect(rssDigits >= 13, "\(name): RSS \(fit.residualSumOfSquares), \(rssDigits) digits")
        let standardErrors = try #require(fit.standardErrors)
        let seDigits = zip(standardErrors, data.certifiedStandardErrors).map { NISTPolynomial.digits($0, $1) }.min() ?? 0
        #expect(seDigits >= 13.5, "\(name): standard errors \(standardErrors), \(seDigits) digits")
        print("\(name) (degree \(data.degree)): coefficients \(String(format: "%.2f", digits)), "
              + "RSS \(String(format: "%.2f", rssDigits)), standard errors \(String(format: "%.2f", seDigits)) digits; "
              + "condition \(fit.conditionEstimate)")
    }

    @Test("the coefficients are the exact solution for the Double data, correctly rounded",
          arguments: ["Norris", "Pontius", "Filip", "Wampler2"])
    func correctlyRounded(name: String) throws {
        let data = try NISTPolynomial.load(name)
        let fit = try LeastSquares.polynomialFit(x: data.x, y: data.y, degree: data.degree)
        #expect(fit.coefficients == Self.exactForDoubleData[name], "\(name)")
    }

    @Test("the condition number is the one LeastSquares.solve estimates for the same columns",
          arguments: ["Pontius", "Filip", "Wampler1"])
    func condition(name: String) throws {
        let data = try NISTPolynomial.load(name)
        let fit = try LeastSquares.polynomialFit(x: data.x, y: data.y, degree: data.degree)
        let powers = data.x.flatMap { x in (1...data.degree).map { Foundation.pow(x, Double($0)) } }
        let design = try Matrix(rows: data.x.count, columns: data.degree, elements: powers)
        let solution = try LeastSquares.solve(design, data.y, method: .qr)
        // trcon estimates (from below, within a small factor) what the fit computes exactly.
        let ratio = fit.conditionEstimate / solution.conditionEstimate
        #expect(ratio >= 0.99 && ratio <= 3, "\(name): \(fit.conditionEstimate) vs \(solution.conditionEstimate)")
    }

    @Test("random cubics with exactly representable data are recovered to the last bit")
    func randomCubics() throws {
        var random = RandomSource(seed: 2024)
        for trial in 0..<25 {
            // Coefficients k/8 with |k| ≤ 64, x distinct integers in [−20, 20]: every y is exact,
            // and so is the least-squares answer (zero residual).
            let coefficients = (0...3).map { _ in Double(Int(random.next() % 129) - 64) / 8 }
            var pool = Array(-20...20)
            random.shuffle(&pool)
            let x = pool.prefix(12).map(Double.init)
            let y = x.map { x in coefficients.reversed().reduce(0.0) { $0 * x + $1 } }
            let fit = try LeastSquares.polynomialFit(x: x, y: y, degree: 3)
            // Within 2 ulps of each coefficient; a coefficient that is exactly zero comes back
            // within double-double's resolution of the polynomial's scale.
            let scale = coefficients.map(\.magnitude).max() ?? 0
            for (estimate, exact) in zip(fit.coefficients, coefficients) {
                let tolerance = exact == 0 ? 0x1p-100 * scale : 2 * exact.ulp
                #expect(Swift.abs(estimate - exact) <= tolerance, "trial \(trial): \(fit.coefficients) vs \(coefficients)")
            }
            #expect(fit.residualSumOfSquares <= 0x1p-200 * y.map { $0 * $0 }.reduce(0, +))
        }
    }

    @Test("data far from the origin: powers of x well beyond a Double design's reach")
    func farFromOrigin() throws {
        // y = 1 + x + x² at x = 10⁶ … 10⁶ + 40: integers below 2⁵³, exact. c₀ is the value at
        // x = 0, 10⁶ widths away, and 10¹² times smaller than y: a Double design gets no digit
        // of it (LeastSquares.solve on [x, x²]: −9.0; numpy.polyfit: 2.6·10⁵). Here the error
        // double-double leaves in y (≈ 10⁻³¹·10¹²) extrapolated to x = 0 is all that remains.
        let x = (0...40).map { 1e6 + Double($0) }
        let y = x.map { 1 + $0 + $0 * $0 }
        let fit = try LeastSquares.polynomialFit(x: x, y: y, degree: 2)
        #expect(Array(fit.coefficients[1...]) == [1, 1], "\(fit.coefficients)")
        #expect(Swift.abs(fit.coefficients[0] - 1) <= 1e-9, "\(fit.coefficients)")
    }

    @Test("degree 0 is the mean; n = k + 1 points interpolate")
    func smallCases() throws {
        let constant = try LeastSquares.polynomialFit(x: [3, 1, 2], y: [1, 2, 4], degree: 0)
        #expect(constant.coefficients == [7.0 / 3] && constant.conditionEstimate == 1)
        #expect(Swift.abs(constant.residualSumOfSquares - 14.0 / 3) <= 2 * (14.0 / 3).ulp)
        let line = try LeastSquares.polynomialFit(x: [1, 3], y: [2, 8], degree: 1)
        #expect(line.coefficients == [-1, 3] && line.residualSumOfSquares <= 0x1p-200)
        #expect(line.standardErrors == nil)
        // One point, degree 0; x may then be constant.
        #expect(try LeastSquares.polynomialFit(x: [5], y: [-2], degree: 0).coefficients == [-2])
    }

    @Test("random degenerate inputs: a typed error or a fit no worse than the mean")
    func degenerateInputs() {
        // Duplicates, ±0, subnormals, values near Double's limits, NaN and ±∞, every small shape.
        let pool: [Double] = [0, -0.0, 1, -1, 2, 1 + Double.ulpOfOne, 3.5, 1e-300, .leastNonzeroMagnitude, 1e150, -1e150, 1e300,
                              .greatestFiniteMagnitude, .nan, .infinity, -.infinity]
        var random = RandomSource(seed: 99)
        var errors = 0, fits = 0
        for _ in 0..<1500 {
            let n = Int(random.next() % 8), degree = Int(random.next() % 8) - 1
            let draw = { (r: inout RandomSource) -> Double in
                r.next() % 3 == 0 ? pool[Int(r.next() % UInt64(pool.count))] : Double(Int(r.next() % 9) - 4)
            }
            let x = (0..<n).map { _ in draw(&random) }
            let y = (0..<(random.next() % 10 == 0 ? n + 1 : n)).map { _ in draw(&random) }
            do {
                let fit = try LeastSquares.polynomialFit(x: x, y: y, degree: degree)
                fits += 1
                #expect(fit.coefficients.count == degree + 1 && fit.rank == degree + 1)
                #expect(fit.coefficients.allSatisfy(\.isFinite) && fit.conditionEstimate >= 0.99)
                // No worse than the mean, to within double-double's rounding of y.
                let mean = y.reduce(0, +) / Double(n)
                let total = y.map { ($0 - mean) * ($0 - mean) }.reduce(0, +)
                let scale = y.map { $0 * $0 }.reduce(0, +)
                if total.isFinite && scale.isFinite {
                    #expect(fit.residualSumOfSquares <= total * (1 + 1e-12) + 0x1p-200 * scale, "\(x) \(y) \(degree)")
                }
            } catch {
                errors += 1
                #expect(error.description.count > 40)
            }
        }
        #expect(errors > 100 && fits > 100, "errors \(errors), fits \(fits)")
    }

    @Test("bad input throws a typed error")
    func errors() {
        expectDescentError(.invalidOption(name: "degree", value: "-1", expected: "at least 0 (0 fits a constant)")) {
            _ = try LeastSquares.polynomialFit(x: [1, 2], y: [1, 2], degree: -1)
        }
        expectDescentError(.targetCountMismatch(rows: 3, targets: 2)) {
            _ = try LeastSquares.polynomialFit(x: [1, 2, 3], y: [1, 2], degree: 1)
        }
        expectDescentError(.noRows) { _ = try LeastSquares.polynomialFit(x: [], y: [], degree: 0) }
        expectDescentError(.nonFiniteValue(at: .features(row: 2, column: 0))) {
            _ = try LeastSquares.polynomialFit(x: [1, 2, .nan, 4], y: [1, 2, 3, 4], degree: 1)
        }
        expectDescentError(.nonFiniteValue(at: .targets(index: 1))) {
            _ = try LeastSquares.polynomialFit(x: [1, 2, 3, 4], y: [1, -.infinity, 3, 4], degree: 1)
        }
        expectDescentError(.invalidOption(name: "degree", value: "3", expected: "at most 2 for 3 points "
                                              + "(a degree-k polynomial has k + 1 coefficients to determine)")) {
            _ = try LeastSquares.polynomialFit(x: [1, 2, 3], y: [1, 2, 3], degree: 3)
        }
        // Rank deficient: all x equal with degree 1; two distinct x values with degree 2.
        expectDescentError(.unsolvable(method: "polynomial fit", reason: "x has only 1 distinct value, and a degree-1 "
                                           + "polynomial needs 2: its powers are linearly dependent (rank deficient)",
                                       conditionEstimate: .infinity)) {
            _ = try LeastSquares.polynomialFit(x: [2, 2, 2, 2], y: [1, 2, 3, 4], degree: 1)
        }
        do {
            _ = try LeastSquares.polynomialFit(x: [0, 1, 0, 1, -0.0], y: [1, 2, 3, 4, 5], degree: 2)
            Issue.record("two distinct values fitted a parabola")
        } catch {
            guard case let .unsolvable(_, reason, condition) = error else { Issue.record("\(error)"); return }
            #expect(reason.contains("only 2 distinct values") && condition == .infinity)
            #expect(error.description.contains("Lower the degree") && !error.description.contains(".svd"), "\(error)")
        }
        // Distinct but clustered to within an ulp: four values within 3 ulps of 1, degree 5.
        let u = Double.ulpOfOne
        do {
            _ = try LeastSquares.polynomialFit(x: [0, 1, 1 + u, 1 + 2 * u, 1 + 3 * u, 2, 3], y: [1, 2, 3, 4, 5, 6, 7], degree: 5)
            Issue.record("clustered x fitted")
        } catch {
            guard case let .unsolvable(_, reason, condition) = error else { Issue.record("\(error)"); return }
            #expect(reason.contains("clustered") && (condition ?? 0) > 1e30, "\(error)")
        }
        // A degree no array could reach does not overflow.
        expectDescentError(.invalidOption(name: "degree", value: "\(Int.max)", expected: "at most 1 for 2 points "
                                              + "(a degree-k polynomial has k + 1 coefficients to determine)")) {
            _ = try LeastSquares.polynomialFit(x: [1, 2], y: [1, 2], degree: .max)
        }
        // Powers beyond Double's range.
        do {
            _ = try LeastSquares.polynomialFit(x: [1e200, 2e200, 3e200], y: [1, 2, 4], degree: 2)
            Issue.record("x² beyond Double's range fitted")
        } catch {
            guard case let .unsolvable(_, reason, _) = error else { Issue.record("\(error)"); return }
            #expect(reason.contains("range"), "\(error)")
        }
    }
}
