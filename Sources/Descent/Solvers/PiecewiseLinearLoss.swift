/// The pieces of a piecewise-linear ``Loss`` (``Loss/quantile(_:)``, ``Loss/absolute``,
/// ``Loss/epsilonInsensitive(_:)``) as the exact solver reads them: `ℓ(r) = maxₖ (sₖ·r + eₖ)` with
/// slopes `s₀ < 0 < s_K` and kinks `c₁ < … < c_K` where consecutive pieces meet (`0` for the
/// quantile and absolute losses, `∓ε` for the ε-insensitive one).
struct PiecewiseLinearLoss {
    let loss: Loss
    /// The pieces' slopes `s₀ < … < s_K`.
    let slopes: [Double]
    /// The kinks `c₁ < … < c_K`, where piece `k − 1` meets piece `k`.
    let kinks: [Double]

    /// The pieces of `loss`.
    ///
    /// - Throws: ``DescentError/invalidOption(name:value:expected:)`` naming `loss` for a bad
    ///   parameter (``Loss/validate()``) or a loss that is not piecewise linear.
    init(_ loss: Loss) throws(DescentError) {
        try loss.validate()
        self.loss = loss
        guard loss.isPiecewiseLinear else {
            throw .invalidOption(name: "loss", value: loss.description,
                                 expected: "a piecewise-linear loss: .absolute, .quantile(τ) or .epsilonInsensitive(ε) "
                                     + "(LeastSquares and RobustRegression.verify for the others)")
        }
        (slopes, kinks) = (loss.pieceSlopes, loss.kinks)
    }

    /// `ℓ(r)`.
    @inline(__always)
    func value(_ r: Double) -> Double { loss.value(r) }

    /// `ℓ(cₖ)` at kink `k` (zero-based).
    func valueAtKink(_ k: Int) -> Double { value(kinks[k]) }

    /// The conjugate `ℓ*(g) = sup_r (g·r − ℓ(r))` for `s₀ ≤ g ≤ s_K`: `g·cₖ − ℓ(cₖ)` on
    /// `[sₖ₋₁, sₖ]` (zero for the quantile and absolute losses, `ε|g|` for the ε-insensitive one).
    func conjugate(_ g: Double) -> Double {
        var k = 0
        while k < kinks.count - 1 && g > slopes[k + 1] { k += 1 }
        return g * kinks[k] - value(kinks[k])
    }

    /// The slope of the piece `r` lies on (off the kinks).
    func slope(at r: Double) -> Double {
        var k = 0
        while k < kinks.count && r > kinks[k] { k += 1 }
        return slopes[k]
    }
}
