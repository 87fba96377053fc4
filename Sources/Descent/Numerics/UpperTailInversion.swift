#if canImport(Glibc)
import Glibc
#endif

/// Inverts an upper tail: the s ≥ 0 with `S(s) = q`, for a survival function S that falls from
/// ½ at 0 to 0 at +∞ (a symmetric distribution's right half).
///
/// Newton's method on `log S` against `log s`, where both the power-law tails of small ν
/// (`S ∝ s^(−ν)`, a straight line: one step) and the normal-like tails of large ν are nearly
/// linear, safeguarded by a bracket: every evaluated point narrows `[low, high]` by the sign
/// of `S(s) − q`, and a Newton step that leaves the bracket, or that does not halve the move
/// before last, is replaced by bisection (geometric while the bracket spans more than a
/// factor of 2). It stops when a step moves s by at most 2 ulps, when the bracket is that
/// narrow, or after ``iterationLimit`` evaluations, so it terminates for every input.
enum UpperTailInversion {
    /// The most evaluations of S: a bracket from 10⁻³⁰⁸ to 10³⁰⁸ bisects geometrically to
    /// a factor of 2 in about 11 steps and then to an ulp in 53, far fewer than this.
    static let iterationLimit = 300

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
        // |log(next/s)| of the last two moves: a Newton move must at least halve the one before
        // last, or it is replaced by bisection (Numerical Recipes' rtsafe rule).
        var moves = (Double.infinity, Double.infinity)
        for _ in 0..<iterationLimit {
            let tail = survival(s)
            if tail == q { return s }
            if tail > q { low = s } else { high = s }
            if high - low <= 2 * high.ulp { return s }
            var next = newtonStep(from: s, tail: tail, logQ: logQ, logDensity: logDensity)
            let inside = next > low && next < high
            if !inside || Swift.abs(log(next / s)) > 0.5 * moves.0 {
                guard let bisected = bisect(low, high, from: s) else { return .infinity }
                next = bisected
            }
            if Swift.abs(next - s) <= 2 * s.ulp { return next }
            moves = (moves.1, Swift.abs(log(next / s)))
            s = next
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

    /// The next point when Newton cannot be trusted: beyond s while the bracket is open above
    /// (nil once the largest finite `Double` is passed), towards 0 while it is open below, the
    /// geometric mean for a wide bracket and the midpoint for a narrow one.
    private static func bisect(_ low: Double, _ high: Double, from s: Double) -> Double? {
        if high == .infinity {
            if s == .greatestFiniteMagnitude { return nil }
            return Swift.min(s * 16, .greatestFiniteMagnitude)
        }
        if low == 0 { return high / 16 }
        if high > 2 * low { return low.squareRoot() * high.squareRoot() }
        return low + (high - low) / 2
    }
}
