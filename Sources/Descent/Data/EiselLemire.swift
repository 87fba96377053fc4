/// The Eisel–Lemire algorithm: the correctly rounded `Double` nearest `w · 10^q` for a decimal
/// significand `w` of up to 19 digits, from one or two 64 × 64 → 128-bit products with a table of
/// 128-bit powers of five (``PowersOfFive``).
///
/// Daniel Lemire, "Number Parsing at a Gigabyte per Second", Software: Practice and Experience 51
/// (2021); the same steps as his fast_float library's `compute_float` for binary64, including the
/// original paper's escape: where the truncated product cannot decide the rounding, it says so
/// (`nil`) and the caller asks `strtod`.
enum EiselLemire {
    /// `w · 10^q` rounded to nearest, ties to even, as a positive `Double` (`+∞` above the largest
    /// finite value, `0` below half the smallest subnormal); `nil` where 128 bits cannot decide.
    @inline(__always)
    static func value(significand w: UInt64, exponent q: Int) -> Double? {
        if w == 0 || q < PowersOfFive.smallestExponent { return 0 }
        if q > PowersOfFive.largestExponent { return .infinity }
        let leadingZeros = w.leadingZeroBitCount
        let normalized = w << UInt64(leadingZeros)
        let index = 2 * (q - PowersOfFive.smallestExponent)
        // The product's top 55 bits: 52 explicit + the implicit bit + a rounding bit + one bit that
        // the normalisation below may shift out. A second product refines them where the lower
        // bits of the first are all ones (a carry from below could still change them).
        let (high, low) = PowersOfFive.table.withUnsafeBufferPointer { table in
            var product = normalized.multipliedFullWidth(by: table[index])
            let mask: UInt64 = .max >> 55
            if product.high & mask == mask {
                let second = normalized.multipliedFullWidth(by: table[index + 1])
                let (sum, carry) = product.low.addingReportingOverflow(second.high)
                product.low = sum
                if carry { product.high &+= 1 }
            }
            return (product.high, product.low)
        }
        // The 128-bit power of five is exact only for −27 ≤ q ≤ 55; elsewhere an all-ones low
        // word means the rounding depends on bits the table does not hold.
        if low == .max && (q < -27 || q > 55) { return nil }
        let upperBit = Int(high >> 63)
        let shift = UInt64(upperBit + 64 - 52 - 3)
        var mantissa = high >> shift
        // ⌊log₂(10^q)⌋ + 63 = ((152170 + 65536) · q) >> 16 + 63, valid for |q| ≤ 1200.
        var power2 = ((152_170 + 65_536) * q) >> 16 + 63 + upperBit - leadingZeros + 1023
        if power2 <= 0 {
            // Subnormal (or zero): shift into place, then round half up from the extra bit.
            if -power2 + 1 >= 64 { return 0 }
            mantissa >>= UInt64(-power2 + 1)
            mantissa += mantissa & 1
            mantissa >>= 1
            // Rounding may carry into the smallest normal exponent.
            power2 = mantissa < (1 << 52) ? 0 : 1
            return Double(bitPattern: UInt64(power2) << 52 | (mantissa & ((1 << 52) - 1)))
        }
        // Exactly halfway between two doubles (only possible for −4 ≤ q ≤ 23, where 5^q is exact in
        // the product): round to even instead of up.
        if low <= 1 && q >= -4 && q <= 23 && mantissa & 3 == 1 && (mantissa << shift) == high {
            mantissa &= ~1
        }
        mantissa += mantissa & 1
        mantissa >>= 1
        if mantissa >= (2 << 52) {
            mantissa = 1 << 52
            power2 += 1
        }
        if power2 >= 0x7FF { return .infinity }
        return Double(bitPattern: UInt64(power2) << 52 | (mantissa & ((1 << 52) - 1)))
    }
}
