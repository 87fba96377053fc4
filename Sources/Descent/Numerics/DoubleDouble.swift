/// A real number held as the unevaluated sum `hi + lo` of two `Double`s, with `hi = fl(hi + lo)`
/// (so `|lo| ≤ ½ ulp(hi)`): 106 significant bits, about 32 decimal digits, with `Double`'s
/// exponent range.
///
/// The arithmetic is built from two error-free transformations: ``twoSum(_:_:)`` (`a + b = s + e`
/// exactly, Knuth) and ``twoProduct(_:_:)`` (`a·b = p + e` exactly, one fused multiply-add). On
/// top of them, with `u = 2⁻⁵³`:
///
/// | operation | relative error (operands normalised) |
/// |---|---|
/// | `+`, `−` | ≤ 3u² of the exact result, even under cancellation |
/// | `*` | ≤ 4u² |
/// | `/` | ≤ 4u² (three quotient digits, a long division) |
/// | ``squareRoot()`` | ≤ 3u² (one Newton step from `√hi`, its residual exact) |
///
/// Following Dekker (1971) and the analysis of Hida, Li and Bailey's double-double library, written
/// here from the definitions. Used where `Double`'s 53 bits do not suffice: the polynomial
/// fit forms powers of `x` and solves its least-squares problem in this type.
///
/// No operation traps. Overflow gives `hi = ±∞` and a `lo` that may be NaN: check
/// ``isFinite`` on results that could leave `Double`'s range. Near the bottom of the range `lo`
/// underflows gradually and precision falls towards `Double`'s.
struct DoubleDouble: Sendable, Hashable, CustomStringConvertible {
    /// The leading part: the value rounded to `Double`.
    var hi: Double
    /// The trailing part: what `hi` leaves out, `|lo| ≤ ½ ulp(hi)`.
    var lo: Double

    /// `x` exactly.
    init(_ x: Double) {
        hi = x
        lo = 0
    }

    /// `hi + lo` for parts that are already normalised (`hi = fl(hi + lo)`); unchecked.
    init(hi: Double, lo: Double) {
        self.hi = hi
        self.lo = lo
    }

    /// `x` exactly (any `Int`: its 64 bits fit in the 106).
    init(_ x: Int) {
        let high = Double(x)   // rounds to nearest; x − high is exact in Int unless high = 2⁶³
        if high == 0x1p63 {
            self = DoubleDouble(hi: high, lo: 0) + DoubleDouble(Double(x - Int.max) - 1)
        } else {
            self = DoubleDouble.twoSum(high, Double(x - Int(high)))
        }
    }

    static let zero = DoubleDouble(0.0)
    static let one = DoubleDouble(1.0)

    /// The value rounded to `Double` (`hi`, since the parts are normalised).
    var double: Double { hi }

    /// Whether both parts are finite.
    var isFinite: Bool { hi.isFinite && lo.isFinite }

    /// `|self|`.
    var magnitude: DoubleDouble { hi < 0 ? -self : self }

    /// `hi + lo`, each part in the shortest digits that round-trip (every bit), for diagnostics.
    var description: String { "\(hi) + \(lo)" }

    // MARK: Error-free transformations

    /// `a + b = s + e` exactly, with `s = fl(a + b)` (Knuth's branch-free two-sum: 6 flops).
    static func twoSum(_ a: Double, _ b: Double) -> DoubleDouble {
        let s = a + b
        let bVirtual = s - a
        let aVirtual = s - bVirtual
        let e = (a - aVirtual) + (b - bVirtual)
        return DoubleDouble(hi: s, lo: e)
    }

    /// `a + b = s + e` exactly, with `s = fl(a + b)`, when `|a| ≥ |b|` or `a = 0` (Dekker: 3 flops).
    static func quickTwoSum(_ a: Double, _ b: Double) -> DoubleDouble {
        let s = a + b
        return DoubleDouble(hi: s, lo: b - (s - a))
    }

    /// `a · b = p + e` exactly, with `p = fl(a · b)`: `e = fma(a, b, −p)` (barring over- and
    /// underflow).
    static func twoProduct(_ a: Double, _ b: Double) -> DoubleDouble {
        let p = a * b
        return DoubleDouble(hi: p, lo: (-p).addingProduct(a, b))
    }

    // MARK: Arithmetic

    static prefix func - (x: DoubleDouble) -> DoubleDouble { DoubleDouble(hi: -x.hi, lo: -x.lo) }

    /// `a + b`: both pairs of parts summed without error, then renormalised twice, so the result is
    /// accurate even when `a ≈ −b`.
    static func + (a: DoubleDouble, b: DoubleDouble) -> DoubleDouble {
        var s = twoSum(a.hi, b.hi)
        let t = twoSum(a.lo, b.lo)
        s.lo += t.hi
        s = quickTwoSum(s.hi, s.lo)
        s.lo += t.lo
        return quickTwoSum(s.hi, s.lo)
    }

    /// `a + b` for a `Double` `b`.
    static func + (a: DoubleDouble, b: Double) -> DoubleDouble {
        var s = twoSum(a.hi, b)
        s.lo += a.lo
        return quickTwoSum(s.hi, s.lo)
    }

    static func - (a: DoubleDouble, b: DoubleDouble) -> DoubleDouble { a + -b }
    static func - (a: DoubleDouble, b: Double) -> DoubleDouble { a + -b }

    /// `a · b`: the leading product without error, the cross terms in `Double` (`a.lo·b.lo` is
    /// below the result's last bit).
    static func * (a: DoubleDouble, b: DoubleDouble) -> DoubleDouble {
        var p = twoProduct(a.hi, b.hi)
        p.lo += a.hi * b.lo + a.lo * b.hi
        return quickTwoSum(p.hi, p.lo)
    }

    /// `a · b` for a `Double` `b`.
    static func * (a: DoubleDouble, b: Double) -> DoubleDouble {
        var p = twoProduct(a.hi, b)
        p.lo += a.lo * b
        return quickTwoSum(p.hi, p.lo)
    }

    /// `a / b` by long division: three `Double` quotient digits, each remainder formed exactly
    /// enough (`a − q·b` in double-double) for the next.
    static func / (a: DoubleDouble, b: DoubleDouble) -> DoubleDouble {
        let q1 = a.hi / b.hi
        var r = a - b * q1
        let q2 = r.hi / b.hi
        r = r - b * q2
        let q3 = r.hi / b.hi
        return quickTwoSum(q1, q2) + q3
    }

    /// `a / b` for a `Double` `b`.
    static func / (a: DoubleDouble, b: Double) -> DoubleDouble { a / DoubleDouble(b) }

    static func += (a: inout DoubleDouble, b: DoubleDouble) { a = a + b }
    static func -= (a: inout DoubleDouble, b: DoubleDouble) { a = a - b }
    static func *= (a: inout DoubleDouble, b: DoubleDouble) { a = a * b }
    static func /= (a: inout DoubleDouble, b: DoubleDouble) { a = a / b }

    /// `√self`: `s = √hi` in `Double`, then one Newton step `s + (x − s²)/(2s)` whose residual
    /// `x − s²` is exact (`s²` by ``twoProduct(_:_:)``). The argument is first scaled by an even
    /// power of two to near 1, so that the residual neither underflows nor overflows at the ends
    /// of `Double`'s range. NaN for negative values, as `Double`'s.
    func squareRoot() -> DoubleDouble {
        guard hi > 0 else { return hi == 0 ? .zero : DoubleDouble(hi: .nan, lo: .nan) }
        guard hi.isFinite else { return DoubleDouble(hi.squareRoot()) }
        let half = Int(hi.exponent) / 2
        let x = scaled(byPowerOfTwo: -2 * half)
        let s = x.hi.squareRoot()
        let residual = x - DoubleDouble.twoProduct(s, s)
        return DoubleDouble.quickTwoSum(s, residual.hi / (2 * s)).scaled(byPowerOfTwo: half)
    }

    /// `self · 2ⁿ`, exact unless it leaves `Double`'s normal range.
    func scaled(byPowerOfTwo n: Int) -> DoubleDouble {
        DoubleDouble(hi: Double(sign: .plus, exponent: n, significand: hi),
                     lo: Double(sign: .plus, exponent: n, significand: lo))
    }

    /// `self²`, a little cheaper than `self * self`.
    var squared: DoubleDouble {
        var p = DoubleDouble.twoProduct(hi, hi)
        p.lo += 2 * hi * lo
        return DoubleDouble.quickTwoSum(p.hi, p.lo)
    }
}

extension DoubleDouble: Comparable {
    static func < (a: DoubleDouble, b: DoubleDouble) -> Bool { a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo) }
}
