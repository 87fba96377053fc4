#if canImport(Glibc)
import Glibc
#endif

/// Inverts an upper tail: the s ≥ 0 with `S(s) = q`, for a survival function S that falls from
/// ½ at 0 to 0 at +∞ (a symmetric distribution's right half).
///
/// Newton's method on `log S` against `log s`, where both the power-law tails of small ν
/// (`S ∝ s^(−ν)`, a straight line: one step) and the normal-like tails of large ν are nearly
/// linear, safeguarded by a bracket: every evaluated point narrows `[low, high]` by the sign of
/// `S(s) − q`, and a Newton step that leaves the bracket, or (above the noise floor) does not
/// halve the move before last, is replaced by bisection: geometric while the bracket spans
/// more than a factor of 2, squaring outwards while it is open above. It stops when a step
/// moves s by at most 2 ulps (or points within 2 ulps past an end of the bracket); when steps
/// stop shrinking below 10⁻¹² relative (the rounding of S itself, a few ulps, is then what
/// moves s); when the bracket is 2 ulps wide; or after ``iterationLimit`` evaluations, so it
/// terminates for every input.
enum UpperTailInversion {
    /// The most evaluations of S. From Hill's start 1 to 5 are typical for ν ≥ 1 (measured
    /// over ν from 1 to ∞ and p from 10⁻³⁰⁰ to ½); bisection from 1 out to 10³⁰⁸ and down to an
    /// ulp needs about 75.
    static let iterationLimit = 300

    /// Newton moves below this relative size are at the noise floor of an accurate S.
    private static let noiseFloor = 1e-12

    /// The s ≥ 0 with `survival(s) = q`, for 0 < q < ½, or +∞ if `survival` stays above q up to
    /// the largest finite `Double`.
    ///
    /// - Parameters:
    ///   - q: The upper-tail probability.
    ///   - start: A first guess; any positive finite value works, a good one saves steps.
    ///   - survival: S, decreasing, accurate in the tail (no `1 − p`).
    ///   - logDensity: `log(−S′(s))`, finite where S underflows, for the Newton slope.
    static func solve(_ q: Double, start: Double,
                      survival: (Double) -> Double, logDensity: (Double) -> Double) -> Double {
        let logQ = log(q)
        var low = 0.0, high = Double.infinity
        var s = start > 0 && start.isFinite ? start : 1
        // Relative sizes |log(next/s)| of the last two Newton moves.
        var moves = (Double.infinity, Double.infinity)
        for _ in 0..<iterationLimit {
            let tail = survival(s)
            if tail == q { return s }
            if tail > q { low = s } else { high = s }
            if high - low <= 2 * high.ulp { return s }
            let newton = newtonStep(from: s, tail: tail, logQ: logQ, logDensity: logDensity)
            // Converged: Newton stays within 2 ulps of s, or of the bracket's end it points past
            // (that end was evaluated, so the root is within rounding of it).
            if Swift.abs(newton - s) <= 2 * s.ulp { return newton }
            if newton <= low, low - newton <= 2 * low.ulp { return low }
            if newton >= high, newton - high <= 2 * high.ulp { return high }
            guard newton > low && newton < high else {
                guard let bisected = bisect(low, high, from: s) else { return .infinity }
                s = bisected
                moves = (.infinity, .infinity)
                continue
            }
            let move = Swift.abs(log(newton / s))
            if move < noiseFloor && move >= moves.1 { return newton }
            if move >= noiseFloor && move > 0.5 * moves.0 && high.isFinite {
                s = bisect(low, high, from: s) ?? s
                moves = (.infinity, .infinity)
                continue
            }
            moves = (moves.1, move)
            s = newton
        }
        return s
    }

    /// `s·exp(δ)` with `δ = −(log S − log q) / (d log S / d log s)` and
    /// `d log S / d log s = −s·f(s)/S(s)`, or NaN where S underflowed or the slope vanished.
    private static func newtonStep(from s: Double, tail: Double, logQ: Double,
                                   logDensity: (Double) -> Double) -> Double {
        guard tail > 0 else { return .nan }
        let logTail = log(tail)
        let slope = -exp(log(s) + logDensity(s) - logTail)
        let delta = -(logTail - logQ) / slope
        return s + s * expm1(delta)   // s·exp(δ), exact to an ulp when δ is tiny
    }

    /// The next point when Newton cannot be trusted: outwards while the bracket is open above
    /// (16·s, or s² beyond 16, so 10³⁰⁸ is reached in a dozen steps; nil once the largest
    /// finite `Double` has been tried), a sixteenth of the way down while it is open below, the
    /// geometric mean for a wide bracket and the midpoint for a narrow one.
    private static func bisect(_ low: Double, _ high: Double, from s: Double) -> Double? {
        if high == .infinity {
            if s == .greatestFiniteMagnitude { return nil }
            return Swift.min(Swift.max(s * 16, s * s), .greatestFiniteMagnitude)
        }
        if low == 0 { return high / 16 }
        if high > 2 * low { return low.squareRoot() * high.squareRoot() }
        return low + (high - low) / 2
    }
}
