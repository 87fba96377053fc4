/// A formula's terms as patsy reads them (its `parse_formula` and `ModelDesc` evaluation): the
/// operators `~ + - * / : **`, parentheses, `0`/`1` for the intercept, and Python code for
/// factors.
struct FormulaTerms: Sendable, Equatable {
    /// A term: an interaction of factors (each named by its code), in the order written; two
    /// terms with the same factors are the same term. The intercept is the term of no factors.
    struct Term: Hashable, Sendable {
        var factors: [String]

        init(_ factors: [String]) {
            var unique = [String]()
            for factor in factors where !unique.contains(factor) { unique.append(factor) }
            self.factors = unique
        }

        static func == (lhs: Term, rhs: Term) -> Bool { Set(lhs.factors) == Set(rhs.factors) }
        func hash(into hasher: inout Hasher) { hasher.combine(Set(factors)) }
    }

    /// The left side's terms (the targets), the right side's (the intercept first when present).
    var targets: [Term]
    var terms: [Term]
    /// Each factor's expression, by its code.
    var expressions: [String: FormulaSyntax.Expression]

    /// Whether the right side has the intercept.
    var hasIntercept: Bool { terms.first?.factors.isEmpty == true }

    /// A parse tree node.
    indirect enum Node {
        case zero, one
        case number(String)
        case factor(String)
        case unary(String, Node)
        case binary(String, Node, Node)
    }

    /// patsy's `IntermediateExpr`.
    struct Partial {
        var intercept = false
        var interceptRemoved = false
        var terms: [Term] = []

        init(intercept: Bool = false, interceptRemoved: Bool = false, terms: [Term] = []) {
            self.intercept = intercept
            self.interceptRemoved = interceptRemoved
            var unique = [Term]()
            for term in terms where !unique.contains(term) { unique.append(term) }
            self.terms = unique
        }
    }

    static let formulaOperators: Set<String> = ["~", "+", "-", "*", "/", ":", "**"]

    /// Reads `text`.
    ///
    /// - Throws: ``DescentError/invalidOption(name:value:expected:)`` naming what is wrong.
    init(_ text: String) throws(DescentError) {
        let source = text
        func fail(_ expected: String) -> DescentError {
            .invalidOption(name: "Formula", value: source.debugDescription, expected: expected)
        }
        // Formula tokens: operators, parentheses, and runs of Python code between them.
        enum Piece { case op(String), code([FormulaSyntax.Token]) }
        let tokens = try FormulaSyntax.tokenize(text)
        var pieces = [Piece]()
        var i = 0
        while i < tokens.count {
            let token = tokens[i]
            if token.kind == .op, Self.formulaOperators.contains(token.text) || token.text == "(" || token.text == ")" {
                pieces.append(.op(token.text))
                i += 1
                continue
            }
            var depth = 0
            var run = [FormulaSyntax.Token]()
            while i < tokens.count {
                let t = tokens[i]
                if depth == 0, t.kind == .op, Self.formulaOperators.contains(t.text) || t.text == ")" { break }
                if t.kind == .op, ["(", "[", "{"].contains(t.text) { depth += 1 }
                if t.kind == .op, [")", "]", "}"].contains(t.text) { depth -= 1 }
                run.append(t)
                i += 1
            }
            guard depth == 0 else { throw fail("balanced parentheses") }
            pieces.append(.code(run))
        }
        var expressions = [String: FormulaSyntax.Expression]()
        var position = 0
        func parse(_ minimum: Int) throws(DescentError) -> Node {
            guard position < pieces.count else { throw fail("a term after the last operator") }
            var left: Node
            switch pieces[position] {
            case .op("("):
                position += 1
                left = try parse(-1000)
                guard position < pieces.count, case .op(")") = pieces[position] else { throw fail("a closing parenthesis") }
                position += 1
            case .op("~"):
                position += 1
                left = .unary("~", try parse(-100 + 1))
            case let .op(op) where op == "+" || op == "-":
                position += 1
                left = .unary(op, try parse(101))
            case let .op(op):
                throw fail("a term where '\(op)' stands")
            case let .code(run):
                position += 1
                let code = FormulaSyntax.code(run)
                if code == "0" {
                    left = .zero
                } else if code == "1" {
                    left = .one
                } else if run.count == 1, run[0].kind == .number {
                    left = .number(code)
                } else {
                    var parser = FormulaSyntax.Parser(run, source: source)
                    expressions[code] = try parser.parseAll()
                    left = .factor(code)
                }
            }
            while position < pieces.count, case let .op(op) = pieces[position], op != ")" {
                let precedence = Self.precedence[op] ?? 0
                guard precedence >= minimum else { break }
                position += 1
                left = .binary(op, left, try parse(precedence + 1))
            }
            return left
        }
        let tree = try parse(-1000)
        guard position == pieces.count else { throw fail("balanced parentheses") }
        let (lhs, rhs): (Partial, Partial)
        switch tree {
        case let .binary("~", left, right):
            (lhs, rhs) = (try Self.evaluate(left, fail), try Self.evaluate(right, fail))
        case let .unary("~", right):
            (lhs, rhs) = (Partial(interceptRemoved: true), try Self.evaluate(right, fail))
        default:
            throw fail("a formula with '~' between the targets and the terms, such as \"y ~ x + C(g)\"")
        }
        targets = lhs.terms
        terms = Partial(terms: (rhs.interceptRemoved ? [] : [Term([])]) + rhs.terms).terms
        self.expressions = expressions
    }

    /// The binary operators' precedence, as patsy's.
    static let precedence: [String: Int] = ["~": -100, "+": 100, "-": 100, "*": 200, "/": 200, ":": 300, "**": 500]

    /// patsy's evaluation of a parse tree into terms and intercept flags.
    static func evaluate(_ node: Node, _ fail: (String) -> DescentError) throws(DescentError) -> Partial {
        switch node {
        case .zero:
            return Partial(interceptRemoved: true)
        case .one:
            return Partial(intercept: true)
        case let .number(text):
            throw fail("no bare number \(text) among the terms (only 0 and 1, for the intercept)")
        case let .factor(code):
            return Partial(terms: [Term([code])])
        case let .unary(op, inner):
            switch (op, inner) {
            case ("+", _): return try evaluate(inner, fail)
            case ("-", .zero): return Partial(intercept: true)
            case ("-", .one): return Partial(interceptRemoved: true)
            default: throw fail("unary '\(op)' only before 0 or 1")
            }
        case let .binary(op, left, right):
            let l = try evaluate(left, fail)
            switch op {
            case "+":
                if case .zero = right { return Partial(interceptRemoved: true, terms: l.terms) }
                let r = try evaluate(right, fail)
                return r.intercept ? Partial(intercept: true, terms: l.terms + r.terms)
                    : Partial(intercept: l.intercept, interceptRemoved: l.interceptRemoved, terms: l.terms + r.terms)
            case "-":
                if case .zero = right { return Partial(intercept: true, terms: l.terms) }
                if case .one = right { return Partial(interceptRemoved: true, terms: l.terms) }
                let r = try evaluate(right, fail)
                let kept = l.terms.filter { !r.terms.contains($0) }
                return r.intercept ? Partial(interceptRemoved: true, terms: kept)
                    : Partial(intercept: l.intercept, interceptRemoved: l.interceptRemoved, terms: kept)
            case ":":
                let r = try evaluate(right, fail)
                return interaction(l, r)
            case "*":
                let r = try evaluate(right, fail)
                return Partial(terms: l.terms + r.terms + interaction(l, r).terms)
            case "/":
                let r = try evaluate(right, fail)
                let combined = Partial(terms: [Term(l.terms.flatMap(\.factors))])
                return Partial(terms: l.terms + interaction(combined, r).terms)
            case "**":
                guard case let .number(text) = right, let power = Int(text), power >= 1 else {
                    if case .one = right { return l }
                    throw fail("a positive integer after '**'")
                }
                var all = l.terms, big = l
                for _ in 0..<Swift.max(0, Swift.min(l.terms.count, power) - 1) {
                    big = interaction(l, big)
                    all += big.terms
                }
                return Partial(terms: all)
            default:
                throw fail("a formula with '~' once, between the targets and the terms")
            }
        }
    }

    /// Every term of `left` with every term of `right`.
    static func interaction(_ left: Partial, _ right: Partial) -> Partial {
        Partial(terms: left.terms.flatMap { l in right.terms.map { r in Term(l.factors + r.factors) } })
    }
}
