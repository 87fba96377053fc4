/// The Python-like code inside a formula's terms (`C(g, Treatment("b"))`, `I(x ** 2)`,
/// `np.log(x)`): its tokens, its text as patsy normalises it, and its expression tree.
enum FormulaSyntax {
    /// One token of term code.
    struct Token: Equatable, Sendable {
        enum Kind: Equatable, Sendable { case name, number, string, op }
        var kind: Kind
        var text: String
    }

    /// An expression inside a term.
    indirect enum Expression: Hashable, Sendable {
        /// A column (or a dotted function name such as `np.log`).
        case name(String)
        /// A number literal, with its text.
        case number(Double, String)
        /// A string literal's value.
        case string(String)
        /// `True` or `False`.
        case boolean(Bool)
        /// A call: the function's (dotted) name, positional and keyword arguments.
        case call(String, [Expression], [Keyword])
        /// `left op right` for `+ - * / **`.
        case binary(String, Expression, Expression)
        /// `-x` or `+x`.
        case unary(String, Expression)
    }

    /// A keyword argument `name=value`.
    struct Keyword: Hashable, Sendable {
        var name: String
        var value: Expression
    }

    /// Operators of Python's tokenizer that formulas meet, longest first.
    static let operators = ["**", "//", "==", "!=", "<=", ">=", "<<", ">>", "+", "-", "*", "/", "%", "&", "^", "|", "<",
                            ">", "~", ":", "(", ")", "[", "]", "{", "}", ",", ".", "=", "!", "@"]

    /// The tokens of `code`, as Python's tokenizer splits them.
    ///
    /// - Throws: ``DescentError/invalidOption(name:value:expected:)`` for a character Python does not
    ///   accept there or an unclosed string.
    static func tokenize(_ code: String) throws(DescentError) -> [Token] {
        let chars = Array(code.unicodeScalars)
        var tokens = [Token]()
        var i = 0
        func isNameStart(_ c: Unicode.Scalar) -> Bool { c == "_" || c.properties.isAlphabetic }
        func isNamePart(_ c: Unicode.Scalar) -> Bool { isNameStart(c) || ("0"..."9").contains(c) }
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\t" || c == "\n" || c == "\r" {
                i += 1
            } else if isNameStart(c) {
                var j = i
                while j < chars.count, isNamePart(chars[j]) { j += 1 }
                tokens.append(Token(kind: .name, text: String(String.UnicodeScalarView(chars[i..<j]))))
                i = j
            } else if ("0"..."9").contains(c) || (c == "." && i + 1 < chars.count && ("0"..."9").contains(chars[i + 1])) {
                var j = i
                while j < chars.count, ("0"..."9").contains(chars[j]) || chars[j] == "." || chars[j] == "_" { j += 1 }
                if j < chars.count, chars[j] == "e" || chars[j] == "E" {
                    var k = j + 1
                    if k < chars.count, chars[k] == "+" || chars[k] == "-" { k += 1 }
                    if k < chars.count, ("0"..."9").contains(chars[k]) {
                        while k < chars.count, ("0"..."9").contains(chars[k]) { k += 1 }
                        j = k
                    }
                }
                tokens.append(Token(kind: .number, text: String(String.UnicodeScalarView(chars[i..<j]))))
                i = j
            } else if c == "\"" || c == "'" {
                var j = i + 1
                while j < chars.count, chars[j] != c {
                    if chars[j] == "\\" { j += 1 }
                    j += 1
                }
                guard j < chars.count else {
                    throw .invalidOption(name: "Formula", value: code.debugDescription, expected: "closed string quotes")
                }
                tokens.append(Token(kind: .string, text: String(String.UnicodeScalarView(chars[i...j]))))
                i = j + 1
            } else if let op = operators.first(where: { op in
                let scalars = Array(op.unicodeScalars)
                return i + scalars.count <= chars.count && Array(chars[i..<(i + scalars.count)]) == scalars
            }) {
                tokens.append(Token(kind: .op, text: op))
                i += op.unicodeScalars.count
            } else {
                throw .invalidOption(name: "Formula", value: code.debugDescription,
                                     expected: "a formula without the character '\(c)'")
            }
        }
        return tokens
    }

    /// The code of `tokens` as patsy writes a factor's name (its `pretty_untokenize`): binary
    /// operators spaced (`x ** 2`, `x * 2 + 1`), a space after a comma, none inside brackets or
    /// around a keyword's `=`, unary signs kept against their operand.
    static func code(_ tokens: [Token]) -> String {
        let spaceBoth: Set<String> = ["+", "-", "*", "/", "%", "&", "^", "|", "<", ">", "==", "<>", "!=", "<=", ">=",
                                      "<<", ">>", "**", "//"]
        let spaceBefore = spaceBoth.union(["!", "~"]), spaceAfter = spaceBoth.union([",", ":"])
        var text = ""
        var previousWasSpaceDelimited = false, previousWantsSpace = false
        var previousWasOpenOrComma = false, previousWasObjectLike = false
        var brackets = [String]()
        for token in tokens {
            if token.kind != .op {
                if previousWantsSpace || previousWasSpaceDelimited { text += " " }
                text += token.text
                previousWantsSpace = false
                previousWasSpaceDelimited = true
            } else {
                let op = token.text
                if ["(", "[", "{"].contains(op) {
                    brackets.append(op)
                } else if !brackets.isEmpty, [")", "]", "}"].contains(op) {
                    brackets.removeLast()
                }
                var before = spaceBefore.contains(op), after = spaceAfter.contains(op)
                if op == ":", brackets.last == "[" { after = false }
                if op == "*" || op == "**", previousWasOpenOrComma { (before, after) = (false, false) }
                if op == "=", brackets.isEmpty { (before, after) = (true, true) }
                if op == "+" || op == "-", !previousWasObjectLike { (before, after) = (false, false) }
                if previousWantsSpace || before { text += " " }
                text += op
                previousWantsSpace = after
                previousWasSpaceDelimited = false
            }
            previousWasObjectLike = token.kind != .op || token.text == ")"
            previousWasOpenOrComma = token.kind == .op && (token.text == "(" || token.text == ",")
        }
        return text
    }

    /// Parses term code into an expression: Python's precedence for `+ -`, `* / //`, unary signs
    /// and `**`, calls with positional and keyword arguments, dotted names, literals.
    struct Parser {
        var tokens: [Token]
        var index = 0
        let source: String

        init(_ tokens: [Token], source: String) {
            self.tokens = tokens
            self.source = source
        }

        func fail(_ expected: String) -> DescentError {
            .invalidOption(name: "Formula", value: source.debugDescription, expected: expected)
        }

        var peek: Token? { index < tokens.count ? tokens[index] : nil }

        mutating func take(_ op: String) -> Bool {
            guard let token = peek, token.kind == .op, token.text == op else { return false }
            index += 1
            return true
        }

        mutating func parseAll() throws(DescentError) -> Expression {
            let expression = try sum()
            guard index == tokens.count else { throw fail("valid term code (unexpected '\(tokens[index].text)')") }
            return expression
        }

        mutating func sum() throws(DescentError) -> Expression {
            var left = try product()
            while let token = peek, token.kind == .op, token.text == "+" || token.text == "-" {
                index += 1
                left = .binary(token.text, left, try product())
            }
            return left
        }

        mutating func product() throws(DescentError) -> Expression {
            var left = try unary()
            while let token = peek, token.kind == .op, ["*", "/", "//", "%"].contains(token.text) {
                index += 1
                left = .binary(token.text, left, try unary())
            }
            return left
        }

        mutating func unary() throws(DescentError) -> Expression {
            if let token = peek, token.kind == .op, token.text == "-" || token.text == "+" {
                index += 1
                return .unary(token.text, try unary())
            }
            return try power()
        }

        mutating func power() throws(DescentError) -> Expression {
            let base = try atom()
            if take("**") { return .binary("**", base, try unary()) }
            return base
        }

        mutating func atom() throws(DescentError) -> Expression {
            guard let token = peek else { throw fail("a complete term (it ends too early)") }
            index += 1
            switch token.kind {
            case .number:
                let digits = String(token.text.filter { $0 != "_" })
                guard let value = Double(digits) else { throw fail("a number, not \(token.text)") }
                return .number(value, token.text)
            case .string:
                return .string(String(token.text.dropFirst().dropLast()))
            case .op:
                guard token.text == "(" else { throw fail("a term, not '\(token.text)'") }
                let inner = try sum()
                guard take(")") else { throw fail("a closing parenthesis") }
                return inner
            case .name:
                if token.text == "True" || token.text == "False" { return .boolean(token.text == "True") }
                var name = token.text
                while take(".") {
                    guard let part = peek, part.kind == .name else { throw fail("a name after '.'") }
                    index += 1
                    name += "." + part.text
                }
                guard take("(") else { return .name(name) }
                var arguments = [Expression](), keywords = [Keyword]()
                if !take(")") {
                    while true {
                        if let key = peek, key.kind == .name, index + 1 < tokens.count,
                           tokens[index + 1] == Token(kind: .op, text: "=") {
                            index += 2
                            keywords.append(Keyword(name: key.text, value: try sum()))
                        } else {
                            arguments.append(try sum())
                        }
                        if take(")") { break }
                        guard take(",") else { throw fail("',' or ')' in the call of \(name)") }
                    }
                }
                return .call(name, arguments, keywords)
            }
        }
    }
}
