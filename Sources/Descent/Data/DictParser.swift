/// A parser for the small Python literals in a `.npy` header: a dict whose keys are strings and
/// whose values are strings, `True`/`False`, tuples of integers, or anything else balanced (a list
/// of fields, `None`), which it skips. Bounded: no recursion, no allocation beyond the values.
struct DictParser {
    enum Value: Equatable {
        case string(String)
        case boolean(Bool)
        case tuple([Int])
        case other
    }

    struct Failure: Error {
        let reason: String
    }

    let bytes: UnsafeRawBufferPointer
    var position = 0

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The dict at the start of the bytes; only whitespace may follow it.
    mutating func parseDict() throws(Failure) -> [String: Value] {
        try expect("{")
        var dict = [String: Value]()
        while true {
            skipSpace()
            if peek() == UInt8(ascii: "}") { position += 1; break }
            guard case let .string(key) = try value() else { throw Failure(reason: "a key is not a string") }
            try expect(":")
            guard dict[key] == nil else { throw Failure(reason: "the key '\(key)' appears twice") }
            dict[key] = try value()
            skipSpace()
            if peek() == UInt8(ascii: ",") { position += 1; continue }
            try expect("}")
            break
        }
        skipSpace()
        guard position == bytes.count else { throw Failure(reason: "text follows the closing brace") }
        return dict
    }

    mutating func value() throws(Failure) -> Value {
        skipSpace()
        guard let c = peek() else { throw Failure(reason: "the header ends where a value should be") }
        switch c {
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            return .string(try string(quote: c))
        case UInt8(ascii: "("):
            position += 1
            var items = [Int]()
            while true {
                skipSpace()
                if peek() == UInt8(ascii: ")") { position += 1; return .tuple(items) }
                items.append(try integer())
                skipSpace()
                if peek() == UInt8(ascii: ",") { position += 1; continue }
                try expect(")")
                return .tuple(items)
            }
        case UInt8(ascii: "["):
            try skipBalanced()
            return .other
        default:
            let word = identifier()
            switch word {
            case "True": return .boolean(true)
            case "False": return .boolean(false)
            case "None": return .other
            default: throw Failure(reason: word.isEmpty ? "an unexpected character" : "an unexpected word '\(word)'")
            }
        }
    }

    mutating func string(quote: UInt8) throws(Failure) -> String {
        position += 1
        let start = position
        while let c = peek(), c != quote {
            guard c != UInt8(ascii: "\\") else { throw Failure(reason: "escapes in strings are not supported") }
            position += 1
        }
        guard peek() == quote else { throw Failure(reason: "a string is not terminated") }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        position += 1
        return text
    }

    /// A non-negative integer (a Python 2 `L` suffix allowed), at most 18 digits.
    mutating func integer() throws(Failure) -> Int {
        skipSpace()
        var value = 0, digits = 0
        while let c = peek(), c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") {
            guard digits < 18 else { throw Failure(reason: "a dimension is too large") }
            value = value * 10 + Int(c - UInt8(ascii: "0"))
            digits += 1
            position += 1
        }
        guard digits > 0 else { throw Failure(reason: "a shape entry is not a non-negative integer") }
        if peek() == UInt8(ascii: "L") { position += 1 }
        return value
    }

    /// Skips a bracketed value, quotes respected, nesting counted (not recursed).
    mutating func skipBalanced() throws(Failure) {
        var depth = 0
        repeat {
            guard let c = peek() else { throw Failure(reason: "a bracket is not closed") }
            switch c {
            case UInt8(ascii: "["), UInt8(ascii: "("): depth += 1
            case UInt8(ascii: "]"), UInt8(ascii: ")"): depth -= 1
            case UInt8(ascii: "'"), UInt8(ascii: "\""): _ = try string(quote: c); continue
            default: break
            }
            position += 1
        } while depth > 0
    }

    mutating func identifier() -> String {
        let start = position
        while let c = peek(), (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z")) || (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) {
            position += 1
        }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
    }

    mutating func expect(_ character: Unicode.Scalar) throws(Failure) {
        skipSpace()
        guard peek() == UInt8(ascii: character) else { throw Failure(reason: "expected '\(character)'") }
        position += 1
    }

    mutating func skipSpace() {
        while let c = peek(), c == 0x20 || c == 0x0A || c == 0x09 || c == 0x0D { position += 1 }
    }

    func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }
}
