/// A model formula in Wilkinson–Rogers notation with patsy's semantics: `y ~ x1 + x2`,
/// `C(g)`, `a:b`, `a*b`, `(a + b + c)**2`, `I(x**2)`, `np.log(x)`, `- 1`.
///
/// ```swift
/// let design = try Formula("price ~ carat + C(cut) + color").design(table)
/// design.featureNames     // ["C(cut)[T.Good]", …, "color[T.E]", …, "carat"]
/// let fit = try LeastSquares.solve(formula: "price ~ carat + C(cut)", data: table)
/// ```
///
/// What a formula accepts, and how it names columns (exactly as patsy, so statsmodels' and
/// Descent's coefficient tables line up):
/// - the intercept is implied; `- 1`, `+ 0` or `0 +` remove it (a categorical factor is then
///   coded full rank);
/// - a text or boolean column is categorical; `C(x)` makes any column categorical; the first
///   *sorted* level is the reference (`C(g)[T.b]`, `sex[T.True]`), or
///   `C(g, Treatment("b"))` / `C(g, Treatment(reference="b"))` chooses it; `C(g, Sum)` is
///   deviation coding (`C(g, Sum)[S.a]`), `C(g, Sum("a"))` omits `a` instead of the last level;
/// - `a:b` is an interaction, `a*b` is `a + b + a:b`, `a/b` is `a + a:b`, `(a + b)**2` every
///   product of up to two terms, `- a` removes a term;
/// - inside a term, Python arithmetic (`I(x ** 2)`, `I((x - 1) / 2)`: `+ - * / // **`) and the
///   functions `log`, `log10`, `log2`, `log1p`, `exp`, `expm1`, `sqrt`, `abs`, spelt with or
///   without `np.` (the name keeps the spelling: `np.log(x)` or `log(x)`); `Q("odd name")` reads a
///   column whose name is not a Python name;
/// - the stateful transforms `center(x)`, `standardize(x)` and `scale(x)` remember the mean
///   and standard deviation (`ddof=0`) of the data the design was built on;
/// - several targets on the left, `y1 + y2 ~ …`, fit the several-targets problem.
///
/// A term's name is its code as patsy normalises it (`I(x**2)` is named `I(x ** 2)`).
public struct Formula: Sendable, Hashable, CustomStringConvertible {
    /// The formula as written.
    public let text: String
    /// The parsed terms.
    let terms: FormulaTerms

    /// Parses a formula.
    ///
    /// - Parameter text: The formula, e.g. `"price ~ carat + C(cut) + color"`.
    /// - Throws: ``DescentError/invalidOption(name:value:expected:)`` saying what is wrong.
    public init(_ text: String) throws(DescentError) {
        self.text = text
        terms = try FormulaTerms(text)
    }

    /// The formula as written.
    public var description: String { text }

    /// The targets' names: the terms on the left of `~` (one for `y ~ …`, two for `y1 + y2 ~ …`).
    public var targetNames: [String] { terms.targets.map { $0.factors.joined(separator: ":") } }

    /// Two formulas are equal when their texts are.
    public static func == (lhs: Formula, rhs: Formula) -> Bool { lhs.text == rhs.text }
    /// Hashes the text.
    public func hash(into hasher: inout Hasher) { hasher.combine(text) }

    /// Learns the design from `table` (levels, codings, transforms' statistics) and builds its
    /// matrices.
    ///
    /// Levels are the sorted distinct present values of every row of the table, and the
    /// transforms' statistics come from every row where their input is present, as patsy learns
    /// them before it drops rows with missing cells. The table's ``Table/missing`` policy then
    /// applies to the cells the formula uses.
    ///
    /// - Parameters:
    ///   - table: The data.
    ///   - as: The precision of the matrices (default `Double`).
    /// - Returns: The features, targets and names, and the ``Design`` to rebuild them from new rows.
    /// - Throws: ``DescentError/unknownColumn(name:available:)`` for a column the table lacks,
    ///   ``DescentError/missingValue(source:row:line:column:)`` for a missing cell the formula uses
    ///   (with ``Table/MissingPolicy/error``), ``DescentError/invalidOption(name:value:expected:)``
    ///   for a term Descent cannot evaluate (a categorical target, an unknown function or coding, a
    ///   reference level the data lacks), ``DescentError/nonFiniteValue(at:)`` for a term that
    ///   evaluates to NaN or ±∞ (`log` of 0), ``DescentError/noRows``.
    /// - Complexity: O(rows × columns of the design).
    public func design<Scalar: BLASScalar>(_ table: Table, as: Scalar.Type = Double.self) throws(DescentError)
        -> DesignMatrix<Scalar> {
        try design(table, requiring: [])
    }

    /// The design, with rows missing a cell of the columns `requiring` (a weights column) also
    /// following the table's policy.
    func design<Scalar: BLASScalar>(_ table: Table, requiring: [String]) throws(DescentError) -> DesignMatrix<Scalar> {
        var factors = [DesignFactor]()
        let codes = (terms.terms + terms.targets).flatMap(\.factors)
        for code in codes where !factors.contains(where: { $0.code == code }) {
            factors.append(try learn(code, from: table))
        }
        let design = try Design(formula: text, factors: factors)
        for target in terms.targets {
            guard target.factors.count == 1, let factor = design.factor(target.factors[0]), !factor.isCategorical else {
                throw .invalidOption(name: "Formula", value: text.debugDescription,
                                     expected: "numeric targets on the left of '~' (\(target.factors.joined(separator: ":")) is not)")
            }
        }
        return try design.matrices(table, as: Scalar.self, withTargets: true, unseenLevels: .error, requiring: requiring)
    }

    /// One factor's kind, levels, coding and transforms' statistics, learnt from `table`.
    func learn(_ code: String, from table: Table) throws(DescentError) -> DesignFactor {
        guard let expression = terms.expressions[code] else {
            throw .invalidOption(name: "Formula", value: text.debugDescription, expected: "a known term \(code)")
        }
        var evaluator = FactorEvaluator(table: table, transforms: [], memorising: true, code: code)
        switch try evaluator.evaluate(expression) {
        case .numbers:
            return DesignFactor(code: code, levels: nil, coding: nil, transforms: evaluator.transforms)
        case let .levels(values):
            var levels = [DesignLevel]()
            var seen = Set<DesignLevel>()
            for case let level? in values where seen.insert(level).inserted { levels.append(level) }
            levels.sort(by: DesignLevel.precedes)
            let coding = try Self.coding(of: expression, code: code)
            _ = try coding.contrast(levels, fullRank: false, factor: code)   // a reference the data lacks
            return DesignFactor(code: code, levels: levels, coding: coding, transforms: evaluator.transforms)
        }
    }

    /// The coding `C(x, …)`'s second argument names; treatment by default.
    static func coding(of expression: FormulaSyntax.Expression, code: String) throws(DescentError) -> DesignCoding {
        guard case let .call("C", arguments, _) = expression, arguments.count > 1 else { return .treatment(reference: nil) }
        func level(_ argument: FormulaSyntax.Expression) throws(DescentError) -> DesignLevel {
            switch argument {
            case let .string(text): return .text(text)
            case let .number(value, text): return .number(value, integral: Table.isIntegerText(text))
            case let .unary("-", .number(value, text)): return .number(-value, integral: Table.isIntegerText(text))
            case let .boolean(value): return .boolean(value)
            default:
                throw .invalidOption(name: "Formula term \(code)", value: code.debugDescription,
                                     expected: "a level written as a string, number, True or False")
            }
        }
        switch arguments[1] {
        case .name("Treatment"): return .treatment(reference: nil)
        case .name("Sum"): return .sum(omit: nil)
        case let .call(name, given, keywords) where (name == "Treatment" || name == "Sum") && given.count + keywords.count == 1:
            if let keyword = keywords.first, keyword.name != (name == "Sum" ? "omit" : "reference") { break }
            let level = try level(given.first ?? keywords[0].value)
            return name == "Sum" ? .sum(omit: level) : .treatment(reference: level)
        default:
            break
        }
        throw .invalidOption(name: "Formula term \(code)", value: code.debugDescription,
                                 expected: "the coding Treatment, Treatment(\"level\"), Sum or Sum(\"level\")")
    }
}
