import Testing
@testable import Descent

/// Double-double arithmetic against exact answers: integer arithmetic in `Int128` for the
/// error-free transformations, values expanded by hand for products, constants correctly rounded
/// to double-double (mpmath, 80 digits) for division and square root, and `Float80` on x86-64.
@Suite("Double-double arithmetic")
struct DoubleDoubleTests {
    typealias DD = DoubleDouble
    /// Double-double's resolution: 2⁻¹⁰⁴ relative, about 32 significant digits (4.9·10⁻³²).
    static let resolution = 0x1p-104

    /// `(x − (hi + lo))/|hi|`, for a reference `hi + lo` correctly rounded to double-double.
    static func relativeError(_ x: DD, hi: Double, lo: Double) -> Double {
        ((x.hi - hi) + (x.lo - lo)) / Swift.abs(hi)
    }

    /// Random integer-valued `Double`s: a 53-bit significand shifted left by `0...maxShift` bits,
    /// either sign.
    static func integers(_ count: Int, maxShift: Int, seed: UInt64) -> [Double] {
        var random = RandomSource(seed: seed)
        return (0..<count).map { _ in
            let significand = Double(random.next() >> 11)                  // < 2⁵³, exact
            let shifted = significand * Double(sign: .plus, exponent: Int(random.next() % UInt64(maxShift + 1)),
                                                significand: 1)
            return random.next() % 2 == 0 ? shifted : -shifted
        }
    }

    @Test("two-sum is exact: a + b = s + e in Int128, with s = fl(a + b)")
    func twoSumExact() throws {
        let a = Self.integers(500, maxShift: 70, seed: 1), b = Self.integers(500, maxShift: 70, seed: 2)
        for (x, y) in zip(a, b) {
            let sum = DD.twoSum(x, y)
            #expect(sum.hi == x + y)
            let exact = try #require(Int128(exactly: x)) + (try #require(Int128(exactly: y)))
            #expect(exact == (try #require(Int128(exactly: sum.hi))) + (try #require(Int128(exactly: sum.lo))),
                    "\(x) + \(y)")
            #expect(Swift.abs(sum.lo) <= sum.hi.ulp / 2)
        }
        // Across very different exponents: 1 + 2⁻¹⁰⁰ keeps both parts.
        let tiny = DD.twoSum(1, 0x1p-100)
        #expect(tiny.hi == 1 && tiny.lo == 0x1p-100)
    }

    @Test("two-product is exact: a·b = p + e in Int128, with p = fl(a·b)")
    func twoProductExact() throws {
        let a = Self.integers(500, maxShift: 10, seed: 3), b = Self.integers(500, maxShift: 10, seed: 4)
        for (x, y) in zip(a, b) {
            let product = DD.twoProduct(x, y)
            #expect(product.hi == x * y)
            let exact = try #require(Int128(exactly: x)) * (try #require(Int128(exactly: y)))
            #expect(exact == (try #require(Int128(exactly: product.hi))) + (try #require(Int128(exactly: product.lo))),
                    "\(x) · \(y)")
        }
    }

    @Test("products expanded by hand")
    func products() {
        // (1 + 2⁻³⁰)² = 1 + 2⁻²⁹ + 2⁻⁶⁰: every bit fits in 106.
        let a = DD(1 + 0x1p-30) * DD(1 + 0x1p-30)
        #expect(a.hi == 1 + 0x1p-29 && a.lo == 0x1p-60)
        // (1 + 2⁻⁶⁰)² = 1 + 2⁻⁵⁹ + 2⁻¹²⁰: the last term is 2⁻¹²⁰, below the 106-bit resolution,
        // and is rounded away; the rest is exact.
        let b = DD(hi: 1, lo: 0x1p-60)
        for square in [b * b, b.squared] { #expect(square.hi == 1 && square.lo == 0x1p-59) }
        // (2²⁷ + 1)(2²⁷ − 1) = 2⁵⁴ − 1, which Double alone rounds to 2⁵⁴.
        let c = DD(0x1p27 + 1) * DD(0x1p27 - 1)
        #expect(c.hi == 0x1p54 && c.lo == -1)
        // A double-double times a double: (1 + 2⁻⁶⁰)·3 = 3 + 3·2⁻⁶⁰.
        let d = b * 3
        #expect(d.hi == 3 && d.lo == 3 * 0x1p-60)
    }

    @Test("sums keep what Double loses, and cancel exactly")
    func sums() {
        let a = DD(hi: 1, lo: 0x1p-60)
        #expect((a - 1) == DD(0x1p-60))
        #expect((a - a) == .zero)
        // 10⁻²⁰ survives being added to 1 and subtracting 1 again.
        let b = (DD(1) + DD(1e-20)) - DD(1)
        #expect(b.hi == 1e-20)
        // Σ 0.1 (as a double-double) ten times is 1 to within the resolution.
        let tenth = DD(1) / DD(10)
        var sum = DD.zero
        for _ in 0..<10 { sum += tenth }
        #expect(Swift.abs(Self.relativeError(sum, hi: 1, lo: 0)) <= 4 * Self.resolution)
    }

    @Test("division and square root to ~32 digits against correctly rounded constants")
    func constants() {
        // hi and lo of each value correctly rounded to double-double (mpmath, 80 digits).
        let cases: [(String, DD, Double, Double)] = [
            ("1/3", DD(1) / DD(3), 0x1.5555555555555p-2, 0x1.5555555555555p-56),
            ("1/10", DD(1) / 10, 0x1.999999999999ap-4, -0x1.999999999999ap-58),
            ("22/7", DD(22) / DD(7), 0x1.9249249249249p+1, 0x1.2492492492492p-54),
            ("√2", DD(2).squareRoot(), 0x1.6a09e667f3bcdp+0, -0x1.bdd3413b26456p-54),
            ("√3", DD(3).squareRoot(), 0x1.bb67ae8584caap+0, 0x1.cec95d0b5c1e3p-54),
            ("√(1e−300)", DD(1e-300).squareRoot(), 0x1.a2fe76a3f9475p-499, 0x1.7871024a1f7d2p-556),
        ]
        for (name, value, hi, lo) in cases {
            let error = Self.relativeError(value, hi: hi, lo: lo)
            #expect(Swift.abs(error) <= Self.resolution, "\(name): \(value), relative error \(error)")
            #expect(value.hi == hi, "\(name)")
        }
        #expect(DD(0).squareRoot() == .zero)
        #expect(DD(-1).squareRoot().hi.isNaN)
        #expect(DD(4).squareRoot() == DD(2))
    }

    @Test("division and square root invert multiplication to the resolution")
    func inverses() {
        var random = RandomSource(seed: 11)
        for _ in 0..<300 {
            let a = DD.twoSum(random.nextNormal() * 1e3, random.nextNormal() * 1e-14)
            let b = DD.twoSum(random.nextNormal(), random.nextNormal() * 1e-17)
            // (a/b)·b − a and (√|a|)² − |a|, both in double-double.
            let quotient = (a / b) * b - a
            #expect(Swift.abs(quotient.hi) <= 8 * Self.resolution * Swift.abs(a.hi), "\(a) / \(b)")
            let root = a.magnitude.squareRoot()
            let square = root.squared - a.magnitude
            #expect(Swift.abs(square.hi) <= 8 * Self.resolution * Swift.abs(a.hi), "√\(a)")
        }
    }

    #if arch(x86_64) || arch(i386)
    @Test("division and square root agree with Float80 to its 64 bits")
    func float80() {
        var random = RandomSource(seed: 12)
        for _ in 0..<500 {
            let a = random.nextNormal() * 1e5, b = random.nextNormal() + 0.1
            let quotient = DD(a) / DD(b)
            let reference = Float80(a) / Float80(b)
            #expect(Swift.abs((Float80(quotient.hi) + Float80(quotient.lo) - reference) / reference) <= Float80.ulpOfOne)
            let root = DD(Swift.abs(a)).squareRoot()
            let rootReference = Float80(Swift.abs(a)).squareRoot()
            #expect(Swift.abs((Float80(root.hi) + Float80(root.lo) - rootReference) / rootReference) <= Float80.ulpOfOne)
        }
    }
    #endif

    @Test("conversions: Double and Int exactly, powers of two, comparison")
    func conversions() {
        #expect(DD(0.1).double == 0.1 && DD(0.1).lo == 0)
        let big = DD(Int.max)   // 2⁶³ − 1 needs 63 bits: hi = 2⁶³, lo = −1
        #expect(big.hi == 0x1p63 && big.lo == -1)
        #expect(DD(Int.min) == DD(-0x1p63))
        #expect(DD(-12345) == DD(-12345.0))
        let third = DD(1) / DD(3)
        #expect(third.scaled(byPowerOfTwo: 10) == DD(hi: third.hi * 1024, lo: third.lo * 1024))
        #expect(DD(hi: 1, lo: 0x1p-60) > DD(1) && DD(1) > DD(hi: 1, lo: -0x1p-60))
        #expect(DD(-2).magnitude == DD(2))
        #expect(!DD(.infinity).isFinite && DD(1).isFinite)
    }
}
