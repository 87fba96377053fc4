#if canImport(Glibc)
import Glibc
#endif

/// Evaluating a factor's code on a table's rows (``FactorEvaluator``), and the column `Q("name")` reads.
extension FormulaSyntax.Expression {
    /// The column `Q("name")` reads.
    var quotedColumn: String? {
        guard case let .call("Q", arguments, keywords) = self, arguments.count == 1, keywords.isEmpty,
              case let .string(name) = arguments[0] else { return nil }
        return name
    }
}

/// A factor's values on a table's rows.
enum FactorValues {
    case numbers([Double])
    case levels([DesignLevel?])
}

/// Evaluates factor code on a table: columns, `C(…)`, `I(…)`, arithmetic, functions and
/// stateful transforms.
struct FactorEvaluator {
    let table: Table
    /// The transforms' states: appended while memorising, read in order while applying.
    var transforms: [TransformState]
    var memorising: Bool
    var next = 0
    /// The factor's code, for messages.
    let code: String

    func fail(_ expected: String) -> DescentError {
        .invalidOption(name: "Formula term \(code)", value: code.debugDescription, expected: expected)
    }

    /// The columns `expression` reads.
    static func variables(_ expression: FormulaSyntax.Expression, in table: Table) -> [String] {
        switch expression {
        case let .name(name): return table.columnNames.contains(name) ? [name] : []
        case let .call(_, arguments, keywords):
            if let name = expression.quotedColumn { return [name] }
            return arguments.flatMap { variables($0, in: table) } + keywords.flatMap { variables($0.value, in: table) }
        case let .binary(_, l, r): return variables(l, in: table) + variables(r, in: table)
        case let .unary(_, e): return variables(e, in: table)
        case .number, .string, .boolean: return []
        }
    }

    mutating func evaluate(_ expression: FormulaSyntax.Expression) throws(DescentError) -> FactorValues {
        switch expression {
        case let .name(name):
            return try column(name)
        case .call("Q", _, _):
            guard let name = expression.quotedColumn else { throw fail("Q(\"column name\")") }
            return try column(name)
        case let .call("C", arguments, _):
            guard let first = arguments.first else { throw fail("C(column) or C(column, coding)") }
            switch try evaluate(first) {
            case let .levels(levels): return .levels(levels)
            case let .numbers(values):
                let integral = Self.integral(first, in: table)
                return .levels(values.map { $0.isNaN ? nil : .number($0, integral: integral) })
            }
        case let .call("I", arguments, []) where arguments.count == 1:
            return .numbers(try numbers(arguments[0]))
        default:
            return .numbers(try numbers(expression))
        }
    }

    /// Whether a column read by `C(…)` holds integers as pandas would (`int64`).
    static func integral(_ expression: FormulaSyntax.Expression, in table: Table) -> Bool {
        let name: String
        if case let .name(n) = expression {
            name = n
        } else if let n = expression.quotedColumn {
            name = n
        } else {
            return false
        }
        if let column = try? table.column(named: name), case let .numeric(_, integral) = column { return integral }
        return false
    }

    mutating func column(_ name: String) throws(DescentError) -> FactorValues {
        switch try table.column(named: name) {
        case let .numeric(values, _): return .numbers(values)
        case let .text(values): return .levels(values.map { $0.map(DesignLevel.text) })
        case let .boolean(values): return .levels(values.map { $0.map(DesignLevel.boolean) })
        }
    }

    static let functions: [String: @Sendable (Double) -> Double] = [
        "log": { Glibc.log($0) }, "log10": { Glibc.log10($0) }, "log2": { Glibc.log2($0) }, "log1p": { Glibc.log1p($0) },
        "exp": { Glibc.exp($0) }, "expm1": { Glibc.expm1($0) }, "sqrt": { $0.squareRoot() }, "abs": { Swift.abs($0) },
    ]

    mutating func numbers(_ expression: FormulaSyntax.Expression) throws(DescentError) -> [Double] {
        let n = table.rowCount
        switch expression {
        case .name, .call("Q", _, _), .call("C", _, _):
            guard case let .numbers(values) = try evaluate(expression) else {
                throw fail("numbers: a categorical column cannot enter arithmetic or a function")
            }
            return values
        case let .number(value, _):
            return [Double](repeating: value, count: n)
        case let .boolean(value):
            return [Double](repeating: value ? 1 : 0, count: n)
        case .string:
            throw fail("no string outside C(…)'s coding")
        case let .unary(op, inner):
            let values = try numbers(inner)
            return op == "-" ? values.map { -$0 } : values
        case let .binary(op, left, right):
            let l = try numbers(left)
            if op == "**", case let .number(p, _) = right { return l.map { Self.power($0, p) } }
            let r = try numbers(right)
            switch op {
            case "+": return zip(l, r).map { $0 + $1 }
            case "-": return zip(l, r).map { $0 - $1 }
            case "*": return zip(l, r).map { $0 * $1 }
            case "/": return zip(l, r).map { $0 / $1 }
            case "//": return zip(l, r).map { ($0 / $1).rounded(.down) }
            case "**": return zip(l, r).map { Self.power($0, $1) }
            default: throw fail("the operators + - * / // ** inside a term")
            }
        case let .call("I", arguments, []) where arguments.count == 1:
            return try numbers(arguments[0])
        case let .call(name, arguments, keywords):
            let bare = name.hasPrefix("np.") ? String(name.dropFirst(3)) : name.hasPrefix("numpy.") ? String(name.dropFirst(6)) : name
            if let function = Self.functions[bare], arguments.count == 1, keywords.isEmpty {
                return try numbers(arguments[0]).map(function)
            }
            if ["center", "standardize", "scale"].contains(name), arguments.count == 1 {
                return try transform(name, try numbers(arguments[0]), keywords)
            }
            throw fail("a known function: log, log10, log2, log1p, exp, expm1, sqrt, abs (optionally np.), I, C, Q, "
                       + "center, standardize, scale")
        }
    }

    /// numpy's `x ** p` for an array and a scalar: its fast paths for 2, 0.5, −1, 1 and 0, `pow` otherwise.
    static func power(_ x: Double, _ p: Double) -> Double {
        switch p {
        case 2: x * x
        case 0.5: x.squareRoot()
        case -1: 1 / x
        case 1: x
        case 0: 1
        default: pow(x, p)
        }
    }

    /// A stateful transform: memorises the statistics of `values` (present rows) the first time,
    /// applies the remembered ones after.
    mutating func transform(_ name: String, _ values: [Double],
                            _ keywords: [FormulaSyntax.Keyword]) throws(DescentError) -> [Double] {
        var centers = true, rescales = true
        for keyword in keywords {
            guard case let .boolean(flag) = keyword.value, ["center", "rescale"].contains(keyword.name), name != "center" else {
                throw fail("\(name)(x) or standardize(x, center=False/True, rescale=False/True)")
            }
            if keyword.name == "center" { centers = flag } else { rescales = flag }
        }
        if memorising {
            let present = values.filter { !$0.isNaN }
            guard !present.isEmpty else { throw fail("present values to compute \(name)'s statistics from") }
            if name == "center" {
                let mean = Self.pairwiseSum(present) / Wide(present.count)
                transforms.append(TransformState(kind: name, mean: ExtendedValue(mean), scale: ExtendedValue(1)))
            } else {
                // patsy's online algorithm, in numpy.longdouble.
                var count: Wide = 0, mean: Wide = 0, m2: Wide = 0
                for x in present {
                    count += 1
                    let delta = Wide(x) - mean
                    mean += delta / count
                    m2 += delta * (Wide(x) - mean)
                }
                transforms.append(TransformState(kind: name, mean: ExtendedValue(mean),
                                                 scale: ExtendedValue((m2 / count).squareRoot()),
                                                 centers: centers, rescales: rescales))
            }
        }
        guard next < transforms.count else { throw fail("the transform's saved statistics (the design is damaged)") }
        let state = transforms[next]
        next += 1
        if state.kind == "center" {
            let mean = Double(state.mean.value)
            return values.map { $0 - mean }
        }
        let mean = state.mean.value, scale = state.scale.value
        // On a pandas column (as statsmodels' formulas pass it) patsy's result stays in
        // longdouble until the design matrix rounds it: one rounding at the end.
        return values.map { x in
            var y = Wide(x)
            if state.centers { y -= mean }
            if state.rescales { y /= scale }
            return Double(y)
        }
    }

    /// numpy's pairwise summation (`pairwise_sum`), in extended precision as patsy's `center` sums.
    static func pairwiseSum(_ values: [Double]) -> Wide {
        func sum(_ start: Int, _ n: Int) -> Wide {
            if n < 8 {
                var total: Wide = 0
                for i in start..<(start + n) { total += Wide(values[i]) }
                return total
            }
            if n <= 128 {
                var r = (0..<8).map { Wide(values[start + $0]) }
                var i = 8
                while i < n - n % 8 {
                    for k in 0..<8 { r[k] += Wide(values[start + i + k]) }
                    i += 8
                }
                var total = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
                while i < n {
                    total += Wide(values[start + i])
                    i += 1
                }
                return total
            }
            var half = n / 2
            half -= half % 8
            return sum(start, half) + sum(start + half, n - half)
        }
        return sum(0, values.count)
    }
}
