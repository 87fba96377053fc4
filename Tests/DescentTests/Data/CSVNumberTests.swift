import Foundation
import Testing
@testable import Descent
#if canImport(Glibc)
import Glibc
#endif

/// ``DecimalParser`` (Clinger's fast path, Eisel–Lemire, the `strtod` fallback) against
/// `Double(String)`, bit for bit, on seeded random strings of every kind.
///
/// Each kind runs `DESCENT_CSV_SWEEP` draws (default 2 500: 65 000 strings in all, a second or two
/// in debug); by hand, `DESCENT_CSV_SWEEP=40000 swift test --disable-xctest --filter CSVNumber`
/// checks 1 040 000 strings.
@Suite("CSV numbers")
struct CSVNumberTests {
    static let perKind = ProcessInfo.processInfo.environment["DESCENT_CSV_SWEEP"].flatMap { Int($0) } ?? 2_500

    /// `value` printed with a C format such as `%.17g`.
    static func format(_ format: String, _ value: CVarArg) -> String {
        var buffer = [CChar](repeating: 0, count: 1100)
        let count = withVaList([value]) { vsnprintf(&buffer, buffer.count, format, $0) }
        return String(decoding: buffer.prefix(Int(count)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether `DecimalParser` reads all of `text` as `Double(text)` does (both refusing counts).
    static func agrees(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        let parsed: Double? = bytes.withUnsafeBufferPointer { buffer in
            guard let start = buffer.baseAddress else { return nil }
            var value = 0.0
            return DecimalParser.parse(start, start + buffer.count, into: &value) == start + buffer.count ? value : nil
        }
        return parsed?.bitPattern == Double(text)?.bitPattern
    }

    /// Checks every string `make` gives for `perKind` draws; the mismatches (none expected).
    static func sweep(seed: UInt64, _ make: (inout RandomSource) -> [String]) -> [String] {
        var random = RandomSource(seed: seed)
        var mismatches = [String]()
        for _ in 0..<perKind {
            for text in make(&random) where !agrees(text) { mismatches.append(text) }
        }
        return mismatches
    }

    @Test("hand-picked hard cases")
    func handPicked() {
        let cases: [String] = ["1e23", "9007199254740993", "9007199254740992", "9007199254740994", "9007199254740995",
                     "2.2250738585072011e-308", "2.2250738585072012e-308", "2.2250738585072014e-308",
                     "2.225073858507201136057409796709131975934819546351645648e-308", "4.9406564584124654e-324",
                     "2.4703282292062327e-324", "2.4703282292062328e-324", "4.9e-324", "5e-324", "1e-400",
                     "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308", "1e309",
                     "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017"
                     + "977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273"
                     + "854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704"
                     + "342711559699508093042880177904174497791",
                     "0.1", "0.3", "-0", "+0", "0e99999999999999999999", "1e-99999999999999999999", ".5", "5.", "+.5e+5",
                     "-.5E-5", "000000000000000000000000000001", "0.000000000000000000000000000000000000000000001e+45",
                     "1" + String(repeating: "0", count: 400) + "e-400", "123456789012345678", "1234567890123456789",
                     "12345678901234567890", "18446744073709551615", "18446744073709551616", "7.2057594037927933e16",
                     "3.0540316400000000000001", "1.00000000000000011102230246251565404236316680908203125",
                     "1.00000000000000011102230246251565404236316680908203124", "8.98846567431158e307",
                     "1e", "1e+", "e5", ".", "+", "-", "", "1.2.3", "--1", "1e5x", "1,5"]
        let mismatches = cases.filter { !Self.agrees($0) }
        #expect(mismatches.isEmpty, "\(mismatches)")
        // Not decimal numbers: left to Double(_:) by the CSV reader (and refused there if not finite).
        for text in ["0x10", "nan", "inf", "-Infinity"] {
            var value = 0.0
            let bytes = Array(text.utf8)
            let readsAll = bytes.withUnsafeBufferPointer { buffer in
                DecimalParser.parse(buffer.baseAddress!, buffer.baseAddress! + buffer.count, into: &value)
                    == buffer.baseAddress! + buffer.count
            }
            #expect(!readsAll, "\(text)")
        }
    }

    @Test("random doubles printed as description, %.17g, %.16e, %.18e and %.15g")
    func randomDoubles() {
        let mismatches = Self.sweep(seed: 1) { random in
            let value = Double(bitPattern: random.next())
            guard value.isFinite else { return [] }
            return [value.description, Self.format("%.17g", value), Self.format("%.16e", value),
                    Self.format("%.18e", value), Self.format("%.15g", value)]
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(20))")
    }

    @Test("subnormals and values near the extremes")
    func extremes() {
        let mismatches = Self.sweep(seed: 2) { random in
            let subnormal = Double(bitPattern: random.next() & 0x000F_FFFF_FFFF_FFFF)
            let huge = Double(bitPattern: 0x7FE0_0000_0000_0000 | random.next() & 0x000F_FFFF_FFFF_FFFF)
            let tiny = Double(bitPattern: 0x0010_0000_0000_0000 | random.next() & 0x000F_FFFF_FFFF_FFFF)
            return [subnormal, huge, tiny].flatMap { [$0.description, Self.format("%.17g", $0), Self.format("%.19e", $0)] }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(20))")
    }

    @Test("random digit strings: 1–25 digits, a point anywhere, exponents −330…310")
    func randomDigits() {
        let mismatches = Self.sweep(seed: 3) { random in
            (0..<3).map { _ in
                let digits = 1 + Int(random.next() % 25)
                var text = random.next() % 4 == 0 ? "-" : ""
                let point = Int(random.next() % UInt64(digits + 2))
                for k in 0..<digits {
                    if k == point { text += "." }
                    text += String(random.next() % 10)
                }
                if point == digits { text += "." }
                if random.next() % 8 != 0 {
                    let exponent = Int(random.next() % 641) - 330
                    text += (random.next() % 2 == 0 ? "e" : "E") + (exponent >= 0 && random.next() % 2 == 0 ? "+" : "")
                        + String(exponent)
                }
                return text
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(20))")
    }

    #if arch(x86_64)
    @Test("near halfway between two doubles: the exact midpoint, and cut to 17–19 digits")
    func halfway() {
        let mismatches = Self.sweep(seed: 4) { random in
            var value = Double(bitPattern: random.next() & 0x7FEF_FFFF_FFFF_FFFF)
            if random.next() % 4 == 0 { value = Double(random.next() >> 11) }  // integers: Clinger's range
            // The midpoint needs 54 bits: exact in Float80; glibc prints its exact decimal expansion.
            let midpoint = (Float80(value) + Float80(value.nextUp)) / 2
            return [Self.format("%.800Lg", midpoint), Self.format("%.16Le", midpoint), Self.format("%.17Le", midpoint),
                    Self.format("%.18Le", midpoint), Self.format("%.25Le", midpoint)]
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(20))")
    }
    #endif

    @Test("numbers followed by more bytes (a cell's end, digits, an exponent): read up to where Double(_:)'s number ends")
    func followed() {
        var random = RandomSource(seed: 6)
        var mismatches = [String]()
        for _ in 0..<Self.perKind {
            let value = Double(bitPattern: random.next() & 0x7FEF_FFFF_FFFF_FFFF) * (random.next() % 2 == 0 ? 1 : -1)
            let small = Double(random.next() >> 11) * 0x1p-53 * 100
            for text in [Self.format("%.18e", value), Self.format("%.17e", value), Self.format("%.3e", value),
                         Self.format("%.18e", small), Self.format("%.10g", small), small.description] {
                // (Not "e": a marker without digits makes no number here, where Double(_:)'s prefix would be one.)
                for suffix in [",", "\n", "\r", "x", ".", "5", "55", ",1", "e5", "e-05,", "e+123x"] {
                    let bytes = Array((text + suffix).utf8)
                    var value = 0.0
                    let consumed = bytes.withUnsafeBufferPointer { buffer in
                        DecimalParser.parse(buffer.baseAddress!, buffer.baseAddress! + buffer.count, into: &value)
                            .map { $0 - buffer.baseAddress! }
                    }
                    // The longest prefix Double(_:) reads is the number.
                    let length = (1...bytes.count).last { Double(String(decoding: bytes[..<$0], as: UTF8.self)) != nil }
                    let expected = length.flatMap { Double(String(decoding: bytes[..<$0], as: UTF8.self)) }
                    if consumed != length || value.bitPattern != expected?.bitPattern { mismatches.append(text + suffix) }
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(20))")
        // Exponents of one, two, three and more digits, with and without leading zeros and signs.
        let exponents = ["1e5,", "1e05,", "1e005,", "1e-5,", "1e-05,", "1e+05,", "1e-005,", "2.5e99,", "2.5e-99,", "2.5e100,",
                         "2.5e-100,", "9e308,", "9e309,", "1e-323,", "1e-324,", "1e-400,", "1e00,", "1e-00,", "1.5e22,", "1.5e23,",
                         "123456789012345678e-10,", "1234567890123456789e-19,", "1e0000000000000000000000001,"]
        let wrong = exponents.filter { text in
            let bytes = Array(text.utf8)
            var value = 0.0
            let end = bytes.withUnsafeBufferPointer { buffer in
                DecimalParser.parse(buffer.baseAddress!, buffer.baseAddress! + buffer.count, into: &value).map { $0 - buffer.baseAddress! }
            }
            return end != bytes.count - 1 || value.bitPattern != Double(String(text.dropLast()))!.bitPattern
        }
        #expect(wrong.isEmpty, "\(wrong)")
    }

    @Test("signs: only + and - before the digits or after the exponent marker, read without a branch")
    func signs() {
        func read(_ bytes: [UInt8]) -> (length: Int, value: Double)? {
            bytes.withUnsafeBufferPointer { buffer in
                var value = 0.0
                return DecimalParser.parse(buffer.baseAddress!, buffer.baseAddress! + buffer.count, into: &value)
                    .map { ($0 - buffer.baseAddress!, value) }
            }
        }
        var wrong = [String]()
        for byte in UInt8(0)...UInt8(255) {
            let digit = byte >= 48 && byte < 58
            let lead = read([byte, 53])  // byte, "5"
            switch byte {
            case UInt8(ascii: "+"): if lead?.length != 2 || lead?.value.bitPattern != (5.0).bitPattern { wrong.append("+5") }
            case UInt8(ascii: "-"): if lead?.length != 2 || lead?.value.bitPattern != (-5.0).bitPattern { wrong.append("-5") }
            case UInt8(ascii: "."): if lead?.length != 2 || lead?.value != 0.5 { wrong.append(".5") }
            default: if digit ? lead?.length != 2 : lead != nil { wrong.append("byte \(byte) then 5") }
            }
            let exponent = read([49, 101, byte, 53, 44])  // "1e", byte, "5,"
            switch byte {
            case UInt8(ascii: "+"): if exponent?.length != 4 || exponent?.value != 1e5 { wrong.append("1e+5") }
            case UInt8(ascii: "-"): if exponent?.length != 4 || exponent?.value != 1e-5 { wrong.append("1e-5") }
            default:
                if digit ? exponent?.length != 4 || exponent?.value != Double("1e\(byte - 48)5") : exponent != nil {
                    wrong.append("1e, byte \(byte), 5")
                }
            }
        }
        #expect(wrong.isEmpty, "\(wrong)")
        let zeros = ["-0", "+0", "-0.0e-5", "-0e+5"].map { text in Array(text.utf8).withUnsafeBufferPointer { buffer in
            var value = 1.0
            _ = DecimalParser.parse(buffer.baseAddress!, buffer.baseAddress! + buffer.count, into: &value)
            return value.bitPattern
        } }
        #expect(zeros == [(-0.0).bitPattern, (0.0).bitPattern, (-0.0).bitPattern, (-0.0).bitPattern])
    }

    @Test("random integers up to 2⁶⁴ and short decimals")
    func integers() {
        let mismatches = Self.sweep(seed: 5) { random in
            let integer = random.next() >> (random.next() % 64)
            let cents = Int64(bitPattern: random.next()) % 100_000_000
            return [String(integer), String(Int64(bitPattern: random.next())), "\(cents / 100).\(abs(cents % 100))",
                    String(integer) + "e-" + String(random.next() % 30)]
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(20))")
    }
}
