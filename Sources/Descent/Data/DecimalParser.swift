/// Decimal numbers read from bytes exactly as `Double(_:)` reads them, correctly rounded, but
/// without building a `String`: `-1.5`, `+2`, `.5`, `5.`, `1e-3`, `1E+300`, `007`.
///
/// Sign, digits, an optional decimal point and digits, an optional exponent are read into a decimal
/// significand `w` (up to 19 significant digits, in a `UInt64`) and a power of ten `q`. Then:
/// - Clinger's fast path where at most 15 digits were written (so `w < 10¹⁵ < 2⁵³`) and
///   `|q| ≤ 22`: `w` and `10^|q|` are both exact doubles, so one IEEE multiplication or division
///   rounds correctly (the digit count, known before `w` is, makes the choice cheap to predict: a
///   file's numbers usually have the same length, where `w ≤ 2⁵³` splits 16- and 17-digit ones);
/// - otherwise the Eisel–Lemire algorithm (``EiselLemire``);
/// - `Double(_:)` (the C library's `strtod`) only for more than 19 significant digits, a huge
///   written exponent, or the rare case Eisel–Lemire cannot decide.
///
/// Words such as `nan` and `inf` and hexadecimal floats are not decimal numbers here; callers
/// that want them ask `Double(_:)`.
enum DecimalParser {
    /// 10⁰ … 10²², each exactly representable as a `Double`.
    static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// 10⁰ … 10⁸ as integers.
    static let exactPowersOfTenInteger: [UInt64] = [1, 10, 100, 1000, 10000, 100_000, 1_000_000, 10_000_000, 100_000_000]

    /// A written exponent this large or larger goes to `strtod` (`1e99999999999` is ∞, but
    /// `0.000…0001e400000000` with that many zeros is not, and the sum must not overflow).
    static let exponentLimit = 0x1000_0000

    /// Reads the longest decimal number that starts at `start` (and ends before `end`) into `value`
    /// (`±∞` where it overflows, `±0` where it underflows).
    ///
    /// - Returns: Where the number ends; `nil` if no number starts at `start`, or an exponent
    ///   marker has no digits (`value` is then unchanged).
    @inline(__always)
    static func parse(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>,
                      into value: inout Double) -> UnsafePointer<UInt8>? {
        var p = start
        guard p < end else { return nil }
        // The signs are read without a branch: in data they are often `-` and `+` at random.
        // (`+` and `-` are 0x2B and 0x2D: the byte less 0x2B is 0 or 2.)
        let lead = Int(p.pointee)
        let signBit = UInt64(truncatingIfNeeded: ((lead ^ 0x2D) &- 1) >> 63) << 63
        p += (Int((p.pointee &- 0x2B) & 0xFD) &- 1) >> 63 & 1
        let digitsStart = p
        var w: UInt64 = 0
        // A lone digit (`0.5`, `-1.25e-3`: most written fractions) is taken at once; a longer run
        // (`-1234`) eight digits at a time, with no branch on its length.
        if end - p >= 2, case let digit = p.pointee &- 48, digit < 10, p[1] &- 48 >= 10 {
            w = UInt64(digit)
            p += 1
        } else {
            readDigits(&p, end, into: &w)
        }
        var digitCount = p - digitsStart
        var exponent = 0
        if p < end, p.pointee == UInt8(ascii: ".") {
            p += 1
            let fractionStart = p
            readDigits(&p, end, into: &w)
            exponent = fractionStart - p
            digitCount += p - fractionStart
        }
        guard digitCount > 0 else { return nil }
        var hugeExponent = false
        if p < end, p.pointee | 0x20 == UInt8(ascii: "e") {
            var e = p + 1
            let sign: UInt8 = e < end ? e.pointee : 0
            let exponentSign = ((Int(sign) ^ 0x2D) &- 1) >> 63  // −1 for `-`, else 0
            e += (Int((sign &- 0x2B) & 0xFD) &- 1) >> 63 & 1
            guard e < end, case let first = e.pointee &- 48, first < 10 else { return nil }
            var written = 0
            if end - e >= 3, case let second = e[1] &- 48, second < 10, e[2] &- 48 >= 10 {
                // Two digits, as printf writes them (`e-05`, `e+00`): at once.
                written = Int(first) &* 10 &+ Int(second)
                e += 2
            } else {
                while e < end, case let digit = e.pointee &- 48, digit < 10 {
                    if written < exponentLimit { written = written &* 10 &+ Int(digit) } else { hugeExponent = true }
                    e += 1
                }
            }
            exponent &+= (written ^ exponentSign) &- exponentSign
            p = e
        }
        if digitCount > 19 || hugeExponent {
            // Leading zeros (and the point among them) are not significant: 0.000…0001234 is fine.
            var significant = digitCount
            var s = digitsStart
            while s < p, s.pointee == UInt8(ascii: "0") || s.pointee == UInt8(ascii: ".") {
                if s.pointee == UInt8(ascii: "0") { significant -= 1 }
                s += 1
            }
            if significant > 19 || hugeExponent { return fallback(start, p, into: &value) }
        }
        if exponent >= -22, exponent <= 22, digitCount <= 15 {  // w < 10¹⁵
            let magnitude = exponent < 0 ? Double(w) / exactPowersOfTen[-exponent] : Double(w) * exactPowersOfTen[exponent]
            value = Double(bitPattern: magnitude.bitPattern | signBit)
            return p
        }
        guard let magnitude = EiselLemire.value(significand: w, exponent: exponent) else {
            return fallback(start, p, into: &value)
        }
        value = Double(bitPattern: magnitude.bitPattern | signBit)
        return p
    }

    /// Reads the digits at `p` into `w` (`w = 10·w + digit`, wrapping past 19 digits), eight at a
    /// time where eight bytes are left.
    @inline(__always)
    static func readDigits(_ p: inout UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>, into w: inout UInt64) {
        while end - p >= 8 {
            let word = UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
            let nonDigits = nonDigitBytes(word)
            if nonDigits == 0 {
                w = w &* 100_000_000 &+ eightDigits(word)
                p += 8
                continue
            }
            // The first k bytes are digits: move them to the top and fill the bottom with '0's.
            let k = nonDigits.trailingZeroBitCount >> 3
            if k > 0 {
                let shift = UInt64(64 - 8 * k)
                w = w &* exactPowersOfTenInteger[k] &+ eightDigits(word << shift | 0x3030_3030_3030_3030 >> UInt64(8 * k))
                p += k
            }
            return
        }
        while p < end, case let digit = p.pointee &- 48, digit < 10 {
            w = w &* 10 &+ UInt64(digit)
            p += 1
        }
    }

    /// `Double(_:)` on ASCII number text that the fast paths leave to `strtod`.
    @inline(never)
    static func fallback(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>,
                         into value: inout Double) -> UnsafePointer<UInt8>? {
        let text = String(decoding: UnsafeBufferPointer(start: start, count: end - start), as: UTF8.self)
        guard let parsed = Double(text) else { return nil }
        value = parsed
        return end
    }

    /// The top bit of each byte of `word` (first byte in the low bits) that is not an ASCII digit;
    /// exact up to and including the first such byte (later bytes may be flagged by a borrow).
    @inline(__always)
    static func nonDigitBytes(_ word: UInt64) -> UInt64 {
        ((word &+ 0x4646_4646_4646_4646) | (word &- 0x3030_3030_3030_3030)) & 0x8080_8080_8080_8080
    }

    /// The value of eight ASCII digits (first byte in the low bits, most significant), by SWAR:
    /// pairs, then quadruples, then the whole.
    @inline(__always)
    static func eightDigits(_ word: UInt64) -> UInt64 {
        var v = word &- 0x3030_3030_3030_3030
        v = v &* 10 &+ (v >> 8)
        let low = (v & 0x0000_00FF_0000_00FF) &* 0x000F_4240_0000_0064
        let high = ((v >> 16) & 0x0000_00FF_0000_00FF) &* 0x0000_2710_0000_0001
        return (low &+ high) >> 32 & 0xFFFF_FFFF
    }
}
